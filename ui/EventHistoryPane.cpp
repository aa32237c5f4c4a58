#include "EventHistoryPane.h"

#include "AuditEventModel.h"
#include "AuditFilterProxyModel.h"
#include "EngineRunner.h"
#include "PaneFrame.h"
#include "PaneParts.h"
#include "commands/AuditCommands.h"

#include <QComboBox>
#include <QDateEdit>
#include <QFileDialog>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSplitter>
#include <QStackedWidget>
#include <QTableView>
#include <QVBoxLayout>

namespace qkms::ui {

namespace {

using Column = model::AuditEventModel::Column;
// Wide enough for a date with seconds, the longest operation names, "user/" plus a name, a key
// id (a UUID) and the longest exception names at the default font.
constexpr int kColumnWidths[model::AuditEventModel::ColumnCount] = {150, 200, 170, 290, 230, 80};

// The date edits' minimum stands for "no bound" and shows as "Any".
const QDate kAnyDate(2000, 1, 1);

QDateEdit *makeDateEdit(const char *name, QWidget *parent)
{
    auto *edit = new QDateEdit(parent);
    edit->setObjectName(QString::fromLatin1(name));
    edit->setCalendarPopup(true);
    edit->setMinimumDate(kAnyDate);
    edit->setSpecialValueText(EventHistoryPane::tr("Any"));
    edit->setDisplayFormat(QStringLiteral("yyyy-MM-dd"));
    edit->setDate(kAnyDate);
    return edit;
}

} // namespace

EventHistoryPane::EventHistoryPane(model::EngineRunner *runner, QWidget *parent) : QWidget(parent), m_runner(runner)
{
    m_events = new model::AuditEventModel(m_runner, this);
    m_events->setObjectName(QStringLiteral("auditEventModel"));
    m_proxy = new model::AuditFilterProxyModel(this);
    m_proxy->setObjectName(QStringLiteral("auditProxyModel"));
    m_proxy->setSourceModel(m_events);
    m_pathProvider = [](QWidget *parentWidget, const QString &suggested) {
        return QFileDialog::getSaveFileName(parentWidget, tr("Export the audit trail"), suggested,
                                            tr("JSON lines (*.jsonl *.json);;All files (*)"));
    };

    auto *layout = makePaneLayout(this);
    layout->addWidget(buildHeader());
    layout->addWidget(buildFilters());
    m_commands = new PaneCommands(m_runner, this, "auditVerifyResult", QStringLiteral("#b02020"));
    layout->addWidget(m_commands->messageBar());

    auto *splitter = new QSplitter(Qt::Vertical, this);
    splitter->setObjectName(QStringLiteral("eventsSplitter"));
    splitter->setChildrenCollapsible(false);
    m_tableStack = new QStackedWidget(splitter);
    buildTable();
    auto *detailBox = new QWidget(splitter);
    auto *detailLayout = new QVBoxLayout(detailBox);
    detailLayout->setContentsMargins(0, 4, 0, 0);
    m_detailsTitle = new QLabel(detailBox);
    m_detailsTitle->setObjectName(QStringLiteral("eventDetailsTitle"));
    m_detailsTitle->setTextFormat(Qt::RichText);
    detailLayout->addWidget(m_detailsTitle);
    m_details = new QPlainTextEdit(detailBox);
    m_details->setObjectName(QStringLiteral("eventDetails"));
    m_details->setReadOnly(true);
    m_details->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_details->setLineWrapMode(QPlainTextEdit::NoWrap);
    detailLayout->addWidget(m_details);
    splitter->addWidget(m_tableStack);
    splitter->addWidget(detailBox);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    splitter->setSizes({500, 300});
    layout->addWidget(splitter, 1);

    connect(m_events, &model::AuditEventModel::operationsChanged, this, &EventHistoryPane::updateOperations);
    connect(m_events, &model::AuditEventModel::loaded, this, &EventHistoryPane::updateState);
    connect(m_proxy, &QAbstractItemModel::rowsInserted, this, &EventHistoryPane::updateState);
    connect(m_proxy, &QAbstractItemModel::rowsRemoved, this, &EventHistoryPane::updateState);
    connect(m_proxy, &QAbstractItemModel::modelReset, this, &EventHistoryPane::updateState);
    connect(m_proxy, &QAbstractItemModel::modelReset, this, &EventHistoryPane::selectionChanged);
    connect(m_commands, &PaneCommands::started, this, &EventHistoryPane::updateState);
    connect(m_commands, &PaneCommands::finished, this, &EventHistoryPane::commandDone);
    connect(m_commands, &PaneCommands::finished, this, &EventHistoryPane::commandFinished);
    connect(m_runner, &model::EngineRunner::serviceChanged, this, [this] {
        m_brokenSeq = 0;
        m_commands->showMessage({}, false);
        updateState();
    });
    updateOperations();
    updateState();
    selectionChanged();
}

QWidget *EventHistoryPane::buildHeader()
{
    const PaneHeader h = makePaneHeader(this, tr("Event history"), "eventCountLabel", CountStyle::Placeholder);
    QWidget *header = h.widget;
    QHBoxLayout *row = h.row;
    m_count = h.count;
    m_verify = makePaneButton(tr("Verify chain"), "verifyAuditButton", header);
    m_verify->setToolTip(tr("Check that no event was altered, removed or reordered since it was written"));
    connect(m_verify, &QPushButton::clicked, this, &EventHistoryPane::verifyChain);
    row->addWidget(m_verify);
    m_export = makePaneButton(tr("Export…"), "exportAuditButton", header);
    m_export->setToolTip(tr("Save every event of this region as JSON lines, one CloudTrail record per line"));
    connect(m_export, &QPushButton::clicked, this, &EventHistoryPane::exportEvents);
    row->addWidget(m_export);
    return header;
}

QWidget *EventHistoryPane::buildFilters()
{
    const PaneBar pane = makePaneBar(this, "eventFilterBar");
    QWidget *bar = pane.widget;
    QHBoxLayout *row = pane.row;
    m_operation = new QComboBox(bar);
    m_operation->setObjectName(QStringLiteral("eventOperationFilter"));
    m_operation->setMinimumContentsLength(18);
    m_operation->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    row->addWidget(m_operation);
    m_key = new QLineEdit(bar);
    m_key->setObjectName(QStringLiteral("eventKeyFilter"));
    m_key->setPlaceholderText(tr("Key ID or ARN"));
    m_key->setClearButtonEnabled(true);
    row->addWidget(m_key, 2);
    m_principal = new QLineEdit(bar);
    m_principal->setObjectName(QStringLiteral("eventPrincipalFilter"));
    m_principal->setPlaceholderText(tr("Principal (root, user/alice…)"));
    m_principal->setClearButtonEnabled(true);
    row->addWidget(m_principal, 1);
    m_outcome = new QComboBox(bar);
    m_outcome->setObjectName(QStringLiteral("eventOutcomeFilter"));
    m_outcome->addItem(tr("Any outcome"), int(model::AuditFilterProxyModel::Outcome::Any));
    m_outcome->addItem(tr("Succeeded"), int(model::AuditFilterProxyModel::Outcome::Succeeded));
    m_outcome->addItem(tr("Failed"), int(model::AuditFilterProxyModel::Outcome::Failed));
    row->addWidget(m_outcome);
    row->addWidget(makeCaption(tr("From"), bar));
    m_from = makeDateEdit("eventFromDate", bar);
    row->addWidget(m_from);
    row->addWidget(makeCaption(tr("to"), bar));
    m_to = makeDateEdit("eventToDate", bar);
    row->addWidget(m_to);
    auto *clear = makePaneButton(tr("Clear filters"), "clearEventFiltersButton", bar);
    connect(clear, &QPushButton::clicked, this, &EventHistoryPane::clearFilters);
    row->addWidget(clear);

    connect(m_operation, &QComboBox::currentIndexChanged, this, &EventHistoryPane::applyFilters);
    connect(m_outcome, &QComboBox::currentIndexChanged, this, &EventHistoryPane::applyFilters);
    connect(m_key, &QLineEdit::textChanged, this, &EventHistoryPane::applyFilters);
    connect(m_principal, &QLineEdit::textChanged, this, &EventHistoryPane::applyFilters);
    connect(m_from, &QDateEdit::dateChanged, this, &EventHistoryPane::applyFilters);
    connect(m_to, &QDateEdit::dateChanged, this, &EventHistoryPane::applyFilters);
    return bar;
}

void EventHistoryPane::buildTable()
{
    m_table = new QTableView(m_tableStack);
    m_table->setObjectName(QStringLiteral("eventTable"));
    m_table->setModel(m_proxy);
    // No sorting: the chain's order (newest first) is the meaningful one, and the log loads lazily.
    setupTable(m_table, kColumnWidths);
    m_tableStack->addWidget(m_table);
    m_empty = addEmptyState(m_tableStack, "eventsEmptyState");
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &EventHistoryPane::selectionChanged);
}

void EventHistoryPane::updateOperations()
{
    const QString current = m_operation->currentData().toString();
    const QSignalBlocker block(m_operation);
    m_operation->clear();
    m_operation->addItem(tr("All operations"), QString());
    for (const QString &op : m_events->operations())
        m_operation->addItem(op, op);
    // A filter chosen before its events reached the model stays chosen.
    int index = m_operation->findData(current);
    if (index < 0 && !current.isEmpty()) {
        m_operation->addItem(current, current);
        index = m_operation->count() - 1;
    }
    m_operation->setCurrentIndex(std::max(index, 0));
}

void EventHistoryPane::applyFilters()
{
    using Outcome = model::AuditFilterProxyModel::Outcome;
    m_proxy->setOperationFilter(m_operation->currentData().toString());
    m_proxy->setKeyFilter(m_key->text());
    m_proxy->setPrincipalFilter(m_principal->text());
    m_proxy->setOutcomeFilter(static_cast<Outcome>(m_outcome->currentData().toInt()));
    // Whole local days: from the start of "from" to the end of "to".
    const QDateTime from = m_from->date() == kAnyDate ? QDateTime() : QDateTime(m_from->date(), QTime(0, 0)).toUTC();
    const QDateTime until =
        m_to->date() == kAnyDate ? QDateTime() : QDateTime(m_to->date().addDays(1), QTime(0, 0)).toUTC();
    m_proxy->setTimeRange(from, until);
    updateState();
}

void EventHistoryPane::clearFilters()
{
    for (QWidget *w : std::initializer_list<QWidget *>{m_operation, m_key, m_principal, m_outcome, m_from, m_to})
        w->blockSignals(true);
    m_operation->setCurrentIndex(0);
    m_key->clear();
    m_principal->clear();
    m_outcome->setCurrentIndex(0);
    m_from->setDate(kAnyDate);
    m_to->setDate(kAnyDate);
    for (QWidget *w : std::initializer_list<QWidget *>{m_operation, m_key, m_principal, m_outcome, m_from, m_to})
        w->blockSignals(false);
    applyFilters();
}

bool EventHistoryPane::selectEvent(qint64 seq)
{
    return selectTableRow(m_table, m_proxy->indexOf(seq));
}

qint64 EventHistoryPane::selectedSeq() const
{
    const int row = selectedTableRow(m_table);
    return row < 0 ? 0 : m_proxy->eventAt(row).seq;
}

void EventHistoryPane::selectionChanged()
{
    const int row = selectedTableRow(m_table);
    if (row < 0) {
        m_detailsTitle->setText(tr("Select an event to see its full record."));
        m_details->clear();
        return;
    }
    const model::AuditEvent e = m_proxy->eventAt(row);
    QString title = tr("Event %1 — %2").arg(e.seq).arg(e.operation.toHtmlEscaped());
    if (!e.succeeded())
        title += QStringLiteral(" — <span style=\"color:#b02020\">%1</span>").arg(e.errorCode.toHtmlEscaped());
    if (m_brokenSeq != 0 && e.seq >= m_brokenSeq)
        title += tr(" — <span style=\"color:#b02020\">not covered by an intact chain</span>");
    m_detailsTitle->setText(title);
    m_details->setPlainText(e.prettyJson());
}

void EventHistoryPane::verifyChain()
{
    auto *command = new VerifyAuditCommand(m_runner, this);
    connect(command, &VerifyAuditCommand::verified, this, [this](qint64, qint64 firstBroken, const QString &) {
        m_brokenSeq = firstBroken;
        if (firstBroken != 0)
            selectEvent(firstBroken);
    });
    m_commands->start(command);
}

void EventHistoryPane::exportEvents()
{
    if (!m_commands->isIdle())
        return;
    const QDateTime now = m_runner->now();
    const QString suggested = QStringLiteral("qkms-audit-%1-%2.jsonl")
                                  .arg(m_runner->region(), now.toUTC().toString(QStringLiteral("yyyyMMdd-HHmmss")));
    const QString path = m_pathProvider ? m_pathProvider(this, suggested) : QString();
    if (path.isEmpty())
        return;
    m_commands->start(new ExportAuditCommand(m_runner, path, this));
}

Command *EventHistoryPane::activeCommand() const
{
    return m_commands->active();
}

void EventHistoryPane::commandDone()
{
    m_events->poll(); // the table catches up with what was verified or exported
    selectionChanged();
    updateState();
}

QString EventHistoryPane::message() const
{
    return m_commands->message();
}

void EventHistoryPane::updateState()
{
    const bool idle = m_commands->isIdle();
    m_verify->setEnabled(idle);
    m_export->setEnabled(idle);
    const int shown = m_proxy->rowCount();
    const bool more = m_events->canFetchMore({});
    if (m_proxy->isFiltering())
        m_count->setText(countText(shown, tr("1 matching event"), tr("%1 matching events")));
    else
        m_count->setText(countText(shown, tr("1 event"), tr("%1 events"))
                         + (more ? tr(", older ones as you scroll") : QString()));
    if (shown > 0) {
        m_tableStack->setCurrentWidget(m_table);
        return;
    }
    QString text;
    if (!m_events->errorText().isEmpty())
        text = tr("<p><b>The audit trail could not be read.</b></p><p>%1</p>").arg(m_events->errorText().toHtmlEscaped());
    else if (!m_runner->hasService())
        text = tr("The vault is locked.");
    else if (!m_events->isLoaded())
        text = tr("Reading the audit trail…");
    else if (m_proxy->isFiltering())
        text = more ? tr("Searching older events…")
                    : tr("<p><b>No events match these filters.</b></p><p>Clear filters to see every event.</p>");
    else
        text = tr("<p><b>No events in %1 yet.</b></p><p>Every operation on this region's keys — from the console, "
                  "the command line or the scheduler — appears here, newest first.</p>")
                   .arg(m_runner->region().toHtmlEscaped());
    m_empty->setText(text);
    m_tableStack->setCurrentWidget(m_empty);
    // Matches may lie among older events: keep reading while nothing is shown.
    if (m_proxy->isFiltering() && more && !m_events->isBusy())
        m_events->fetchMore({});
}

} // namespace qkms::ui
