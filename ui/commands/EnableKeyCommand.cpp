#include "EnableKeyCommand.h"

#include "kms/KmsService.h"

namespace qkms::ui {

bool EnableKeyCommand::appliesTo(const kms::KeyRecord &key)
{
    // EnableKey is refused while a deletion is pending (cancel it first) or material is missing.
    return !key.keyId.isEmpty() && key.keyState == kms::KeyState::Disabled;
}

void EnableKeyCommand::start()
{
    runOnKey([](kms::KmsService &service, const kms::Caller &caller, const QString &keyId) -> Result<QString> {
        if (auto st = service.enableKey(caller, keyId); !st)
            return std::unexpected(st.error());
        return tr("Enabled key %1.").arg(keyId);
    });
}

} // namespace qkms::ui
