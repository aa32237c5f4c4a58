#pragma once

#include "AliasListModel.h"
#include "commands/Command.h"

#include <QWidget>

class QAction;
class QLabel;
class QLineEdit;
class QPushButton;
class QStackedWidget;
class QTableView;

namespace qkms::model {
class AliasFilterProxyModel;
class EngineRunner;
} // namespace qkms::model

namespace qkms::ui {

class PaneCommands;

/// The Aliases pane: every alias of the region with its target key, a search box, and the
/// actions create, retarget and delete as command objects. alias/aws/… rows are read-only: their
/// actions are disabled and a tooltip says why. An empty state says what aliases are for.
class AliasesPane : public QWidget
{
    Q_OBJECT
public:
    /// A pane over `aliases`, running commands through `runner`.
    AliasesPane(model::AliasListModel *aliases, model::EngineRunner *runner, QWidget *parent = nullptr);

    /// Opens the create-alias dialog (ignored while a command runs).
    void createAlias();
    /// Selects `aliasName` when it is listed; returns whether it was.
    bool selectAlias(const QString &aliasName);
    [[nodiscard]] QString selectedAliasName() const;
    [[nodiscard]] model::AliasFilterProxyModel *proxy() const { return m_proxy; }
    /// The command in progress (its dialog is open or its call runs), or null.
    [[nodiscard]] Command *activeCommand() const;
    /// The sentence shown after the last action (empty when none).
    [[nodiscard]] QString message() const;

Q_SIGNALS:
    void commandFinished(const qkms::ui::CommandResult &result);

private:
    QWidget *buildHeader();
    QWidget *buildActions();
    void buildTable();
    [[nodiscard]] model::AliasInfo selectedAlias() const;
    void commandDone(const CommandResult &result);
    void updateActions();
    void updateEmptyState();

    model::AliasListModel *m_aliases;
    model::EngineRunner *m_runner;
    model::AliasFilterProxyModel *m_proxy = nullptr;
    QLineEdit *m_search = nullptr;
    QLabel *m_count = nullptr;
    QStackedWidget *m_tableStack = nullptr;
    QTableView *m_table = nullptr;
    QLabel *m_empty = nullptr;
    QPushButton *m_createButton = nullptr;
    QPushButton *m_retargetButton = nullptr;
    QPushButton *m_deleteButton = nullptr;
    QAction *m_retarget = nullptr;
    QAction *m_delete = nullptr;
    PaneCommands *m_commands = nullptr;
    QString m_pendingSelection;
};

} // namespace qkms::ui
