#include "AliasCommand.h"

#include "AliasDialog.h"
#include "EngineRunner.h"
#include "kms/KmsService.h"

#include <QMessageBox>
#include <QPushButton>

namespace qkms::ui {

bool AliasCommand::appliesTo(const model::AliasInfo &alias)
{
    return !alias.aliasName.isEmpty() && !alias.isAwsManaged();
}

QString AliasCommand::restriction(const model::AliasInfo &alias)
{
    if (alias.aliasName.isEmpty())
        return tr("Select an alias first.");
    if (alias.isAwsManaged())
        return tr("%1 belongs to an AWS managed key: AWS creates these aliases and nobody may retarget or "
                  "delete them.")
            .arg(alias.aliasName);
    return {};
}

void AliasCommand::runCall(AliasCall call, const QString &keyId)
{
    const bool queued = runner()->run(
        this, [call = std::move(call)](kms::KmsService &service, const kms::Caller &caller) { return call(service, caller); },
        [this, keyId](Result<QString> result) {
            if (result) {
                finish({CommandResult::Outcome::Succeeded, *result, keyId});
                return;
            }
            QString message = result.error().toString();
            // The runner recorded the denial (with the engine's policy trace) before this runs.
            const model::Denial &denial = runner()->lastDenial();
            if (result.error().type == errors::AccessDenied && denial.error == result.error() && !denial.trace.isEmpty())
                message += tr("\n\nPolicy evaluation:\n%1").arg(denial.trace);
            finish({CommandResult::Outcome::Failed, message, keyId});
        });
    if (!queued)
        finish({CommandResult::Outcome::Failed, tr("The vault is locked."), keyId});
}

CreateAliasCommand::CreateAliasCommand(model::EngineRunner *runner, const model::AliasListModel *aliases,
                                       QWidget *parentWidget)
    : AliasCommand(runner, parentWidget), m_aliases(aliases)
{
}

AliasDialog *CreateAliasCommand::dialog() const
{
    return m_dialog;
}

void CreateAliasCommand::start()
{
    m_dialog = new AliasDialog(runner(), m_aliases, std::nullopt, parentWidget());
    AliasDialog *dialog = m_dialog;
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::rejected, this, &Command::cancel);
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        const QString name = dialog->aliasName();
        const QString keyId = dialog->targetKeyId();
        m_name = name;
        runCall(
            [name, keyId](kms::KmsService &service, const kms::Caller &caller) -> Result<QString> {
                if (auto st = service.createAlias(caller, name, keyId); !st)
                    return std::unexpected(st.error());
                return tr("Created alias %1 for key %2.").arg(name, keyId);
            },
            keyId);
    });
    dialog->open();
}

RetargetAliasCommand::RetargetAliasCommand(model::EngineRunner *runner, model::AliasInfo alias, QWidget *parentWidget)
    : AliasCommand(runner, parentWidget), m_alias(std::move(alias))
{
}

AliasDialog *RetargetAliasCommand::dialog() const
{
    return m_dialog;
}

void RetargetAliasCommand::start()
{
    if (!appliesTo(m_alias)) {
        finish({CommandResult::Outcome::Failed, restriction(m_alias), {}});
        return;
    }
    m_dialog = new AliasDialog(runner(), nullptr, m_alias, parentWidget());
    AliasDialog *dialog = m_dialog;
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::rejected, this, &Command::cancel);
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        const QString name = m_alias.aliasName;
        const QString from = m_alias.targetKeyId;
        const QString keyId = dialog->targetKeyId();
        runCall(
            [name, from, keyId](kms::KmsService &service, const kms::Caller &caller) -> Result<QString> {
                if (auto st = service.updateAlias(caller, name, keyId); !st)
                    return std::unexpected(st.error());
                return tr("Alias %1 now points at key %2 (was %3).").arg(name, keyId, from);
            },
            keyId);
    });
    dialog->open();
}

DeleteAliasCommand::DeleteAliasCommand(model::EngineRunner *runner, model::AliasInfo alias, QWidget *parentWidget)
    : AliasCommand(runner, parentWidget), m_alias(std::move(alias))
{
}

QMessageBox *DeleteAliasCommand::confirmation() const
{
    return m_confirmation;
}

void DeleteAliasCommand::start()
{
    if (!appliesTo(m_alias)) {
        finish({CommandResult::Outcome::Failed, restriction(m_alias), {}});
        return;
    }
    auto *box = new QMessageBox(QMessageBox::Warning, tr("Delete alias"),
                                tr("Delete the alias %1?").arg(m_alias.aliasName),
                                QMessageBox::Cancel, parentWidget());
    m_confirmation = box;
    box->setObjectName(QStringLiteral("deleteAliasConfirmation"));
    box->setInformativeText(tr("Applications that name the key as %1 will get NotFoundException. The key %2 "
                               "itself is not affected, and you can create the alias again at any time.")
                                .arg(m_alias.aliasName, m_alias.targetKeyId));
    QPushButton *del = box->addButton(tr("Delete alias"), QMessageBox::DestructiveRole);
    del->setObjectName(QStringLiteral("confirmDeleteAliasButton"));
    box->button(QMessageBox::Cancel)->setObjectName(QStringLiteral("cancelDeleteAliasButton"));
    box->setDefaultButton(QMessageBox::Cancel);
    box->setAttribute(Qt::WA_DeleteOnClose);
    connect(box, &QMessageBox::finished, this, [this, box, del] {
        if (box->clickedButton() != del) {
            cancel();
            return;
        }
        const QString name = m_alias.aliasName;
        runCall(
            [name](kms::KmsService &service, const kms::Caller &caller) -> Result<QString> {
                if (auto st = service.deleteAlias(caller, name); !st)
                    return std::unexpected(st.error());
                return tr("Deleted alias %1.").arg(name);
            },
            m_alias.targetKeyId);
    });
    box->open();
}

} // namespace qkms::ui
