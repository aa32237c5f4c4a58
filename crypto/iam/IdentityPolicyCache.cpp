#include "iam/IdentityPolicyCache.h"

#include "store/Database.h"

using namespace Qt::StringLiterals;

namespace qkms::iam {

namespace {

/// The cache is emptied past this many principals; it only saves reads and parses.
constexpr int MaxEntries = 1024;

} // namespace

Result<IdentityPolicySet> IdentityPolicyCache::get(store::Database &db, const QString &principalArn, const Load &load)
{
    std::lock_guard lock(m_mutex);
    // Inside a write transaction what is read may yet be rolled back, which no change mark shows;
    // when the check fails nothing stale may be served. Either way: read the file, remember nothing.
    if (db.inTransaction() || !revalidateLocked(db)) {
        auto loaded = load();
        if (!loaded)
            return std::unexpected(loaded.error());
        return IdentityPolicySet{std::make_shared<const QList<policy::PolicyDocument>>(std::move(*loaded)),
                                 std::nullopt};
    }
    if (const auto it = m_policies.constFind(principalArn); it != m_policies.constEnd())
        return IdentityPolicySet{*it, m_epoch};
    ++m_reads;
    auto loaded = load();
    if (!loaded)
        return std::unexpected(loaded.error());
    auto policies = std::make_shared<const QList<policy::PolicyDocument>>(std::move(*loaded));
    if (m_policies.size() >= MaxEntries)
        m_policies.clear(); // the generation stays: what remains was read under it
    m_policies.insert(principalArn, policies);
    return IdentityPolicySet{std::move(policies), m_epoch};
}

Status IdentityPolicyCache::revalidateLocked(store::Database &db)
{
    auto now = db.changeMark(); // any change to account.db since the last check
    if (!now) {
        clearLocked();
        return std::unexpected(now.error());
    }
    // Both counters belong to one connection: another connection's values say nothing.
    if (m_db != &db || m_generation != *now) {
        clearLocked();
        m_db = &db;
        m_generation = *now;
    }
    return {};
}

void IdentityPolicyCache::clear()
{
    std::lock_guard lock(m_mutex);
    clearLocked();
}

void IdentityPolicyCache::clearLocked()
{
    ++m_epoch;
    m_db = nullptr;
    m_generation.reset();
    m_policies.clear();
}

int IdentityPolicyCache::reads() const
{
    std::lock_guard lock(m_mutex);
    return m_reads;
}

} // namespace qkms::iam
