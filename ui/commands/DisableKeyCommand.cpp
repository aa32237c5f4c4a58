#include "DisableKeyCommand.h"

#include "kms/KmsService.h"

namespace qkms::ui {

bool DisableKeyCommand::appliesTo(const kms::KeyRecord &key)
{
    // AWS managed keys cannot be disabled; a key pending deletion is already unusable.
    return !key.keyId.isEmpty() && key.keyManager == kms::KeyManager::Customer
           && key.keyState == kms::KeyState::Enabled;
}

void DisableKeyCommand::start()
{
    runOnKey([](kms::KmsService &service, const kms::Caller &caller, const QString &keyId) -> Result<QString> {
        if (auto st = service.disableKey(caller, keyId); !st)
            return std::unexpected(st.error());
        return tr("Disabled key %1. Cryptographic operations with it now fail with DisabledException.").arg(keyId);
    });
}

} // namespace qkms::ui
