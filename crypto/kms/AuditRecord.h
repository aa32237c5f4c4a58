#pragma once

// One audit event before it is written: the few values a call contributes, kept as they are,
// and turned into the event's JSON bytes only when the batch is written (AuditLog::flush).
//
// Why not a QJsonObject per call: building one and serialising it through QJsonDocument was
// about half the cost of an Encrypt. The bytes written here are exactly the bytes
// QJsonDocument(toJsonObject()).toJson(Compact) gives (keys in QJsonObject's sorted order,
// Qt's escaping), so the stored events and their hash chain are unchanged (docs/audit.md);
// tst_audit_record checks that byte for byte.

#include "core/KmsError.h"

#include <QDateTime>
#include <QJsonObject>
#include <QMap>
#include <QString>
#include <QUuid>

#include <optional>

namespace qkms::kms {

struct AuditRecord {
    QString principalArn;   ///< userIdentity.arn
    QString accountId;      ///< userIdentity.accountId, recipientAccountId, resources[].accountId
    QString region;         ///< awsRegion
    QString frontEnd;       ///< additionalEventData.frontEnd, and the user agent
    QString sourceAddress;  ///< sourceIPAddress; empty: "qkms-<frontEnd>"
    QDateTime time;         ///< eventTime (ISO 8601, seconds)
    QString operation;      ///< eventName
    QString keyArn;         ///< resources[0].ARN; empty: no resources member
    QJsonObject params;     ///< requestParameters (never a secret)
    /// requestParameters already written as compact JSON (AuditParams) by the hot operations;
    /// when not empty it is used instead of `params`.
    QByteArray paramsJson;
    std::optional<KmsError> error; ///< errorCode and errorMessage
    QUuid eventId;          ///< eventID
    bool simulatedTime = false; ///< additionalEventData.simulatedTime

    /// The event as a QJsonObject: the reference shape (tests, and what readers parse back).
    [[nodiscard]] QJsonObject toJsonObject() const;
    /// The event's compact JSON bytes, identical to QJsonDocument(toJsonObject()).toJson(Compact),
    /// built directly.
    [[nodiscard]] QByteArray toJson() const;

    /// userIdentity.type for a principal: Root, AssumedRole or IAMUser.
    [[nodiscard]] static QString identityType(const QString &principalArn);
    /// readOnly: Describe*, List* and Get* operations.
    [[nodiscard]] static bool isReadOnly(const QString &operation);
    /// The userAgent member: "qkms/<version> <frontEnd>".
    [[nodiscard]] static QString userAgent(const QString &frontEnd);
};

/// requestParameters written straight to their compact JSON bytes, for the operations that run
/// thousands of times a second (Encrypt, Decrypt, GenerateDataKey): building a QJsonObject and
/// an encryption-context object per call cost ~16k instructions. Members must be added in
/// QJsonObject's order (sorted by key); the bytes equal QJsonDocument's for the same object
/// (tst_audit_record checks), so events and their hash chain do not depend on which path wrote them.
class AuditParams
{
public:
    AuditParams() { m_out.reserve(160); }
    /// A string member; `key` is ASCII and sorts after the previous one.
    AuditParams &add(QLatin1StringView key, QStringView value);
    /// An integer member.
    AuditParams &add(QLatin1StringView key, int value);
    /// An object of string members (an encryption context). Keys in QMap order, which is
    /// QJsonObject's for ASCII keys; a context with another key goes through QJsonObject.
    AuditParams &add(QLatin1StringView key, const QMap<QString, QString> &members);
    /// The object's bytes, `{...}`.
    [[nodiscard]] QByteArray take();

private:
    void beginMember(QLatin1StringView key);
    QByteArray m_out;
};

/// t.toString(Qt::ISODate), remembered per second for UTC times (per thread): formatting a
/// QDateTime costs more than the rest of an audit event, and a busy second formats one value.
[[nodiscard]] QString isoDateTime(const QDateTime &t);

} // namespace qkms::kms
