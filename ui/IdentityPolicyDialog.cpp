#include "IdentityPolicyDialog.h"

#include "PolicyVerdict.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFile>
#include <QFileDialog>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTimer>
#include <QVBoxLayout>

namespace qkms::ui {

namespace {

// A starting point that shows the shape: the actions a key user usually needs.
const char *const kTemplate = R"({
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey*", "kms:DescribeKey"],
      "Resource": "*"
    }
  ]
})";

} // namespace

IdentityPolicyDialog::IdentityPolicyDialog(const QString &principalLabel, const QString &policyName,
                                           const QString &document, QWidget *parent)
    : QDialog(parent)
{
    setObjectName(QStringLiteral("identityPolicyDialog"));
    setWindowTitle(tr("Identity policy of %1").arg(principalLabel));
    resize(640, 520);
    auto *layout = new QVBoxLayout(this);
    auto *form = m_form = new QFormLayout;
    m_principal = new QComboBox(this);
    m_principal->setObjectName(QStringLiteral("policyPrincipalCombo"));
    form->addRow(tr("Principal"), m_principal);
    form->setRowVisible(m_principal, false); // shown by setPrincipalChoices
    m_name = new QLineEdit(policyName, this);
    m_name->setObjectName(QStringLiteral("policyNameEdit"));
    m_name->setPlaceholderText(QStringLiteral("kms-use"));
    m_name->setReadOnly(!policyName.isEmpty()); // editing keeps the name; a new name is a new policy
    form->addRow(tr("Policy name"), m_name);
    layout->addLayout(form);
    m_document = new QPlainTextEdit(this);
    m_document->setObjectName(QStringLiteral("policyDocumentEdit"));
    m_document->setPlainText(document.isEmpty() ? QString::fromUtf8(kTemplate) : document);
    QFont mono(QStringLiteral("monospace"));
    mono.setStyleHint(QFont::Monospace);
    m_document->setFont(mono);
    layout->addWidget(m_document, 1);
    m_problem = makeVerdictLabel(QStringLiteral("policyDocumentProblem"), this);
    layout->addWidget(m_problem);
    m_buttons = new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel, this);
    m_buttons->setObjectName(QStringLiteral("policyDialogButtons"));
    m_buttons->button(QDialogButtonBox::Save)->setObjectName(QStringLiteral("policyDialogSaveButton"));
    m_buttons->button(QDialogButtonBox::Cancel)->setObjectName(QStringLiteral("policyDialogCancelButton"));
    auto *load = m_buttons->addButton(tr("Load from file…"), QDialogButtonBox::ActionRole);
    load->setObjectName(QStringLiteral("loadPolicyFileButton"));
    layout->addWidget(m_buttons);
    connect(load, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Load policy"), {}, tr("JSON (*.json);;All files (*)"));
        if (!path.isEmpty())
            loadFile(path);
    });
    connect(m_buttons, &QDialogButtonBox::accepted, this, &IdentityPolicyDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    // The principal and the name are judged at once; the document, like the Policies pane's
    // editor, once typing pauses. The name is also in the parser's messages, hence a new check.
    m_checkTimer = new QTimer(this);
    m_checkTimer->setSingleShot(true);
    m_checkTimer->setInterval(kPolicyVerdictPauseMs);
    connect(m_checkTimer, &QTimer::timeout, this, &IdentityPolicyDialog::checkDocument);
    connect(m_principal, &QComboBox::currentIndexChanged, this, &IdentityPolicyDialog::showProblem);
    connect(m_name, &QLineEdit::textChanged, this, [this] {
        showProblem();
        scheduleCheck();
    });
    connect(m_document, &QPlainTextEdit::textChanged, this, &IdentityPolicyDialog::scheduleCheck);
    checkDocument();
}

QString IdentityPolicyDialog::policyName() const
{
    return m_name->text().trimmed();
}

QString IdentityPolicyDialog::document() const
{
    return m_document->toPlainText();
}

QString IdentityPolicyDialog::problem() const
{
    return m_problem->text();
}

bool IdentityPolicyDialog::loadFile(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        showVerdictText(m_problem, tr("%1 could not be read: %2").arg(path, f.errorString()));
        return false;
    }
    m_document->setPlainText(QString::fromUtf8(f.read(1 << 20)));
    checkDocument(); // one change, not typing: no reason to wait
    return true;
}

void IdentityPolicyDialog::setPrincipalChoices(const QStringList &arns, const QHash<QString, QStringList> &existing)
{
    m_existing = existing;
    m_principal->clear();
    for (const QString &arn : arns) {
        // "user/alice" reads better than the ARN; the ARN stays in the tooltip and the data.
        m_principal->addItem(arn.section(u':', 5), arn);
        m_principal->setItemData(m_principal->count() - 1, arn, Qt::ToolTipRole);
    }
    m_choosePrincipal = true;
    m_form->setRowVisible(m_principal, true);
    setWindowTitle(tr("New identity policy"));
    showProblem();
}

QString IdentityPolicyDialog::principalArn() const
{
    return m_principal->currentData().toString();
}

bool IdentityPolicyDialog::setPrincipalArn(const QString &arn)
{
    const int row = m_principal->findData(arn);
    if (row >= 0)
        m_principal->setCurrentIndex(row);
    return row >= 0;
}

void IdentityPolicyDialog::accept()
{
    checkDocument();
    if (problem().isEmpty())
        QDialog::accept();
}

void IdentityPolicyDialog::scheduleCheck()
{
    m_checkTimer->start();
}

void IdentityPolicyDialog::checkDocument()
{
    m_checkTimer->stop();
    m_verdict = documentVerdict();
    markPolicyVerdict(m_document, m_verdict);
    showProblem();
}

PolicyVerdict IdentityPolicyDialog::documentVerdict() const
{
    // The verdict PutUserPolicy / PutRolePolicy would give, where it is, while the user types.
    // Identity policies name no principals, so there is none to look up.
    return checkPolicyText(document(), policy::PolicyKind::IdentityPolicy, {}, policyName());
}

void IdentityPolicyDialog::showProblem()
{
    // The document's problem stays underlined while the message names a more basic one first.
    QString problem;
    if (m_choosePrincipal && principalArn().isEmpty())
        problem = tr("Choose the user or role the policy belongs to.");
    else if (policyName().isEmpty())
        problem = tr("Give the policy a name.");
    else if (m_existing.value(principalArn()).contains(policyName()))
        problem = tr("%1 already has a policy named %2; choose another name (saving would replace it).")
                      .arg(m_principal->currentText(), policyName());
    else
        problem = m_verdict.message;
    showVerdictText(m_problem, problem);
    m_buttons->button(QDialogButtonBox::Save)->setEnabled(problem.isEmpty());
}

} // namespace qkms::ui
