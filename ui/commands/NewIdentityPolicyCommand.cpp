#include "NewIdentityPolicyCommand.h"

#include "IdentityPolicyDialog.h"
#include "PolicySaveCommand.h"

namespace qkms::ui {

namespace {

/// The user or role an IAM ARN names ("arn:aws:iam::111122223333:user/alice"); nothing for
/// the root and anything else, which carry no inline policies.
std::optional<std::pair<iam::PrincipalKind, QString>> userOrRole(const QString &arn)
{
    const QString resource = arn.section(u':', 5);
    const qsizetype slash = resource.indexOf(u'/');
    const QString type = resource.left(slash);
    if (slash < 0 || (type != QLatin1String("user") && type != QLatin1String("role")))
        return std::nullopt;
    // IAM paths (user/division/alice) come before the name.
    return std::pair{type == QLatin1String("user") ? iam::PrincipalKind::User : iam::PrincipalKind::Role,
                     resource.section(u'/', -1)};
}

} // namespace

NewIdentityPolicyCommand::NewIdentityPolicyCommand(model::EngineRunner *runner, const model::PolicyCatalog &catalog,
                                                   QString preferredArn, QWidget *parentWidget)
    : Command(runner, parentWidget), m_preferredArn(std::move(preferredArn))
{
    for (const QString &arn : catalog.principalArns) {
        if (userOrRole(arn))
            m_arns.append(arn);
    }
    for (const model::PolicyRef &p : catalog.policies) {
        if (p.kind == model::PolicyRef::Kind::IdentityPolicy)
            m_existing[p.principalArn].append(p.policyName);
    }
}

IdentityPolicyDialog *NewIdentityPolicyCommand::dialog() const
{
    return m_dialog;
}

void NewIdentityPolicyCommand::start()
{
    if (m_arns.isEmpty()) {
        finish({CommandResult::Outcome::Failed,
                tr("Identity policies attach to IAM users and roles, and there are none yet: create one in the "
                   "Principals pane first."),
                {}});
        return;
    }
    m_dialog = new IdentityPolicyDialog(QString(), QString(), QString(), parentWidget());
    IdentityPolicyDialog *dialog = m_dialog;
    dialog->setPrincipalChoices(m_arns, m_existing);
    if (!m_preferredArn.isEmpty())
        dialog->setPrincipalArn(m_preferredArn); // most likely the one being worked on
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::rejected, this, &Command::cancel);
    connect(dialog, &QDialog::accepted, this,
            [this, dialog] { save(dialog->principalArn(), dialog->policyName(), dialog->document()); });
    dialog->open();
}

void NewIdentityPolicyCommand::save(const QString &arn, const QString &name, const QString &document)
{
    const auto principal = userOrRole(arn);
    if (!principal) {
        cancel(); // the dialog offers only users and roles
        return;
    }
    m_policy.kind = model::PolicyRef::Kind::IdentityPolicy;
    m_policy.principalKind = principal->first;
    m_policy.principalName = principal->second;
    m_policy.principalArn = arn;
    m_policy.policyName = name;
    // The same PutUserPolicy / PutRolePolicy call as editing an identity policy in the pane.
    auto *saving = new PolicySaveCommand(runner(), m_policy, document, parentWidget());
    connect(saving, &Command::finished, this, &NewIdentityPolicyCommand::finish);
    saving->start();
}

} // namespace qkms::ui
