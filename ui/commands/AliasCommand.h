#pragma once

// The aliases pane's actions: CreateAlias, UpdateAlias (retarget) and DeleteAlias, each a
// command object that asks what it needs in a dialog and runs the engine call on the worker.

#include "AliasListModel.h"
#include "Command.h"

#include "core/KmsError.h"

#include <functional>

class QMessageBox;

namespace qkms::kms {
class KmsService;
}

namespace qkms::ui {

class AliasDialog;

/// What the alias commands share: running one engine call and reporting its sentence, or its
/// error with the policy trace when the engine denied it.
class AliasCommand : public Command
{
    Q_OBJECT
public:
    using Command::Command;
    /// Retarget and delete apply to aliases users own; alias/aws/… belong to AWS managed keys.
    [[nodiscard]] static bool appliesTo(const model::AliasInfo &alias);
    /// Why an action is unavailable for `alias` (empty when it is available), for tooltips.
    [[nodiscard]] static QString restriction(const model::AliasInfo &alias);

protected:
    using AliasCall = std::function<Result<QString>(kms::KmsService &, const kms::Caller &)>;
    /// Runs `call` on the engine worker and finishes with its sentence or its error.
    void runCall(AliasCall call, const QString &keyId);
};

/// CreateAlias through AliasDialog (name checked as you type, target key picked from the
/// customer managed keys an alias may point at).
class CreateAliasCommand : public AliasCommand
{
    Q_OBJECT
public:
    /// `aliases` (may be null) lets the dialog say at once that a name is taken.
    CreateAliasCommand(model::EngineRunner *runner, const model::AliasListModel *aliases, QWidget *parentWidget);
    void start() override;
    /// The dialog while it is open (tests drive it), else null.
    [[nodiscard]] AliasDialog *dialog() const;
    /// The name asked for (empty until the dialog is accepted).
    [[nodiscard]] QString aliasName() const { return m_name; }

private:
    const model::AliasListModel *m_aliases;
    QPointer<AliasDialog> m_dialog;
    QString m_name;
};

/// UpdateAlias through AliasDialog, offering only keys the engine accepts as a new target.
class RetargetAliasCommand : public AliasCommand
{
    Q_OBJECT
public:
    RetargetAliasCommand(model::EngineRunner *runner, model::AliasInfo alias, QWidget *parentWidget);
    void start() override;
    [[nodiscard]] AliasDialog *dialog() const;

private:
    model::AliasInfo m_alias;
    QPointer<AliasDialog> m_dialog;
};

/// DeleteAlias after a confirmation that says what stops working.
class DeleteAliasCommand : public AliasCommand
{
    Q_OBJECT
public:
    DeleteAliasCommand(model::EngineRunner *runner, model::AliasInfo alias, QWidget *parentWidget);
    void start() override;
    /// The confirmation while it is open (tests answer it), else null.
    [[nodiscard]] QMessageBox *confirmation() const;

private:
    model::AliasInfo m_alias;
    QPointer<QMessageBox> m_confirmation;
};

} // namespace qkms::ui
