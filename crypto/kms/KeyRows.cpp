#include "kms/KeyRows.h"

#include "store/Database.h"
#include "store/StoredDate.h"

namespace qkms::kms::rows {

namespace {

const QString kKeyColumns = QStringLiteral(
    "k.key_id, k.arn, k.created_at, k.description, k.key_spec, k.key_usage, k.key_state, k.origin, k.key_manager, "
    "k.aws_service, k.deletion_date, k.pending_window_days, k.valid_to, k.expiration_model, k.current_version, "
    "(SELECT m.material_id FROM key_material m WHERE m.key_id = k.key_id AND m.version = k.current_version)");

KeyRecord keyFromRow(const store::Statement &q)
{
    KeyRecord k;
    k.keyId = q.columnText(0);
    k.arn = q.columnText(1);
    k.creationDate = store::parseStoredDate(q.columnText(2));
    k.description = q.columnText(3);
    k.keySpec = keySpecFromString(q.columnText(4)).value_or(KeySpec::SymmetricDefault);
    k.keyUsage = keyUsageFromString(q.columnText(5)).value_or(KeyUsage::EncryptDecrypt);
    k.keyState = keyStateFromString(q.columnText(6)).value_or(KeyState::Disabled);
    k.origin = originFromString(q.columnText(7)).value_or(Origin::AwsKms);
    k.keyManager = keyManagerFromString(q.columnText(8)).value_or(KeyManager::Customer);
    k.awsService = q.columnText(9);
    k.deletionDate = store::optionalStoredDate(q, 10);
    if (!q.columnIsNull(11))
        k.pendingDeletionWindowInDays = static_cast<int>(q.columnInt(11));
    k.validTo = store::optionalStoredDate(q, 12);
    k.expirationModel = q.columnText(13);
    k.currentVersion = static_cast<int>(q.columnInt(14));
    k.currentMaterialId = q.columnText(15);
    return k;
}

void bindOptionalDate(store::Statement &s, const char *name, const std::optional<QDateTime> &t)
{
    if (t)
        s.bind(name, store::storedDate(*t));
    else
        s.bindNull(name);
}

} // namespace

QByteArray materialBinding(const QString &arn, int version)
{
    return arn.toUtf8() + '|' + QByteArray::number(version);
}

Result<std::optional<KeyRecord>> loadKey(store::Database &db, const QString &keyId)
{
    auto q = db.prepare(QStringLiteral("SELECT %1 FROM keys k WHERE k.key_id = :id").arg(kKeyColumns));
    if (!q)
        return std::unexpected(q.error());
    q->bind(":id", keyId);
    auto row = q->step();
    if (!row)
        return std::unexpected(row.error());
    if (!*row)
        return std::optional<KeyRecord>{};
    return std::optional<KeyRecord>{keyFromRow(*q)};
}

Status insertKey(store::Database &db, const KeyRecord &k, const QString &policy)
{
    auto q = db.prepare(QStringLiteral(
        "INSERT INTO keys (key_id, arn, created_at, description, key_spec, key_usage, key_state, origin, "
        "key_manager, aws_service, current_version, policy) VALUES (:id, :arn, :created, :description, :spec, "
        ":usage, :state, :origin, :manager, :service, :version, :policy)"));
    if (!q)
        return std::unexpected(q.error());
    q->bind(":id", k.keyId)
        .bind(":arn", k.arn)
        .bind(":created", store::storedDate(k.creationDate))
        .bind(":description", k.description)
        .bind(":spec", toString(k.keySpec))
        .bind(":usage", toString(k.keyUsage))
        .bind(":state", toString(k.keyState))
        .bind(":origin", toString(k.origin))
        .bind(":manager", toString(k.keyManager))
        .bind(":version", qint64(k.currentVersion))
        .bind(":policy", policy);
    if (k.awsService.isEmpty())
        q->bindNull(":service");
    else
        q->bind(":service", k.awsService);
    return q->run();
}

Status updateKey(store::Database &db, const KeyRecord &k)
{
    auto q = db.prepare(QStringLiteral(
        "UPDATE keys SET description = :description, key_state = :state, deletion_date = :deletion, "
        "pending_window_days = :window, valid_to = :validTo, expiration_model = :model, "
        "current_version = :version WHERE key_id = :id"));
    if (!q)
        return std::unexpected(q.error());
    q->bind(":id", k.keyId).bind(":description", k.description).bind(":state", toString(k.keyState));
    bindOptionalDate(*q, ":deletion", k.deletionDate);
    bindOptionalDate(*q, ":validTo", k.validTo);
    if (k.pendingDeletionWindowInDays)
        q->bind(":window", qint64(*k.pendingDeletionWindowInDays));
    else
        q->bindNull(":window");
    if (k.expirationModel.isEmpty())
        q->bindNull(":model");
    else
        q->bind(":model", k.expirationModel);
    q->bind(":version", qint64(k.currentVersion));
    return q->run();
}

Status deleteKey(store::Database &db, const QString &keyId)
{
    auto q = db.prepare(QStringLiteral("DELETE FROM keys WHERE key_id = :id"));
    if (!q)
        return std::unexpected(q.error());
    return q->bind(":id", keyId).run();
}

Result<QList<KeyRecord>> listKeys(store::Database &db, const QString &afterKeyId, int limit)
{
    // Paging follows rowid (creation order), so keys created while paging appear at the end.
    auto q = db.prepare(QStringLiteral("SELECT %1 FROM keys k WHERE k.rowid > COALESCE((SELECT rowid FROM keys "
                                       "WHERE key_id = :after), 0) ORDER BY k.rowid LIMIT :limit")
                            .arg(kKeyColumns));
    if (!q)
        return std::unexpected(q.error());
    q->bind(":after", afterKeyId).bind(":limit", qint64(limit));
    QList<KeyRecord> out;
    while (true) {
        auto row = q->step();
        if (!row)
            return std::unexpected(row.error());
        if (!*row)
            break;
        out.append(keyFromRow(*q));
    }
    return out;
}

Result<QStringList> keysDueForDeletion(store::Database &db, const QDateTime &now)
{
    auto q = db.prepare(QStringLiteral("SELECT key_id FROM keys WHERE key_state = 'PendingDeletion' AND "
                                       "deletion_date <= :now"));
    if (!q)
        return std::unexpected(q.error());
    return q->bind(":now", store::storedDate(now)).columnTexts();
}

Result<QString> aliasTarget(store::Database &db, const QString &aliasName)
{
    auto q = db.prepare(QStringLiteral("SELECT key_id FROM aliases WHERE alias_name = :name"));
    if (!q)
        return std::unexpected(q.error());
    q->bind(":name", aliasName);
    auto row = q->step();
    if (!row)
        return std::unexpected(row.error());
    return *row ? q->columnText(0) : QString();
}

Status insertMaterial(store::Database &db, const QString &keyId, int version, const QString &materialId,
                      const QByteArray &wrapped, const QByteArray &publicKey, const QDateTime &createdAt,
                      const QString &rotationType)
{
    auto q = db.prepare(QStringLiteral("INSERT INTO key_material (key_id, version, material_id, wrapped, public_key, "
                                       "created_at, rotation_type) VALUES (:id, :version, :materialId, :wrapped, "
                                       ":public, :created, :type)"));
    if (!q)
        return std::unexpected(q.error());
    q->bind(":id", keyId).bind(":version", qint64(version)).bind(":materialId", materialId).bind(":wrapped", wrapped);
    if (publicKey.isEmpty())
        q->bindNull(":public");
    else
        q->bind(":public", publicKey);
    q->bind(":created", store::storedDate(createdAt));
    if (rotationType.isEmpty())
        q->bindNull(":type");
    else
        q->bind(":type", rotationType);
    return q->run();
}

Result<QByteArray> loadWrappedMaterial(store::Database &db, const QString &keyId, int version)
{
    auto q = db.prepare(QStringLiteral("SELECT wrapped FROM key_material WHERE key_id = :id AND version = :version"));
    if (!q)
        return std::unexpected(q.error());
    q->bind(":id", keyId).bind(":version", qint64(version));
    auto row = q->step();
    if (!row)
        return std::unexpected(row.error());
    return *row ? q->columnBlob(0) : QByteArray();
}

Result<QByteArray> loadPublicKey(store::Database &db, const QString &keyId, int version)
{
    auto q = db.prepare(QStringLiteral("SELECT public_key FROM key_material WHERE key_id = :id AND version = :version"));
    if (!q)
        return std::unexpected(q.error());
    q->bind(":id", keyId).bind(":version", qint64(version));
    auto row = q->step();
    if (!row)
        return std::unexpected(row.error());
    return *row ? q->columnBlob(0) : QByteArray();
}

Result<QString> loadPolicy(store::Database &db, const QString &keyId)
{
    auto q = db.prepare(QStringLiteral("SELECT policy FROM keys WHERE key_id = :id"));
    if (!q)
        return std::unexpected(q.error());
    q->bind(":id", keyId);
    auto row = q->step();
    if (!row)
        return std::unexpected(row.error());
    return *row ? q->columnText(0) : QString();
}

} // namespace qkms::kms::rows
