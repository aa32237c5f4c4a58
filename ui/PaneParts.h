#pragma once

#include "commands/Command.h"

#include <QObject>
#include <QPointer>
#include <QString>

class QLabel;
class QTableView;
class QWidget;

namespace qkms::model {
class EngineRunner;
}

namespace qkms::ui {

// What the console's list panes (Keys, Aliases, Rotation schedules, Event history) share beyond
// their look, which PaneFrame.h decides: running one command at a time and reporting how it
// ended in the pane's message bar, selecting a row, and the count after the title. Each pane
// keeps what differs: which actions it has and what it refreshes when a command ends.

/// A pane's command slot: at most one command runs at a time, and its sentence goes to the
/// pane's message bar. The pane lays out messageBar(), hands its commands to start(), and
/// connects started() and finished() to refresh its actions and views.
class PaneCommands : public QObject
{
    Q_OBJECT
public:
    /// A slot owned by `pane` that runs on `runner`, with a hidden message bar named
    /// `messageName` whose errors are drawn in `errorColor` (see showPaneMessage).
    PaneCommands(model::EngineRunner *runner, QWidget *pane, const char *messageName,
                 const QString &errorColor = QStringLiteral("#611a15"));

    /// The message bar, for the pane's layout.
    [[nodiscard]] QLabel *messageBar() const { return m_bar; }
    /// The command in progress (its dialog is open or its call runs), or null.
    [[nodiscard]] Command *active() const { return m_command; }
    /// Whether a command may start: none runs and the vault is open.
    [[nodiscard]] bool isIdle() const;
    /// Starts `command` when idle and returns true; otherwise deletes it and returns false.
    bool start(Command *command);
    /// Shows `text` in the message bar, red when `error`; empty text hides the bar.
    void showMessage(const QString &text, bool error);
    /// The sentence in the message bar (empty when none).
    [[nodiscard]] QString message() const;

Q_SIGNALS:
    /// A command was accepted and is about to start: the pane turns its actions off.
    void started();
    /// The command ended; unless it was canceled, the message bar already shows its sentence.
    void finished(const qkms::ui::CommandResult &result);

private:
    void commandDone(const CommandResult &result);

    model::EngineRunner *m_runner;
    QLabel *m_bar;
    QString m_errorColor;
    QPointer<Command> m_command;
};

/// Makes row `row` of `table`'s model the current, only selected row and scrolls to it; returns
/// false (and changes nothing) when `row` is negative, as indexOf() gives for a missing item.
bool selectTableRow(QTableView *table, int row);

/// The model row of `table`'s first selected row, or -1 when nothing is selected.
[[nodiscard]] int selectedTableRow(const QTableView *table);

/// `one` when `count` is 1, else `many` (with a %1) filled with `count` in the user's locale:
/// "1 key", "1,204 keys".
[[nodiscard]] QString countText(int count, const QString &one, const QString &many);

} // namespace qkms::ui
