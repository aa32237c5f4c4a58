#include "RotationCommands.h"

#include "KeyText.h"
#include "kms/KmsService.h"

namespace qkms::ui {

namespace {

/// A customer managed key that can rotate and is enabled: what all three actions need.
bool switchable(const model::ScheduleEntry &e)
{
    const kms::KeySchedule &s = e.schedule;
    return !s.keyId.isEmpty() && s.rotatable && s.keyManager == kms::KeyManager::Customer
           && s.keyState == kms::KeyState::Enabled;
}

} // namespace

kms::KeyRecord keyRecordOf(const model::ScheduleEntry &entry)
{
    kms::KeyRecord k;
    k.keyId = entry.schedule.keyId;
    k.arn = entry.schedule.keyArn;
    k.keyManager = entry.schedule.keyManager;
    k.keyState = entry.schedule.keyState;
    k.deletionDate = entry.schedule.deletionDate;
    return k;
}

EnableRotationCommand::EnableRotationCommand(model::EngineRunner *runner, const model::ScheduleEntry &entry,
                                             int periodDays, QWidget *parentWidget)
    : KeyCommand(runner, keyRecordOf(entry), parentWidget), m_label(entry.label()), m_periodDays(periodDays)
{
}

bool EnableRotationCommand::appliesTo(const model::ScheduleEntry &entry)
{
    return switchable(entry);
}

void EnableRotationCommand::start()
{
    runOnKey([days = m_periodDays, label = m_label](kms::KmsService &service, const kms::Caller &caller,
                                                    const QString &keyId) -> Result<QString> {
        if (auto st = service.enableKeyRotation(caller, keyId, days); !st)
            return std::unexpected(st.error());
        auto status = service.getKeyRotationStatus(caller, keyId);
        if (!status)
            return std::unexpected(status.error());
        return tr("Automatic rotation of %1 is on: every %2 days, next on %3.")
            .arg(label)
            .arg(days)
            .arg(model::text::dateTime(status->nextRotationDate.value_or(QDateTime())));
    });
}

DisableRotationCommand::DisableRotationCommand(model::EngineRunner *runner, const model::ScheduleEntry &entry,
                                               QWidget *parentWidget)
    : KeyCommand(runner, keyRecordOf(entry), parentWidget), m_label(entry.label())
{
}

bool DisableRotationCommand::appliesTo(const model::ScheduleEntry &entry)
{
    return switchable(entry) && entry.schedule.rotationEnabled;
}

void DisableRotationCommand::start()
{
    runOnKey([label = m_label](kms::KmsService &service, const kms::Caller &caller,
                               const QString &keyId) -> Result<QString> {
        if (auto st = service.disableKeyRotation(caller, keyId); !st)
            return std::unexpected(st.error());
        return tr("Automatic rotation of %1 is off. Its earlier key material still decrypts what it encrypted.")
            .arg(label);
    });
}

RotateNowCommand::RotateNowCommand(model::EngineRunner *runner, const model::ScheduleEntry &entry,
                                   QWidget *parentWidget)
    : KeyCommand(runner, keyRecordOf(entry), parentWidget), m_label(entry.label())
{
}

bool RotateNowCommand::appliesTo(const model::ScheduleEntry &entry)
{
    return switchable(entry);
}

void RotateNowCommand::start()
{
    runOnKey([label = m_label](kms::KmsService &service, const kms::Caller &caller,
                               const QString &keyId) -> Result<QString> {
        auto rotated = service.rotateKeyOnDemand(caller, keyId);
        if (!rotated)
            return std::unexpected(rotated.error());
        return tr("Rotated %1: new key material encrypts from now on; the automatic schedule is unchanged.")
            .arg(label);
    });
}

} // namespace qkms::ui
