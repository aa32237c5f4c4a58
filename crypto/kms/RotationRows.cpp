#include "kms/RotationRows.h"

#include "kms/KmsService.h"
#include "store/Database.h"
#include "store/StoredDate.h"

namespace qkms::kms::rows {

namespace {

const QString kScheduleColumns = QStringLiteral(
    "k.key_id, k.arn, k.created_at, k.key_spec, k.origin, k.key_state, k.key_manager, k.rotation_enabled, "
    "k.rotation_period_days, k.next_rotation, k.deletion_date, "
    "(SELECT MAX(m.created_at) FROM key_material m WHERE m.key_id = k.key_id "
    "AND m.rotation_type IN ('AUTOMATIC', 'ON_DEMAND'))");

ScheduleRow scheduleFromRow(const store::Statement &q)
{
    ScheduleRow r;
    r.keyId = q.columnText(0);
    r.arn = q.columnText(1);
    r.createdAt = store::parseStoredDate(q.columnText(2));
    r.keySpec = keySpecFromString(q.columnText(3)).value_or(KeySpec::SymmetricDefault);
    r.origin = originFromString(q.columnText(4)).value_or(Origin::AwsKms);
    r.keyState = keyStateFromString(q.columnText(5)).value_or(KeyState::Disabled);
    r.keyManager = keyManagerFromString(q.columnText(6)).value_or(KeyManager::Customer);
    r.stored.enabled = q.columnInt(7) != 0;
    if (!q.columnIsNull(8))
        r.stored.periodDays = static_cast<int>(q.columnInt(8));
    r.stored.nextRotation = store::optionalStoredDate(q, 9);
    r.deletionDate = store::optionalStoredDate(q, 10);
    r.lastRotation = store::optionalStoredDate(q, 11);
    return r;
}

template <typename T, typename Read>
Result<QList<T>> collect(store::Statement &q, Read read)
{
    QList<T> out;
    while (true) {
        auto row = q.step();
        if (!row)
            return std::unexpected(row.error());
        if (!*row)
            return out;
        out.append(read(q));
    }
}

} // namespace

bool canRotate(KeySpec spec, Origin origin)
{
    return spec == KeySpec::SymmetricDefault && origin == Origin::AwsKms;
}

RotationSchedule effectiveSchedule(const ScheduleRow &row)
{
    if (!canRotate(row.keySpec, row.origin))
        return {};
    if (row.keyManager == KeyManager::Aws) {
        // AWS-managed keys are created without a stored schedule (KeyLifecycle.cpp); the first
        // automatic rotation writes one.
        const int period = KmsService::AwsManagedRotationPeriodDays;
        return {true, period, row.stored.nextRotation.value_or(row.createdAt.addDays(period))};
    }
    if (!row.stored.enabled)
        return {};
    return row.stored;
}

Result<std::optional<ScheduleRow>> loadSchedule(store::Database &db, const QString &keyId)
{
    auto q = db.prepare(QStringLiteral("SELECT %1 FROM keys k WHERE k.key_id = :id").arg(kScheduleColumns));
    if (!q)
        return std::unexpected(q.error());
    q->bind(":id", keyId);
    auto row = q->step();
    if (!row)
        return std::unexpected(row.error());
    if (!*row)
        return std::optional<ScheduleRow>{};
    return std::optional<ScheduleRow>{scheduleFromRow(*q)};
}

Status saveSchedule(store::Database &db, const QString &keyId, const RotationSchedule &s)
{
    auto q = db.prepare(QStringLiteral("UPDATE keys SET rotation_enabled = :enabled, rotation_period_days = :period, "
                                       "next_rotation = :next WHERE key_id = :id"));
    if (!q)
        return std::unexpected(q.error());
    q->bind(":id", keyId).bind(":enabled", qint64(s.enabled ? 1 : 0));
    if (s.periodDays)
        q->bind(":period", qint64(*s.periodDays));
    else
        q->bindNull(":period");
    if (s.nextRotation)
        q->bind(":next", store::storedDate(*s.nextRotation));
    else
        q->bindNull(":next");
    return q->run();
}

Status setCurrentVersion(store::Database &db, const QString &keyId, int version)
{
    auto q = db.prepare(QStringLiteral("UPDATE keys SET current_version = :version WHERE key_id = :id"));
    if (!q)
        return std::unexpected(q.error());
    return q->bind(":id", keyId).bind(":version", qint64(version)).run();
}

Result<int> countRotations(store::Database &db, const QString &keyId, const QString &rotationType)
{
    auto q = db.prepare(QStringLiteral("SELECT COUNT(*) FROM key_material WHERE key_id = :id AND rotation_type = :type"));
    if (!q)
        return std::unexpected(q.error());
    q->bind(":id", keyId).bind(":type", rotationType);
    auto row = q->step();
    if (!row)
        return std::unexpected(row.error());
    return static_cast<int>(q->columnInt(0));
}

Result<QList<MaterialVersion>> listRotations(store::Database &db, const QString &keyId, int afterVersion, int limit)
{
    auto q = db.prepare(QStringLiteral("SELECT version, material_id, created_at, rotation_type FROM key_material "
                                       "WHERE key_id = :id AND version > :after AND rotation_type IN "
                                       "('AUTOMATIC', 'ON_DEMAND') ORDER BY version LIMIT :limit"));
    if (!q)
        return std::unexpected(q.error());
    q->bind(":id", keyId).bind(":after", qint64(afterVersion)).bind(":limit", qint64(limit));
    return collect<MaterialVersion>(*q, [](const store::Statement &s) {
        return MaterialVersion{static_cast<int>(s.columnInt(0)), s.columnText(1),
                               store::parseStoredDate(s.columnText(2)), s.columnText(3)};
    });
}

Result<bool> hasRotation(store::Database &db, const QString &keyId, int version)
{
    auto q = db.prepare(QStringLiteral("SELECT 1 FROM key_material WHERE key_id = :id AND version = :version AND "
                                       "rotation_type IN ('AUTOMATIC', 'ON_DEMAND')"));
    if (!q)
        return std::unexpected(q.error());
    q->bind(":id", keyId).bind(":version", qint64(version));
    return q->step();
}

Result<QStringList> rotationCandidates(store::Database &db, const QDateTime &now)
{
    // AWS-managed keys are few; their first date (creation + 365 days) is worked out in C++.
    auto q = db.prepare(QStringLiteral(
        "SELECT key_id FROM keys WHERE key_state = 'Enabled' AND key_spec = 'SYMMETRIC_DEFAULT' AND "
        "origin = 'AWS_KMS' AND ((rotation_enabled = 1 AND next_rotation <= :now) OR (key_manager = 'AWS' AND "
        "(next_rotation IS NULL OR next_rotation <= :now))) ORDER BY rowid"));
    if (!q)
        return std::unexpected(q.error());
    q->bind(":now", store::storedDate(now));
    auto ids = collect<QString>(*q, [](const store::Statement &s) { return s.columnText(0); });
    if (!ids)
        return std::unexpected(ids.error());
    return QStringList(*ids);
}

Result<QList<ScheduleRow>> scheduledKeys(store::Database &db, bool everyKey)
{
    const QString where = everyKey ? QStringLiteral("1")
                                   : QStringLiteral("k.rotation_enabled = 1 OR k.key_manager = 'AWS' OR "
                                                    "k.deletion_date IS NOT NULL");
    auto q = db.prepare(QStringLiteral("SELECT %1 FROM keys k WHERE %2 ORDER BY k.rowid").arg(kScheduleColumns, where));
    if (!q)
        return std::unexpected(q.error());
    return collect<ScheduleRow>(*q, scheduleFromRow);
}

} // namespace qkms::kms::rows
