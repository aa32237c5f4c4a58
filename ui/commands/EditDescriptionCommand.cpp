#include "EditDescriptionCommand.h"

#include "EditDescriptionDialog.h"
#include "kms/KmsService.h"

namespace qkms::ui {

EditDescriptionCommand::EditDescriptionCommand(model::EngineRunner *runner, kms::KeyRecord key, QString keyLabel,
                                               QWidget *parentWidget)
    : KeyCommand(runner, std::move(key), parentWidget), m_label(std::move(keyLabel))
{
}

bool EditDescriptionCommand::appliesTo(const kms::KeyRecord &key)
{
    return !key.keyId.isEmpty() && key.keyManager == kms::KeyManager::Customer
           && key.keyState != kms::KeyState::PendingDeletion;
}

void EditDescriptionCommand::start()
{
    auto *dialog = new EditDescriptionDialog(m_label, key().description, parentWidget());
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::rejected, this, &Command::cancel);
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        const QString description = dialog->description();
        if (description == key().description) {
            cancel();
            return;
        }
        runOnKey([description](kms::KmsService &service, const kms::Caller &caller,
                               const QString &keyId) -> Result<QString> {
            if (auto st = service.updateKeyDescription(caller, keyId, description); !st)
                return std::unexpected(st.error());
            return tr("Updated the description of key %1.").arg(keyId);
        });
    });
    dialog->open();
}

} // namespace qkms::ui
