#pragma once

#include "KeyCommand.h"

namespace qkms::ui {

/// ScheduleKeyDeletion: asks for the waiting period and a confirmation (ScheduleDeletionDialog),
/// then schedules. The key is unusable from then on, until the deletion is cancelled.
class ScheduleDeletionCommand : public KeyCommand
{
    Q_OBJECT
public:
    /// `keyLabel` names the key in the dialog (its alias, or its id).
    ScheduleDeletionCommand(model::EngineRunner *runner, kms::KeyRecord key, QString keyLabel, QWidget *parentWidget);
    /// Customer managed keys that are not already pending deletion.
    [[nodiscard]] static bool appliesTo(const kms::KeyRecord &key);
    void start() override;

private:
    QString m_label;
};

} // namespace qkms::ui
