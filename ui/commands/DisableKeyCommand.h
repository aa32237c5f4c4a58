#pragma once

#include "KeyCommand.h"

namespace qkms::ui {

/// DisableKey: the key stays, but every cryptographic operation with it is refused.
class DisableKeyCommand : public KeyCommand
{
    Q_OBJECT
public:
    using KeyCommand::KeyCommand;
    /// Whether the action applies to `key` in its current state.
    [[nodiscard]] static bool appliesTo(const kms::KeyRecord &key);
    void start() override;
};

} // namespace qkms::ui
