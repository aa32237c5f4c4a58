#pragma once

// SQL for key material import: the wrapping keys GetParametersForImport made, and the
// fingerprint that lets ImportKeyMaterial recognise the material a key had (region migration 4).
// Only the engine uses this.

#include "core/KmsError.h"

#include <QByteArray>
#include <QDateTime>
#include <QString>
#include <QStringList>

#include <optional>

namespace qkms::store {
class Database;
}

namespace qkms::kms::rows {

/// One GetParametersForImport answer: the wrapping key pair behind an import token.
struct ImportParametersRow {
    QString tokenId;            ///< what the sealed ImportToken names
    QString keyId;
    QString wrappingAlgorithm;
    QString wrappingKeySpec;
    QByteArray wrappedPrivate;  ///< PKCS#8, wrapped under the domain key
    QByteArray publicKey;       ///< SPKI DER
    QDateTime createdAt;
    QDateTime validTo;
};

/// What stays of imported material when it is deleted: its id and its wrapped fingerprint.
struct ImportedMaterialRow {
    QString materialId;
    QByteArray wrappedFingerprint;
};

[[nodiscard]] Status insertImportParameters(store::Database &db, const ImportParametersRow &row);
/// The row of `tokenId`, or std::nullopt when there is none (purged or never made).
[[nodiscard]] Result<std::optional<ImportParametersRow>> loadImportParameters(store::Database &db,
                                                                              const QString &tokenId);
/// Deletes the wrapping keys of `keyId` whose tokens expired before `now`.
[[nodiscard]] Status purgeExpiredImportParameters(store::Database &db, const QString &keyId, const QDateTime &now);

[[nodiscard]] Result<std::optional<ImportedMaterialRow>> loadImportedMaterial(store::Database &db,
                                                                              const QString &keyId);
/// Remembers the material of `keyId` (the first import; later ones must match it).
[[nodiscard]] Status insertImportedMaterial(store::Database &db, const QString &keyId, const ImportedMaterialRow &row);
/// Deletes every material version of `keyId` (secure_delete zeroes the pages).
[[nodiscard]] Status deleteMaterialVersions(store::Database &db, const QString &keyId);
/// EXTERNAL keys holding material that expires at or before `now`.
[[nodiscard]] Result<QStringList> keysWithExpiredMaterial(store::Database &db, const QDateTime &now);

} // namespace qkms::kms::rows
