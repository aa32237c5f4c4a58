#include "kms/RegionCache.h"

#include "kms/AuditLog.h"
#include "kms/GrantRows.h"
#include "kms/KeyRows.h"
#include "store/Database.h"

using namespace Qt::StringLiterals;

namespace qkms::kms {

namespace {

/// The cache is emptied past this many entries; it only saves reads.
constexpr int MaxEntries = 4096;

} // namespace

Status RegionCache::revalidate()
{
    std::lock_guard lock(m_mutex);
    return revalidateLocked();
}

void RegionCache::markStale()
{
    std::lock_guard lock(m_mutex);
    m_stale = true;
}

bool RegionCache::ensureFresh()
{
    return !m_stale || revalidateLocked().has_value();
}

Status RegionCache::revalidateLocked()
{
    auto mark = m_db.changeMark();
    if (!mark) {
        clearLocked();
        return std::unexpected(mark.error());
    }
    // The audit log's own rows do not change what is cached: they are not counted.
    const std::pair<qint64, qint64> now{mark->first, mark->second - (m_audit ? m_audit->rowsWritten() : 0)};
    if (m_generation != now) {
        if (m_entries > 0)
            ++m_invalidations;
        clearLocked();
        m_generation = now;
    }
    m_stale = false;
    return {};
}

void RegionCache::clear()
{
    std::lock_guard lock(m_mutex);
    clearLocked();
}

std::optional<quint64> RegionCache::epoch()
{
    std::lock_guard lock(m_mutex);
    if (!ensureFresh() || !m_generation)
        return std::nullopt;
    return m_epoch;
}

void RegionCache::clearLocked()
{
    ++m_epoch;
    m_generation.reset();
    m_keys.clear();
    m_aliasTargets.clear();
    m_wrapped.clear();
    m_policies.clear();
    m_aliases.clear();
    m_tags.clear();
    m_grants.clear();
    m_entries = 0;
}

int RegionCache::reads() const
{
    std::lock_guard lock(m_mutex);
    return m_reads;
}

int RegionCache::invalidations() const
{
    std::lock_guard lock(m_mutex);
    return m_invalidations;
}

template <typename Map, typename Load>
auto RegionCache::cached(Map &map, const typename Map::key_type &key, Load load) -> decltype(load())
{
    std::lock_guard lock(m_mutex);
    if (!ensureFresh())
        return load(); // the check failed: read the file, remember nothing
    if (const auto it = map.constFind(key); it != map.constEnd())
        return *it;
    ++m_reads;
    auto value = load();
    // Only a checked cache keeps anything: without a generation a change could go unseen.
    if (value && m_generation) {
        if (++m_entries > MaxEntries) {
            const auto generation = m_generation;
            clearLocked();
            m_generation = generation;
            m_entries = 1;
        }
        map.insert(key, *value);
    }
    return value;
}

Result<std::optional<KeyRecord>> RegionCache::key(const QString &keyId)
{
    std::lock_guard lock(m_mutex);
    if (!ensureFresh())
        return rows::loadKey(m_db, keyId);
    if (const auto it = m_keys.constFind(keyId); it != m_keys.constEnd())
        return std::optional<KeyRecord>(*it);
    ++m_reads;
    auto key = rows::loadKey(m_db, keyId);
    if (key && *key && m_generation) {
        ++m_entries;
        m_keys.insert(keyId, **key);
    }
    return key;
}

Result<QString> RegionCache::aliasTarget(const QString &aliasName)
{
    std::lock_guard lock(m_mutex);
    if (!ensureFresh())
        return rows::aliasTarget(m_db, aliasName);
    if (const auto it = m_aliasTargets.constFind(aliasName); it != m_aliasTargets.constEnd())
        return *it;
    ++m_reads;
    auto target = rows::aliasTarget(m_db, aliasName);
    if (target && !target->isEmpty() && m_generation) {
        ++m_entries;
        m_aliasTargets.insert(aliasName, *target);
    }
    return target;
}

Result<QByteArray> RegionCache::wrappedMaterial(const QString &keyId, int version)
{
    return cached(m_wrapped, std::pair{keyId, version},
                  [&] { return rows::loadWrappedMaterial(m_db, keyId, version); });
}

Result<QString> RegionCache::policyText(const QString &keyId)
{
    return cached(m_policies, keyId, [&] { return rows::loadPolicy(m_db, keyId); });
}

Result<QStringList> RegionCache::aliasesOf(const QString &keyId)
{
    return cached(m_aliases, keyId, [&]() -> Result<QStringList> {
        auto q = m_db.prepare(u"SELECT alias_name FROM aliases WHERE key_id = :id"_s);
        if (!q)
            return std::unexpected(q.error());
        return q->bind(":id", keyId).columnTexts();
    });
}

Result<QMap<QString, QString>> RegionCache::tagsOf(const QString &keyId)
{
    return cached(m_tags, keyId, [&]() -> Result<QMap<QString, QString>> {
        auto q = m_db.prepare(u"SELECT tag_key, tag_value FROM tags WHERE key_id = :id"_s);
        if (!q)
            return std::unexpected(q.error());
        q->bind(":id", keyId);
        QMap<QString, QString> out;
        while (true) {
            auto row = q->step();
            if (!row)
                return std::unexpected(row.error());
            if (!*row)
                break;
            out.insert(q->columnText(0), q->columnText(1));
        }
        return out;
    });
}

Result<QList<GrantEntry>> RegionCache::grantsFor(const QString &keyId, const QString &grantee)
{
    return cached(m_grants, std::pair{keyId, grantee},
                  [&] { return rows::grantsForGrantee(m_db, keyId, grantee); });
}

} // namespace qkms::kms
