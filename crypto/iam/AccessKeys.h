#pragma once

// IAM access keys of users, as the network endpoint and `qkms create-access-key` use them:
// CreateAccessKey, ListAccessKeys, DeleteAccessKey, UpdateAccessKey, and the lookup that
// authenticates a request. Creation, listing and the lookup live in PrincipalStore (they were
// made with it); deletion and status changes are here. Only the account root manages keys.

#include "core/KmsError.h"
#include "iam/PrincipalStore.h"

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
    [[nodiscard]] Result<std::pair<QString, QCA::SecureArray>> secret(const QString &accessKeyId);

private:
    /// The user's ARN when `caller` is the root and the user owns `accessKeyId`.
    [[nodiscard]] Result<QString> ownedKey(const QString &caller, const QString &userName,
                                           const QString &accessKeyId);

    vault::Vault &m_vault;
    PrincipalStore &m_principals;
};

} // namespace qkms::iam
