#pragma once

// One audit event as the console shows it, and the reads of the audit table that the event
// history needs. AuditLog::events() gives events without their sequence numbers and only forwards;
// the history reads newest first and pages backwards, and must know each event's seq (the chain's
// position, what verify names), so it reads (seq, event) pairs itself. Every read flushes the
// log's group-commit buffer first, as AuditLog's own reads do.

#include "core/KmsError.h"

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QString>

namespace qkms::kms {
class KmsService;
}

namespace qkms::model {

/// The fields of one CloudTrail-shaped audit record that the history shows and filters on.
struct AuditEvent {
    qint64 seq = 0;          ///< position in the region's chain (1 = first)
    QDateTime time;          ///< eventTime, UTC
    QString operation;       ///< eventName ("Encrypt")
    QString principalArn;    ///< userIdentity.arn
    QString keyArn;          ///< the first AWS::KMS::Key resource (empty for ListKeys, CreateAlias…)
    QString errorCode;       ///< AWS exception name; empty when the call succeeded
    QString errorMessage;
    QString frontEnd;        ///< additionalEventData.frontEnd: console, cli, endpoint, scheduler
    bool readOnly = false;
    QByteArray json;         ///< the stored record, compact (the details view indents it)

    [[nodiscard]] bool succeeded() const { return errorCode.isEmpty(); }
    /// The key id at the end of keyArn (empty when the event names no key).
    [[nodiscard]] QString keyId() const;
    /// The principal without its "arn:aws:iam::<account>:" prefix: "root", "user/alice".
    [[nodiscard]] QString principalName() const;
    /// The record indented for reading.
    [[nodiscard]] QString prettyJson() const;
    /// Parses a stored record; fields it lacks stay empty (a tampered record still shows).
    [[nodiscard]] static AuditEvent fromJson(qint64 seq, const QByteArray &json);
};

namespace auditlog {

/// Events with seq > `afterSeq`, oldest first, at most `limit` (1..100000). StorageException on
/// failure (also when the buffered events cannot be written first).
[[nodiscard]] Result<QList<AuditEvent>> newer(kms::KmsService &service, qint64 afterSeq, int limit);
/// Events with seq < `beforeSeq`, newest first, at most `limit` (1..100000). Errors as newer().
[[nodiscard]] Result<QList<AuditEvent>> older(kms::KmsService &service, qint64 beforeSeq, int limit);

} // namespace auditlog

} // namespace qkms::model
