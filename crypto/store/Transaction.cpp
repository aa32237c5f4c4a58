#include "store/Database.h"

#include <QDebug>

#include <utility>

using namespace Qt::StringLiterals;

namespace qkms::store {

Result<Transaction> Transaction::begin(Database &db, Kind kind, std::source_location where)
{
    // IMMEDIATE takes the write lock up front: a DEFERRED transaction that reads and then writes
    // can fail with SQLITE_BUSY at its first write, without the busy handler ever waiting.
    const QString sql = kind == Kind::Immediate ? u"BEGIN IMMEDIATE"_s : u"BEGIN DEFERRED"_s;
    if (auto begun = db.exec(sql, where); !begun)
        return std::unexpected(begun.error());
    return Transaction(&db);
}

Transaction::Transaction(Transaction &&other) noexcept : m_db(std::exchange(other.m_db, nullptr)) {}

Transaction::~Transaction()
{
    // SQLite may already have rolled back on its own (e.g. after SQLITE_FULL); ROLLBACK would then
    // fail with "no transaction is active".
    if (!m_db || !m_db->inTransaction())
        return;
    if (auto rolledBack = m_db->exec(u"ROLLBACK"_s); !rolledBack)
        qWarning().noquote() << rolledBack.error().toString(); // a destructor has no one to return to
}

Status Transaction::commit(std::source_location where)
{
    if (!m_db)
        return fail(errors::Storage, u"commit() on a finished or moved-from transaction"_s);
    if (auto committed = m_db->exec(u"COMMIT"_s, where); !committed)
        return committed; // still open: the destructor rolls it back
    m_db = nullptr;
    return {};
}

} // namespace qkms::store
