#include "GrantCommands.h"

#include "kms/KmsService.h"

namespace qkms::ui {

CreateGrantCommand::CreateGrantCommand(model::EngineRunner *runner, const kms::KeyRecord &key,
                                       kms::CreateGrantRequest request, QWidget *parentWidget)
    : KeyCommand(runner, key, parentWidget), m_request(std::move(request))
{
}

bool CreateGrantCommand::appliesTo(const kms::KeyRecord &key)
{
    return !key.keyId.isEmpty() && key.keyManager == kms::KeyManager::Customer
           && key.keyState != kms::KeyState::PendingDeletion;
}

void CreateGrantCommand::start()
{
    runOnKey([request = m_request](kms::KmsService &service, const kms::Caller &caller,
                                   const QString &keyId) mutable -> Result<QString> {
        request.keyId = keyId;
        auto grant = service.createGrant(caller, request);
        if (!grant)
            return std::unexpected(grant.error());
        return tr("Created grant %1 for %2: %3.")
            .arg(grant->grantId.left(12) + QStringLiteral("…"), request.granteePrincipal,
                 request.operations.join(QStringLiteral(", ")));
    });
}

RevokeGrantCommand::RevokeGrantCommand(model::EngineRunner *runner, const kms::KeyRecord &key, QString grantId,
                                       QWidget *parentWidget)
    : KeyCommand(runner, key, parentWidget), m_grantId(std::move(grantId))
{
}

bool RevokeGrantCommand::appliesTo(const kms::KeyRecord &key)
{
    return !key.keyId.isEmpty() && key.keyManager == kms::KeyManager::Customer;
}

void RevokeGrantCommand::start()
{
    runOnKey([grantId = m_grantId](kms::KmsService &service, const kms::Caller &caller,
                                   const QString &keyId) -> Result<QString> {
        if (auto st = service.revokeGrant(caller, keyId, grantId); !st)
            return std::unexpected(st.error());
        return tr("Revoked grant %1.").arg(grantId.left(12) + QStringLiteral("…"));
    });
}

} // namespace qkms::ui
