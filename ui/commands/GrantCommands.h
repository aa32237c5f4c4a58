#pragma once

// The Grants tab's actions: CreateGrant (with a request the tab's dialog built) and RevokeGrant.
// Both need a customer managed key; AWS refuses grants on keys pending deletion.

#include "KeyCommand.h"
#include "kms/GrantTypes.h"

namespace qkms::ui {

/// CreateGrant on the key; succeeds with a sentence naming the new grant's id.
class CreateGrantCommand : public KeyCommand
{
    Q_OBJECT
public:
    CreateGrantCommand(model::EngineRunner *runner, const kms::KeyRecord &key, kms::CreateGrantRequest request,
                       QWidget *parentWidget);
    /// Whether grants can be created on the key.
    [[nodiscard]] static bool appliesTo(const kms::KeyRecord &key);
    void start() override;

private:
    kms::CreateGrantRequest m_request;
};

/// RevokeGrant: the grant stops allowing anything at once.
class RevokeGrantCommand : public KeyCommand
{
    Q_OBJECT
public:
    RevokeGrantCommand(model::EngineRunner *runner, const kms::KeyRecord &key, QString grantId, QWidget *parentWidget);
    [[nodiscard]] static bool appliesTo(const kms::KeyRecord &key);
    void start() override;

private:
    QString m_grantId;
};

} // namespace qkms::ui
