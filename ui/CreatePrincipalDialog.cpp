#include "CreatePrincipalDialog.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QVBoxLayout>

namespace qkms::ui {

CreatePrincipalDialog::CreatePrincipalDialog(iam::PrincipalKind kind, QWidget *parent) : QDialog(parent), m_kind(kind)
{
    const bool role = kind == iam::PrincipalKind::Role;
    setObjectName(QStringLiteral("createPrincipalDialog"));
    setWindowTitle(role ? tr("Create role") : tr("Create user"));
    setMinimumWidth(520);
    auto *layout = new QVBoxLayout(this);
    auto *intro = new QLabel(role ? tr("A role is an identity that key policies, grants and identity policies can "
                                       "name. The console can act as it.")
                                  : tr("A user is an identity that key policies, grants and identity policies can "
                                       "name. The console can act as it."),
                             this);
    intro->setWordWrap(true);
    layout->addWidget(intro);
    auto *form = new QFormLayout;
    m_name = new QLineEdit(this);
    m_name->setObjectName(QStringLiteral("principalNameEdit"));
    m_name->setPlaceholderText(role ? QStringLiteral("auditor") : QStringLiteral("alice"));
    form->addRow(role ? tr("Role name") : tr("User name"), m_name);
    if (role) {
        m_trust = new QPlainTextEdit(this);
        m_trust->setObjectName(QStringLiteral("trustPolicyEdit"));
        m_trust->setPlaceholderText(tr("Optional trust policy (AssumeRolePolicyDocument), a JSON object"));
        m_trust->setFixedHeight(120);
        form->addRow(tr("Trust policy"), m_trust);
        connect(m_trust, &QPlainTextEdit::textChanged, this, &CreatePrincipalDialog::validate);
    }
    m_problem = new QLabel(this);
    m_problem->setObjectName(QStringLiteral("principalNameProblem"));
    m_problem->setWordWrap(true);
    m_problem->setStyleSheet(QStringLiteral("color:#b3261e;"));
    form->addRow(QString(), m_problem);
    layout->addLayout(form);
    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_buttons->setObjectName(QStringLiteral("principalDialogButtons"));
    m_buttons->button(QDialogButtonBox::Ok)->setObjectName(QStringLiteral("principalDialogOkButton"));
    m_buttons->button(QDialogButtonBox::Ok)->setText(role ? tr("Create role") : tr("Create user"));
    m_buttons->button(QDialogButtonBox::Cancel)->setObjectName(QStringLiteral("principalDialogCancelButton"));
    layout->addWidget(m_buttons);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_name, &QLineEdit::textChanged, this, &CreatePrincipalDialog::validate);
    validate();
}

QString CreatePrincipalDialog::principalName() const
{
    return m_name->text().trimmed();
}

QString CreatePrincipalDialog::trustPolicy() const
{
    return m_trust ? m_trust->toPlainText().trimmed() : QString();
}

QString CreatePrincipalDialog::problem() const
{
    return m_problem->text();
}

void CreatePrincipalDialog::validate()
{
    // IAM's rule for UserName / RoleName, which PrincipalStore enforces (ValidationException).
    static const QRegularExpression pattern(QStringLiteral("^[\\w+=,.@-]{1,64}$"));
    const QString name = principalName();
    QString problem;
    if (!name.isEmpty() && !pattern.match(name).hasMatch())
        problem = tr("Names are 1 to 64 letters, digits and the characters + = , . @ _ -");
    else if (!trustPolicy().isEmpty() && !QJsonDocument::fromJson(trustPolicy().toUtf8()).isObject())
        problem = tr("The trust policy must be a JSON object (or left empty).");
    m_problem->setText(problem);
    m_problem->setVisible(!problem.isEmpty());
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(problem.isEmpty() && !name.isEmpty());
}

} // namespace qkms::ui
