#pragma once

// The policies the Policies pane edits: one key policy per customer managed key and every inline
// identity policy of every IAM user and role, read on the engine worker as one catalog.

#include "core/KmsError.h"
#include "iam/PrincipalStore.h"
#include "kms/Requests.h"

#include <QAbstractListModel>
#include <QList>
#include <QStringList>

namespace qkms::kms {
class KmsService;
}

namespace qkms::model {

class EngineRunner;

/// Names one editable policy: a key's "default" policy or a principal's inline policy.
struct PolicyRef {
    enum class Kind { KeyPolicy, IdentityPolicy };
    Kind kind = Kind::KeyPolicy;
    QString keyId;  ///< key policies: the key
    QString keyArn; ///< key policies: the key's ARN
    QStringList aliases;
    iam::PrincipalKind principalKind = iam::PrincipalKind::User; ///< identity policies
    QString principalName;
    QString principalArn;
    QString policyName; ///< "default" for key policies

    /// "alias/orders (1234abcd-…)" or "user/alice · AllowEncrypt": how the list names it.
    [[nodiscard]] QString label() const;
    /// Equal when they name the same policy (labels and aliases aside).
    [[nodiscard]] bool sameAs(const PolicyRef &other) const;
};

/// Everything the pane needs in one read: the policies, the principals the simulator offers,
/// and the keys it offers.
struct PolicyCatalog {
    QList<PolicyRef> policies;   ///< key policies (creation order), then identity policies (by principal)
    QStringList principalArns;   ///< the root, then users and roles; just the caller when it may not list them
    bool principalsListed = false; ///< false when the caller may not list IAM principals (not the root)
    QString identityError;       ///< why identity policies are missing ("AccessDeniedException: …"), or empty
};

namespace policycatalog {
/// Reads the customer managed keys (through ListKeys, as the keys table does) and, when the
/// caller may list principals (the account root), every user's and role's inline policies.
/// Errors: ListKeys's and StorageException; IAM refusals only fill identityError.
[[nodiscard]] Result<PolicyCatalog> load(kms::KmsService &service, const kms::Caller &caller);
} // namespace policycatalog

/// The catalog as a flat list, key policies first. It reloads when the runner's service or
/// caller changes and on refresh().
class PolicyListModel : public QAbstractListModel
{
    Q_OBJECT
public:
    enum Role {
        KindRole = Qt::UserRole + 1, ///< int: PolicyRef::Kind
        KeyIdRole,                   ///< QString
        PrincipalArnRole,            ///< QString
        PolicyNameRole,              ///< QString
    };

    explicit PolicyListModel(EngineRunner *runner, QObject *parent = nullptr);

    [[nodiscard]] int rowCount(const QModelIndex &parent = {}) const override;
    [[nodiscard]] QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    [[nodiscard]] QHash<int, QByteArray> roleNames() const override;

    /// The policy at `row` (a default PolicyRef when out of range).
    [[nodiscard]] PolicyRef policyAt(int row) const;
    /// The row of the policy `ref` names, or -1.
    [[nodiscard]] int indexOf(const PolicyRef &ref) const;
    /// The row of `keyId`'s key policy, or -1.
    [[nodiscard]] int indexOfKey(const QString &keyId) const;
    [[nodiscard]] const PolicyCatalog &catalog() const { return m_catalog; }
    [[nodiscard]] bool isLoaded() const { return m_loaded; }
    /// Why the last load failed ("ExceptionName: message"), or empty.
    [[nodiscard]] QString errorText() const { return m_error; }

public Q_SLOTS:
    /// Reads the catalog again; rows are replaced as one model reset when it arrives.
    void refresh();

Q_SIGNALS:
    /// A load finished (successfully or not).
    void loaded();

private:
    EngineRunner *m_runner;
    PolicyCatalog m_catalog;
    bool m_loaded = false;
    bool m_busy = false;
    bool m_again = false; ///< a refresh was asked for while one ran
    QString m_error;
};

} // namespace qkms::model
