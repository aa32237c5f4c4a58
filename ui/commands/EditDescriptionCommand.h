#pragma once

#include "KeyCommand.h"

namespace qkms::ui {

/// UpdateKeyDescription through EditDescriptionDialog.
class EditDescriptionCommand : public KeyCommand
{
    Q_OBJECT
public:
    EditDescriptionCommand(model::EngineRunner *runner, kms::KeyRecord key, QString keyLabel, QWidget *parentWidget);
    /// Customer managed keys not pending deletion (AWS refuses the change otherwise).
    [[nodiscard]] static bool appliesTo(const kms::KeyRecord &key);
    void start() override;

private:
    QString m_label;
};

} // namespace qkms::ui
