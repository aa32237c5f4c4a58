#include "KeysPane.h"

#include "EngineRunner.h"
#include "KeyDetailView.h"
#include "KeyFilterProxyModel.h"
#include "KeyListModel.h"
#include "KeyTableDelegate.h"
#include "PaneFrame.h"
#include "PaneParts.h"
#include "commands/CancelDeletionCommand.h"
#include "commands/CreateKeyCommand.h"
#include "commands/DisableKeyCommand.h"
#include "commands/EditDescriptionCommand.h"
#include "commands/EnableKeyCommand.h"
#include "commands/ScheduleDeletionCommand.h"

#include <QAction>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSplitter>
#include <QStackedWidget>
#include <QTableView>
#include <QVBoxLayout>

namespace qkms::ui {

namespace {

// Default widths at the default font, chosen so that every column but Description fits in the
// window's default width with room left for it: an alias of about 20 characters, the longest
// status, spec and usage, a date and time. Key ids elide in the middle (KeyTableDelegate).
constexpr int kColumnWidths[model::KeyListModel::ColumnCount] = {150, 125, 122, 140, 165, 80, 118, 0};

} // namespace

KeysPane::KeysPane(Kind kind, model::KeyListModel *keys, model::EngineRunner *runner, QWidget *parent)
    : QWidget(parent), m_kind(kind), m_keys(keys), m_runner(runner)
{
    m_proxy = new model::KeyFilterProxyModel(this);
    m_proxy->setObjectName(QStringLiteral("keyProxyModel"));
    m_proxy->setSourceModel(m_keys);
    m_proxy->setKeyManagerFilter(kind == Kind::CustomerManaged ? kms::KeyManager::Customer : kms::KeyManager::Aws);

    auto *layout = makePaneLayout(this);
    layout->addWidget(buildHeader());
    if (m_kind == Kind::CustomerManaged)
        layout->addWidget(buildActions());
    m_commands = new PaneCommands(m_runner, this, "keyPaneMessage");
    layout->addWidget(m_commands->messageBar());

    auto *splitter = new QSplitter(Qt::Vertical, this);
    splitter->setObjectName(QStringLiteral("keysSplitter"));
    splitter->setChildrenCollapsible(false);
    m_tableStack = new QStackedWidget(splitter);
    buildTable();
    m_details = new KeyDetailView(m_runner, splitter);
    splitter->addWidget(m_tableStack);
    splitter->addWidget(m_details);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    splitter->setSizes({420, 280}); // the details' size hint would otherwise squeeze the table
    layout->addWidget(splitter, 1);

    addFindAction(this, m_search, tr("Find key"), "findKeyAction");

    connect(m_proxy, &QAbstractItemModel::rowsInserted, this, &KeysPane::updateEmptyState);
    connect(m_proxy, &QAbstractItemModel::rowsInserted, this, &KeysPane::trySelectPending);
    connect(m_proxy, &QAbstractItemModel::rowsRemoved, this, &KeysPane::updateEmptyState);
    connect(m_proxy, &QAbstractItemModel::modelReset, this, &KeysPane::updateEmptyState);
    connect(m_proxy, &QAbstractItemModel::layoutChanged, this, &KeysPane::updateEmptyState);
    connect(m_proxy, &QAbstractItemModel::dataChanged, this, &KeysPane::selectionChanged);
    connect(m_proxy, &QAbstractItemModel::modelReset, this, &KeysPane::selectionChanged);
    connect(m_proxy, &QAbstractItemModel::rowsRemoved, this, &KeysPane::selectionChanged);
    connect(m_keys, &model::KeyListModel::loaded, this, &KeysPane::updateEmptyState);
    connect(m_keys, &model::KeyListModel::loaded, this, &KeysPane::trySelectPending);
    connect(m_runner, &model::EngineRunner::serviceChanged, this, &KeysPane::updateActions);
    connect(m_commands, &PaneCommands::started, this, &KeysPane::updateActions);
    connect(m_commands, &PaneCommands::finished, this, &KeysPane::commandDone);
    connect(m_commands, &PaneCommands::finished, this, &KeysPane::commandFinished);
    updateEmptyState();
    selectionChanged();
}

QWidget *KeysPane::buildHeader()
{
    const PaneHeader header = makePaneHeader(
        this, m_kind == Kind::CustomerManaged ? tr("Customer managed keys") : tr("AWS managed keys"), "keyCountLabel");
    m_count = header.count;
    m_search = addSearchEdit(header, "keySearchEdit", tr("Filter by alias, key ID or description (Ctrl+F)"), 340);
    connect(m_search, &QLineEdit::textChanged, this, [this](const QString &text) {
        m_proxy->setFilterText(text);
        // A search must see every key, not only the pages scrolled to so far.
        if (!text.trimmed().isEmpty())
            m_keys->fetchAll();
        updateEmptyState();
    });
    return header.widget;
}

QWidget *KeysPane::buildActions()
{
    const PaneBar pane = makePaneBar(this, "keyActionBar");
    QWidget *bar = pane.widget;
    QHBoxLayout *row = pane.row;
    m_createButton = makePaneButton(tr("Create key"), "createKeyButton", bar);
    m_createButton->setToolTip(tr("Create a key (Ctrl+N)"));
    connect(m_createButton, &QPushButton::clicked, this, &KeysPane::createKey);
    row->addWidget(m_createButton);
    row->addSpacing(12);

    QPushButton *b = nullptr;
    m_enable = addPaneAction(this, tr("Enable"), QStringLiteral("enableKey"), &b);
    row->addWidget(b);
    connect(m_enable, &QAction::triggered, this, [this] {
        if (auto k = selectedKey(); k && EnableKeyCommand::appliesTo(*k))
            m_commands->start(new EnableKeyCommand(m_runner, *k, this));
    });
    m_disable = addPaneAction(this, tr("Disable"), QStringLiteral("disableKey"), &b);
    row->addWidget(b);
    connect(m_disable, &QAction::triggered, this, [this] {
        if (auto k = selectedKey(); k && DisableKeyCommand::appliesTo(*k))
            m_commands->start(new DisableKeyCommand(m_runner, *k, this));
    });
    m_editDescription = addPaneAction(this, tr("Edit description"), QStringLiteral("editDescription"), &b);
    m_editDescription->setShortcut(Qt::Key_F2);
    b->setToolTip(tr("Change the key's description (F2)"));
    row->addWidget(b);
    connect(m_editDescription, &QAction::triggered, this, [this] {
        if (auto k = selectedKey(); k && EditDescriptionCommand::appliesTo(*k))
            m_commands->start(new EditDescriptionCommand(m_runner, *k, selectedLabel(), this));
    });
    row->addSpacing(12);
    m_scheduleDeletion = addPaneAction(this, tr("Schedule deletion"), QStringLiteral("scheduleDeletion"), &b);
    m_scheduleDeletion->setShortcut(QKeySequence::Delete);
    b->setToolTip(tr("Delete the key after a waiting period of 7 to 30 days (Delete)"));
    row->addWidget(b);
    connect(m_scheduleDeletion, &QAction::triggered, this, [this] {
        if (auto k = selectedKey(); k && ScheduleDeletionCommand::appliesTo(*k))
            m_commands->start(new ScheduleDeletionCommand(m_runner, *k, selectedLabel(), this));
    });
    m_cancelDeletion = addPaneAction(this, tr("Cancel deletion"), QStringLiteral("cancelDeletion"), &b);
    row->addWidget(b);
    connect(m_cancelDeletion, &QAction::triggered, this, [this] {
        if (auto k = selectedKey(); k && CancelDeletionCommand::appliesTo(*k))
            m_commands->start(new CancelDeletionCommand(m_runner, *k, this));
    });
    row->addStretch();
    return bar;
}

void KeysPane::buildTable()
{
    m_table = new QTableView(m_tableStack);
    m_table->setObjectName(QStringLiteral("keyTable"));
    m_table->setModel(m_proxy);
    m_table->setItemDelegate(new KeyTableDelegate(m_table));
    QHeaderView *header = m_table->horizontalHeader();
    header->setMinimumSectionSize(60);
    // Description takes the rest.
    setupTable(m_table, std::span(kColumnWidths).first(model::KeyListModel::DescriptionColumn));
    // As in the AWS console, Origin is hidden until asked for (nearly every key is AWS_KMS);
    // the header's context menu shows and hides columns.
    header->setSectionHidden(model::KeyListModel::OriginColumn, true);
    header->setContextMenuPolicy(Qt::ActionsContextMenu);
    for (int c = 0; c < model::KeyListModel::ColumnCount; ++c) {
        auto *toggle = new QAction(m_proxy->headerData(c, Qt::Horizontal, Qt::DisplayRole).toString(), header);
        toggle->setObjectName(QStringLiteral("showColumn%1Action").arg(c));
        toggle->setCheckable(true);
        toggle->setChecked(!header->isSectionHidden(c));
        toggle->setEnabled(c != model::KeyListModel::KeyIdColumn); // the one column that names a key
        connect(toggle, &QAction::toggled, header, [header, c](bool on) { header->setSectionHidden(c, !on); });
        header->addAction(toggle);
    }
    // Creation order (ListKeys's) until the user clicks a header: sorting by column 0 from the
    // start would reorder a partly loaded list under the user's eyes as pages arrive.
    header->setSortIndicator(-1, Qt::AscendingOrder);
    m_table->setSortingEnabled(true);
    m_tableStack->addWidget(m_table);

    m_empty = addEmptyState(m_tableStack, "keysEmptyState");

    if (m_kind == Kind::CustomerManaged) {
        // Actions on the table: the context menu, and Delete / F2 while the table has focus.
        for (QAction *a : {m_enable, m_disable, m_editDescription, m_scheduleDeletion, m_cancelDeletion}) {
            a->setShortcutContext(Qt::WidgetShortcut);
            m_table->addAction(a);
        }
        m_table->setContextMenuPolicy(Qt::ActionsContextMenu);
    }
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this, &KeysPane::selectionChanged);
}

void KeysPane::setRegion(const QString &region)
{
    m_region = region;
    m_commands->showMessage({}, false);
    updateEmptyState();
}

std::optional<kms::KeyRecord> KeysPane::selectedKey() const
{
    const int row = selectedTableRow(m_table);
    return row < 0 ? std::nullopt : std::optional(m_proxy->keyAt(row));
}

QString KeysPane::selectedKeyId() const
{
    const auto k = selectedKey();
    return k ? k->keyId : QString();
}

QString KeysPane::selectedLabel() const
{
    const int row = selectedTableRow(m_table);
    if (row < 0)
        return {};
    const QStringList aliases = m_proxy->aliasesAt(row);
    return aliases.isEmpty() ? m_proxy->keyAt(row).keyId : aliases.first();
}

bool KeysPane::selectKey(const QString &keyId)
{
    return selectTableRow(m_table, m_proxy->indexOf(keyId));
}

void KeysPane::trySelectPending()
{
    if (!m_pendingSelection.isEmpty() && selectKey(m_pendingSelection))
        m_pendingSelection.clear();
}

void KeysPane::createKey()
{
    if (m_kind == Kind::CustomerManaged)
        m_commands->start(new CreateKeyCommand(m_runner, this));
}

Command *KeysPane::activeCommand() const
{
    return m_commands->active();
}

void KeysPane::commandDone(const CommandResult &result)
{
    if (result.outcome != CommandResult::Outcome::Canceled) {
        // Show the change now rather than at the watcher's next poll.
        m_keys->refresh();
        if (result.succeeded() && !result.keyId.isEmpty() && result.keyId != selectedKeyId()) {
            m_pendingSelection = result.keyId;
            trySelectPending();
        }
    }
    updateActions();
}

void KeysPane::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    updateEmptyState();
}

QString KeysPane::message() const
{
    return m_commands->message();
}

void KeysPane::selectionChanged()
{
    if (const int row = selectedTableRow(m_table); row < 0)
        m_details->showKey(std::nullopt, {});
    else
        m_details->showKey(m_proxy->keyAt(row), m_proxy->aliasesAt(row));
    updateActions();
}

void KeysPane::updateActions()
{
    if (m_kind != Kind::CustomerManaged)
        return;
    const auto key = selectedKey();
    const bool idle = m_commands->isIdle();
    const kms::KeyRecord none;
    const kms::KeyRecord &k = key ? *key : none;
    m_createButton->setEnabled(idle);
    m_enable->setEnabled(idle && EnableKeyCommand::appliesTo(k));
    m_disable->setEnabled(idle && DisableKeyCommand::appliesTo(k));
    m_editDescription->setEnabled(idle && EditDescriptionCommand::appliesTo(k));
    m_scheduleDeletion->setEnabled(idle && ScheduleDeletionCommand::appliesTo(k));
    m_cancelDeletion->setEnabled(idle && CancelDeletionCommand::appliesTo(k));
}

void KeysPane::updateEmptyState()
{
    const int shown = m_proxy->rowCount();
    const QString filter = m_search->text().trimmed();
    const bool loading = m_keys->isBusy() || m_keys->canFetchMore({});
    if (shown == 0)
        m_count->clear();
    else if (!filter.isEmpty())
        m_count->setText(countText(shown, tr("1 match"), tr("%1 matches")));
    else
        m_count->setText(countText(shown, tr("1 key"), tr("%1 keys"))
                         + (loading ? tr(" loaded, more as you scroll") : QString()));
    // Keys of this pane's kind may all lie beyond the pages loaded so far (the two panes share
    // one list): keep reading while this pane is visible and shows nothing.
    if (shown == 0 && isVisible() && !m_keys->isBusy() && m_keys->canFetchMore({}))
        m_keys->fetchMore({});
    // With nothing listed, the details area would only repeat "select a key": give the empty
    // state the whole pane.
    m_details->setVisible(shown > 0);
    if (shown > 0) {
        m_tableStack->setCurrentWidget(m_table);
        return;
    }
    QString text;
    if (!m_keys->errorText().isEmpty())
        text = tr("<p><b>The keys could not be listed.</b></p><p>%1</p>").arg(m_keys->errorText().toHtmlEscaped());
    else if (!filter.isEmpty())
        text = loading ? tr("Searching…")
                       : tr("<p><b>No keys match “%1”.</b></p><p>The search looks at aliases, key IDs and "
                            "descriptions. Clear it to see every key.</p>")
                             .arg(filter.toHtmlEscaped());
    else if (m_keys->isBusy())
        text = tr("Loading keys…");
    else if (m_kind == Kind::CustomerManaged)
        text = tr("<p><b>No customer managed keys in %1 yet.</b></p><p>Create one with Ctrl+N or the Create key "
                  "button. A symmetric key is the usual first choice: it encrypts data and protects the data keys "
                  "of file encryption.</p>")
                   .arg(m_region.toHtmlEscaped());
    else
        text = tr("<p><b>No AWS managed keys in %1 yet.</b></p><p>qkms creates one the first time a service needs "
                  "it, such as <tt>alias/aws/files</tt> when you encrypt a file without choosing a key.</p>")
                   .arg(m_region.toHtmlEscaped());
    m_empty->setText(text);
    m_tableStack->setCurrentWidget(m_empty);
}

} // namespace qkms::ui
