#pragma once

#include <QDateTime>
#include <QMap>
#include <QString>
#include <QStringList>

#include <optional>

namespace qkms::policy {

/// The values of one condition key in a request. An empty list means the key is absent: AWS
/// treats an empty multi-valued key (no encryption context, no tags) exactly like a missing one.
struct ContextValue {
    QStringList values;
    bool multiValued = false; ///< kms:EncryptionContextKeys, kms:GrantOperations, aws:TagKeys...
};

/// One request as the policy language sees it: who, what, on which key, and the condition keys.
/// Plain data: the engine fills it in for every call, the simulator lets a person edit it.
class RequestContext
{
public:
    QString principalArn; ///< "arn:aws:iam::111122223333:user/Alice", the root, or a service name
    QString action;       ///< "kms:Encrypt"
    QString resourceArn;  ///< key ARN; empty for CreateKey, ListKeys, ListAliases (resource "*")
    QString accountId;    ///< account that owns the resource; empty = the principal's account

    /// Sets a single-valued condition key (replacing any previous value).
    void set(const QString &key, const QString &value);
    /// Sets a multi-valued condition key; an empty list removes the key.
    void setMulti(const QString &key, const QStringList &values);
    /// Removes a condition key.
    void remove(const QString &key);
    /// Sets kms:EncryptionContext:<k> for each pair and kms:EncryptionContextKeys. An empty
    /// context leaves both absent, which is what makes ForAllValues pass and ForAnyValue fail.
    void setEncryptionContext(const QMap<QString, QString> &context);
    /// Sets aws:ResourceTag/<k> for each tag of the key.
    void setResourceTags(const QMap<QString, QString> &tags);
    /// Sets aws:RequestTag/<k> for each tag in the request and aws:TagKeys.
    void setRequestTags(const QMap<QString, QString> &tags);
    /// Sets aws:CurrentTime (ISO 8601, UTC). The engine passes its Clock's time.
    void setCurrentTime(const QDateTime &time);

    /// The values of `key` (names compared as AWS compares them, see canonicalKey()). Falls
    /// back to values derived from the principal for aws:PrincipalArn, aws:PrincipalAccount and
    /// kms:CallerAccount when the caller did not set them. nullopt when absent or empty.
    [[nodiscard]] std::optional<ContextValue> value(const QString &key) const;
    /// Every key set explicitly, as first written, sorted.
    [[nodiscard]] QStringList keys() const;

    /// The account that owns the resource (accountId, else the principal's account).
    [[nodiscard]] QString resourceAccount() const;

    /// Condition key names are case-insensitive, except the part after kms:EncryptionContext:
    /// which is case-sensitive like the context itself. Returns the lookup form of `key`.
    [[nodiscard]] static QString canonicalKey(const QString &key);

private:
    struct Entry {
        QString name; ///< as first written, for display
        ContextValue value;
    };
    QMap<QString, Entry> m_values; ///< canonicalKey → entry
};

/// The 12-digit account of an IAM/STS ARN or bare account id; empty for anything else
/// (service principals, "*").
[[nodiscard]] QString accountOfPrincipal(const QString &principal);

/// "arn:aws:iam::<account>:root".
[[nodiscard]] QString accountRootArn(const QString &accountId);

/// True for exactly twelve ASCII digits.
[[nodiscard]] bool isAccountId(QStringView text);

} // namespace qkms::policy
