#pragma once

// The Rotation schedules pane's actions on one key: EnableKeyRotation (also to change the period),
// DisableKeyRotation and RotateKeyOnDemand. Their restrictions follow docs/rotation.md: only
// customer managed symmetric keys with KMS-made material can have rotation switched or run on
// demand (AWS managed keys rotate on their own, asymmetric and HMAC keys never), and only while
// the key is enabled.

#include "KeyCommand.h"
#include "ScheduleModel.h"

namespace qkms::ui {

/// A key of the schedule as the commands need it (id, ARN, manager, state).
[[nodiscard]] kms::KeyRecord keyRecordOf(const model::ScheduleEntry &entry);

/// EnableKeyRotation with a period of 90..2560 days: the next rotation is one period from now.
class EnableRotationCommand : public KeyCommand
{
    Q_OBJECT
public:
    EnableRotationCommand(model::EngineRunner *runner, const model::ScheduleEntry &entry, int periodDays,
                          QWidget *parentWidget);
    /// Whether rotation can be switched on (or its period changed) for the key.
    [[nodiscard]] static bool appliesTo(const model::ScheduleEntry &entry);
    void start() override;

private:
    QString m_label;
    int m_periodDays;
};

/// DisableKeyRotation: no more automatic rotations; every material version stays usable.
class DisableRotationCommand : public KeyCommand
{
    Q_OBJECT
public:
    DisableRotationCommand(model::EngineRunner *runner, const model::ScheduleEntry &entry, QWidget *parentWidget);
    [[nodiscard]] static bool appliesTo(const model::ScheduleEntry &entry);
    void start() override;

private:
    QString m_label;
};

/// RotateKeyOnDemand: new material now; the automatic schedule does not move.
class RotateNowCommand : public KeyCommand
{
    Q_OBJECT
public:
    RotateNowCommand(model::EngineRunner *runner, const model::ScheduleEntry &entry, QWidget *parentWidget);
    [[nodiscard]] static bool appliesTo(const model::ScheduleEntry &entry);
    void start() override;

private:
    QString m_label;
};

} // namespace qkms::ui
