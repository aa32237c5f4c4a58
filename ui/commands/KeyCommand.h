#pragma once

#include "Command.h"

#include "core/KmsError.h"
#include "kms/KeyRecord.h"
#include "kms/Requests.h"

#include <functional>

namespace qkms::kms {
class KmsService;
}

namespace qkms::ui {

/// A command on one key. Subclasses say when they apply (their restrictions, which decide
/// whether the pane enables the action) and which engine call they make.
class KeyCommand : public Command
{
    Q_OBJECT
public:
    KeyCommand(model::EngineRunner *runner, kms::KeyRecord key, QWidget *parentWidget);
    [[nodiscard]] const kms::KeyRecord &key() const { return m_key; }

protected:
    /// An engine call on the key; success carries the sentence to show.
    using KeyCall = std::function<Result<QString>(kms::KmsService &, const kms::Caller &, const QString &keyId)>;
    /// Runs `call` on the engine worker and finishes with its sentence or its error.
    void runOnKey(KeyCall call);

private:
    kms::KeyRecord m_key;
};

} // namespace qkms::ui
