#pragma once

#include "commands/Command.h"
#include "kms/KeyRecord.h"

#include <QWidget>

#include <optional>

class QAction;
class QLabel;
class QLineEdit;
class QPushButton;
class QStackedWidget;
class QTableView;

namespace qkms::model {
class EngineRunner;
class KeyFilterProxyModel;
class KeyListModel;
} // namespace qkms::model

namespace qkms::ui {

class KeyDetailView;
class PaneCommands;

/// A keys pane: customer managed keys (with their actions) or AWS managed keys (read-only). A
/// search box, the keys table over a filter proxy, an empty state that says what to do, and the
/// selected key's details. Actions are command objects; each is enabled only when it applies to
/// the selected key's state.
class KeysPane : public QWidget
{
    Q_OBJECT
public:
    enum class Kind { CustomerManaged, AwsManaged };

    /// A pane over `keys` (shared by both panes), running commands through `runner`.
    KeysPane(Kind kind, model::KeyListModel *keys, model::EngineRunner *runner, QWidget *parent = nullptr);

    /// Names the region in the empty state.
    void setRegion(const QString &region);
    /// Opens the create-key wizard (customer managed pane only; ignored while a command runs).
    void createKey();
    /// Selects `keyId` when it is shown; returns whether it was.
    bool selectKey(const QString &keyId);
    [[nodiscard]] QString selectedKeyId() const;
    [[nodiscard]] model::KeyFilterProxyModel *proxy() const { return m_proxy; }
    [[nodiscard]] KeyDetailView *detailView() const { return m_details; }
    /// The command in progress (its dialogs are open), or null.
    [[nodiscard]] Command *activeCommand() const;
    /// The sentence shown after the last action (empty when none).
    [[nodiscard]] QString message() const;

Q_SIGNALS:
    void commandFinished(const qkms::ui::CommandResult &result);

protected:
    void showEvent(QShowEvent *event) override;

private:
    QWidget *buildHeader();
    QWidget *buildActions();
    void buildTable();
    [[nodiscard]] std::optional<kms::KeyRecord> selectedKey() const;
    [[nodiscard]] QString selectedLabel() const;
    void commandDone(const CommandResult &result);
    void selectionChanged();
    void updateActions();
    void updateEmptyState();
    void trySelectPending();

    Kind m_kind;
    model::KeyListModel *m_keys;
    model::EngineRunner *m_runner;
    model::KeyFilterProxyModel *m_proxy = nullptr;
    QString m_region;
    QLineEdit *m_search = nullptr;
    QLabel *m_count = nullptr;
    QStackedWidget *m_tableStack = nullptr;
    QTableView *m_table = nullptr;
    QLabel *m_empty = nullptr;
    KeyDetailView *m_details = nullptr;
    QAction *m_enable = nullptr;
    QAction *m_disable = nullptr;
    QAction *m_editDescription = nullptr;
    QAction *m_scheduleDeletion = nullptr;
    QAction *m_cancelDeletion = nullptr;
    QPushButton *m_createButton = nullptr;
    PaneCommands *m_commands = nullptr;
    QString m_pendingSelection; ///< a key to select as soon as it appears (just created)
};

} // namespace qkms::ui
