#pragma once

// The audit trail of one region: every operation from every front end, CloudTrail-shaped,
// hash-chained so that editing, deleting or reordering an event is detected by verify().

#include "core/KmsError.h"

#include <QIODevice>
#include <QJsonObject>

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

    /// Appends one event (which must hold no secret) to the chain.
    [[nodiscard]] Status append(const QJsonObject &event);
    /// Walks the whole chain and names the first broken link.
    [[nodiscard]] Result<AuditVerification> verify() const;
    /// Events in order, newest last; `limit` 0 = all.
    [[nodiscard]] Result<QList<QJsonObject>> events(qint64 afterSeq = 0, int limit = 0) const;
    /// Writes every event as one JSON line (CloudTrail record shape).
    [[nodiscard]] Status exportJsonLines(QIODevice &out) const;

    /// The link hash: SHA-256(prev ‖ u64 seq ‖ event bytes).
    [[nodiscard]] static QByteArray linkHash(const QByteArray &prev, qint64 seq, const QByteArray &event);

private:
    store::Database &m_db;
};

} // namespace qkms::kms
