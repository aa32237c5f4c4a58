#pragma once

// SQL for keys and their material versions in a region file. Only the engine uses this.

#include "core/KmsError.h"
#include "kms/KeyRecord.h"

#include <optional>

namespace qkms::store {
class Database;
}

namespace qkms::kms::rows {

/// The AAD binding wrapped material to its key and version.
[[nodiscard]] QByteArray materialBinding(const QString &arn, int version);

[[nodiscard]] Result<std::optional<KeyRecord>> loadKey(store::Database &db, const QString &keyId);
/// Inserts a new key row with its policy.
[[nodiscard]] Status insertKey(store::Database &db, const KeyRecord &key, const QString &policy);
/// Writes the mutable fields of `key` (state, description, deletion, current version…).
[[nodiscard]] Status updateKey(store::Database &db, const KeyRecord &key);
/// Deletes the key row; material, aliases and tags go with it (ON DELETE CASCADE).
[[nodiscard]] Status deleteKey(store::Database &db, const QString &keyId);
/// Key ids in creation order after `afterKeyId` (paging marker), at most `limit`.
[[nodiscard]] Result<QList<KeyRecord>> listKeys(store::Database &db, const QString &afterKeyId, int limit);
/// Keys whose deletion date is at or before `now`.
[[nodiscard]] Result<QStringList> keysDueForDeletion(store::Database &db, const QDateTime &now);

/// The key an alias points at, or an empty string.
[[nodiscard]] Result<QString> aliasTarget(store::Database &db, const QString &aliasName);

/// Stores one material version.
[[nodiscard]] Status insertMaterial(store::Database &db, const QString &keyId, int version, const QString &materialId,
                                    const QByteArray &wrapped, const QByteArray &publicKey, const QDateTime &createdAt,
                                    const QString &rotationType);
/// The wrapped material of a version, or an empty array when there is none.
[[nodiscard]] Result<QByteArray> loadWrappedMaterial(store::Database &db, const QString &keyId, int version);
/// The stored public key (SPKI DER) of a version of an asymmetric key.
[[nodiscard]] Result<QByteArray> loadPublicKey(store::Database &db, const QString &keyId, int version);
/// The key policy document.
[[nodiscard]] Result<QString> loadPolicy(store::Database &db, const QString &keyId);

} // namespace qkms::kms::rows
