#pragma once

#include "ScheduleModel.h"
#include "commands/Command.h"

#include <QWidget>

class QCheckBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;
class QStackedWidget;
class QTableView;
class QTableWidget;

namespace qkms::model {
class EngineRunner;
class ForecastModel;
class ScheduleFilterProxyModel;
} // namespace qkms::model

namespace qkms::ui {

class ForecastTimeline;
class PaneCommands;

/// The Rotation schedules pane: each key that rotates (or could) with its period, last and next
/// rotation and days left, and the keys pending deletion with their dates; the selected key's
/// rotation history; the forecast of the next N days as a timeline and a list. Actions (enable or
/// change the period, disable, rotate now) are command objects, enabled only when they apply.
class RotationPane : public QWidget
{
    Q_OBJECT
public:
    /// A pane over `runner`'s region (it follows the runner's region changes).
    explicit RotationPane(model::EngineRunner *runner, QWidget *parent = nullptr);

    /// Reads schedules, forecast and the selected key's history again (connect the vault
    /// watcher's changed() here so changes made elsewhere show).
    void refresh();
    /// Selects `keyId` when it is listed; returns whether it was.
    bool selectKey(const QString &keyId);
    [[nodiscard]] QString selectedKeyId() const;
    [[nodiscard]] model::ScheduleModel *scheduleModel() const { return m_schedules; }
    [[nodiscard]] model::ScheduleFilterProxyModel *proxy() const { return m_proxy; }
    [[nodiscard]] model::ForecastModel *forecastModel() const { return m_forecast; }
    [[nodiscard]] ForecastTimeline *timeline() const { return m_timeline; }
    /// The command in progress, or null.
    [[nodiscard]] Command *activeCommand() const;
    /// The sentence shown after the last action (empty when none).
    [[nodiscard]] QString message() const;

Q_SIGNALS:
    void commandFinished(const qkms::ui::CommandResult &result);
    /// The selected key's rotation history was read (tests wait for it).
    void historyLoaded(const QString &keyId);

private:
    QWidget *buildHeader();
    QWidget *buildActions();
    QWidget *buildBottom();
    void buildTable();
    [[nodiscard]] std::optional<model::ScheduleEntry> selectedEntry() const;
    void commandDone(const CommandResult &result);
    void selectionChanged();
    void updateActions();
    void updateEmptyState();
    void loadHistory();

    model::EngineRunner *m_runner;
    model::ScheduleModel *m_schedules = nullptr;
    model::ScheduleFilterProxyModel *m_proxy = nullptr;
    model::ForecastModel *m_forecast = nullptr;
    QLabel *m_count = nullptr;
    QLineEdit *m_search = nullptr;
    QCheckBox *m_showAll = nullptr;
    QPushButton *m_enable = nullptr;
    QSpinBox *m_period = nullptr;
    QPushButton *m_disable = nullptr;
    QPushButton *m_rotateNow = nullptr;
    QStackedWidget *m_tableStack = nullptr;
    QTableView *m_table = nullptr;
    QLabel *m_empty = nullptr;
    QSpinBox *m_forecastDays = nullptr;
    ForecastTimeline *m_timeline = nullptr;
    QTableView *m_forecastTable = nullptr;
    QLabel *m_historyTitle = nullptr;
    QTableWidget *m_history = nullptr;
    QString m_historyKey; ///< the key whose history is shown (or being read)
    QString m_shownKey;   ///< the key the action widgets were last set up for
    PaneCommands *m_commands = nullptr;
};

} // namespace qkms::ui
