#include "PaneParts.h"

#include "EngineRunner.h"
#include "PaneFrame.h"

#include <QItemSelectionModel>
#include <QLabel>
#include <QLocale>
#include <QTableView>

namespace qkms::ui {

PaneCommands::PaneCommands(model::EngineRunner *runner, QWidget *pane, const char *messageName,
                           const QString &errorColor)
    : QObject(pane), m_runner(runner), m_bar(makeMessageBar(pane, messageName)), m_errorColor(errorColor)
{
}

bool PaneCommands::isIdle() const
{
    return !m_command && m_runner->hasService();
}

bool PaneCommands::start(Command *command)
{
    if (!isIdle()) { // one action at a time, and none on a locked vault
        delete command;
        return false;
    }
    m_command = command;
    connect(command, &Command::finished, this, &PaneCommands::commandDone);
    Q_EMIT started();
    command->start();
    return true;
}

void PaneCommands::commandDone(const CommandResult &result)
{
    m_command = nullptr;
    if (result.outcome != CommandResult::Outcome::Canceled)
        showMessage(result.message, result.outcome == CommandResult::Outcome::Failed);
    Q_EMIT finished(result);
}

void PaneCommands::showMessage(const QString &text, bool error)
{
    showPaneMessage(m_bar, text, error, m_errorColor);
}

QString PaneCommands::message() const
{
    return m_bar->text();
}

bool selectTableRow(QTableView *table, int row)
{
    if (row < 0)
        return false;
    const QModelIndex index = table->model()->index(row, 0);
    table->selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    table->scrollTo(index);
    return true;
}

int selectedTableRow(const QTableView *table)
{
    const QModelIndexList rows = table->selectionModel()->selectedRows();
    return rows.isEmpty() ? -1 : rows.first().row();
}

QString countText(int count, const QString &one, const QString &many)
{
    return count == 1 ? one : many.arg(QLocale().toString(count));
}

} // namespace qkms::ui
