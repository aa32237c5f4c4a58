#pragma once

// SQL for rotation schedules and material versions (the keys.rotation_* columns and key_material
// rows of a region file). Only Rotation.cpp and Scheduler.cpp use this.

#include "core/KmsError.h"
#include "kms/KeyTypes.h"

#include <QDateTime>
#include <QList>
#include <QString>

#include <optional>

namespace qkms::store {
class Database;
}

namespace qkms::kms::rows {

/// A key's stored rotation schedule.
struct RotationSchedule {
    bool enabled = false;
    std::optional<int> periodDays;
    std::optional<QDateTime> nextRotation;
};

/// What the scheduler and the schedule view need to know about one key.
struct ScheduleRow {
    QString keyId;
    QString arn;
    QDateTime createdAt;
    KeySpec keySpec = KeySpec::SymmetricDefault;
    Origin origin = Origin::AwsKms;
    KeyState keyState = KeyState::Enabled;
    KeyManager keyManager = KeyManager::Customer;
    RotationSchedule stored;
    std::optional<QDateTime> deletionDate;
    std::optional<QDateTime> lastRotation;  ///< newest AUTOMATIC or ON_DEMAND material
};

/// One material version made by a rotation.
struct MaterialVersion {
    int version = 0;
    QString materialId;
    QDateTime createdAt;
    QString rotationType;  ///< AUTOMATIC | ON_DEMAND
};

/// Whether a key of this spec and origin can rotate at all (symmetric, AWS_KMS origin).
[[nodiscard]] bool canRotate(KeySpec spec, Origin origin);
/// The schedule in force: the stored one for customer keys; for AWS-managed keys always on,
/// every 365 days, the first one year after creation. Off for keys that cannot rotate.
[[nodiscard]] RotationSchedule effectiveSchedule(const ScheduleRow &row);

/// The schedule of a key, or std::nullopt when the key does not exist.
[[nodiscard]] Result<std::optional<ScheduleRow>> loadSchedule(store::Database &db, const QString &keyId);
/// Writes rotation_enabled, rotation_period_days and next_rotation.
[[nodiscard]] Status saveSchedule(store::Database &db, const QString &keyId, const RotationSchedule &schedule);
/// Moves keys.current_version.
[[nodiscard]] Status setCurrentVersion(store::Database &db, const QString &keyId, int version);
/// How many material versions of `keyId` a rotation of `rotationType` made.
[[nodiscard]] Result<int> countRotations(store::Database &db, const QString &keyId, const QString &rotationType);
/// Versions made by rotations, oldest first, with version above `afterVersion`; at most `limit`.
[[nodiscard]] Result<QList<MaterialVersion>> listRotations(store::Database &db, const QString &keyId,
                                                           int afterVersion, int limit);
/// Whether `keyId` has a rotation-made material version `version` (paging markers).
[[nodiscard]] Result<bool> hasRotation(store::Database &db, const QString &keyId, int version);
/// Enabled symmetric AWS_KMS keys whose automatic rotation may be due at `now`: rotation on and
/// next_rotation passed, or AWS-managed (whose first date derives from creation when unset).
[[nodiscard]] Result<QStringList> rotationCandidates(store::Database &db, const QDateTime &now);
/// Keys in creation order for the schedule view: every key when `everyKey`, else only those with
/// a rotation schedule (on, or AWS-managed) or a deletion date.
[[nodiscard]] Result<QList<ScheduleRow>> scheduledKeys(store::Database &db, bool everyKey);

} // namespace qkms::kms::rows
