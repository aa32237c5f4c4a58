#include "wizard/KeyLabelsPage.h"

#include "FormParts.h"

#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

namespace qkms::ui {

KeyLabelsPage::KeyLabelsPage(QWidget *parent) : QWizardPage(parent)
{
    setObjectName(QStringLiteral("keyLabelsPage"));
    setTitle(tr("Add labels"));
    setSubTitle(tr("An alias lets applications name the key without its ID. Everything here is optional "
                   "and can be changed later."));
    auto *form = new QFormLayout(this);
    m_alias = new QLineEdit(this);
    m_alias->setObjectName(QStringLiteral("aliasEdit"));
    m_alias->setPlaceholderText(tr("alias/payroll"));
    m_alias->setClearButtonEnabled(true);
    form->addRow(tr("&Alias:"), m_alias);
    m_description = new QPlainTextEdit(this);
    m_description->setObjectName(QStringLiteral("descriptionEdit"));
    m_description->setTabChangesFocus(true);
    m_description->setPlaceholderText(tr("What the key protects, who owns it"));
    m_description->setFixedHeight(64);
    form->addRow(tr("&Description:"), m_description);

    m_tags = makeKeyValueTable("tagsTable", tr("Tag key"), tr("Tag value"), this);
    m_tags->horizontalHeader()->resizeSection(0, 180);
    m_tags->setMinimumHeight(110);
    auto *add = new QPushButton(tr("Add &tag"), this);
    add->setObjectName(QStringLiteral("addTagButton"));
    auto *remove = new QPushButton(tr("&Remove tag"), this);
    remove->setObjectName(QStringLiteral("removeTagButton"));
    auto *tagButtons = new QHBoxLayout;
    tagButtons->addWidget(add);
    tagButtons->addWidget(remove);
    tagButtons->addStretch();
    auto *tagBox = new QVBoxLayout;
    tagBox->addWidget(m_tags);
    tagBox->addLayout(tagButtons);
    form->addRow(tr("Tags:"), tagBox);
    m_error = makeErrorLabel("labelsError", this);
    form->addRow(m_error);

    connect(add, &QPushButton::clicked, this, [this] { appendKeyValueRow(m_tags); });
    connect(remove, &QPushButton::clicked, this, [this] { removeCurrentRow(m_tags); });
}

QString KeyLabelsPage::aliasName() const
{
    const QString alias = m_alias->text().trimmed();
    if (alias.isEmpty() || alias.startsWith(QStringLiteral("alias/")))
        return alias;
    return QStringLiteral("alias/") + alias;
}

QString KeyLabelsPage::description() const
{
    return m_description->toPlainText();
}

kms::Tags KeyLabelsPage::tags() const
{
    return keyValuePairs(m_tags);
}

void KeyLabelsPage::lockKeyFields()
{
    m_description->setEnabled(false);
    m_tags->setEnabled(false);
}

bool KeyLabelsPage::validatePage()
{
    const QString problem = tagProblem();
    m_error->setText(problem);
    m_error->setVisible(!problem.isEmpty());
    return problem.isEmpty();
}

QString KeyLabelsPage::tagProblem() const
{
    QStringList seen;
    for (int row = 0; row < m_tags->rowCount(); ++row) {
        const QString key = m_tags->item(row, 0) ? m_tags->item(row, 0)->text().trimmed() : QString();
        const QString value = m_tags->item(row, 1) ? m_tags->item(row, 1)->text() : QString();
        if (key.isEmpty() && !value.isEmpty())
            return tr("The tag with value “%1” has no key. Every tag needs a key.").arg(value);
        if (!key.isEmpty() && seen.contains(key))
            return tr("The tag key “%1” appears twice. Tag keys must be unique.").arg(key);
        seen.append(key);
    }
    return {};
}

} // namespace qkms::ui
