#include "kms/AuditLog.h"

#include "primitives/IncrementalHash.h"
#include "primitives/Primitives.h"
#include "store/Database.h"

#include <QJsonDocument>
#include <QSet>
#include <QtEndian>

namespace qkms::kms {

QByteArray AuditLog::linkHash(const QByteArray &prev, qint64 seq, const QByteArray &event)
{
    char seqBytes[8];
    qToBigEndian(static_cast<quint64>(seq), seqBytes);
    // Straight through OpenSSL: a QCA::Hash per event cost more than hashing the event.
    crypto::IncrementalHash h(crypto::HashAlg::Sha256);
    h.add(prev.constData(), prev.size());
    h.add(seqBytes, 8);
    h.add(event.constData(), event.size());
    if (QByteArray hash = h.result(); !hash.isEmpty())
        return hash;
    QByteArray input = prev;
    input.append(seqBytes, 8).append(event);
    return crypto::digest(crypto::HashAlg::Sha256, input);
}

namespace {
constexpr int kMaxPending = 256;
constexpr qint64 kMaxWaitMs = 100;
} // namespace

AuditLog::~AuditLog()
{
    if (auto st = flush(); !st)
        qWarning("qkms: %d audit events could not be written: %s", int(m_pending.size()), qPrintable(st.error().message));
}

bool AuditLog::isBatchable(const QString &eventName)
{
    static const QSet<QString> names = {
        QStringLiteral("Encrypt"),        QStringLiteral("Decrypt"),         QStringLiteral("ReEncrypt"),
        QStringLiteral("GenerateDataKey"), QStringLiteral("GenerateDataKeyWithoutPlaintext"),
        QStringLiteral("GenerateDataKeyPair"), QStringLiteral("GenerateDataKeyPairWithoutPlaintext"),
        QStringLiteral("GenerateRandom"), QStringLiteral("Sign"),            QStringLiteral("Verify"),
        QStringLiteral("GenerateMac"),    QStringLiteral("VerifyMac"),       QStringLiteral("GetPublicKey"),
        QStringLiteral("DescribeKey"),
    };
    return names.contains(eventName);
}

Status AuditLog::append(AuditRecord event)
{
    if (m_pending.isEmpty())
        m_oldestPending.start();
    const bool batchable = isBatchable(event.operation);
    m_pending.append(std::move(event));
    if (!batchable || m_pending.size() >= kMaxPending
        || m_oldestPending.elapsed() >= kMaxWaitMs)
        return flush();
    return {};
}

Status AuditLog::flush()
{
    if (m_pending.isEmpty())
        return {};
    auto tx = store::Transaction::begin(m_db);
    if (!tx)
        return std::unexpected(tx.error());
    auto last = m_db.prepare(QStringLiteral("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1"));
    if (!last)
        return std::unexpected(last.error());
    auto row = last->step();
    if (!row)
        return std::unexpected(row.error());
    qint64 seq = *row ? last->columnInt(0) : 0;
    QByteArray prev = *row ? last->columnBlob(1) : QByteArray(32, '\0');
    auto ins = m_db.prepare(QStringLiteral("INSERT INTO audit (seq, event, prev_hash, hash) "
                                           "VALUES (:seq, :event, :prev, :hash)"));
    if (!ins)
        return std::unexpected(ins.error());
    for (const AuditRecord &event : std::as_const(m_pending)) {
        const QByteArray bytes = event.toJson();
        ++seq;
        const QByteArray hash = linkHash(prev, seq, bytes);
        ins->reset();
        if (auto st = ins->bind(":seq", seq).bind(":event", QString::fromUtf8(bytes)).bind(":prev", prev).bind(":hash", hash).run();
            !st)
            return st;
        ++m_rowsWritten; // counted as total_changes() counts it, whether or not the commit follows
        prev = hash;
    }
    if (auto st = tx->commit(); !st)
        return st;
    m_pending.clear();
    return {};
}

Result<AuditVerification> AuditLog::verify()
{
    if (auto st = flush(); !st)
        return std::unexpected(st.error());
    auto q = m_db.prepare(QStringLiteral("SELECT seq, event, prev_hash, hash FROM audit ORDER BY seq"));
    if (!q)
        return std::unexpected(q.error());
    AuditVerification v;
    QByteArray prev(32, '\0');
    qint64 expected = 1;
    while (true) {
        auto row = q->step();
        if (!row)
            return std::unexpected(row.error());
        if (!*row)
            break;
        const qint64 seq = q->columnInt(0);
        const QByteArray event = q->columnText(1).toUtf8();
        auto broken = [&](const QString &why) {
            v.firstBroken = seq;
            v.problem = why;
            return v;
        };
        if (seq != expected)
            return broken(QStringLiteral("event %1 is missing (found %2 next)").arg(expected).arg(seq));
        if (q->columnBlob(2) != prev)
            return broken(QStringLiteral("event %1 does not link to event %2").arg(seq).arg(seq - 1));
        const QByteArray hash = linkHash(prev, seq, event);
        if (!crypto::constantTimeEquals(hash, q->columnBlob(3)))
            return broken(QStringLiteral("event %1 was altered").arg(seq));
        prev = hash;
        ++expected;
        ++v.events;
    }
    return v;
}

Result<QList<QJsonObject>> AuditLog::events(qint64 afterSeq, int limit)
{
    if (auto st = flush(); !st)
        return std::unexpected(st.error());
    auto q = m_db.prepare(QStringLiteral("SELECT event FROM audit WHERE seq > :after ORDER BY seq LIMIT :limit"));
    if (!q)
        return std::unexpected(q.error());
    q->bind(":after", afterSeq).bind(":limit", limit > 0 ? qint64(limit) : qint64(-1));
    QList<QJsonObject> out;
    while (true) {
        auto row = q->step();
        if (!row)
            return std::unexpected(row.error());
        if (!*row)
            break;
        out.append(QJsonDocument::fromJson(q->columnText(0).toUtf8()).object());
    }
    return out;
}

Status AuditLog::exportJsonLines(QIODevice &out)
{
    if (auto st = flush(); !st)
        return std::unexpected(st.error());
    auto q = m_db.prepare(QStringLiteral("SELECT event FROM audit ORDER BY seq"));
    if (!q)
        return std::unexpected(q.error());
    while (true) {
        auto row = q->step();
        if (!row)
            return std::unexpected(row.error());
        if (!*row)
            break;
        const QByteArray line = q->columnText(0).toUtf8() + '\n';
        if (out.write(line) != line.size())
            return fail(errors::Storage, QStringLiteral("cannot write the audit export: %1").arg(out.errorString()));
    }
    return {};
}

} // namespace qkms::kms
