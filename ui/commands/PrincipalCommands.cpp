#include "PrincipalCommands.h"

#include "CreatePrincipalDialog.h"
#include "EngineRunner.h"
#include "IdentityPolicyDialog.h"
#include "PrincipalListModel.h"
#include "kms/KmsService.h"

#include <QMessageBox>
#include <QPushButton>

namespace qkms::ui {

namespace {

/// A confirmation whose destructive button is named for tests.
QMessageBox *confirm(QWidget *parent, const QString &name, const QString &title, const QString &text,
                     const QString &informative, const QString &yesText)
{
    auto *box = new QMessageBox(QMessageBox::Warning, title, text, QMessageBox::Cancel, parent);
    box->setObjectName(name);
    box->setInformativeText(informative);
    QPushButton *yes = box->addButton(yesText, QMessageBox::DestructiveRole);
    yes->setObjectName(name + QStringLiteral("YesButton"));
    box->button(QMessageBox::Cancel)->setObjectName(name + QStringLiteral("CancelButton"));
    box->setDefaultButton(QMessageBox::Cancel);
    box->setAttribute(Qt::WA_DeleteOnClose);
    return box;
}

} // namespace

bool PrincipalCommand::appliesTo(const iam::Principal &p)
{
    return !p.arn.isEmpty() && p.kind != iam::PrincipalKind::Root;
}

void PrincipalCommand::runCall(StoreCall call)
{
    const bool queued = runner()->run(
        this,
        [call = std::move(call)](kms::KmsService &service, const kms::Caller &caller) {
            return call(service.principals(), caller.principalArn);
        },
        [this](Result<QString> result) {
            if (result) {
                finish({CommandResult::Outcome::Succeeded, *result, {}});
                return;
            }
            QString message = result.error().toString();
            if (result.error().type == errors::AccessDenied)
                message += tr("\n\nOnly the account root manages IAM users, roles and their policies in qkms. "
                              "Choose the root in “Acting as” to do this.");
            finish({CommandResult::Outcome::Failed, message, {}});
        });
    if (!queued)
        finish({CommandResult::Outcome::Failed, tr("The vault is locked."), {}});
}

CreatePrincipalCommand::CreatePrincipalCommand(model::EngineRunner *runner, iam::PrincipalKind kind,
                                               QWidget *parentWidget)
    : PrincipalCommand(runner, parentWidget), m_kind(kind)
{
}

CreatePrincipalDialog *CreatePrincipalCommand::dialog() const
{
    return m_dialog;
}

void CreatePrincipalCommand::start()
{
    m_dialog = new CreatePrincipalDialog(m_kind, parentWidget());
    CreatePrincipalDialog *dialog = m_dialog;
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::rejected, this, &Command::cancel);
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        const QString name = dialog->principalName();
        const QString trust = dialog->trustPolicy();
        const iam::PrincipalKind kind = m_kind;
        m_name = name;
        runCall([name, trust, kind](iam::PrincipalStore &store, const QString &caller) -> Result<QString> {
            auto p = kind == iam::PrincipalKind::User ? store.createUser(caller, name)
                                                      : store.createRole(caller, name, trust);
            if (!p)
                return std::unexpected(p.error());
            return tr("Created %1 %2.").arg(iam::PrincipalStore::kindName(kind), p->arn);
        });
    });
    dialog->open();
}

DeletePrincipalCommand::DeletePrincipalCommand(model::EngineRunner *runner, iam::Principal principal,
                                               QWidget *parentWidget)
    : PrincipalCommand(runner, parentWidget), m_principal(std::move(principal))
{
}

QMessageBox *DeletePrincipalCommand::confirmation() const
{
    return m_confirmation;
}

void DeletePrincipalCommand::start()
{
    if (!appliesTo(m_principal)) {
        finish({CommandResult::Outcome::Failed, tr("The account root cannot be deleted."), {}});
        return;
    }
    const QString kind = iam::PrincipalStore::kindName(m_principal.kind);
    QMessageBox *box = confirm(parentWidget(), QStringLiteral("deletePrincipalConfirmation"), tr("Delete %1").arg(kind),
                               tr("Delete %1 %2?").arg(kind, m_principal.name),
                               tr("Key policies and grants that name %1 stop applying to anyone. IAM refuses "
                                  "while the %2 has identity policies or access keys: delete those first.")
                                   .arg(m_principal.arn, kind),
                               tr("Delete %1").arg(kind));
    m_confirmation = box;
    connect(box, &QMessageBox::finished, this, [this, box] {
        if (box->buttonRole(box->clickedButton()) != QMessageBox::DestructiveRole) {
            cancel();
            return;
        }
        const iam::Principal p = m_principal;
        runCall([p](iam::PrincipalStore &store, const QString &caller) -> Result<QString> {
            if (auto st = store.deletePrincipal(caller, p.kind, p.name); !st)
                return std::unexpected(st.error());
            return tr("Deleted %1.").arg(p.arn);
        });
    });
    box->open();
}

PutIdentityPolicyCommand::PutIdentityPolicyCommand(model::EngineRunner *runner, iam::Principal principal,
                                                   QString policyName, QString document, QWidget *parentWidget)
    : PrincipalCommand(runner, parentWidget), m_principal(std::move(principal)), m_policyName(std::move(policyName)),
      m_document(std::move(document))
{
}

IdentityPolicyDialog *PutIdentityPolicyCommand::dialog() const
{
    return m_dialog;
}

void PutIdentityPolicyCommand::start()
{
    if (!appliesTo(m_principal)) {
        finish({CommandResult::Outcome::Failed,
                tr("The account root has every permission already; identity policies attach to users and roles."),
                {}});
        return;
    }
    m_dialog = new IdentityPolicyDialog(model::PrincipalListModel::label(m_principal), m_policyName, m_document,
                                        parentWidget());
    IdentityPolicyDialog *dialog = m_dialog;
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::rejected, this, &Command::cancel);
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        const iam::Principal p = m_principal;
        const QString name = dialog->policyName();
        const QString document = dialog->document();
        runCall([p, name, document](iam::PrincipalStore &store, const QString &caller) -> Result<QString> {
            if (auto st = store.putPolicy(caller, p.kind, p.name, name, document); !st)
                return std::unexpected(st.error());
            return tr("Saved identity policy %1 of %2.").arg(name, p.arn);
        });
    });
    dialog->open();
}

DeleteIdentityPolicyCommand::DeleteIdentityPolicyCommand(model::EngineRunner *runner, iam::Principal principal,
                                                         QString policyName, QWidget *parentWidget)
    : PrincipalCommand(runner, parentWidget), m_principal(std::move(principal)), m_policyName(std::move(policyName))
{
}

QMessageBox *DeleteIdentityPolicyCommand::confirmation() const
{
    return m_confirmation;
}

void DeleteIdentityPolicyCommand::start()
{
    QMessageBox *box = confirm(parentWidget(), QStringLiteral("deletePolicyConfirmation"), tr("Delete identity policy"),
                               tr("Delete the identity policy %1 of %2?").arg(m_policyName, m_principal.name),
                               tr("What it allowed is no longer allowed by it; key policies and grants still apply."),
                               tr("Delete policy"));
    m_confirmation = box;
    connect(box, &QMessageBox::finished, this, [this, box] {
        if (box->buttonRole(box->clickedButton()) != QMessageBox::DestructiveRole) {
            cancel();
            return;
        }
        const iam::Principal p = m_principal;
        const QString name = m_policyName;
        runCall([p, name](iam::PrincipalStore &store, const QString &caller) -> Result<QString> {
            if (auto st = store.deletePolicy(caller, p.kind, p.name, name); !st)
                return std::unexpected(st.error());
            return tr("Deleted identity policy %1 of %2.").arg(name, p.arn);
        });
    });
    box->open();
}

} // namespace qkms::ui
