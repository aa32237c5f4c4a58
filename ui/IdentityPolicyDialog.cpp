#include "IdentityPolicyDialog.h"

#include <QDialogButtonBox>
#include <QFile>
#include <QFileDialog>
#include <QFormLayout>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
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
    auto *form = new QFormLayout;
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
    m_problem = new QLabel(this);
    m_problem->setObjectName(QStringLiteral("policyDocumentProblem"));
    m_problem->setWordWrap(true);
    m_problem->setStyleSheet(QStringLiteral("color:#b3261e;"));
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
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_name, &QLineEdit::textChanged, this, &IdentityPolicyDialog::validate);
    connect(m_document, &QPlainTextEdit::textChanged, this, &IdentityPolicyDialog::validate);
    validate();
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
        m_problem->setText(tr("%1 could not be read: %2").arg(path, f.errorString()));
        return false;
    }
    m_document->setPlainText(QString::fromUtf8(f.read(1 << 20)));
    return true;
}

void IdentityPolicyDialog::validate()
{
    QString problem;
    QJsonParseError error{};
    const QJsonDocument doc = QJsonDocument::fromJson(document().toUtf8(), &error);
    if (policyName().isEmpty())
        problem = tr("Give the policy a name.");
    else if (error.error != QJsonParseError::NoError)
        problem = tr("Not valid JSON at character %1: %2").arg(error.offset).arg(error.errorString());
    else if (!doc.isObject())
        problem = tr("A policy is a JSON object.");
    m_problem->setText(problem);
    m_buttons->button(QDialogButtonBox::Save)->setEnabled(problem.isEmpty());
}

} // namespace qkms::ui
