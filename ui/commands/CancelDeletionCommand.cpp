#include "CancelDeletionCommand.h"

#include "kms/KmsService.h"

namespace qkms::ui {

bool CancelDeletionCommand::appliesTo(const kms::KeyRecord &key)
{
    return !key.keyId.isEmpty() && key.keyState == kms::KeyState::PendingDeletion;
}

void CancelDeletionCommand::start()
{
    runOnKey([](kms::KmsService &service, const kms::Caller &caller, const QString &keyId) -> Result<QString> {
        auto key = service.cancelKeyDeletion(caller, keyId);
        if (!key)
            return std::unexpected(key.error());
        return tr("Cancelled the deletion of key %1. It is disabled: enable it to use it again.").arg(keyId);
    });
}

} // namespace qkms::ui
