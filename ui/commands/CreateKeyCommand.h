#pragma once

#include "Command.h"

namespace qkms::ui {

class CreateKeyWizard;

/// CreateKey (and CreateAlias) through CreateKeyWizard. Succeeds with the new key's id when the
/// wizard finishes — or when the user cancels after the key was made but its alias failed, since
/// the key exists then.
class CreateKeyCommand : public Command
{
    Q_OBJECT
public:
    using Command::Command;
    void start() override;
    /// The wizard while it is open (tests drive it), else null.
    [[nodiscard]] CreateKeyWizard *wizard() const;

private:
    QPointer<CreateKeyWizard> m_wizard;
};

} // namespace qkms::ui
