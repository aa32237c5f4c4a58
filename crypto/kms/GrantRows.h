#pragma once

// SQL for grants in a region file, and the test a grant applies to a request. Only the engine
// (Grants.cpp, PolicyAuthorizer.cpp) uses this.

#include "core/KmsError.h"
#include "kms/GrantTypes.h"

namespace qkms::store {
class Database;
}

namespace qkms::kms::rows {

/// Stores a new grant (entry.keyArn is not stored: keyId names the key).
[[nodiscard]] Status insertGrant(store::Database &db, const QString &keyId, const GrantEntry &grant);
/// The grant `grantId` of `keyId` (any key when keyId is empty), or nullopt.
[[nodiscard]] Result<std::optional<GrantEntry>> loadGrant(store::Database &db, const QString &keyId,
                                                          const QString &grantId);
/// Grants of `keyId` named `name`, for CreateGrant's idempotency check.
[[nodiscard]] Result<QList<GrantEntry>> grantsNamed(store::Database &db, const QString &keyId, const QString &name);
/// Grants of `keyId` whose grantee is `grantee` (what the authorizer consults on each call).
[[nodiscard]] Result<QList<GrantEntry>> grantsForGrantee(store::Database &db, const QString &keyId,
                                                         const QString &grantee);
/// ListGrants: grants of `keyId` in creation order after the grant `afterGrantId`, optionally
/// only `grantId` or only `grantee`; at most `limit`.
[[nodiscard]] Result<QList<GrantEntry>> listGrants(store::Database &db, const QString &keyId, const QString &grantId,
                                                   const QString &grantee, const QString &afterGrantId, int limit);
/// ListRetirableGrants: grants whose retiring principal is `retiring`, after `afterGrantId`.
[[nodiscard]] Result<QList<GrantEntry>> retirableGrants(store::Database &db, const QString &retiring,
                                                        const QString &afterGrantId, int limit);
/// How many grants `keyId` has (the 50,000 quota).
[[nodiscard]] Result<int> grantCount(store::Database &db, const QString &keyId);
[[nodiscard]] Status deleteGrant(store::Database &db, const QString &grantId);

/// Whether `grant` allows `action` ("kms:Encrypt") with `context`: the operation is listed (the
/// permission-only ReEncryptFrom/To too) and the constraint holds. Constraints bind only the
/// operations that take an encryption context; DescribeKey, GetPublicKey, RetireGrant and
/// CreateGrant (whose own constraints are checked by CreateGrant) ignore them, as in AWS.
[[nodiscard]] bool grantAllows(const GrantEntry &grant, const QString &action, const EncryptionContext &context);

/// Whether `parent`, a grant that includes CreateGrant, lets its grantee create a grant for
/// `operations` with `constraints`: only operations the parent allows, and a constraint equally
/// strict or stricter than the parent's (AWS CreateGrant).
[[nodiscard]] bool grantAllowsChild(const GrantEntry &parent, const QStringList &operations,
                                    const GrantConstraints &constraints);

} // namespace qkms::kms::rows
