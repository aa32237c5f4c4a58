#include "AliasesPane.h"

#include "AliasFilterProxyModel.h"
#include "EngineRunner.h"
#include "PaneFrame.h"
#include "PaneParts.h"
#include "commands/AliasCommand.h"

#include <QAction>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QStackedWidget>
#include <QTableView>
#include <QVBoxLayout>

namespace qkms::ui {

namespace {

// Sized for the default window: a UUID key id, "SYMMETRIC_DEFAULT · Encrypt and decrypt", two dates.
constexpr int kColumnWidths[model::AliasListModel::ColumnCount] = {190, 265, 275, 130, 0};

} // namespace

AliasesPane::AliasesPane(model::AliasListModel *aliases, model::EngineRunner *runner, QWidget *parent)
    : QWidget(parent), m_aliases(aliases), m_runner(runner)
{
    m_proxy = new model::AliasFilterProxyModel(this);
    m_proxy->setObjectName(QStringLiteral("aliasProxyModel"));
    m_proxy->setSourceModel(m_aliases);

    auto *layout = makePaneLayout(this);
    layout->addWidget(buildHeader());
    layout->addWidget(buildActions());
    m_commands = new PaneCommands(m_runner, this, "aliasPaneMessage");
    layout->addWidget(m_commands->messageBar());
    m_tableStack = new QStackedWidget(this);
    buildTable();
    layout->addWidget(m_tableStack, 1);

    addFindAction(this, m_search, tr("Find alias"), "findAliasAction");

    for (auto signal : {&QAbstractItemModel::rowsInserted, &QAbstractItemModel::rowsRemoved}) {
        connect(m_proxy, signal, this, &AliasesPane::updateEmptyState);
        connect(m_proxy, signal, this, &AliasesPane::updateActions);
    }
    connect(m_proxy, &QAbstractItemModel::modelReset, this, &AliasesPane::updateEmptyState);
    connect(m_proxy, &QAbstractItemModel::layoutChanged, this, &AliasesPane::updateEmptyState);
    connect(m_proxy, &QAbstractItemModel::dataChanged, this, &AliasesPane::updateActions);
    connect(m_proxy, &QAbstractItemModel::modelReset, this, &AliasesPane::updateActions);
    connect(m_aliases, &model::AliasListModel::loaded, this, [this] {
        updateEmptyState();
        if (!m_pendingSelection.isEmpty() && selectAlias(m_pendingSelection))
            m_pendingSelection.clear();
    });
    connect(m_runner, &model::EngineRunner::serviceChanged, this, [this] {
        m_commands->messageBar()->hide();
        updateActions();
    });
    connect(m_commands, &PaneCommands::started, this, &AliasesPane::updateActions);
    connect(m_commands, &PaneCommands::finished, this, &AliasesPane::commandDone);
    connect(m_commands, &PaneCommands::finished, this, &AliasesPane::commandFinished);
    updateEmptyState();
    updateActions();
}

QWidget *AliasesPane::buildHeader()
{
    const PaneHeader header = makePaneHeader(this, tr("Aliases"), "aliasCountLabel");
    m_count = header.count;
    m_search = addSearchEdit(header, "aliasSearchEdit", tr("Filter by alias, key ID or key description (Ctrl+F)"), 340);
    connect(m_search, &QLineEdit::textChanged, m_proxy, &model::AliasFilterProxyModel::setFilterText);
    connect(m_search, &QLineEdit::textChanged, this, &AliasesPane::updateEmptyState);
    return header.widget;
}

QWidget *AliasesPane::buildActions()
{
    const PaneBar pane = makePaneBar(this, "aliasActionBar");
    QWidget *bar = pane.widget;
    QHBoxLayout *row = pane.row;
    m_createButton = makePaneButton(tr("Create alias"), "createAliasButton", bar);
    m_createButton->setToolTip(tr("Give a customer managed key a friendly name"));
    connect(m_createButton, &QPushButton::clicked, this, &AliasesPane::createAlias);
    row->addWidget(m_createButton);
    row->addSpacing(12);

    m_retarget = addPaneAction(this, tr("Retarget…"), QStringLiteral("retargetAlias"), &m_retargetButton);
    connect(m_retarget, &QAction::triggered, this, [this] {
        if (const model::AliasInfo a = selectedAlias(); AliasCommand::appliesTo(a))
            m_commands->start(new RetargetAliasCommand(m_runner, a, this));
    });
    row->addWidget(m_retargetButton);

    m_delete = addPaneAction(this, tr("Delete"), QStringLiteral("deleteAlias"), &m_deleteButton);
    m_delete->setShortcut(QKeySequence::Delete);
    connect(m_delete, &QAction::triggered, this, [this] {
        if (const model::AliasInfo a = selectedAlias(); AliasCommand::appliesTo(a))
            m_commands->start(new DeleteAliasCommand(m_runner, a, this));
    });
    row->addWidget(m_deleteButton);
    row->addStretch();
    return bar;
}

void AliasesPane::buildTable()
{
    m_table = new QTableView(m_tableStack);
    m_table->setObjectName(QStringLiteral("aliasTable"));
    m_table->setModel(m_proxy);
    m_table->setTextElideMode(Qt::ElideMiddle);
    setupTable(m_table, std::span(kColumnWidths).first(model::AliasListModel::UpdatedColumn),
               model::AliasListModel::AliasNameColumn);
    for (QAction *a : {m_retarget, m_delete}) {
        a->setShortcutContext(Qt::WidgetShortcut);
        m_table->addAction(a);
    }
    m_table->setContextMenuPolicy(Qt::ActionsContextMenu);
    connect(m_table, &QTableView::doubleClicked, m_retarget, &QAction::trigger);
    m_tableStack->addWidget(m_table);

    m_empty = addEmptyState(m_tableStack, "aliasesEmptyState");
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this, &AliasesPane::updateActions);
}

model::AliasInfo AliasesPane::selectedAlias() const
{
    const int row = selectedTableRow(m_table);
    return row < 0 ? model::AliasInfo{} : m_proxy->aliasAt(row);
}

QString AliasesPane::selectedAliasName() const
{
    return selectedAlias().aliasName;
}

bool AliasesPane::selectAlias(const QString &aliasName)
{
    return selectTableRow(m_table, m_proxy->indexOf(aliasName));
}

void AliasesPane::createAlias()
{
    if (!m_runner->hasService())
        return;
    auto *create = new CreateAliasCommand(m_runner, m_aliases, this);
    connect(create, &Command::finished, this, [this, create](const CommandResult &result) {
        if (result.succeeded())
            m_pendingSelection = create->aliasName(); // selected once the refreshed list has it
    });
    m_commands->start(create);
}

Command *AliasesPane::activeCommand() const
{
    return m_commands->active();
}

void AliasesPane::commandDone(const CommandResult &result)
{
    if (result.outcome != CommandResult::Outcome::Canceled)
        m_aliases->refresh(); // show the change now rather than at the watcher's next poll
    updateActions();
}

QString AliasesPane::message() const
{
    return m_commands->message();
}

void AliasesPane::updateActions()
{
    const model::AliasInfo a = selectedAlias();
    const bool idle = m_commands->isIdle();
    const bool applies = AliasCommand::appliesTo(a);
    m_createButton->setEnabled(idle);
    m_retarget->setEnabled(idle && applies);
    m_delete->setEnabled(idle && applies);
    // A disabled button still shows its tooltip: say why the action is unavailable.
    const QString why = AliasCommand::restriction(a);
    m_retargetButton->setToolTip(why.isEmpty() ? tr("Point %1 at another key of the same type").arg(a.aliasName)
                                               : why);
    m_deleteButton->setToolTip(why.isEmpty() ? tr("Delete %1 (Delete)").arg(a.aliasName) : why);
}

void AliasesPane::updateEmptyState()
{
    const int shown = m_proxy->rowCount();
    const QString filter = m_search->text().trimmed();
    m_count->setText(shown == 0         ? QString()
                     : filter.isEmpty() ? countText(shown, tr("1 alias"), tr("%1 aliases"))
                                        : countText(shown, tr("1 match"), tr("%1 matches")));
    if (shown > 0) {
        m_tableStack->setCurrentWidget(m_table);
        return;
    }
    QString text;
    if (!m_aliases->errorText().isEmpty())
        text = tr("<p><b>The aliases could not be listed.</b></p><p>%1</p>").arg(m_aliases->errorText().toHtmlEscaped());
    else if (m_aliases->isBusy() && !m_aliases->isLoaded())
        text = tr("Loading aliases…");
    else if (!filter.isEmpty())
        text = tr("<p><b>No aliases match “%1”.</b></p><p>The search looks at alias names, key IDs and key "
                  "descriptions. Clear it to see every alias.</p>")
                   .arg(filter.toHtmlEscaped());
    else
        text = tr("<p><b>No aliases in this region yet.</b></p><p>An alias such as <tt>alias/payroll</tt> names a "
                  "key, so applications need not hard-code key IDs and you can point the alias at a new key "
                  "later. Use <b>Create alias</b> to give a customer managed key one.</p>");
    m_empty->setText(text);
    m_tableStack->setCurrentWidget(m_empty);
}

} // namespace qkms::ui
