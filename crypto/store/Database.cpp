#include "store/Database.h"

#include <sqlcipher/sqlite3.h>

#include <QFile>
#include <QFileInfo>

using namespace Qt::StringLiterals;

namespace qkms::store {

namespace {

constexpr int kRawKeySize = 32;

// SQLCipher's raw-key form x'<64 hex digits>' skips its per-file PBKDF2: the vault has already
// derived this key once per unlock. The hex text is as secret as the key, so it is built in
// secure memory and never passes through QString or QByteArray.
QCA::SecureArray rawKeyLiteral(const QCA::SecureArray &rawKey)
{
    static constexpr char digits[] = "0123456789abcdef";
    QCA::SecureArray literal(3 + 2 * rawKey.size());
    char *out = literal.data();
    *out++ = 'x';
    *out++ = '\'';
    for (int i = 0; i < rawKey.size(); ++i) {
        const auto byte = static_cast<unsigned char>(rawKey[i]);
        *out++ = digits[byte >> 4];
        *out++ = digits[byte & 0x0f];
    }
    *out = '\'';
    return literal;
}

Status checkKeySize(const QCA::SecureArray &rawKey)
{
    if (rawKey.size() != kRawKeySize)
        return fail(errors::Storage, u"a vault key must be %1 bytes, not %2"_s.arg(kRawKeySize).arg(rawKey.size()));
    return {};
}

// Creates the file empty with mode 0600 before SQLite sees it, so the database never exists
// with wider permissions. setPermissions() after creation makes it independent of the umask;
// SQLite gives its -wal and -shm files the mode of the main file.
Status createPrivateFile(const QString &path)
{
    QFile file(path);
    constexpr auto ownerOnly = QFileDevice::ReadOwner | QFileDevice::WriteOwner;
    if (!file.open(QIODevice::WriteOnly | QIODevice::NewOnly, ownerOnly) || !file.setPermissions(ownerOnly))
        return fail(errors::Storage, u"cannot create vault file %1: %2"_s.arg(path, file.errorString()));
    return {};
}

// True when something other than whitespace and comments follows the first statement.
bool hasMoreStatements(sqlite3 *db, const char *tail, const char *end)
{
    while (tail < end) {
        sqlite3_stmt *next = nullptr;
        const char *after = nullptr;
        const int rc = sqlite3_prepare_v2(db, tail, static_cast<int>(end - tail), &next, &after);
        sqlite3_finalize(next);
        if (rc != SQLITE_OK || next)
            return true;
        if (after <= tail) // no progress: nothing left that SQLite would run
            return false;
        tail = after;
    }
    return false;
}

} // namespace

Database::Database(sqlite3 *db, QString path) : m_db(db), m_path(std::move(path)) {}

Database::~Database()
{
    for (sqlite3_stmt *stmt : std::as_const(m_statementCache))
        sqlite3_finalize(stmt);
    sqlite3_close_v2(m_db);
}

sqlite3_stmt *Database::takeCached(const QString &sql)
{
    return m_statementCache.take(sql);
}

void Database::giveBack(const QString &sql, sqlite3_stmt *stmt)
{
    constexpr qsizetype kMaxCached = 128; // bounds memory if a caller ever builds SQL text dynamically
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
    if (m_statementCache.contains(sql) || m_statementCache.size() >= kMaxCached) {
        sqlite3_finalize(stmt);
        return;
    }
    m_statementCache.insert(sql, stmt);
}

Result<std::unique_ptr<Database>> Database::open(const QString &path, const QCA::SecureArray &rawKey,
                                                 OpenMode mode)
{
    if (auto sized = checkKeySize(rawKey); !sized)
        return std::unexpected(sized.error());
    if (!QFileInfo::exists(path)) {
        if (mode == OpenMode::MustExist)
            return fail(errors::Vault, u"no such vault file: %1"_s.arg(path));
        if (auto created = createPrivateFile(path); !created)
            return std::unexpected(created.error());
    }

    // No SQLITE_OPEN_CREATE: the file exists by now, and SQLite must never create it with the
    // umask's permissions.
    sqlite3 *handle = nullptr;
    const int opened = sqlite3_open_v2(QFile::encodeName(path).constData(), &handle,
                                       SQLITE_OPEN_READWRITE | SQLITE_OPEN_EXRESCODE, nullptr);
    std::unique_ptr<Database> db(new Database(handle, path)); // closes the handle on every path
    if (opened != SQLITE_OK) {
        const QString why = handle ? db->lastErrorText() : QString::fromUtf8(sqlite3_errstr(opened));
        return fail(errors::Storage, u"cannot open %1: %2"_s.arg(path, why));
    }

    // Keying must come before anything reads the file.
    const QCA::SecureArray literal = rawKeyLiteral(rawKey);
    if (sqlite3_key(handle, literal.constData(), literal.size()) != SQLITE_OK)
        return fail(errors::Storage, u"cannot set the key of %1: %2"_s.arg(path, db->lastErrorText()));
    // SQLCipher 4.6 logs to stderr at WARN by default, so a wrong passphrase would print "hmac
    // check failed" lines under our own message. The level is process-wide, but keying the first
    // connection resets it, hence here, after the key and before the first read (no page access).
    sqlite3_exec(handle, "PRAGMA cipher_log_level = NONE", nullptr, nullptr, nullptr);
    // Before the first read: another process may hold the lock right now.
    db->setBusyTimeout(db->m_busyTimeoutMs);

    // sqlite3_key() cannot tell a wrong key; the first read of page 1 can (its HMAC fails).
    const QString probe = u"SELECT count(*) FROM sqlite_master"_s;
    sqlite3_stmt *stmt = nullptr;
    int rc = sqlite3_prepare_v2(handle, "SELECT count(*) FROM sqlite_master", -1, &stmt, nullptr);
    if (rc == SQLITE_OK) {
        rc = sqlite3_step(stmt);
        if (rc == SQLITE_ROW)
            rc = SQLITE_OK;
    }
    const QString reason = rc == SQLITE_OK ? QString() : db->describe(rc);
    sqlite3_finalize(stmt);
    if ((rc & 0xff) == SQLITE_NOTADB)
        return fail(errors::Vault, u"wrong passphrase, or not a qkms vault: %1"_s.arg(path));
    if ((rc & 0xff) == SQLITE_CORRUPT)
        return fail(errors::Vault, u"vault file is damaged: %1"_s.arg(path));
    if (rc != SQLITE_OK)
        return std::unexpected(db->failure(reason, probe, {}, std::source_location::current()));

    // WAL lets the console read while the CLI writes; FULL syncs every commit, because a lost
    // commit here is a lost key. secure_delete zeroes freed pages: deleted key rows do not linger
    // (encrypted) in free pages. foreign_keys is off by default in SQLite.
    auto journal = db->prepare(u"PRAGMA journal_mode = WAL"_s);
    if (!journal)
        return std::unexpected(journal.error());
    auto row = journal->step();
    if (!row)
        return std::unexpected(row.error());
    if (!*row || journal->columnText(0) != u"wal"_s)
        return fail(errors::Storage, u"cannot switch %1 to WAL mode"_s.arg(path));
    journal->reset();
    for (const auto &pragma : {u"PRAGMA synchronous = FULL"_s, u"PRAGMA foreign_keys = ON"_s,
                               u"PRAGMA secure_delete = ON"_s}) {
        if (auto set = db->exec(pragma); !set)
            return std::unexpected(set.error());
    }
    return db;
}

Result<Statement> Database::prepare(const QString &sql, std::source_location where)
{
    if (sqlite3_stmt *cached = takeCached(sql))
        return Statement(this, cached, sql, where);
    const QByteArray utf8 = sql.toUtf8();
    const char *end = utf8.constData() + utf8.size();
    sqlite3_stmt *stmt = nullptr;
    const char *tail = nullptr;
    const int rc = sqlite3_prepare_v2(m_db, utf8.constData(), static_cast<int>(utf8.size()), &stmt, &tail);
    if (rc != SQLITE_OK)
        return std::unexpected(failure(describe(rc), sql, {}, where));
    if (!stmt)
        return std::unexpected(failure(u"no SQL statement to prepare"_s, sql, {}, where));
    if (hasMoreStatements(m_db, tail, end)) {
        sqlite3_finalize(stmt); // never cached: its SQL is refused
        return std::unexpected(
            failure(u"prepare() takes one statement; the rest would be ignored"_s, sql, {}, where));
    }
    return Statement(this, stmt, sql, where); // reset and cached again when it is destroyed
}

Status Database::exec(const QString &sql, std::source_location where)
{
    auto statement = prepare(sql, where);
    if (!statement)
        return std::unexpected(statement.error());
    return statement->run();
}

Status Database::execScript(const QString &sql, std::source_location where)
{
    const QByteArray utf8 = sql.toUtf8();
    const char *position = utf8.constData();
    const char *end = position + utf8.size();
    while (position < end) {
        sqlite3_stmt *stmt = nullptr;
        const char *tail = nullptr;
        const int rc = sqlite3_prepare_v2(m_db, position, static_cast<int>(end - position), &stmt, &tail);
        if (rc != SQLITE_OK) {
            // Name the statement that failed, not the whole script.
            const QByteArray rest = QByteArray(position, end - position).trimmed();
            const qsizetype semicolon = rest.indexOf(';');
            return std::unexpected(failure(describe(rc), QString::fromUtf8(rest.left(semicolon)), {}, where));
        }
        if (!tail || tail <= position) // cannot happen; guards against looping forever
            break;
        if (stmt) {
            Statement statement(this, stmt, QString::fromUtf8(position, tail - position).trimmed(), where);
            if (auto ran = statement.run(); !ran)
                return ran;
        }
        position = tail;
    }
    return {};
}

qint64 Database::lastInsertRowId() const
{
    return sqlite3_last_insert_rowid(m_db);
}

int Database::changes() const
{
    return sqlite3_changes(m_db);
}

Result<std::pair<qint64, qint64>> Database::changeMark()
{
    auto version = prepare(QStringLiteral("PRAGMA data_version"));
    if (!version)
        return std::unexpected(version.error());
    auto row = version->step();
    if (!row)
        return std::unexpected(row.error());
    if (!*row)
        return fail(errors::Storage, QStringLiteral("PRAGMA data_version returned no row for %1").arg(m_path));
    return std::pair<qint64, qint64>{version->columnInt(0), sqlite3_total_changes64(m_db)};
}

Result<int> Database::userVersion()
{
    auto statement = prepare(u"PRAGMA user_version"_s);
    if (!statement)
        return std::unexpected(statement.error());
    auto row = statement->step();
    if (!row)
        return std::unexpected(row.error());
    if (!*row)
        return fail(errors::Storage, u"PRAGMA user_version returned no row for %1"_s.arg(m_path));
    return static_cast<int>(statement->columnInt(0));
}

bool Database::inTransaction() const
{
    return m_db && !sqlite3_get_autocommit(m_db);
}

Status Database::rekey(const QCA::SecureArray &rawKey)
{
    if (auto sized = checkKeySize(rawKey); !sized)
        return sized;
    const QCA::SecureArray literal = rawKeyLiteral(rawKey);
    const int rc = sqlite3_rekey(m_db, literal.constData(), literal.size());
    if (rc != SQLITE_OK)
        return std::unexpected(failure(describe(rc), u"PRAGMA rekey"_s, {}, std::source_location::current()));
    // The rekey commits every page, re-encrypted, into the WAL; fold it into the main file so the
    // file on disk no longer depends on the old key.
    return exec(u"PRAGMA wal_checkpoint(TRUNCATE)"_s);
}

void Database::setBusyTimeout(int milliseconds)
{
    m_busyTimeoutMs = milliseconds;
    sqlite3_busy_timeout(m_db, milliseconds);
}

QString Database::lastErrorText() const
{
    return QString::fromUtf8(sqlite3_errmsg(m_db));
}

QString Database::describe(int rc) const
{
    // SQLITE_BUSY after the busy handler gave up: the other process is the console or the CLI.
    if ((rc & 0xff) == SQLITE_BUSY)
        return u"database is locked by another qkms process (gave up after %1 ms)"_s.arg(m_busyTimeoutMs);
    return u"%1 (SQLite code %2)"_s.arg(lastErrorText()).arg(rc);
}

KmsError Database::failure(const QString &what, const QString &sql, const QStringList &parameterNames,
                           const std::source_location &where) const
{
    // Parameter names only: their values may be key material.
    QString message = what + u"; SQL: "_s + sql;
    if (!parameterNames.isEmpty())
        message += u"; parameters: "_s + parameterNames.join(u", "_s);
    const QString file = QFileInfo(QString::fromUtf8(where.file_name())).fileName();
    message += u"; at %1:%2 in %3"_s.arg(file).arg(where.line()).arg(QString::fromUtf8(where.function_name()));
    return KmsError{errors::Storage, message};
}

} // namespace qkms::store
