#include "RotationPane.h"

#include "EngineRunner.h"
#include "ForecastModel.h"
#include "ForecastTimeline.h"
#include "KeyText.h"
#include "PaneFrame.h"
#include "PaneParts.h"
#include "ScheduleFilterProxyModel.h"
#include "commands/RotationCommands.h"
#include "kms/KmsService.h"

#include <QCheckBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QStackedWidget>
#include <QTableView>
#include <QTableWidget>
#include <QVBoxLayout>

namespace qkms::ui {

namespace {

using Column = model::ScheduleModel::Column;
// Wide enough for a 20-character alias, a key id (elided in the middle when narrower), the longest
// rotation state, a date and time, and a deletion date with its days left, at the default font.
constexpr int kColumnWidths[model::ScheduleModel::ColumnCount] = {160, 265, 135, 80, 125, 125, 80, 200};

} // namespace

RotationPane::RotationPane(model::EngineRunner *runner, QWidget *parent) : QWidget(parent), m_runner(runner)
{
    m_schedules = new model::ScheduleModel(m_runner, this);
    m_schedules->setObjectName(QStringLiteral("scheduleModel"));
    m_proxy = new model::ScheduleFilterProxyModel(this);
    m_proxy->setObjectName(QStringLiteral("scheduleProxyModel"));
    m_proxy->setSourceModel(m_schedules);
    m_forecast = new model::ForecastModel(m_runner, this);
    m_forecast->setObjectName(QStringLiteral("forecastModel"));

    auto *layout = makePaneLayout(this);
    layout->addWidget(buildHeader());
    auto *note = new QLabel(tr("AWS managed keys rotate every 365 days. (Until May 2022 AWS rotated them every three "
                               "years, as older study material says.)"),
                            this);
    note->setObjectName(QStringLiteral("awsManagedRotationNote"));
    note->setWordWrap(true);
    note->setStyleSheet(QStringLiteral("color: palette(placeholder-text);"));
    layout->addWidget(note);
    layout->addWidget(buildActions());
    m_commands = new PaneCommands(m_runner, this, "rotationPaneMessage");
    layout->addWidget(m_commands->messageBar());

    auto *splitter = new QSplitter(Qt::Vertical, this);
    splitter->setObjectName(QStringLiteral("rotationSplitter"));
    splitter->setChildrenCollapsible(false);
    m_tableStack = new QStackedWidget(splitter);
    buildTable();
    splitter->addWidget(m_tableStack);
    splitter->addWidget(buildBottom());
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    splitter->setSizes({500, 400});
    layout->addWidget(splitter, 1);

    connect(m_schedules, &model::ScheduleModel::loaded, this, &RotationPane::updateEmptyState);
    connect(m_proxy, &QAbstractItemModel::rowsInserted, this, &RotationPane::updateEmptyState);
    connect(m_proxy, &QAbstractItemModel::rowsRemoved, this, &RotationPane::updateEmptyState);
    connect(m_proxy, &QAbstractItemModel::modelReset, this, &RotationPane::updateEmptyState);
    connect(m_proxy, &QAbstractItemModel::dataChanged, this, &RotationPane::selectionChanged);
    connect(m_proxy, &QAbstractItemModel::modelReset, this, &RotationPane::selectionChanged);
    connect(m_proxy, &QAbstractItemModel::rowsRemoved, this, &RotationPane::selectionChanged);
    connect(m_commands, &PaneCommands::started, this, &RotationPane::updateActions);
    connect(m_commands, &PaneCommands::finished, this, &RotationPane::commandDone);
    connect(m_commands, &PaneCommands::finished, this, &RotationPane::commandFinished);
    connect(m_runner, &model::EngineRunner::serviceChanged, this, [this] {
        m_commands->showMessage({}, false);
        m_historyKey.clear();
        selectionChanged();
    });
    updateEmptyState();
    selectionChanged();
}

QWidget *RotationPane::buildHeader()
{
    const PaneHeader header =
        makePaneHeader(this, tr("Rotation schedules"), "scheduleCountLabel", CountStyle::Placeholder);
    m_count = header.count;
    m_showAll = new QCheckBox(tr("Show keys that cannot rotate"), header.widget);
    m_showAll->setObjectName(QStringLiteral("showUnrotatableCheck"));
    m_showAll->setToolTip(tr("Asymmetric, HMAC and imported keys never rotate"));
    connect(m_showAll, &QCheckBox::toggled, this, [this](bool on) {
        m_proxy->setShowUnrotatable(on);
        updateEmptyState();
    });
    header.row->addWidget(m_showAll);
    m_search = addSearchEdit(header, "scheduleSearchEdit", tr("Filter by alias or key ID"), 240);
    connect(m_search, &QLineEdit::textChanged, m_proxy, &model::ScheduleFilterProxyModel::setFilterText);
    connect(m_search, &QLineEdit::textChanged, this, &RotationPane::updateEmptyState);
    return header.widget;
}

QWidget *RotationPane::buildActions()
{
    const PaneBar pane = makePaneBar(this, "rotationActionBar");
    QWidget *bar = pane.widget;
    QHBoxLayout *row = pane.row;
    m_enable = makePaneButton(tr("Enable rotation"), "enableRotationButton", bar);
    row->addWidget(m_enable);
    row->addWidget(makeCaption(tr("every"), bar));
    m_period = new QSpinBox(bar);
    m_period->setObjectName(QStringLiteral("rotationPeriodSpin"));
    m_period->setRange(90, 2560);
    m_period->setValue(365);
    m_period->setSuffix(tr(" days"));
    m_period->setToolTip(tr("RotationPeriodInDays: 90 to 2560. The first rotation is one period from now."));
    row->addWidget(m_period);
    row->addSpacing(12);
    m_disable = makePaneButton(tr("Disable rotation"), "disableRotationButton", bar);
    row->addWidget(m_disable);
    m_rotateNow = makePaneButton(tr("Rotate now"), "rotateNowButton", bar);
    m_rotateNow->setToolTip(tr("New key material now (at most 25 times per key); the automatic schedule stays"));
    row->addWidget(m_rotateNow);
    row->addStretch();

    connect(m_enable, &QPushButton::clicked, this, [this] {
        if (auto e = selectedEntry(); e && EnableRotationCommand::appliesTo(*e))
            m_commands->start(new EnableRotationCommand(m_runner, *e, m_period->value(), this));
    });
    connect(m_disable, &QPushButton::clicked, this, [this] {
        if (auto e = selectedEntry(); e && DisableRotationCommand::appliesTo(*e))
            m_commands->start(new DisableRotationCommand(m_runner, *e, this));
    });
    connect(m_rotateNow, &QPushButton::clicked, this, [this] {
        if (auto e = selectedEntry(); e && RotateNowCommand::appliesTo(*e))
            m_commands->start(new RotateNowCommand(m_runner, *e, this));
    });
    return bar;
}

void RotationPane::buildTable()
{
    m_table = new QTableView(m_tableStack);
    m_table->setObjectName(QStringLiteral("scheduleTable"));
    m_table->setModel(m_proxy);
    m_table->setTextElideMode(Qt::ElideMiddle);
    setupTable(m_table, kColumnWidths, -1); // creation order first
    m_tableStack->addWidget(m_table);
    m_empty = addEmptyState(m_tableStack, "scheduleEmptyState");
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this, &RotationPane::selectionChanged);
}

QWidget *RotationPane::buildBottom()
{
    auto *bottom = new QSplitter(Qt::Horizontal, this);
    bottom->setObjectName(QStringLiteral("rotationBottomSplitter"));
    bottom->setChildrenCollapsible(false);

    auto *forecastBox = new QWidget(bottom);
    auto *fl = new QVBoxLayout(forecastBox);
    fl->setContentsMargins(0, 4, 0, 0);
    auto *fh = new QHBoxLayout;
    fh->addWidget(new QLabel(tr("<b>Forecast</b> for the next"), forecastBox));
    m_forecastDays = new QSpinBox(forecastBox);
    m_forecastDays->setObjectName(QStringLiteral("forecastDaysSpin"));
    m_forecastDays->setRange(1, 3650);
    m_forecastDays->setValue(model::ForecastModel::kDefaultDays);
    m_forecastDays->setSuffix(tr(" days"));
    connect(m_forecastDays, &QSpinBox::valueChanged, m_forecast, &model::ForecastModel::setDays);
    fh->addWidget(m_forecastDays);
    fh->addStretch();
    fl->addLayout(fh);
    m_timeline = new ForecastTimeline(m_forecast, forecastBox);
    fl->addWidget(m_timeline);
    m_forecastTable = new QTableView(forecastBox);
    m_forecastTable->setObjectName(QStringLiteral("forecastTable"));
    setupTable(m_forecastTable);
    m_forecastTable->setModel(m_forecast);
    for (int c = 0; c < model::ForecastModel::ColumnCount; ++c)
        m_forecastTable->horizontalHeader()->resizeSection(c, c == model::ForecastModel::KindColumn ? 170 : 130);
    connect(m_forecastTable, &QTableView::activated, this,
            [this](const QModelIndex &index) { selectKey(m_forecast->entryAt(index.row()).event.keyId); });
    fl->addWidget(m_forecastTable, 1);

    auto *historyBox = new QWidget(bottom);
    auto *hl = new QVBoxLayout(historyBox);
    hl->setContentsMargins(0, 4, 0, 0);
    m_historyTitle = new QLabel(historyBox);
    m_historyTitle->setObjectName(QStringLiteral("rotationHistoryTitle"));
    m_historyTitle->setWordWrap(true);
    hl->addWidget(m_historyTitle);
    m_history = new QTableWidget(0, 4, historyBox);
    m_history->setObjectName(QStringLiteral("rotationHistoryTable"));
    m_history->setHorizontalHeaderLabels({tr("Date"), tr("Type"), tr("State"), tr("Key material ID")});
    m_history->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_history->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_history->verticalHeader()->hide();
    m_history->setShowGrid(false);
    m_history->horizontalHeader()->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
    m_history->horizontalHeader()->setStretchLastSection(true);
    for (int c = 0; c < 3; ++c)
        m_history->horizontalHeader()->resizeSection(c, c == 0 ? 130 : 90);
    m_history->setTextElideMode(Qt::ElideMiddle);
    hl->addWidget(m_history, 1);

    bottom->addWidget(forecastBox);
    bottom->addWidget(historyBox);
    bottom->setStretchFactor(0, 1);
    bottom->setStretchFactor(1, 1);
    bottom->setSizes({620, 580});
    return bottom;
}

void RotationPane::refresh()
{
    m_schedules->refresh();
    m_forecast->refresh();
    loadHistory();
}

std::optional<model::ScheduleEntry> RotationPane::selectedEntry() const
{
    const int row = selectedTableRow(m_table);
    return row < 0 ? std::nullopt : std::optional(m_proxy->entryAt(row));
}

QString RotationPane::selectedKeyId() const
{
    const auto e = selectedEntry();
    return e ? e->schedule.keyId : QString();
}

bool RotationPane::selectKey(const QString &keyId)
{
    if (m_proxy->indexOf(keyId) < 0 && m_schedules->indexOf(keyId) >= 0)
        m_showAll->setChecked(true); // a key that cannot rotate was asked for
    return selectTableRow(m_table, m_proxy->indexOf(keyId));
}

Command *RotationPane::activeCommand() const
{
    return m_commands->active();
}

void RotationPane::commandDone(const CommandResult &result)
{
    if (result.outcome != CommandResult::Outcome::Canceled)
        refresh(); // show the change now rather than at the watcher's next poll
    updateActions();
}

QString RotationPane::message() const
{
    return m_commands->message();
}

void RotationPane::selectionChanged()
{
    const auto e = selectedEntry();
    const QString keyId = e ? e->schedule.keyId : QString();
    if (keyId != m_shownKey) {
        m_shownKey = keyId;
        // Show the key's own period, so "Change period" starts from what is in force.
        if (e && e->schedule.rotationEnabled && e->schedule.periodDays)
            m_period->setValue(*e->schedule.periodDays);
    }
    if (keyId != m_historyKey)
        loadHistory();
    updateActions();
}

void RotationPane::updateActions()
{
    const auto e = selectedEntry();
    const model::ScheduleEntry none;
    const model::ScheduleEntry &entry = e ? *e : none;
    const bool idle = m_commands->isIdle();
    m_enable->setEnabled(idle && EnableRotationCommand::appliesTo(entry));
    m_period->setEnabled(idle && EnableRotationCommand::appliesTo(entry));
    m_disable->setEnabled(idle && DisableRotationCommand::appliesTo(entry));
    m_rotateNow->setEnabled(idle && RotateNowCommand::appliesTo(entry));
    m_enable->setText(entry.schedule.rotationEnabled && !entry.awsManaged() ? tr("Change period") : tr("Enable rotation"));

    // Say why the actions are off, where it is not obvious.
    QString why;
    if (!e)
        why = tr("Select a key first.");
    else if (entry.awsManaged())
        why = tr("AWS managed keys rotate every 365 days on their own; their rotation cannot be changed.");
    else if (!entry.schedule.rotatable)
        why = tr("Only symmetric encryption keys whose key material KMS made can rotate.");
    else if (entry.schedule.keyState != kms::KeyState::Enabled)
        why = tr("The key is %1: it must be enabled to change its rotation.")
                  .arg(model::text::keyState(entry.schedule.keyState).toLower());
    m_enable->setToolTip(why.isEmpty() ? tr("Rotate automatically every period; the first rotation is one period "
                                            "from now (also when you change the period)")
                                       : why);
    m_disable->setToolTip(why.isEmpty() ? tr("Stop rotating automatically; earlier key material stays usable") : why);
}

void RotationPane::updateEmptyState()
{
    const int shown = m_proxy->rowCount();
    m_count->setText(shown == 0 ? QString() : countText(shown, tr("1 key"), tr("%1 keys")));
    if (shown > 0) {
        m_tableStack->setCurrentWidget(m_table);
        return;
    }
    QString text;
    const QString filter = m_search->text().trimmed();
    if (!m_schedules->errorText().isEmpty())
        text = tr("<p><b>The schedules could not be read.</b></p><p>%1</p>")
                   .arg(m_schedules->errorText().toHtmlEscaped());
    else if (!m_runner->hasService())
        text = tr("The vault is locked.");
    else if (!m_schedules->isLoaded())
        text = tr("Reading the schedules…");
    else if (!filter.isEmpty())
        text = tr("<p><b>No keys match “%1”.</b></p>").arg(filter.toHtmlEscaped());
    else
        text = tr("<p><b>No key in %1 can rotate yet.</b></p><p>Symmetric encryption keys rotate: create one under "
                  "Customer managed keys, then select it here and enable automatic rotation. Keys pending deletion "
                  "are listed here too, with their dates.</p>")
                   .arg(m_runner->region().toHtmlEscaped());
    m_empty->setText(text);
    m_tableStack->setCurrentWidget(m_empty);
}

void RotationPane::loadHistory()
{
    const auto e = selectedEntry();
    m_history->setRowCount(0);
    m_historyKey = e ? e->schedule.keyId : QString();
    if (!e) {
        m_historyTitle->setText(tr("Select a key to see its rotation history."));
        return;
    }
    const QString keyId = e->schedule.keyId;
    const QString label = e->label();
    if (!e->schedule.rotatable) {
        m_historyTitle->setText(tr("%1 cannot rotate: only symmetric encryption keys whose key material KMS made do.")
                                    .arg(label));
        Q_EMIT historyLoaded(keyId);
        return;
    }
    m_historyTitle->setText(tr("Rotation history of %1: reading…").arg(label));
    m_runner->run(
        this,
        [keyId](kms::KmsService &service, const kms::Caller &caller) {
            return service.listKeyRotations(caller, keyId, 1000);
        },
        [this, keyId, label](Result<kms::ListKeyRotationsResponse> r) {
            if (keyId != m_historyKey)
                return; // another key was selected meanwhile
            if (!r) {
                m_historyTitle->setText(tr("The rotation history of %1 could not be read. %2")
                                            .arg(label, r.error().toString()));
                Q_EMIT historyLoaded(keyId);
                return;
            }
            const QList<kms::KeyRotationEntry> &rotations = r->rotations;
            m_history->setRowCount(static_cast<int>(rotations.size()));
            for (int i = 0; i < rotations.size(); ++i) {
                const kms::KeyRotationEntry &rot = rotations.at(rotations.size() - 1 - i); // newest first
                const QStringList cells = {model::text::dateTime(rot.rotationDate),
                                           rot.rotationType == u"ON_DEMAND" ? tr("On demand") : tr("Automatic"),
                                           rot.current ? tr("Current") : tr("Previous"), rot.keyMaterialId};
                for (int c = 0; c < cells.size(); ++c)
                    m_history->setItem(i, c, new QTableWidgetItem(cells.at(c)));
            }
            m_historyTitle->setText(rotations.isEmpty()
                                        ? tr("%1 has not rotated yet: it still uses the key material it was created "
                                             "with.")
                                              .arg(label)
                                        : rotations.size() == 1
                                        ? tr("Rotation history of %1: 1 rotation.").arg(label)
                                        : tr("Rotation history of %1: %2 rotations, newest first.")
                                              .arg(label)
                                              .arg(rotations.size()));
            Q_EMIT historyLoaded(keyId);
        });
}

} // namespace qkms::ui
