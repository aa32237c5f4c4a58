#include "store/Database.h"

#include <sqlcipher/sqlite3.h>

#include <utility>

using namespace Qt::StringLiterals;

namespace qkms::store {

Statement::Statement(Database *db, sqlite3_stmt *stmt, QString sql, std::source_location where)
    : m_db(db), m_stmt(stmt), m_sql(std::move(sql)), m_where(where)
{
}

Statement::Statement(Statement &&other) noexcept
    : m_db(std::exchange(other.m_db, nullptr)), m_stmt(std::exchange(other.m_stmt, nullptr)),
      m_sql(std::move(other.m_sql)), m_boundNames(std::move(other.m_boundNames)), m_where(other.m_where),
      m_bindFailed(std::exchange(other.m_bindFailed, false)), m_bindError(std::move(other.m_bindError))
{
}

Statement &Statement::operator=(Statement &&other) noexcept
{
    if (this != &other) {
        if (m_db && m_stmt)
            m_db->giveBack(m_sql, m_stmt);
        m_db = std::exchange(other.m_db, nullptr);
        m_stmt = std::exchange(other.m_stmt, nullptr);
        m_sql = std::move(other.m_sql);
        m_boundNames = std::move(other.m_boundNames);
        m_where = other.m_where;
        m_bindFailed = std::exchange(other.m_bindFailed, false);
        m_bindError = std::move(other.m_bindError);
    }
    return *this;
}

Statement::~Statement()
{
    if (m_db && m_stmt)
        m_db->giveBack(m_sql, m_stmt); // reset and kept for the next prepare() of the same SQL
}

int Statement::parameterIndex(const char *name)
{
    const QString shown = QString::fromUtf8(name);
    if (!m_boundNames.contains(shown))
        m_boundNames.append(shown);
    const int index = m_stmt ? sqlite3_bind_parameter_index(m_stmt, name) : 0;
    // Reported at step(): binders chain, and the first mistake is the one worth reading.
    if (index == 0 && !m_bindFailed) {
        m_bindFailed = true;
        m_bindError = u"unknown parameter %1"_s.arg(shown);
    }
    return index;
}

void Statement::checkBind(const char *name, int rc)
{
    if (rc != SQLITE_OK && !m_bindFailed) {
        m_bindFailed = true;
        m_bindError = u"cannot bind %1: %2"_s.arg(QString::fromUtf8(name), m_db->describe(rc));
    }
}

Statement &Statement::bind(const char *name, qint64 value)
{
    if (const int index = parameterIndex(name))
        checkBind(name, sqlite3_bind_int64(m_stmt, index, value));
    return *this;
}

Statement &Statement::bind(const char *name, const QString &value)
{
    if (const int index = parameterIndex(name)) {
        const QByteArray utf8 = value.toUtf8();
        // A null pointer would bind NULL; "" keeps a null QString as empty text.
        const char *text = utf8.isEmpty() ? "" : utf8.constData();
        checkBind(name, sqlite3_bind_text64(m_stmt, index, text, static_cast<sqlite3_uint64>(utf8.size()),
                                            SQLITE_TRANSIENT, SQLITE_UTF8));
    }
    return *this;
}

Statement &Statement::bind(const char *name, const QByteArray &blob)
{
    if (const int index = parameterIndex(name)) {
        // sqlite3_bind_blob with a null pointer binds NULL; a zero-length zeroblob is an empty blob.
        const int rc = blob.isEmpty() ? sqlite3_bind_zeroblob(m_stmt, index, 0)
                                      : sqlite3_bind_blob64(m_stmt, index, blob.constData(),
                                                            static_cast<sqlite3_uint64>(blob.size()),
                                                            SQLITE_TRANSIENT);
        checkBind(name, rc);
    }
    return *this;
}

Statement &Statement::bindNull(const char *name)
{
    if (const int index = parameterIndex(name))
        checkBind(name, sqlite3_bind_null(m_stmt, index));
    return *this;
}

Result<bool> Statement::step()
{
    if (!m_stmt)
        return fail(errors::Storage, u"step() on a moved-from statement"_s);
    if (m_bindFailed)
        return std::unexpected(error(m_bindError));
    const int rc = sqlite3_step(m_stmt);
    if (rc == SQLITE_ROW)
        return true;
    if (rc == SQLITE_DONE)
        return false;
    const KmsError failed = error(m_db->describe(rc)); // before reset(), which may change the message
    // Leaves the statement runnable again and releases the snapshot a half-read SELECT holds.
    sqlite3_reset(m_stmt);
    return std::unexpected(failed);
}

Status Statement::run()
{
    for (;;) {
        auto row = step();
        if (!row)
            return std::unexpected(row.error());
        if (!*row)
            break;
    }
    sqlite3_reset(m_stmt);
    return {};
}

void Statement::reset(bool clearBindings)
{
    sqlite3_reset(m_stmt);
    if (clearBindings) {
        sqlite3_clear_bindings(m_stmt);
        m_boundNames.clear();
        m_bindFailed = false;
        m_bindError.clear();
    }
}

qint64 Statement::columnInt(int i) const
{
    return sqlite3_column_int64(m_stmt, i);
}

Result<QStringList> Statement::columnTexts(int i)
{
    QStringList out;
    while (true) {
        auto row = step();
        if (!row)
            return std::unexpected(row.error());
        if (!*row)
            return out;
        out.append(columnText(i));
    }
}

QString Statement::columnText(int i) const
{
    // text before bytes: sqlite3_column_bytes() then reports the UTF-8 length.
    const auto *text = reinterpret_cast<const char *>(sqlite3_column_text(m_stmt, i));
    return QString::fromUtf8(text, sqlite3_column_bytes(m_stmt, i));
}

QByteArray Statement::columnBlob(int i) const
{
    if (sqlite3_column_type(m_stmt, i) == SQLITE_NULL)
        return {};
    const auto *data = static_cast<const char *>(sqlite3_column_blob(m_stmt, i));
    const int size = sqlite3_column_bytes(m_stmt, i);
    // SQLite returns a null pointer for an empty blob; keep it distinct from NULL.
    return size == 0 ? QByteArray("", 0) : QByteArray(data, size);
}

bool Statement::columnIsNull(int i) const
{
    return sqlite3_column_type(m_stmt, i) == SQLITE_NULL;
}

KmsError Statement::error(const QString &what) const
{
    return m_db->failure(what, m_sql, m_boundNames, m_where);
}

} // namespace qkms::store
