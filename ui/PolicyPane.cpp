#include "PolicyPane.h"

#include "EngineRunner.h"
#include "JsonHighlighter.h"
#include "PolicyErrorLocator.h"
#include "PolicySimulator.h"
#include "commands/PolicySaveCommand.h"
#include "kms/KmsService.h"
#include "policy/PolicyDocument.h"
#include "policy/RequestContext.h"

#include <QAction>
#include <QFontDatabase>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QListView>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSet>
#include <QSplitter>
#include <QTextBlock>
#include <QTimer>
#include <QVBoxLayout>

namespace qkms::ui {

namespace {

constexpr int kValidationPauseMs = 250; ///< typing pause before the text is parsed again

QLabel *boldLabel(const QString &text, QWidget *parent, qreal scale = 1.0)
{
    auto *label = new QLabel(text, parent);
    QFont f = label->font();
    f.setBold(true);
    f.setPointSizeF(f.pointSizeF() * scale);
    label->setFont(f);
    return label;
}

} // namespace

PolicyPane::PolicyPane(model::EngineRunner *runner, QWidget *parent) : QWidget(parent), m_runner(runner)
{
    m_policies = new model::PolicyListModel(m_runner, this);
    m_policies->setObjectName(QStringLiteral("policyListModel"));

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(16, 12, 16, 8);
    layout->setSpacing(8);
    auto *title = boldLabel(tr("Policies"), this, 1.5);
    title->setObjectName(QStringLiteral("paneTitle"));
    layout->addWidget(title);

    auto *splitter = new QSplitter(Qt::Horizontal, this);
    splitter->setObjectName(QStringLiteral("policySplitter"));
    splitter->setChildrenCollapsible(false);
    splitter->addWidget(buildList());
    auto *right = new QSplitter(Qt::Vertical, splitter);
    right->setObjectName(QStringLiteral("policyEditorSplitter"));
    right->setChildrenCollapsible(false);
    right->addWidget(buildEditor());
    auto *simulatorBox = new QGroupBox(tr("Simulator"), right);
    auto *simulatorLayout = new QVBoxLayout(simulatorBox);
    m_simulator = new PolicySimulator(m_runner, simulatorBox);
    simulatorLayout->addWidget(m_simulator);
    right->addWidget(simulatorBox);
    right->setSizes({420, 360});
    splitter->addWidget(right);
    splitter->setStretchFactor(1, 1);
    splitter->setSizes({300, 900});
    layout->addWidget(splitter, 1);

    m_validateTimer = new QTimer(this);
    m_validateTimer->setSingleShot(true);
    m_validateTimer->setInterval(kValidationPauseMs);
    connect(m_validateTimer, &QTimer::timeout, this, &PolicyPane::validate);
    connect(m_policies, &model::PolicyListModel::loaded, this, &PolicyPane::listLoaded);
    connect(m_runner, &model::EngineRunner::serviceChanged, this, [this] {
        // Another region or caller: what the editor showed belongs to the previous one.
        m_current.reset();
        m_original.clear();
        m_loading = false;
        m_editor->clear();
        m_title->setText(tr("Select a policy"));
        m_message->hide();
        updateActions();
    });
    updateActions();
    refresh();
}

QWidget *PolicyPane::buildList()
{
    auto *box = new QWidget(this);
    auto *column = new QVBoxLayout(box);
    column->setContentsMargins(0, 0, 0, 0);
    column->addWidget(boldLabel(tr("Key and identity policies"), box));
    m_list = new QListView(box);
    m_list->setObjectName(QStringLiteral("policyList"));
    m_list->setModel(m_policies);
    m_list->setSelectionMode(QAbstractItemView::SingleSelection);
    m_list->setUniformItemSizes(true); // one line each: keeps thousands of keys cheap
    column->addWidget(m_list, 1);
    m_listNote = new QLabel(box);
    m_listNote->setObjectName(QStringLiteral("policyListNote"));
    m_listNote->setWordWrap(true);
    m_listNote->setStyleSheet(QStringLiteral("color:#5f6368;"));
    m_listNote->hide();
    column->addWidget(m_listNote);
    connect(m_list->selectionModel(), &QItemSelectionModel::selectionChanged, this, &PolicyPane::selectionChanged);
    return box;
}

QWidget *PolicyPane::buildEditor()
{
    auto *box = new QWidget(this);
    auto *column = new QVBoxLayout(box);
    column->setContentsMargins(0, 0, 0, 0);
    m_title = boldLabel(tr("Select a policy"), box);
    m_title->setObjectName(QStringLiteral("policyTitle"));
    column->addWidget(m_title);
    m_editor = new QPlainTextEdit(box);
    m_editor->setObjectName(QStringLiteral("policyEditor"));
    m_editor->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_editor->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_editor->setTabChangesFocus(true); // keyboard users can leave the editor
    m_editor->setPlaceholderText(tr("Choose a key policy or an identity policy on the left to see and edit it."));
    m_highlighter = new JsonHighlighter(m_editor->document());
    column->addWidget(m_editor, 1);
    m_validation = new QLabel(box);
    m_validation->setObjectName(QStringLiteral("policyValidation"));
    m_validation->setWordWrap(true);
    m_validation->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_validation->setStyleSheet(QStringLiteral("color:#a50e0e;"));
    m_validation->hide();
    column->addWidget(m_validation);

    auto *row = new QHBoxLayout;
    m_save = new QPushButton(tr("Save"), box);
    m_save->setObjectName(QStringLiteral("savePolicyButton"));
    m_save->setToolTip(tr("Save the policy (Ctrl+S)"));
    m_revert = new QPushButton(tr("Revert"), box);
    m_revert->setObjectName(QStringLiteral("revertPolicyButton"));
    m_revert->setToolTip(tr("Discard your changes and show the saved policy"));
    row->addWidget(m_save);
    row->addWidget(m_revert);
    row->addStretch();
    column->addLayout(row);
    m_message = new QLabel(box);
    m_message->setObjectName(QStringLiteral("policyPaneMessage"));
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_message->hide();
    column->addWidget(m_message);

    auto *saveAction = new QAction(tr("Save policy"), this);
    saveAction->setObjectName(QStringLiteral("savePolicyAction"));
    saveAction->setShortcut(QKeySequence::Save);
    saveAction->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    addAction(saveAction);
    connect(saveAction, &QAction::triggered, this, &PolicyPane::save);
    connect(m_save, &QPushButton::clicked, this, &PolicyPane::save);
    connect(m_revert, &QPushButton::clicked, this, &PolicyPane::revert);
    connect(m_editor, &QPlainTextEdit::textChanged, this, [this] {
        if (!m_loading)
            m_validateTimer->start();
        updateActions();
    });
    return box;
}

void PolicyPane::refresh()
{
    m_policies->refresh();
}

void PolicyPane::listLoaded()
{
    const model::PolicyCatalog &catalog = m_policies->catalog();
    QString note = m_policies->errorText();
    if (note.isEmpty() && !catalog.identityError.isEmpty())
        note = catalog.identityError;
    if (note.isEmpty() && m_policies->rowCount() == 0)
        note = tr("No customer managed keys or identity policies yet. Create a key in the Customer managed keys "
                  "pane; its key policy appears here.");
    m_listNote->setText(note);
    m_listNote->setVisible(!note.isEmpty());

    QList<std::pair<QString, QString>> keys;
    for (const model::PolicyRef &p : catalog.policies) {
        if (p.kind == model::PolicyRef::Kind::KeyPolicy)
            keys.append({p.keyId, p.label()});
    }
    m_simulator->setPrincipals(catalog.principalArns);
    m_simulator->setKeys(keys);

    // The reset dropped the selection: select the same policy again without reloading (an
    // unsaved edit stays), or the first one when nothing was selected.
    const int row = m_current ? m_policies->indexOf(*m_current) : (m_policies->rowCount() > 0 ? 0 : -1);
    // (selectionChanged() does not reload the policy already in the editor.)
    if (row >= 0)
        m_list->selectionModel()->setCurrentIndex(m_policies->index(row), QItemSelectionModel::ClearAndSelect);
    updateActions();
}

bool PolicyPane::selectPolicy(const model::PolicyRef &ref)
{
    const int row = m_policies->indexOf(ref);
    if (row < 0)
        return false;
    if (m_current && m_current->sameAs(ref) && !m_loading)
        return true;
    m_list->selectionModel()->setCurrentIndex(m_policies->index(row), QItemSelectionModel::ClearAndSelect);
    if (!m_current || !m_current->sameAs(ref)) // the selection was already on it: load it anyway
        loadPolicy(ref);
    return true;
}

bool PolicyPane::selectKeyPolicy(const QString &keyId)
{
    const int row = m_policies->indexOfKey(keyId);
    return row >= 0 && selectPolicy(m_policies->policyAt(row));
}

void PolicyPane::selectionChanged()
{
    const QModelIndexList rows = m_list->selectionModel()->selectedRows();
    if (rows.isEmpty())
        return;
    const model::PolicyRef ref = m_policies->policyAt(rows.first().row());
    if (!m_current || !m_current->sameAs(ref))
        loadPolicy(ref);
}

void PolicyPane::loadPolicy(const model::PolicyRef &ref)
{
    m_current = ref;
    m_loading = true;
    m_title->setText(ref.kind == model::PolicyRef::Kind::KeyPolicy ? tr("Key policy of %1").arg(ref.label())
                                                                   : tr("Identity policy %1").arg(ref.label()));
    m_message->hide();
    if (ref.kind == model::PolicyRef::Kind::KeyPolicy)
        m_simulator->setKey(ref.keyId);
    else
        m_simulator->setPrincipal(ref.principalArn);
    const quint64 serial = ++m_loadSerial;
    updateActions();
    m_runner->run(
        this,
        [ref](kms::KmsService &service, const kms::Caller &caller) -> Result<QString> {
            if (ref.kind == model::PolicyRef::Kind::KeyPolicy)
                return service.getKeyPolicy(caller, ref.keyId);
            return service.principals().getPolicy(caller.principalArn, ref.principalKind, ref.principalName,
                                                  ref.policyName);
        },
        [this, ref, serial](Result<QString> text) {
            if (serial == m_loadSerial)
                policyArrived(ref, text);
        });
}

void PolicyPane::policyArrived(const model::PolicyRef &ref, const Result<QString> &text)
{
    Q_UNUSED(ref);
    m_original = text ? *text : QString();
    m_editor->setPlainText(m_original);
    m_loading = false;
    if (!text)
        showMessage(tr("The policy could not be read: %1 (%2)").arg(text.error().message, text.error().type), true);
    validate();
}

void PolicyPane::validate()
{
    m_validateTimer->stop();
    const QString text = m_editor->toPlainText();
    if (!m_current || text.isEmpty()) {
        m_valid = false;
        m_validation->hide();
        m_editor->setExtraSelections({});
        updateActions();
        Q_EMIT validated();
        return;
    }
    // The engine's parser is pure and takes well under a millisecond for a 32 KB policy, so it
    // runs here as the user types. Principal existence is checked against the principals
    // listed; when they could not be listed, PutKeyPolicy checks it on save.
    const model::PolicyCatalog &catalog = m_policies->catalog();
    policy::PrincipalExists exists;
    if (catalog.principalsListed) {
        const QSet<QString> known(catalog.principalArns.cbegin(), catalog.principalArns.cend());
        const QString account = policy::accountOfPrincipal(catalog.principalArns.value(0));
        exists = [known, account](const QString &arn) {
            // Other accounts' principals and sessions are not this vault's to know.
            return policy::accountOfPrincipal(arn) != account || arn.contains(QStringLiteral(":assumed-role/"))
                   || known.contains(arn);
        };
    }
    const bool keyPolicy = m_current->kind == model::PolicyRef::Kind::KeyPolicy;
    const auto parsed = policy::PolicyDocument::parse(
        text, keyPolicy ? policy::PolicyKind::KeyPolicy : policy::PolicyKind::IdentityPolicy, exists,
        m_current->policyName);
    m_valid = parsed.has_value();
    if (m_valid) {
        m_validation->hide();
        m_validation->clear();
        m_editor->setExtraSelections({});
    } else {
        const model::TextSpan span = model::locatePolicyError(text, parsed.error().message);
        QTextCursor cursor(m_editor->document());
        cursor.setPosition(span.start);
        cursor.setPosition(span.start + span.length, QTextCursor::KeepAnchor);
        QTextEdit::ExtraSelection mark;
        mark.cursor = cursor;
        mark.format.setUnderlineStyle(QTextCharFormat::WaveUnderline);
        mark.format.setUnderlineColor(QColor(0xd9, 0x30, 0x25));
        mark.format.setBackground(QColor(0xfd, 0xec, 0xea));
        m_editor->setExtraSelections({mark});
        const QTextBlock block = m_editor->document()->findBlock(span.start);
        m_validation->setText(tr("Line %1, column %2: %3 (%4)")
                                  .arg(block.blockNumber() + 1)
                                  .arg(span.start - block.position() + 1)
                                  .arg(parsed.error().message, parsed.error().type));
        m_validation->show();
    }
    updateActions();
    Q_EMIT validated();
}

void PolicyPane::save()
{
    validate(); // a save right after typing must not use the previous verdict
    if (!m_current || m_loading || m_command || !m_valid || m_editor->toPlainText() == m_original)
        return;
    auto *command = new PolicySaveCommand(m_runner, *m_current, m_editor->toPlainText(), this);
    m_command = command;
    connect(command, &Command::finished, this, &PolicyPane::commandDone);
    updateActions();
    command->start();
}

void PolicyPane::commandDone(const CommandResult &result)
{
    m_command = nullptr;
    if (result.succeeded())
        m_original = m_editor->toPlainText();
    if (result.outcome != CommandResult::Outcome::Canceled)
        showMessage(result.message, !result.succeeded());
    updateActions();
    Q_EMIT commandFinished(result);
}

void PolicyPane::revert()
{
    if (!m_current || m_loading)
        return;
    m_editor->setPlainText(m_original);
    m_message->hide();
    validate();
}

void PolicyPane::showMessage(const QString &text, bool error)
{
    m_message->setText(text);
    m_message->setStyleSheet(error ? QStringLiteral("background:#fdecea; color:#611a15; padding:6px 8px;")
                                   : QStringLiteral("background:#e6f4ea; color:#1e4620; padding:6px 8px;"));
    m_message->setVisible(!text.isEmpty());
}

QString PolicyPane::validationMessage() const
{
    return m_validation->text();
}

QString PolicyPane::message() const
{
    return m_message->text();
}

void PolicyPane::updateActions()
{
    const bool ready = m_current && !m_loading && !m_command && m_runner->hasService();
    const bool dirty = m_editor->toPlainText() != m_original;
    m_editor->setReadOnly(!m_current || m_loading);
    m_save->setEnabled(ready && dirty && m_valid);
    m_revert->setEnabled(ready && dirty);
}

} // namespace qkms::ui
