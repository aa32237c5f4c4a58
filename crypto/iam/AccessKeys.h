#pragma once

// IAM access keys of users, as the network endpoint and `qkms create-access-key` use them:
// CreateAccessKey, ListAccessKeys, DeleteAccessKey, UpdateAccessKey, and the lookup that
// authenticates a request. Creation, listing and the lookup live in PrincipalStore (they were
// made with it); deletion and status changes are here. Only the account root manages keys.
//
// The lookup is on the path of every endpoint request, so it is served from memory: the Active
// keys already looked up, with their principal and secret (a SecureArray). Correctness first,
// exactly as kms/RegionCache: every lookup asks SQLite whether account.db changed since the
// cache was filled — through this connection (total_changes()) or any other, in this process or
// another (PRAGMA data_version) — and empties the cache when it did. So a key deleted or made
// Inactive through another vault handle or process is refused on the very next request; two tiny
// statements replace a query and an AES-GCM unwrap.

#include "core/KmsError.h"
#include "iam/PrincipalStore.h"

#include <QHash>
#include <QString>
#include <QtCrypto>

#include <mutex>
#include <optional>
#include <utility>

namespace qkms::store {
class Database;
}
namespace qkms::vault {
class Vault;
}

namespace qkms::iam {

class AccessKeys
{
public:
    /// The access keys of `vault`'s account; both must outlive this object.
    AccessKeys(vault::Vault &vault, PrincipalStore &principals);

    /// CreateAccessKey: a new Active key for `userName`, its secret shown this once.
    /// NoSuchEntityException for an unknown user, LimitExceededException past two keys.
    [[nodiscard]] Result<NewAccessKey> create(const QString &caller, const QString &userName);
    /// ListAccessKeys of `userName`, oldest first (no secrets).
    [[nodiscard]] Result<QList<AccessKeyInfo>> list(const QString &caller, const QString &userName);
    /// Every access key of the account, by user name, then creation (for `list-access-keys`
    /// without --user-name).
    [[nodiscard]] Result<QList<AccessKeyInfo>> listAll(const QString &caller);
    /// DeleteAccessKey. NoSuchEntityException when the user has no key `accessKeyId`.
    [[nodiscard]] Status remove(const QString &caller, const QString &userName, const QString &accessKeyId);
    /// UpdateAccessKey: `status` Active | Inactive (ValidationException otherwise). An Inactive
    /// key authenticates nobody until made Active again.
    [[nodiscard]] Status updateStatus(const QString &caller, const QString &userName, const QString &accessKeyId,
                                      const QString &status);
    /// The principal ARN and secret of an Active key (for SigV4); NoSuchEntityException otherwise.
    /// Served from memory while account.db is unchanged (see above); absence is not remembered.
    /// errors::Vault once the vault is locked (and the remembered secrets are dropped then).
    [[nodiscard]] Result<std::pair<QString, QCA::SecureArray>> secret(const QString &accessKeyId);

    /// Drops every remembered key and secret (the next lookup reads the file).
    void clearCache();
    /// How many lookups read account.db (a test seam: a lookup served from memory does not count).
    [[nodiscard]] int lookupReads() const;

private:
    /// The user's ARN when `caller` is the root and the user owns `accessKeyId`.
    [[nodiscard]] Result<QString> ownedKey(const QString &caller, const QString &userName,
                                           const QString &accessKeyId);

    /// Empties the cache when account.db changed since it was filled; false (cache emptied) when
    /// the check itself failed.
    bool revalidateLocked(store::Database &db);

    struct CachedKey {
        QString principalArn;
        QCA::SecureArray secret;
    };

    vault::Vault &m_vault;
    PrincipalStore &m_principals;
    mutable std::mutex m_mutex; ///< the console calls the engine from worker threads too
    const store::Database *m_db = nullptr; ///< the connection m_generation was read from
    std::optional<std::pair<qint64, qint64>> m_generation; ///< data_version, total_changes() when filled
    QHash<QString, CachedKey> m_cache; ///< Active keys by access key id
    int m_lookupReads = 0;
};

} // namespace qkms::iam
