#include "kms/ImportRows.h"

#include "store/Database.h"
#include "store/StoredDate.h"

namespace qkms::kms::rows {

Status insertImportParameters(store::Database &db, const ImportParametersRow &row)
{
    auto q = db.prepare(QStringLiteral(
        "INSERT INTO import_parameters (token_id, key_id, wrapping_algorithm, wrapping_key_spec, wrapped_private, "
        "public_key, created_at, valid_to) VALUES (:token, :key, :algorithm, :spec, :private, :public, :created, "
        ":validTo)"));
    if (!q)
        return std::unexpected(q.error());
    q->bind(":token", row.tokenId)
        .bind(":key", row.keyId)
        .bind(":algorithm", row.wrappingAlgorithm)
        .bind(":spec", row.wrappingKeySpec)
        .bind(":private", row.wrappedPrivate)
        .bind(":public", row.publicKey)
        .bind(":created", store::storedDate(row.createdAt))
        .bind(":validTo", store::storedDate(row.validTo));
    return q->run();
}

Result<std::optional<ImportParametersRow>> loadImportParameters(store::Database &db, const QString &tokenId)
{
    auto q = db.prepare(QStringLiteral("SELECT key_id, wrapping_algorithm, wrapping_key_spec, wrapped_private, "
                                       "public_key, created_at, valid_to FROM import_parameters WHERE token_id = :token"));
    if (!q)
        return std::unexpected(q.error());
    q->bind(":token", tokenId);
    auto row = q->step();
    if (!row)
        return std::unexpected(row.error());
    if (!*row)
        return std::optional<ImportParametersRow>{};
    ImportParametersRow r;
    r.tokenId = tokenId;
    r.keyId = q->columnText(0);
    r.wrappingAlgorithm = q->columnText(1);
    r.wrappingKeySpec = q->columnText(2);
    r.wrappedPrivate = q->columnBlob(3);
    r.publicKey = q->columnBlob(4);
    r.createdAt = store::parseStoredDate(q->columnText(5));
    r.validTo = store::parseStoredDate(q->columnText(6));
    return std::optional<ImportParametersRow>{r};
}

Status purgeExpiredImportParameters(store::Database &db, const QString &keyId, const QDateTime &now)
{
    auto q = db.prepare(QStringLiteral("DELETE FROM import_parameters WHERE key_id = :key AND valid_to < :now"));
    if (!q)
        return std::unexpected(q.error());
    return q->bind(":key", keyId).bind(":now", store::storedDate(now)).run();
}

Result<std::optional<ImportedMaterialRow>> loadImportedMaterial(store::Database &db, const QString &keyId)
{
    auto q = db.prepare(QStringLiteral("SELECT material_id, fingerprint FROM imported_material WHERE key_id = :key"));
    if (!q)
        return std::unexpected(q.error());
    q->bind(":key", keyId);
    auto row = q->step();
    if (!row)
        return std::unexpected(row.error());
    if (!*row)
        return std::optional<ImportedMaterialRow>{};
    return std::optional<ImportedMaterialRow>{ImportedMaterialRow{q->columnText(0), q->columnBlob(1)}};
}

Status insertImportedMaterial(store::Database &db, const QString &keyId, const ImportedMaterialRow &row)
{
    auto q = db.prepare(QStringLiteral("INSERT INTO imported_material (key_id, material_id, fingerprint) VALUES "
                                       "(:key, :materialId, :fingerprint)"));
    if (!q)
        return std::unexpected(q.error());
    return q->bind(":key", keyId).bind(":materialId", row.materialId).bind(":fingerprint", row.wrappedFingerprint).run();
}

Status deleteMaterialVersions(store::Database &db, const QString &keyId)
{
    auto q = db.prepare(QStringLiteral("DELETE FROM key_material WHERE key_id = :key"));
    if (!q)
        return std::unexpected(q.error());
    return q->bind(":key", keyId).run();
}

Result<QStringList> keysWithExpiredMaterial(store::Database &db, const QDateTime &now)
{
    auto q = db.prepare(QStringLiteral("SELECT key_id FROM keys WHERE origin = 'EXTERNAL' AND current_version > 0 AND "
                                       "expiration_model = 'KEY_MATERIAL_EXPIRES' AND valid_to <= :now"));
    if (!q)
        return std::unexpected(q.error());
    return q->bind(":now", store::storedDate(now)).columnTexts();
}

} // namespace qkms::kms::rows
