#pragma once

// The one SQLCipher wrapper. Prepared statements only; every error names the SQL, the bound
// parameter names and the call site, so a failure report says exactly what went wrong where.

#include "core/KmsError.h"

#include <QByteArray>
#include <QString>
#include <QStringList>
#include <QtCrypto>

#include <memory>
#include <source_location>
#include <span>

struct sqlite3;
struct sqlite3_stmt;

namespace qkms::store {

class Database;

/// A prepared statement with named parameters (":name"). Movable, not copyable.
class Statement
{
public:
    Statement(Statement &&other) noexcept;
    Statement &operator=(Statement &&other) noexcept;
    ~Statement();

    Statement &bind(const char *name, qint64 value);
    Statement &bind(const char *name, const QString &value);
    Statement &bind(const char *name, const QByteArray &blob);
    Statement &bindNull(const char *name);

    /// Advances: true when a row is available, false when done.
    [[nodiscard]] Result<bool> step();
    /// Runs to completion (for INSERT/UPDATE/DELETE).
    [[nodiscard]] Status run();
    /// Resets for re-execution, keeping bindings unless cleared.
    void reset(bool clearBindings = false);

    [[nodiscard]] qint64 columnInt(int i) const;
    [[nodiscard]] QString columnText(int i) const;
    [[nodiscard]] QByteArray columnBlob(int i) const;
    [[nodiscard]] bool columnIsNull(int i) const;

private:
    friend class Database;
    Statement(Database *db, sqlite3_stmt *stmt, QString sql, std::source_location where);
    KmsError error(const QString &what) const;

    Database *m_db = nullptr;
    sqlite3_stmt *m_stmt = nullptr;
    QString m_sql;
    QStringList m_boundNames;
    std::source_location m_where;
    bool m_bindFailed = false;
    QString m_bindError;
};

/// An open SQLCipher database file.
class Database
{
public:
    enum class OpenMode { CreateIfMissing, MustExist };

    /// Opens `path` with a 32-byte raw SQLCipher key (no per-file KDF: the vault derives keys once
    /// per unlock). Keying is the first statement; the key is then checked by reading the schema.
    /// Sets WAL, synchronous=FULL, foreign_keys=ON, secure_delete=ON, a busy timeout, file mode 0600.
    /// Errors: errors::Vault "wrong passphrase, or not a qkms vault: <file>" when the key does not
    /// fit or the file is not a database; errors::Storage for other failures.
    [[nodiscard]] static Result<std::unique_ptr<Database>> open(const QString &path, const QCA::SecureArray &rawKey,
                                                                OpenMode mode);
    ~Database();
    Database(const Database &) = delete;
    Database &operator=(const Database &) = delete;

    [[nodiscard]] Result<Statement> prepare(const QString &sql,
                                            std::source_location where = std::source_location::current());
    /// Runs one statement without parameters (DDL, PRAGMA).
    [[nodiscard]] Status exec(const QString &sql, std::source_location where = std::source_location::current());

    [[nodiscard]] qint64 lastInsertRowId() const;
    [[nodiscard]] int changes() const;
    [[nodiscard]] Result<int> userVersion();
    [[nodiscard]] QString path() const { return m_path; }
    /// Changes the raw key of this file (PRAGMA rekey).
    [[nodiscard]] Status rekey(const QCA::SecureArray &rawKey);

private:
    friend class Statement;
    Database(sqlite3 *db, QString path);
    [[nodiscard]] QString lastErrorText() const;

    sqlite3 *m_db = nullptr;
    QString m_path;
};

/// BEGIN … COMMIT that rolls back in its destructor unless commit() ran.
class Transaction
{
public:
    enum class Kind { Deferred, Immediate };
    [[nodiscard]] static Result<Transaction> begin(Database &db, Kind kind = Kind::Immediate,
                                                   std::source_location where = std::source_location::current());
    Transaction(Transaction &&other) noexcept;
    Transaction &operator=(Transaction &&) = delete;
    ~Transaction();
    [[nodiscard]] Status commit();

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
/// code (user_version above the last migration) is refused with errors::Storage.
[[nodiscard]] Status migrate(Database &db, std::span<const Migration> migrations);

} // namespace qkms::store
