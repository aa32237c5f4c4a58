#include "EditDescriptionDialog.h"

#include <QDialogButtonBox>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace qkms::ui {

EditDescriptionDialog::EditDescriptionDialog(const QString &keyLabel, const QString &description, QWidget *parent)
    : QDialog(parent)
{
    setObjectName(QStringLiteral("editDescriptionDialog"));
    setWindowTitle(tr("Edit description"));
    auto *layout = new QVBoxLayout(this);
    auto *label = new QLabel(tr("Description of <b>%1</b>:").arg(keyLabel.toHtmlEscaped()), this);
    layout->addWidget(label);
    m_edit = new QPlainTextEdit(description, this);
    m_edit->setObjectName(QStringLiteral("descriptionEdit"));
    m_edit->setTabChangesFocus(true);
    m_edit->setPlaceholderText(tr("What the key protects, who owns it"));
    label->setBuddy(m_edit);
    layout->addWidget(m_edit);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel, this);
    buttons->setObjectName(QStringLiteral("editDescriptionButtons"));
    buttons->button(QDialogButtonBox::Save)->setObjectName(QStringLiteral("saveDescriptionButton"));
    buttons->button(QDialogButtonBox::Cancel)->setObjectName(QStringLiteral("cancelDescriptionButton"));
    layout->addWidget(buttons);
    connect(m_edit, &QPlainTextEdit::textChanged, this, [this, buttons] {
        buttons->button(QDialogButtonBox::Save)->setEnabled(m_edit->toPlainText().size() <= 8192);
    });
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    resize(480, 220);
    m_edit->selectAll();
}

QString EditDescriptionDialog::description() const
{
    return m_edit->toPlainText();
}

} // namespace qkms::ui
