#pragma once

#include "Command.h"

#include "PolicyListModel.h"

#include <QHash>

namespace qkms::ui {

class IdentityPolicyDialog;

/// "New identity policy…" in the Policies pane: asks for a user or role, a policy name and a
/// document through IdentityPolicyDialog (checked by the engine's parser as it is typed, names
/// already taken refused), then saves it with PolicySaveCommand — the same PutUserPolicy /
/// PutRolePolicy call as editing one. Finishes Canceled when the dialog is closed, Failed
/// without asking when the vault has no users or roles yet.
class NewIdentityPolicyCommand : public Command
{
    Q_OBJECT
public:
    /// `catalog` lists the principals to choose from and the policy names they already have;
    /// `preferredArn` (may be empty) is chosen first.
    NewIdentityPolicyCommand(model::EngineRunner *runner, const model::PolicyCatalog &catalog, QString preferredArn,
                             QWidget *parentWidget);
    void start() override;
    /// The open dialog (null before start() and once it is answered).
    [[nodiscard]] IdentityPolicyDialog *dialog() const;
    /// The policy saved (meaningful once finished() reported success).
    [[nodiscard]] model::PolicyRef policy() const { return m_policy; }

private:
    void save(const QString &arn, const QString &name, const QString &document);

    QStringList m_arns;                           ///< users and roles, the root left out
    QHash<QString, QStringList> m_existing;       ///< principal ARN → its policy names
    QString m_preferredArn;
    QPointer<IdentityPolicyDialog> m_dialog;
    model::PolicyRef m_policy;
};

} // namespace qkms::ui
