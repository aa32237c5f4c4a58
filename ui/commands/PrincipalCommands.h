#pragma once

// The principals pane's actions: create a user or role, delete one, put or delete an inline
// identity policy. IAM management is the account root's alone in qkms (identity policies speak
// only the KMS policy language, so there is no iam:* permission to give), so acting as anyone
// else these end in AccessDeniedException, which the message explains.

#include "Command.h"

#include "core/KmsError.h"
#include "iam/PrincipalStore.h"

#include <functional>

class QMessageBox;

namespace qkms::kms {
class KmsService;
}

namespace qkms::ui {

class CreatePrincipalDialog;
class IdentityPolicyDialog;

/// What the principal commands share: one call on the PrincipalStore as the acting principal.
class PrincipalCommand : public Command
{
    Q_OBJECT
public:
    using Command::Command;
    /// Users and roles can be deleted and carry identity policies; the root cannot and does not.
    [[nodiscard]] static bool appliesTo(const iam::Principal &p);

protected:
    using StoreCall = std::function<Result<QString>(iam::PrincipalStore &, const QString &callerArn)>;
    /// Runs `call` on the engine worker and finishes with its sentence or its error.
    void runCall(StoreCall call);
};

/// CreateUser or CreateRole through CreatePrincipalDialog.
class CreatePrincipalCommand : public PrincipalCommand
{
    Q_OBJECT
public:
    CreatePrincipalCommand(model::EngineRunner *runner, iam::PrincipalKind kind, QWidget *parentWidget);
    void start() override;
    [[nodiscard]] CreatePrincipalDialog *dialog() const;
    [[nodiscard]] iam::PrincipalKind kind() const { return m_kind; }
    /// The name asked for (empty until the dialog is accepted).
    [[nodiscard]] QString principalName() const { return m_name; }

private:
    iam::PrincipalKind m_kind;
    QPointer<CreatePrincipalDialog> m_dialog;
    QString m_name;
};

/// DeleteUser or DeleteRole after a confirmation.
class DeletePrincipalCommand : public PrincipalCommand
{
    Q_OBJECT
public:
    DeletePrincipalCommand(model::EngineRunner *runner, iam::Principal principal, QWidget *parentWidget);
    void start() override;
    [[nodiscard]] QMessageBox *confirmation() const;

private:
    iam::Principal m_principal;
    QPointer<QMessageBox> m_confirmation;
};

/// PutUserPolicy / PutRolePolicy through IdentityPolicyDialog (typed, pasted or loaded from a file;
/// checked by the engine's parser as it is typed, so Save is offered only for a document the
/// engine will accept).
class PutIdentityPolicyCommand : public PrincipalCommand
{
    Q_OBJECT
public:
    /// `policyName` and `document` prefill the dialog (editing an existing policy).
    PutIdentityPolicyCommand(model::EngineRunner *runner, iam::Principal principal, QString policyName,
                             QString document, QWidget *parentWidget);
    void start() override;
    [[nodiscard]] IdentityPolicyDialog *dialog() const;

private:
    iam::Principal m_principal;
    QString m_policyName;
    QString m_document;
    QPointer<IdentityPolicyDialog> m_dialog;
};

/// DeleteUserPolicy / DeleteRolePolicy after a confirmation.
class DeleteIdentityPolicyCommand : public PrincipalCommand
{
    Q_OBJECT
public:
    DeleteIdentityPolicyCommand(model::EngineRunner *runner, iam::Principal principal, QString policyName,
                                QWidget *parentWidget);
    void start() override;
    [[nodiscard]] QMessageBox *confirmation() const;

private:
    iam::Principal m_principal;
    QString m_policyName;
    QPointer<QMessageBox> m_confirmation;
};

} // namespace qkms::ui
