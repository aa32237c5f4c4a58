#include "wizard/KeyReviewPage.h"

#include "FormParts.h"

#include <QFontDatabase>
#include <QLabel>
#include <QPlainTextEdit>
#include <QVBoxLayout>

namespace qkms::ui {

KeyReviewPage::KeyReviewPage(QWidget *parent) : QWizardPage(parent)
{
    setObjectName(QStringLiteral("keyReviewPage"));
    setTitle(tr("Review"));
    setSubTitle(tr("Check the key's configuration, then create it."));
    auto *layout = new QVBoxLayout(this);
    m_summary = new QLabel(this);
    m_summary->setObjectName(QStringLiteral("reviewText"));
    m_summary->setTextFormat(Qt::RichText);
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_summary);
    m_policyHint = makeHintLabel({}, this);
    m_policyHint->setObjectName(QStringLiteral("reviewPolicyHint"));
    layout->addWidget(m_policyHint);
    m_policyText = new QPlainTextEdit(this);
    m_policyText->setObjectName(QStringLiteral("reviewPolicyText"));
    m_policyText->setReadOnly(true);
    m_policyText->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_policyText->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    layout->addWidget(m_policyText, 1);
    m_status = makeErrorLabel("createKeyError", this);
    layout->addWidget(m_status);
    setFinalPage(true);
}

void KeyReviewPage::setSummary(const QList<std::pair<QString, QString>> &rows)
{
    QString html = QStringLiteral("<table>");
    for (const auto &[name, value] : rows)
        html += QStringLiteral("<tr><td style='padding:2px 16px 2px 0; color:#5f6368'>%1</td>"
                               "<td style='padding:2px 0'>%2</td></tr>")
                    .arg(name.toHtmlEscaped(), value.toHtmlEscaped());
    html += QStringLiteral("</table>");
    m_summary->setText(html);
}

void KeyReviewPage::setPolicy(const QString &hint, const QString &policy)
{
    m_policyHint->setText(hint);
    m_policyText->setPlainText(policy);
}

void KeyReviewPage::showProgress(const QString &text)
{
    m_status->setStyleSheet(QStringLiteral("color: palette(text);"));
    m_status->setText(text);
    m_status->show();
}

void KeyReviewPage::showError(const QString &text)
{
    m_status->setStyleSheet(QStringLiteral("color:#a4262c;"));
    m_status->setText(text);
    m_status->setVisible(!text.isEmpty());
}

} // namespace qkms::ui
