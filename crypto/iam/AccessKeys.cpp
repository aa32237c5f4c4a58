// Access keys of IAM users: made and looked up by PrincipalStore, deleted and switched on and
// off by AccessKeys, used by the network endpoint (server/). The secret is wrapped under the
// vault's domain key and never stored in the clear.

#include "iam/AccessKeys.h"
#include "iam/IamSupport.h"
#include "iam/PrincipalStore.h"

#include "primitives/Primitives.h"
#include "store/Database.h"
#include "vault/Vault.h"

using namespace Qt::StringLiterals;

namespace qkms::iam {

namespace {

constexpr int MaxAccessKeysPerUser = 2; ///< IAM's quota
/// The lookup cache is emptied past this many keys; it only saves reads.
constexpr qsizetype MaxCachedKeys = 1024;

QByteArray secretBinding(const QString &accessKeyId)
{
    return "iam access key|" + accessKeyId.toLatin1();
}

} // namespace

Result<NewAccessKey> PrincipalStore::createAccessKey(const QString &caller, const QString &userName)
{
    auto user = get(caller, PrincipalKind::User, userName);
    if (!user)
        return std::unexpected(user.error());
    auto existing = listAccessKeys(caller, userName);
    if (!existing)
        return std::unexpected(existing.error());
    if (existing->size() >= MaxAccessKeysPerUser)
        return fail(qkms::errors::LimitExceeded,
                    u"Cannot exceed quota for AccessKeysPerUser: %1"_s.arg(MaxAccessKeysPerUser));
    // Alphabets of 32 and 64 characters: masking a random byte does not bias the choice.
    static const char idAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    static const char secretAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    NewAccessKey key;
    key.info.accessKeyId = u"AKIA"_s;
    for (char b : crypto::randomBytes(16))
        key.info.accessKeyId.append(QLatin1Char(idAlphabet[static_cast<unsigned char>(b) & 31]));
    key.info.userName = user->name;
    key.info.status = u"Active"_s;
    key.info.createDate = m_vault.clock().now().toUTC();
    key.secretAccessKey = crypto::randomSecret(40);
    for (int i = 0; i < key.secretAccessKey.size(); ++i)
        key.secretAccessKey[i] = secretAlphabet[static_cast<unsigned char>(key.secretAccessKey[i]) & 63];
    auto wrapped = m_vault.wrapMaterial(key.secretAccessKey, secretBinding(key.info.accessKeyId));
    if (!wrapped)
        return std::unexpected(wrapped.error());
    auto q = detail::prepareAccount(m_vault,
        u"INSERT INTO access_keys (access_key_id, principal_arn, secret_wrapped, status, created_at) "
        "VALUES (:id, :arn, :secret, 'Active', :created)"_s);
    if (!q)
        return std::unexpected(q.error());
    q->bind(":id", key.info.accessKeyId)
        .bind(":arn", user->arn)
        .bind(":secret", *wrapped)
        .bind(":created", store::storedDate(key.info.createDate));
    if (auto st = q->run(); !st)
        return std::unexpected(st.error());
    return key;
}

Result<QList<AccessKeyInfo>> PrincipalStore::listAccessKeys(const QString &caller, const QString &userName)
{
    auto user = get(caller, PrincipalKind::User, userName);
    if (!user)
        return std::unexpected(user.error());
    auto q = detail::prepareAccount(m_vault,
        u"SELECT access_key_id, status, created_at FROM access_keys WHERE principal_arn = :arn "
        "ORDER BY created_at"_s);
    if (!q)
        return std::unexpected(q.error());
    q->bind(":arn", user->arn);
    QList<AccessKeyInfo> out;
    while (true) {
        auto row = q->step();
        if (!row)
            return std::unexpected(row.error());
        if (!*row)
            break;
        out.append({q->columnText(0), user->name, q->columnText(1),
                    store::parseStoredDate(q->columnText(2))});
    }
    return out;
}

Result<std::pair<QString, QCA::SecureArray>> PrincipalStore::accessKeySecret(const QString &accessKeyId)
{
    auto q = detail::prepareAccount(m_vault,
        u"SELECT principal_arn, secret_wrapped FROM access_keys WHERE access_key_id = :id AND status = 'Active'"_s);
    if (!q)
        return std::unexpected(q.error());
    auto row = q->bind(":id", accessKeyId).step();
    if (!row)
        return std::unexpected(row.error());
    if (!*row)
        return fail(errors::NoSuchEntity, u"The Access Key with id %1 cannot be found."_s.arg(accessKeyId));
    const QString arn = q->columnText(0);
    auto secret = m_vault.unwrapMaterial(q->columnBlob(1), secretBinding(accessKeyId));
    if (!secret)
        return std::unexpected(secret.error());
    return std::pair{arn, std::move(*secret)};
}

AccessKeys::AccessKeys(vault::Vault &vault, PrincipalStore &principals) : m_vault(vault), m_principals(principals) {}

Result<NewAccessKey> AccessKeys::create(const QString &caller, const QString &userName)
{
    return m_principals.createAccessKey(caller, userName);
}

Result<QList<AccessKeyInfo>> AccessKeys::list(const QString &caller, const QString &userName)
{
    return m_principals.listAccessKeys(caller, userName);
}

Result<QList<AccessKeyInfo>> AccessKeys::listAll(const QString &caller)
{
    auto users = m_principals.list(caller, PrincipalKind::User);
    if (!users)
        return std::unexpected(users.error());
    QList<AccessKeyInfo> out;
    for (const Principal &user : *users) {
        auto keys = m_principals.listAccessKeys(caller, user.name);
        if (!keys)
            return std::unexpected(keys.error());
        out += *keys;
    }
    return out;
}

Result<QString> AccessKeys::ownedKey(const QString &caller, const QString &userName,
                                     const QString &accessKeyId)
{
    // get() checks that the caller is the root (AccessDenied) and that the user exists.
    auto user = m_principals.get(caller, PrincipalKind::User, userName);
    if (!user)
        return std::unexpected(user.error());
    auto q = detail::prepareAccount(m_vault,
        u"SELECT 1 FROM access_keys WHERE access_key_id = :id AND principal_arn = :arn"_s);
    if (!q)
        return std::unexpected(q.error());
    auto row = q->bind(":id", accessKeyId).bind(":arn", user->arn).step();
    if (!row)
        return std::unexpected(row.error());
    if (!*row)
        return fail(errors::NoSuchEntity, u"The Access Key with id %1 cannot be found."_s.arg(accessKeyId));
    return user->arn;
}

Status AccessKeys::remove(const QString &caller, const QString &userName, const QString &accessKeyId)
{
    auto arn = ownedKey(caller, userName, accessKeyId);
    if (!arn)
        return std::unexpected(arn.error());
    auto q = detail::prepareAccount(m_vault,
        u"DELETE FROM access_keys WHERE access_key_id = :id AND principal_arn = :arn"_s);
    if (!q)
        return std::unexpected(q.error());
    return q->bind(":id", accessKeyId).bind(":arn", *arn).run();
}

Status AccessKeys::updateStatus(const QString &caller, const QString &userName, const QString &accessKeyId,
                                const QString &status)
{
    if (status != u"Active"_s && status != u"Inactive"_s)
        return fail(qkms::errors::Validation,
                    u"1 validation error detected: Value '%1' at 'status' failed to satisfy constraint: Member must "
                    "satisfy enum value set: [Active, Inactive]"_s.arg(status));
    auto arn = ownedKey(caller, userName, accessKeyId);
    if (!arn)
        return std::unexpected(arn.error());
    auto q = detail::prepareAccount(m_vault,
        u"UPDATE access_keys SET status = :status WHERE access_key_id = :id AND principal_arn = :arn"_s);
    if (!q)
        return std::unexpected(q.error());
    return q->bind(":status", status).bind(":id", accessKeyId).bind(":arn", *arn).run();
}

Result<std::pair<QString, QCA::SecureArray>> AccessKeys::secret(const QString &accessKeyId)
{
    std::lock_guard lock(m_mutex);
    auto db = m_vault.accountDb();
    if (!db) {
        // Locked: the secrets go with the vault's own keys.
        m_cache.clear();
        m_generation.reset();
        return std::unexpected(db.error());
    }
    // Inside a write transaction what is read may yet be rolled back, which no change mark shows.
    if ((*db)->inTransaction() || !revalidateLocked(**db))
        return m_principals.accessKeySecret(accessKeyId); // read, remember nothing
    if (const auto it = m_cache.constFind(accessKeyId); it != m_cache.constEnd())
        return std::pair{it->principalArn, it->secret};
    ++m_lookupReads;
    auto found = m_principals.accessKeySecret(accessKeyId);
    // A row read after the check is at least as new as the generation it is filed under: a change
    // between the two only makes the next check empty the cache once more.
    if (found) {
        if (m_cache.size() >= MaxCachedKeys)
            m_cache.clear();
        m_cache.insert(accessKeyId, CachedKey{found->first, found->second});
    }
    return found;
}

bool AccessKeys::revalidateLocked(store::Database &db)
{
    // Any change to account.db since the last check empties the cache (see Database::changeMark).
    auto mark = db.changeMark();
    const std::optional<std::pair<qint64, qint64>> now = mark ? std::optional(*mark) : std::nullopt;
    // Both counters belong to one connection (a reopened vault has new ones): compare like with like.
    if (!now || m_db != &db || m_generation != now) {
        m_cache.clear();
        m_db = &db;
        m_generation = now;
    }
    return now.has_value();
}

void AccessKeys::clearCache()
{
    std::lock_guard lock(m_mutex);
    m_cache.clear();
    m_generation.reset();
}

int AccessKeys::lookupReads() const
{
    std::lock_guard lock(m_mutex);
    return m_lookupReads;
}

} // namespace qkms::iam
