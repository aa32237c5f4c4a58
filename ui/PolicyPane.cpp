#include "PolicyPane.h"

#include "EngineRunner.h"
#include "IdentityPolicyDialog.h"
#include "PaneFrame.h"
#include "PolicyEditorView.h"
#include "PolicyListPanel.h"
#include "PolicySimulator.h"
#include "PolicyVerdict.h"
#include "UnsavedChangesPrompt.h"
#include "commands/NewIdentityPolicyCommand.h"
#include "commands/PolicySaveCommand.h"
#include "kms/KmsService.h"

#include <QAction>
#include <QGroupBox>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSplitter>
#include <QTimer>
#include <QVBoxLayout>

namespace qkms::ui {

PolicyPane::PolicyPane(model::EngineRunner *runner, QWidget *parent) : QWidget(parent), m_runner(runner)
{
    m_policies = new model::PolicyListModel(m_runner, this);
    m_policies->setObjectName(QStringLiteral("policyListModel"));
    m_unsaved = new UnsavedChangesPrompt(
        this, QStringLiteral("unsavedPolicyPrompt"),
        [this](std::function<void()> next) { saveAndProceed(std::move(next)); },
        [this](std::function<void()> next) { discardAndProceed(next); });

    auto *layout = makePaneLayout(this);
    layout->addWidget(makePaneHeader(this, tr("Policies")).widget);

    auto *splitter = new QSplitter(Qt::Horizontal, this);
    splitter->setObjectName(QStringLiteral("policySplitter"));
    splitter->setChildrenCollapsible(false);
    m_listPanel = new PolicyListPanel(m_policies, splitter);
    connect(m_listPanel, &PolicyListPanel::policyChosen, this, &PolicyPane::requestPolicy);
    connect(m_listPanel, &PolicyListPanel::newIdentityPolicyRequested, this, &PolicyPane::newIdentityPolicy);
    splitter->addWidget(m_listPanel);
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
    m_validateTimer->setInterval(kPolicyVerdictPauseMs); // typing pause before the text is parsed again
    connect(m_validateTimer, &QTimer::timeout, this, &PolicyPane::validate);
    connect(m_policies, &model::PolicyListModel::loaded, this, &PolicyPane::listLoaded);
    connect(m_runner, &model::EngineRunner::serviceChanged, this, [this] {
        // Another region or caller: what the editor showed belongs to the previous one (whoever
        // switches asks askToLeave() first; by now the edit could no longer be saved there).
        m_unsaved->dismiss();
        m_afterSave = {};
        m_reveal.reset();
        m_current.reset();
        m_original.clear();
        m_loading = false;
        m_editor->clear();
        m_view->setTitle(tr("Select a policy"));
        m_view->hideMessage();
        updateActions();
    });
    updateActions();
    refresh();
}

QWidget *PolicyPane::buildEditor()
{
    m_view = new PolicyEditorView(this);
    m_editor = m_view->editor();
    auto *saveAction = new QAction(tr("Save policy"), this);
    saveAction->setObjectName(QStringLiteral("savePolicyAction"));
    saveAction->setShortcut(QKeySequence::Save);
    saveAction->setShortcutContext(Qt::WidgetWithChildrenShortcut); // from the list too
    addAction(saveAction);
    connect(saveAction, &QAction::triggered, this, &PolicyPane::save);
    connect(m_view->saveButton(), &QPushButton::clicked, this, &PolicyPane::save);
    connect(m_view->revertButton(), &QPushButton::clicked, this, &PolicyPane::revert);
    connect(m_editor, &QPlainTextEdit::textChanged, this, [this] {
        if (!m_loading)
            m_validateTimer->start();
        updateActions();
    });
    return m_view;
}

void PolicyPane::refresh()
{
    m_policies->refresh();
}

void PolicyPane::listLoaded()
{
    const model::PolicyCatalog &catalog = m_policies->catalog();
    QList<std::pair<QString, QString>> keys;
    for (const model::PolicyRef &p : catalog.policies) {
        if (p.kind == model::PolicyRef::Kind::KeyPolicy)
            keys.append({p.keyId, p.label()});
    }
    m_simulator->setPrincipals(catalog.principalArns);
    m_simulator->setKeys(keys);

    // The reset dropped the selection: select the same policy again without reloading (an
    // unsaved edit stays), a policy just created, or the first one when nothing was selected.
    if (m_reveal && m_policies->indexOf(*m_reveal) >= 0) {
        const model::PolicyRef ref = *std::exchange(m_reveal, std::nullopt);
        if (!isModified()) {
            m_listPanel->selectRow(m_policies->indexOf(ref));
            loadPolicy(ref, true); // the "Saved" sentence stays
        } else {
            requestPolicy(ref);
        }
    } else if (m_current) {
        m_listPanel->selectRow(m_policies->indexOf(*m_current));
    } else if (m_policies->rowCount() > 0) {
        requestPolicy(m_policies->policyAt(0));
    }
    updateActions();
}

bool PolicyPane::selectPolicy(const model::PolicyRef &ref)
{
    const int row = m_policies->indexOf(ref);
    if (row < 0)
        return false;
    requestPolicy(m_policies->policyAt(row)); // the listed one: `ref` may name it by ARN alone
    return true;
}

bool PolicyPane::selectKeyPolicy(const QString &keyId)
{
    const int row = m_policies->indexOfKey(keyId);
    return row >= 0 && selectPolicy(m_policies->policyAt(row));
}

void PolicyPane::requestPolicy(const model::PolicyRef &ref)
{
    if (m_current && m_current->sameAs(ref)) {
        m_listPanel->selectRow(m_policies->indexOf(ref));
        return;
    }
    if (!isModified()) {
        m_listPanel->selectRow(m_policies->indexOf(ref));
        loadPolicy(ref);
        return;
    }
    // The list keeps showing the edited policy while the question is open: Cancel leaves
    // everything as it was.
    m_listPanel->selectRow(m_policies->indexOf(*m_current));
    askToLeave([this, ref] {
        const int row = m_policies->indexOf(ref);
        if (row < 0)
            return; // gone while the user answered
        m_listPanel->selectRow(row);
        loadPolicy(ref);
    });
}

void PolicyPane::loadPolicy(const model::PolicyRef &ref, bool keepMessage)
{
    m_current = ref;
    m_loading = true;
    m_view->setTitle(ref.kind == model::PolicyRef::Kind::KeyPolicy ? tr("Key policy of %1").arg(ref.label())
                                                                   : tr("Identity policy %1").arg(ref.label()));
    if (!keepMessage)
        m_view->hideMessage();
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
        m_view->showMessage(tr("The policy could not be read: %1 (%2)").arg(text.error().message, text.error().type),
                            true);
    validate();
}

void PolicyPane::validate()
{
    m_validateTimer->stop();
    m_valid = m_view->check(m_current, m_policies->catalog());
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
    const std::function<void()> after = std::exchange(m_afterSave, {}); // a failed save stays put
    if (result.succeeded()) {
        m_original = m_editor->toPlainText();
        if (after)
            after(); // where the user was going when asked to save
    }
    if (result.outcome != CommandResult::Outcome::Canceled)
        m_view->showMessage(result.message, !result.succeeded());
    updateActions();
    Q_EMIT commandFinished(result);
}

void PolicyPane::revert()
{
    if (!m_current || m_loading)
        return;
    m_editor->setPlainText(m_original);
    m_view->hideMessage();
    validate();
}

QString PolicyPane::validationMessage() const
{
    return m_view->validationMessage();
}

QString PolicyPane::message() const
{
    return m_view->message();
}

QMessageBox *PolicyPane::unsavedPrompt() const
{
    return m_unsaved->box();
}

IdentityPolicyDialog *PolicyPane::newPolicyDialog() const
{
    const auto *command = qobject_cast<NewIdentityPolicyCommand *>(m_command.data());
    return command ? command->dialog() : nullptr;
}

bool PolicyPane::isModified() const
{
    return m_current && !m_loading && m_editor->toPlainText() != m_original;
}

void PolicyPane::updateActions()
{
    const bool ready = m_current && !m_loading && !m_command && m_runner->hasService();
    const bool dirty = isModified();
    m_view->setState(m_current && !m_loading, ready, dirty, m_valid);
    const bool mayManage = m_policies->catalog().principalsListed;
    m_listPanel->setNewPolicyEnabled(m_runner->hasService() && !m_command && mayManage, mayManage);
}

void PolicyPane::askToLeave(std::function<void()> proceed)
{
    if (!isModified()) {
        proceed();
        return;
    }
    if (!m_unsaved->isOpen())
        validate(); // the verdict decides whether Save is offered
    const QString what = m_current->kind == model::PolicyRef::Kind::KeyPolicy
                             ? tr("the key policy of %1").arg(m_current->label())
                             : tr("the identity policy %1").arg(m_current->label());
    m_unsaved->ask(what, m_valid ? QString() : m_view->validationMessage(), m_valid && !m_command, std::move(proceed));
}

void PolicyPane::saveAndProceed(std::function<void()> proceed)
{
    m_afterSave = std::move(proceed);
    save();
    if (!m_command)
        m_afterSave = {}; // nothing was sent: stay on the edit
}

void PolicyPane::discardAndProceed(const std::function<void()> &proceed)
{
    revert();
    if (proceed)
        proceed();
}

void PolicyPane::newIdentityPolicy()
{
    askToLeave([this] { openNewPolicyDialog(); });
}

void PolicyPane::openNewPolicyDialog()
{
    if (m_command)
        return;
    const QString preferred = m_current && m_current->kind == model::PolicyRef::Kind::IdentityPolicy
                                  ? m_current->principalArn
                                  : QString();
    auto *command = new NewIdentityPolicyCommand(m_runner, m_policies->catalog(), preferred, this);
    m_command = command;
    connect(command, &Command::finished, this,
            [this, command](const CommandResult &result) { newPolicyDone(command->policy(), result); });
    updateActions();
    command->start();
}

void PolicyPane::newPolicyDone(const model::PolicyRef &ref, const CommandResult &result)
{
    m_command = nullptr;
    if (result.succeeded()) {
        m_reveal = ref; // selected once the list shows it
        refresh();
    }
    updateActions();
    // A closed dialog is no news: only what was tried is reported.
    if (result.outcome != CommandResult::Outcome::Canceled) {
        m_view->showMessage(result.message, !result.succeeded());
        Q_EMIT commandFinished(result);
    }
}

} // namespace qkms::ui
