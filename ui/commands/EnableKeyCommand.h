#pragma once

#include "KeyCommand.h"

namespace qkms::ui {

/// EnableKey: a disabled key can be used again.
class EnableKeyCommand : public KeyCommand
{
    Q_OBJECT
public:
    using KeyCommand::KeyCommand;
    /// Whether the action applies to `key` in its current state.
    [[nodiscard]] static bool appliesTo(const kms::KeyRecord &key);
    void start() override;
};

} // namespace qkms::ui
