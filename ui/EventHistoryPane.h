#pragma once

#include "commands/Command.h"

#include <QWidget>

#include <functional>

class QComboBox;
class QDateEdit;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QStackedWidget;
class QTableView;

namespace qkms::model {
class AuditEventModel;
class AuditFilterProxyModel;
class EngineRunner;
} // namespace qkms::model

namespace qkms::ui {

class PaneCommands;

/// The Event history pane: the region's audit trail newest first, filters (operation, key,
/// principal, outcome, date range), the selected event's record, "Verify chain" and "Export…".
/// New events — from this console, the CLI or the scheduler — appear within the model's poll
/// interval. Verify and export are command objects run on the engine worker.
class EventHistoryPane : public QWidget
{
    Q_OBJECT
public:
    /// Asks where to export to (empty: cancelled). The default is a save-file dialog; tests
    /// replace it so that no dialog opens.
    using PathProvider = std::function<QString(QWidget *parent, const QString &suggestedName)>;

    /// A pane over `runner`'s region (it follows the runner's region changes).
    explicit EventHistoryPane(model::EngineRunner *runner, QWidget *parent = nullptr);

    [[nodiscard]] model::AuditEventModel *eventModel() const { return m_events; }
    [[nodiscard]] model::AuditFilterProxyModel *proxy() const { return m_proxy; }
    void setExportPathProvider(PathProvider provider) { m_pathProvider = std::move(provider); }
    /// Selects event `seq` when it is loaded and passes the filters; returns whether it was.
    bool selectEvent(qint64 seq);
    /// The selected event's seq, or 0.
    [[nodiscard]] qint64 selectedSeq() const;
    /// Clears every filter.
    void clearFilters();
    /// Starts verifying the chain / exporting (as the buttons do).
    void verifyChain();
    void exportEvents();
    /// The command in progress, or null.
    [[nodiscard]] Command *activeCommand() const;
    /// The sentence shown after the last verify or export (empty when none).
    [[nodiscard]] QString message() const;

Q_SIGNALS:
    void commandFinished(const qkms::ui::CommandResult &result);

private:
    QWidget *buildHeader();
    QWidget *buildFilters();
    void buildTable();
    void commandDone();
    void applyFilters();
    void updateOperations();
    void selectionChanged();
    void updateState();

    model::EngineRunner *m_runner;
    model::AuditEventModel *m_events = nullptr;
    model::AuditFilterProxyModel *m_proxy = nullptr;
    PathProvider m_pathProvider;
    QLabel *m_count = nullptr;
    QPushButton *m_verify = nullptr;
    QPushButton *m_export = nullptr;
    QComboBox *m_operation = nullptr;
    QLineEdit *m_key = nullptr;
    QLineEdit *m_principal = nullptr;
    QComboBox *m_outcome = nullptr;
    QDateEdit *m_from = nullptr;
    QDateEdit *m_to = nullptr;
    QStackedWidget *m_tableStack = nullptr;
    QTableView *m_table = nullptr;
    QLabel *m_empty = nullptr;
    QLabel *m_detailsTitle = nullptr;
    QPlainTextEdit *m_details = nullptr;
    PaneCommands *m_commands = nullptr;
    qint64 m_brokenSeq = 0; ///< the first broken link the last verify found (0: none)
};

} // namespace qkms::ui
