#pragma once

#include "Command.h"

#include "PolicyListModel.h"
#include "core/KmsError.h"

namespace qkms::ui {

/// Saves one policy document: PutKeyPolicy for a key policy (with the lockout safety check, never
/// bypassed from the console), PutUserPolicy / PutRolePolicy for an identity policy. Failures
/// finish with a sentence a person understands and the AWS exception name.
class PolicySaveCommand : public Command
{
    Q_OBJECT
public:
    PolicySaveCommand(model::EngineRunner *runner, model::PolicyRef policy, QString document, QWidget *parentWidget);
    void start() override;

    /// True for PutKeyPolicy's lockout safety refusal (the new policy would stop the caller from
    /// changing it again).
    [[nodiscard]] static bool isLockoutRefusal(const KmsError &error);
    /// `error` as the pane shows it: the lockout refusal in plain words naming `callerArn`;
    /// anything else as "why (ExceptionName)".
    [[nodiscard]] static QString explain(const KmsError &error, const QString &callerArn);

private:
    model::PolicyRef m_policy;
    QString m_document;
};

} // namespace qkms::ui
