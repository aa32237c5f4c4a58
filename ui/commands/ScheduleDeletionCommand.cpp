#include "ScheduleDeletionCommand.h"

#include "EngineRunner.h"
#include "KeyText.h"
#include "ScheduleDeletionDialog.h"
#include "kms/KmsService.h"

namespace qkms::ui {

ScheduleDeletionCommand::ScheduleDeletionCommand(model::EngineRunner *runner, kms::KeyRecord key, QString keyLabel,
                                                 QWidget *parentWidget)
    : KeyCommand(runner, std::move(key), parentWidget), m_label(std::move(keyLabel))
{
}

bool ScheduleDeletionCommand::appliesTo(const kms::KeyRecord &key)
{
    return !key.keyId.isEmpty() && key.keyManager == kms::KeyManager::Customer
           && key.keyState != kms::KeyState::PendingDeletion;
}

void ScheduleDeletionCommand::start()
{
    auto *dialog = new ScheduleDeletionDialog(key(), m_label, runner()->now(), parentWidget());
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::rejected, this, &Command::cancel);
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        const int days = dialog->waitingPeriodDays();
        runOnKey([days](kms::KmsService &service, const kms::Caller &caller, const QString &keyId) -> Result<QString> {
            auto key = service.scheduleKeyDeletion(caller, keyId, days);
            if (!key)
                return std::unexpected(key.error());
            return tr("Key %1 will be deleted on %2. Until then you can cancel the deletion.")
                .arg(keyId, model::text::dateTime(key->deletionDate.value_or(QDateTime())));
        });
    });
    dialog->open();
}

} // namespace qkms::ui
