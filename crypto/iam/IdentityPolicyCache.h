#pragma once

// The parsed identity policies of the principals that called lately, kept for one vault handle
// (PrincipalStore::identityPolicySet), so that authorizing an IAM user's call reads no rows and
// parses nothing when account.db has not changed.
//
// Correctness first, as kms::RegionCache: every lookup asks SQLite whether account.db changed
// since the cache was filled — through this connection (total_changes()) or any other, in this
// process or another (PRAGMA data_version) — and empties the cache when it did. A PutUserPolicy,
// DeleteUserPolicy or DeleteUser made by any handle or process takes effect on the very next call.
//
// Holds no secret: policy documents only (access keys live in another table and are never read here).

#include "core/KmsError.h"
#include "policy/PolicyDocument.h"

#include <QHash>
#include <QList>
#include <QString>

#include <functional>
#include <memory>
#include <mutex>
#include <optional>

namespace qkms::store {
class Database;
}

namespace qkms::iam {

/// One principal's identity policies as the evaluator takes them, shared rather than copied.
using PolicyList = std::shared_ptr<const QList<policy::PolicyDocument>>;

/// The identity policies of a principal and the cache epoch they belong to.
struct IdentityPolicySet {
    PolicyList policies;
    /// Changes whenever the cache is emptied (any change to account.db): results derived from
    /// `policies` (PolicyAuthorizer's remembered decisions) stay valid while it is the same.
    /// std::nullopt when the file could not be checked: then nothing derived may be remembered.
    std::optional<quint64> epoch;
};

class IdentityPolicyCache
{
public:
    using Load = std::function<Result<QList<policy::PolicyDocument>>()>;

    IdentityPolicyCache() = default;
    IdentityPolicyCache(const IdentityPolicyCache &) = delete;
    IdentityPolicyCache &operator=(const IdentityPolicyCache &) = delete;

    /// The policies of `principalArn` as `load` reads them from `db` (account.db), from memory
    /// when `db` has not changed since they were read. When the check itself fails the cache is
    /// emptied and `load` runs uncached (epoch std::nullopt); errors of `load` are returned.
    [[nodiscard]] Result<IdentityPolicySet> get(store::Database &db, const QString &principalArn, const Load &load);
    /// Empties the cache (the vault was locked).
    void clear();

    /// How many lookups went to the file (a test seam: a hit does not count).
    [[nodiscard]] int reads() const;

private:
    [[nodiscard]] Status revalidateLocked(store::Database &db);
    void clearLocked();

    mutable std::mutex m_mutex; ///< the console calls the engine from worker threads too
    const store::Database *m_db = nullptr; ///< the connection m_generation was read from
    std::optional<std::pair<qint64, qint64>> m_generation; ///< data_version, total_changes() when filled
    quint64 m_epoch = 0; ///< incremented by every clearLocked()
    QHash<QString, PolicyList> m_policies; ///< principal ARN as the caller gave it → its policies
    int m_reads = 0;
};

} // namespace qkms::iam
