#pragma once

// The audit trail of one region: every operation from every front end, CloudTrail-shaped,
// hash-chained so that editing, deleting or reordering an event is detected by verify().
//
// Group commit (docs/audit.md): events of cryptographic operations (Encrypt, Decrypt,
// GenerateDataKey, Sign, …) are buffered and written together — when 256 are waiting, when the
// oldest has waited 100 ms, before any read of the log, and when the log is destroyed. Every
// other event (anything that changes a key, an alias, a policy…) is written at once, together
// with what is buffered. A crash can therefore lose at most the last 100 ms of cryptographic-
// operation events; it never breaks the chain, and it never loses a management event.

#include "core/KmsError.h"
#include "kms/AuditRecord.h"

#include <QElapsedTimer>
#include <QIODevice>
#include <QJsonObject>
#include <QList>

namespace qkms::store {
class Database;
}

namespace qkms::kms {

struct AuditVerification {
    qint64 events = 0;        ///< how many events were checked
    qint64 firstBroken = 0;   ///< sequence number of the first bad link (0 = the chain is intact)
    QString problem;          ///< what is wrong there
    [[nodiscard]] bool intact() const { return firstBroken == 0; }
};

class AuditLog
{
public:
    explicit AuditLog(store::Database &db) : m_db(db) {}
    /// Writes what is still buffered.
    ~AuditLog();
    AuditLog(const AuditLog &) = delete;
    AuditLog &operator=(const AuditLog &) = delete;

    /// Appends one event (which must hold no secret) to the chain; buffered for cryptographic
    /// operations, written at once for everything else. The event is kept as it is and turned
    /// into JSON when its batch is written.
    [[nodiscard]] Status append(AuditRecord event);
    /// Writes every buffered event now, in one transaction. Links them to whatever is last in
    /// the file, so two processes appending to one region interleave without breaking the chain.
    [[nodiscard]] Status flush();
    /// Walks the whole chain and names the first broken link.
    [[nodiscard]] Result<AuditVerification> verify();
    /// Events in order, newest last; `limit` 0 = all.
    [[nodiscard]] Result<QList<QJsonObject>> events(qint64 afterSeq = 0, int limit = 0);
    /// Writes every event as one JSON line (CloudTrail record shape).
    [[nodiscard]] Status exportJsonLines(QIODevice &out);

    /// The link hash: SHA-256(prev ‖ u64 seq ‖ event bytes).
    [[nodiscard]] static QByteArray linkHash(const QByteArray &prev, qint64 seq, const QByteArray &event);
    /// Rows this log has inserted through its connection (RegionCache subtracts them from
    /// total_changes(): writing the audit changes nothing the cache holds).
    [[nodiscard]] qint64 rowsWritten() const { return m_rowsWritten; }
    /// True for the operations whose events may wait for a group commit.
    [[nodiscard]] static bool isBatchable(const QString &eventName);

private:
    store::Database &m_db;
    QList<AuditRecord> m_pending;
    QElapsedTimer m_oldestPending;
    qint64 m_rowsWritten = 0;
};

} // namespace qkms::kms
