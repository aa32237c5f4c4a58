#include "KeyCommand.h"

#include "EngineRunner.h"

namespace qkms::ui {

KeyCommand::KeyCommand(model::EngineRunner *runner, kms::KeyRecord key, QWidget *parentWidget)
    : Command(runner, parentWidget), m_key(std::move(key))
{
}

void KeyCommand::runOnKey(KeyCall call)
{
    const QString keyId = m_key.keyId;
    const bool queued = runner()->run(
        this,
        [call = std::move(call), keyId](kms::KmsService &service, const kms::Caller &caller) {
            return call(service, caller, keyId);
        },
        [this, keyId](Result<QString> result) {
            if (result)
                finish({CommandResult::Outcome::Succeeded, *result, keyId});
            else
                finish({CommandResult::Outcome::Failed, result.error().toString(), keyId});
        });
    if (!queued)
        finish({CommandResult::Outcome::Failed, tr("The vault is locked."), keyId});
}

} // namespace qkms::ui
