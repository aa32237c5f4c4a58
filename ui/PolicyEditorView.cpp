#include "PolicyEditorView.h"

#include "JsonHighlighter.h"
#include "PaneFrame.h"
#include "PolicyVerdict.h"
#include "policy/RequestContext.h"

#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSet>
#include <QVBoxLayout>

namespace qkms::ui {

namespace {

/// Whether a principal ARN exists, judged from the principals `catalog` lists; an empty check
/// (PutKeyPolicy decides on save) when they could not be listed.
policy::PrincipalExists principalCheck(const model::PolicyCatalog &catalog)
{
    if (!catalog.principalsListed)
        return {};
    const QSet<QString> known(catalog.principalArns.cbegin(), catalog.principalArns.cend());
    const QString account = policy::accountOfPrincipal(catalog.principalArns.value(0));
    return [known, account](const QString &arn) {
        // Other accounts' principals and sessions are not this vault's to know.
        return policy::accountOfPrincipal(arn) != account || arn.contains(QStringLiteral(":assumed-role/"))
               || known.contains(arn);
    };
}

} // namespace

PolicyEditorView::PolicyEditorView(QWidget *parent) : QWidget(parent)
{
    auto *column = new QVBoxLayout(this);
    column->setContentsMargins(0, 0, 0, 0);
    m_titleText = tr("Select a policy");
    m_title = new QLabel(m_titleText, this);
    m_title->setObjectName(QStringLiteral("policyTitle"));
    QFont bold = m_title->font();
    bold.setBold(true);
    m_title->setFont(bold);
    column->addWidget(m_title);
    m_editor = new QPlainTextEdit(this);
    m_editor->setObjectName(QStringLiteral("policyEditor"));
    m_editor->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_editor->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_editor->setTabChangesFocus(true); // keyboard users can leave the editor
    m_editor->setPlaceholderText(tr("Choose a key policy or an identity policy on the left to see and edit it."));
    m_highlighter = new JsonHighlighter(m_editor->document());
    column->addWidget(m_editor, 1);
    m_validation = makeVerdictLabel(QStringLiteral("policyValidation"), this);
    column->addWidget(m_validation);

    auto *row = new QHBoxLayout;
    m_save = new QPushButton(tr("Save"), this);
    m_save->setObjectName(QStringLiteral("savePolicyButton"));
    m_save->setToolTip(tr("Save the policy (Ctrl+S)"));
    m_revert = new QPushButton(tr("Revert"), this);
    m_revert->setObjectName(QStringLiteral("revertPolicyButton"));
    m_revert->setToolTip(tr("Discard your changes and show the saved policy"));
    row->addWidget(m_save);
    row->addWidget(m_revert);
    row->addStretch();
    column->addLayout(row);
    m_message = makeMessageBar(this, "policyPaneMessage");
    column->addWidget(m_message);
}

void PolicyEditorView::setState(bool editable, bool ready, bool dirty, bool valid)
{
    m_editor->setReadOnly(!editable);
    m_save->setEnabled(ready && dirty && valid);
    m_revert->setEnabled(ready && dirty);
    m_title->setText(dirty ? tr("%1 • modified").arg(m_titleText) : m_titleText);
}

bool PolicyEditorView::check(const std::optional<model::PolicyRef> &policy, const model::PolicyCatalog &catalog)
{
    const QString text = m_editor->toPlainText();
    if (!policy || text.isEmpty()) {
        markPolicyVerdict(m_editor, {});
        showVerdictText(m_validation, {});
        return false;
    }
    // Principal existence is checked against the principals listed; when they could not be
    // listed, PutKeyPolicy checks it on save.
    const bool keyPolicy = policy->kind == model::PolicyRef::Kind::KeyPolicy;
    const PolicyVerdict verdict =
        checkPolicyText(text, keyPolicy ? policy::PolicyKind::KeyPolicy : policy::PolicyKind::IdentityPolicy,
                        principalCheck(catalog), policy->policyName);
    markPolicyVerdict(m_editor, verdict);
    showVerdictText(m_validation, verdict.message);
    return verdict.valid;
}

QString PolicyEditorView::validationMessage() const
{
    return m_validation->text();
}

void PolicyEditorView::showMessage(const QString &text, bool error)
{
    showPaneMessage(m_message, text, error);
}

void PolicyEditorView::hideMessage()
{
    m_message->hide();
}

QString PolicyEditorView::message() const
{
    return m_message->text();
}

} // namespace qkms::ui
