#include "KeyCatalog.h"

#include "kms/KeyRows.h"
#include "kms/KmsService.h"
#include "store/Database.h"

#include <QHash>

namespace qkms::model::catalog {

namespace {

// Alias names of the keys in the rowid range (after, last]: the range is the page just read. The
// CROSS JOIN keeps keys as the outer loop, so a page costs one index lookup per key, not a scan
// of every alias in the region.
Result<QHash<QString, QStringList>> aliasesOfRange(store::Database &db, const QString &afterKeyId,
                                                   const QString &lastKeyId)
{
    auto q = db.prepare(QStringLiteral(
        "SELECT k.key_id, a.alias_name FROM keys k CROSS JOIN aliases a ON a.key_id = k.key_id "
        "WHERE k.rowid > COALESCE((SELECT rowid FROM keys WHERE key_id = :after), 0) "
        "AND k.rowid <= (SELECT rowid FROM keys WHERE key_id = :last) ORDER BY a.alias_name"));
    if (!q)
        return std::unexpected(q.error());
    q->bind(":after", afterKeyId).bind(":last", lastKeyId);
    QHash<QString, QStringList> out;
    while (true) {
        auto row = q->step();
        if (!row)
            return std::unexpected(row.error());
        if (!*row)
            break;
        out[q->columnText(0)].append(q->columnText(1));
    }
    return out;
}

} // namespace

Result<KeyPage> fetchPage(kms::KmsService &service, const kms::Caller &caller, const QString &marker, int limit)
{
    // ListKeys decides whether the caller may list keys at all (and records that it did); the
    // metadata of the same page then comes from one query instead of `limit` DescribeKey calls.
    auto listed = service.listKeys(caller, limit, marker);
    if (!listed)
        return std::unexpected(listed.error());
    store::Database &db = service.database();
    auto records = kms::rows::listKeys(db, marker, limit + 1);
    if (!records)
        return std::unexpected(records.error());
    KeyPage page;
    const bool more = records->size() > limit;
    if (more)
        records->resize(limit);
    if (records->isEmpty())
        return page;
    auto aliases = aliasesOfRange(db, marker, records->constLast().keyId);
    if (!aliases)
        return std::unexpected(aliases.error());
    page.rows.reserve(records->size());
    for (kms::KeyRecord &k : *records) {
        QStringList names = aliases->value(k.keyId);
        page.rows.append({std::move(k), std::move(names)});
    }
    if (more)
        page.nextMarker = page.rows.constLast().key.keyId;
    return page;
}

Result<KeyPage> fetchPrefix(kms::KmsService &service, const kms::Caller &caller, int minimum, bool toEnd,
                            int pageSize)
{
    KeyPage all;
    QString marker;
    do {
        auto page = fetchPage(service, caller, marker, pageSize);
        if (!page)
            return std::unexpected(page.error());
        all.rows.append(std::move(page->rows));
        all.nextMarker = page->nextMarker;
        if (!page->nextMarker)
            break;
        marker = *page->nextMarker;
    } while (toEnd || all.rows.size() < minimum);
    return all;
}

Result<qint64> auditHead(kms::KmsService &service)
{
    auto q = service.database().prepare(QStringLiteral("SELECT COALESCE(max(seq), 0) FROM audit"));
    if (!q)
        return std::unexpected(q.error());
    auto row = q->step();
    if (!row)
        return std::unexpected(row.error());
    return *row ? q->columnInt(0) : 0;
}

Result<AuditScan> scanWrites(kms::KmsService &service, qint64 afterSeq)
{
    // The console's own reads (ListKeys, GetKeyPolicy…) are audited too; counting only events
    // that are not read-only keeps a refresh from triggering the next one.
    auto q = service.database().prepare(QStringLiteral(
        "SELECT COALESCE(max(seq), :after), COALESCE(sum(json_extract(event, '$.readOnly') IS NOT 1), 0) "
        "FROM audit WHERE seq > :after"));
    if (!q)
        return std::unexpected(q.error());
    q->bind(":after", afterSeq);
    auto row = q->step();
    if (!row)
        return std::unexpected(row.error());
    AuditScan scan{afterSeq, 0};
    if (*row) {
        scan.lastSeq = q->columnInt(0);
        scan.writes = static_cast<int>(q->columnInt(1));
    }
    return scan;
}

} // namespace qkms::model::catalog
