#pragma once

// The one scheduler of a region: carries out automatic rotations and deletions whose date has
// passed, and tells what is coming. Run at every unlock (catching up on the time qkms was closed)
// and periodically by the console. It holds no state between runs: the region file is the
// schedule, so any number of processes may run it; each due event happens once (docs/rotation.md).

#include "core/KmsError.h"
#include "kms/KeyTypes.h"

#include <QDateTime>
#include <QList>
#include <QString>

#include <optional>

namespace qkms::kms {

class KmsService;

/// One thing the scheduler did, will do, or would do.
struct ScheduledEvent {
    enum class Kind { Rotation, Deletion };
    Kind kind = Kind::Rotation;
    QString keyId;
    QString keyArn;
    QDateTime dueAt;      ///< when it was (or is) due
    QDateTime ranAt;      ///< runDue only: when it ran
    int daysLeft = 0;     ///< forecast only: whole days from now, rounded up (0 = due now)
    bool awsManaged = false;
    int newVersion = 0;     ///< runDue rotations: the material version made
    int missedPeriods = 0;  ///< runDue rotations: further due dates collapsed into this one
};

/// What one runDue() did. A key that failed does not stop the others.
struct SchedulerReport {
    QList<ScheduledEvent> done;
    QList<QPair<QString, KmsError>> failures;  ///< (key id, error)
    [[nodiscard]] int count(ScheduledEvent::Kind kind) const;
};

/// One key's line in the schedule view (the console's Rotation schedules pane, `qkms schedule`).
struct KeySchedule {
    QString keyId;
    QString keyArn;
    KeyManager keyManager = KeyManager::Customer;
    KeyState keyState = KeyState::Enabled;
    bool rotatable = false;          ///< symmetric with AWS_KMS origin
    bool rotationEnabled = false;    ///< always true for AWS-managed keys
    std::optional<int> periodDays;
    std::optional<QDateTime> lastRotation;
    std::optional<QDateTime> nextRotation;  ///< absent while disabled or pending deletion
    std::optional<QDateTime> deletionDate;
    std::optional<int> daysLeft;            ///< until the deletion, rounded up
};

class Scheduler
{
public:
    /// A scheduler over `service`, which must outlive it. Cheap: make one per run.
    explicit Scheduler(KmsService &service) : m_service(service) {}

    /// Performs every deletion, then every automatic rotation, that is due at the clock's now.
    /// Each is audited (DeleteKey / RotateKey events with dueAt and ranAt). Errors only when the
    /// due keys cannot be listed; a failure on one key is in the report.
    [[nodiscard]] Result<SchedulerReport> runDue();
    /// Only the deletions that are due (each in its own IMMEDIATE transaction, audited once).
    [[nodiscard]] Result<SchedulerReport> runDueDeletions();
    /// Rotations and deletions due from now until now + `days` (0..36500, else
    /// ValidationException), in date order. Overdue ones come first with daysLeft 0. Keys that are
    /// disabled do not rotate; keys pending deletion only appear for their deletion.
    [[nodiscard]] Result<QList<ScheduledEvent>> forecast(int days);
    /// The schedule of each key with a rotation schedule or a deletion date (or of every key).
    [[nodiscard]] Result<QList<KeySchedule>> keySchedules(bool everyKey = false);

private:
    [[nodiscard]] Result<std::optional<ScheduledEvent>> deleteIfDue(const QString &keyId);

    KmsService &m_service;
};

} // namespace qkms::kms
