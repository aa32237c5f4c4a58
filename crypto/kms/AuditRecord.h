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

/// t.toString(Qt::ISODate), remembered per second for UTC times (per thread): formatting a
/// QDateTime costs more than the rest of an audit event, and a busy second formats one value.
[[nodiscard]] QString isoDateTime(const QDateTime &t);

} // namespace qkms::kms
