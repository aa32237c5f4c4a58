#pragma once

// The one SQLCipher wrapper. Prepared statements only; every error names the SQL, the bound
// parameter names and the call site, so a failure report says exactly what went wrong where.

#include "core/KmsError.h"

#include <QByteArray>
#include <QHash>
#include <QString>
#include <QStringList>
#include <QtCrypto>

#include <memory>
#include <source_location>
#include <span>
#include <utility>

struct sqlite3;
struct sqlite3_stmt;

namespace qkms::store {

class Database;

/// A prepared statement with named parameters (":name"). Movable, not copyable. It keeps a
/// pointer to its Database, which must outlive it; the destructor finalizes the statement.
class Statement
{
public:
    Statement(Statement &&other) noexcept;
    Statement &operator=(Statement &&other) noexcept;
    ~Statement();

    // Binders take the name as written in the SQL, colon included (":id"). A name the SQL does
    // not have, or a failed bind, is remembered and reported by the next step()/run().
    /// Binds an integer.
    Statement &bind(const char *name, qint64 value);
    /// Binds text as UTF-8; a null QString binds empty text (use bindNull for NULL).
    Statement &bind(const char *name, const QString &value);
    /// Binds a blob; a null QByteArray binds an empty blob, not NULL.
    Statement &bind(const char *name, const QByteArray &blob);
    /// Binds SQL NULL.
    Statement &bindNull(const char *name);

    /// Advances: true when a row is available, false when done. Errors (errors::Storage) name the
    /// SQL, the bound parameter names (never values) and the prepare() call site; a statement
    /// that failed is reset, so it can run again.
    [[nodiscard]] Result<bool> step();
    /// Runs to completion (for INSERT/UPDATE/DELETE) and resets, keeping the bindings.
    [[nodiscard]] Status run();
    /// Resets for re-execution, keeping bindings unless cleared.
    void reset(bool clearBindings = false);

    // Column readers for the current row; a NULL reads as 0, a null QString, a null QByteArray.
    /// Column `i` as a 64-bit integer.
    [[nodiscard]] qint64 columnInt(int i) const;
    /// Column `i` as text decoded from UTF-8.
    [[nodiscard]] QString columnText(int i) const;
    /// Column `i` as bytes; an empty blob reads as an empty, non-null QByteArray.
    [[nodiscard]] QByteArray columnBlob(int i) const;
    /// Whether column `i` is SQL NULL.
    [[nodiscard]] bool columnIsNull(int i) const;
    /// Steps through every remaining row and returns column `i` of each as text (a one-column
    /// list query). Errors as step().
    [[nodiscard]] Result<QStringList> columnTexts(int i = 0);

private:
    friend class Database;
    Statement(Database *db, sqlite3_stmt *stmt, QString sql, std::source_location where);
    KmsError error(const QString &what) const;
    int parameterIndex(const char *name);
    void checkBind(const char *name, int rc);

    Database *m_db = nullptr;
    sqlite3_stmt *m_stmt = nullptr;
    QString m_sql;
    QStringList m_boundNames;
    std::source_location m_where;
    bool m_bindFailed = false;
    QString m_bindError;
};

/// An open SQLCipher database file. It must outlive every Statement and Transaction made from it:
/// they keep a pointer to it. (sqlite3_close_v2 would defer the close until the last statement
/// is finalized, but a statement's error reporting still reads the Database object.)
class Database
{
public:
    enum class OpenMode { CreateIfMissing, MustExist };

    /// Opens `path` with a 32-byte raw SQLCipher key (no per-file KDF: the vault derives keys once
    /// per unlock). Keying is the first statement; the key is then checked by reading the schema.
    /// Sets WAL, synchronous=FULL, foreign_keys=ON, secure_delete=ON, a 10 s busy timeout (the console
    /// and the CLI share a vault); a file it creates gets mode 0600 whatever the umask.
    /// Errors: errors::Vault "wrong passphrase, or not a qkms vault: <file>" when the key does not
    /// fit or the file is not a database, errors::Vault "no such vault file: <path>" for a missing
    /// file in MustExist mode; errors::Storage for other failures (including a key not 32 bytes).
    [[nodiscard]] static Result<std::unique_ptr<Database>> open(const QString &path, const QCA::SecureArray &rawKey,
                                                                OpenMode mode);
    ~Database();
    Database(const Database &) = delete;
    Database &operator=(const Database &) = delete;

    /// Prepares exactly one statement; errors::Storage (naming the SQL and `where`) on a syntax
    /// error, on empty SQL, and when more statements follow (they would be silently ignored).
    [[nodiscard]] Result<Statement> prepare(const QString &sql,
                                            std::source_location where = std::source_location::current());
    /// Runs one statement without parameters (DDL, PRAGMA).
    [[nodiscard]] Status exec(const QString &sql, std::source_location where = std::source_location::current());
    /// Runs one or more ';'-separated statements without parameters, in order, stopping at the
    /// first error (migrations). Not atomic by itself: wrap it in a Transaction.
    [[nodiscard]] Status execScript(const QString &sql,
                                    std::source_location where = std::source_location::current());

    /// Row id of the last successful INSERT on this connection.
    [[nodiscard]] qint64 lastInsertRowId() const;
    /// Rows changed by the last INSERT/UPDATE/DELETE on this connection.
    [[nodiscard]] int changes() const;
    /// Where this connection's view of the file stands, for caches that must notice any change:
    /// PRAGMA data_version moves when another connection (or process) commits, total_changes
    /// when this connection writes (data_version does not see those). Two equal marks mean
    /// nothing changed the file in between. errors::Storage when the pragma cannot be read.
    [[nodiscard]] Result<std::pair<qint64, qint64>> changeMark();
    /// PRAGMA user_version: the schema version migrate() has reached.
    [[nodiscard]] Result<int> userVersion();
    [[nodiscard]] QString path() const { return m_path; }
    /// Whether a transaction is open on this connection.
    [[nodiscard]] bool inTransaction() const;
    /// Changes the raw key of this file (PRAGMA rekey), then checkpoints so the main file holds
    /// every page under the new key. errors::Storage when the key is not 32 bytes or SQLCipher fails.
    [[nodiscard]] Status rekey(const QCA::SecureArray &rawKey);
    /// How long a statement waits for another connection's lock before failing with
    /// "database is locked by another qkms process" (default 10000 ms).
    void setBusyTimeout(int milliseconds);

private:
    friend class Statement;
    Database(sqlite3 *db, QString path);
    [[nodiscard]] QString lastErrorText() const;
    /// What went wrong for SQLite result code `rc`, in words (the lock message for SQLITE_BUSY).
    [[nodiscard]] QString describe(int rc) const;
    /// An errors::Storage error: `what`, then the SQL, the parameter names and the call site.
    [[nodiscard]] KmsError failure(const QString &what, const QString &sql, const QStringList &parameterNames,
                                   const std::source_location &where) const;

    /// Takes a cached statement for `sql` (reset, no bindings), or nullptr.
    sqlite3_stmt *takeCached(const QString &sql);
    /// Gives a statement back for reuse; finalizes it when the cache is full or holds one already.
    void giveBack(const QString &sql, sqlite3_stmt *stmt);

    sqlite3 *m_db = nullptr;
    QString m_path;
    // Prepared statements by SQL text, reused: preparing costs more than running most of ours.
    QHash<QString, sqlite3_stmt *> m_statementCache;
    int m_busyTimeoutMs = 10000;
};

/// BEGIN … COMMIT that rolls back in its destructor unless commit() ran. A moved-from
/// Transaction does nothing. The Database must outlive it.
class Transaction
{
public:
    enum class Kind { Deferred, Immediate };
    /// BEGIN DEFERRED or BEGIN IMMEDIATE (takes the write lock now, waiting up to the busy
    /// timeout). errors::Storage "database is locked by another qkms process" when it cannot.
    [[nodiscard]] static Result<Transaction> begin(Database &db, Kind kind = Kind::Immediate,
                                                   std::source_location where = std::source_location::current());
    Transaction(Transaction &&other) noexcept;
    Transaction &operator=(Transaction &&) = delete;
    ~Transaction();
    /// COMMIT. On failure the transaction stays open and the destructor rolls it back.
    [[nodiscard]] Status commit(std::source_location where = std::source_location::current());

private:
    explicit Transaction(Database *db) : m_db(db) {}
    Database *m_db = nullptr;
};

/// One numbered schema step. Applied in order above PRAGMA user_version, each in one transaction
/// together with the new user_version.
struct Migration {
    int version;
    const char *description;
    const char *sql; ///< one or more statements separated by ';'
};

/// Applies every migration whose version is above the file's user_version. A file newer than the
/// code (user_version above the last migration) is refused with errors::Storage. Migrations must
/// be numbered 1, 2, 3… in order. A failing migration is rolled back whole (schema and
/// user_version unchanged) and reported with its number and description.
[[nodiscard]] Status migrate(Database &db, std::span<const Migration> migrations);

} // namespace qkms::store
