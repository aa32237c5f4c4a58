#pragma once

// What the engine reads on every call and what rarely changes — key rows, alias targets, key
// policies, a key's aliases, tags and grants, wrapped material — kept for one open service.
//
// Correctness first: revalidate() asks SQLite whether the region file changed since the cache
// was filled — by this connection (total_changes()) or by any other, in this process or another
// (PRAGMA data_version) — and empties the cache when it did. KmsService::resolveKey calls it,
// so every operation on a key starts from what is in the file: a PutKeyPolicy, a new tag or a
// DisableKey takes effect on the very next call, from whichever process made it. One tiny query
// replaces the six an Encrypt used to make.
//
// Holds no secret: wrapped material is ciphertext under the domain key, and parsed private keys
// are never kept (they live only in SecureArray, for one operation).

#include "core/KmsError.h"
#include "kms/GrantTypes.h"
#include "kms/KeyRecord.h"

#include <QHash>
#include <QMap>
#include <QStringList>

#include <mutex>
#include <optional>

namespace qkms::store {
class Database;
}

namespace qkms::kms {

class AuditLog;

class RegionCache
{
public:
    /// `db` (and `audit`, when given) must outlive the cache. Rows `audit` writes through the
    /// same connection do not count as changes: the audit table is nothing the cache holds.
    explicit RegionCache(store::Database &db, const AuditLog *audit = nullptr) : m_db(db), m_audit(audit) {}
    RegionCache(const RegionCache &) = delete;
    RegionCache &operator=(const RegionCache &) = delete;

    /// Empties the cache when the file changed since it was filled. Storage errors are returned
    /// (and the cache emptied): nothing stale is served because the check failed.
    [[nodiscard]] Status revalidate();
    /// Empties the cache.
    void clear();
    /// Ends an operation (KmsService::record): the next lookup revalidates first, so an
    /// operation that reaches the cache without resolveKey still sees the file as it is now.
    void markStale();

    /// The key row, or std::nullopt when there is none (absence is not remembered).
    [[nodiscard]] Result<std::optional<KeyRecord>> key(const QString &keyId);
    /// The key an alias names, or an empty string (absence is not remembered).
    [[nodiscard]] Result<QString> aliasTarget(const QString &aliasName);
    /// Wrapped material of one version, or an empty array when there is none.
    [[nodiscard]] Result<QByteArray> wrappedMaterial(const QString &keyId, int version);
    /// The key policy document as stored.
    [[nodiscard]] Result<QString> policyText(const QString &keyId);
    /// The alias names pointing at a key (kms:ResourceAliases).
    [[nodiscard]] Result<QStringList> aliasesOf(const QString &keyId);
    /// The key's tags (aws:ResourceTag/…).
    [[nodiscard]] Result<QMap<QString, QString>> tagsOf(const QString &keyId);
    /// The grants on `keyId` whose grantee is `grantee`, in creation order.
    [[nodiscard]] Result<QList<GrantEntry>> grantsFor(const QString &keyId, const QString &grantee);

    /// A number that changes whenever the cache is emptied: results derived from cached values
    /// (PolicyAuthorizer's decisions) stay valid while it is the same. Revalidates first when an
    /// operation ended since the last check; std::nullopt when that check failed.
    [[nodiscard]] std::optional<quint64> epoch();

    /// How many reads went to the file (a test seam: a hit does not count).
    [[nodiscard]] int reads() const;
    /// How many times revalidate() found the file changed and emptied the cache.
    [[nodiscard]] int invalidations() const;

private:
    /// Returns the cached value of `map[key]`, or loads it with `load` and remembers it.
    template <typename Map, typename Load>
    auto cached(Map &map, const typename Map::key_type &key, Load load) -> decltype(load());
    void clearLocked();
    [[nodiscard]] Status revalidateLocked();
    /// Revalidates when an operation ended since the last check; false when that failed (then
    /// the caller reads the file, uncached).
    bool ensureFresh();

    store::Database &m_db;
    const AuditLog *m_audit = nullptr;
    mutable std::mutex m_mutex; ///< the console calls the engine from worker threads too
    std::optional<std::pair<qint64, qint64>> m_generation; ///< data_version, total_changes() less audit rows, when filled
    bool m_stale = true; ///< an operation ended since the last revalidate()
    quint64 m_epoch = 0; ///< incremented by every clearLocked()
    QHash<QString, KeyRecord> m_keys;
    QHash<QString, QString> m_aliasTargets;
    QHash<std::pair<QString, int>, QByteArray> m_wrapped;
    QHash<QString, QString> m_policies;
    QHash<QString, QStringList> m_aliases;
    QHash<QString, QMap<QString, QString>> m_tags;
    QHash<std::pair<QString, QString>, QList<GrantEntry>> m_grants;
    int m_entries = 0;
    int m_reads = 0;
    int m_invalidations = 0;
};

} // namespace qkms::kms
