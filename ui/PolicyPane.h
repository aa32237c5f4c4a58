#pragma once

#include "PolicyListModel.h"
#include "commands/Command.h"

#include <QPointer>
#include <QWidget>

class QLabel;
class QListView;
class QPlainTextEdit;
class QPushButton;
class QTimer;

namespace qkms::model {
class EngineRunner;
}

namespace qkms::ui {

class JsonHighlighter;
class PolicySimulator;

/// The Policies pane: key policies and identity policies on the left; the selected one in a JSON
/// editor with syntax highlighting and validation as you type (the engine's own parser, whose
/// message is shown below and whose target is underlined); Save (PutKeyPolicy or the identity
/// policy call, through PolicySaveCommand) and Revert; and the simulator underneath.
class PolicyPane : public QWidget
{
    Q_OBJECT
public:
    explicit PolicyPane(model::EngineRunner *runner, QWidget *parent = nullptr);

    [[nodiscard]] model::PolicyListModel *policyModel() const { return m_policies; }
    [[nodiscard]] QPlainTextEdit *editor() const { return m_editor; }
    [[nodiscard]] PolicySimulator *simulator() const { return m_simulator; }
    /// Selects the policy `ref` names (loading its text); returns whether it is listed.
    bool selectPolicy(const model::PolicyRef &ref);
    /// Selects `keyId`'s key policy; returns whether it is listed.
    bool selectKeyPolicy(const QString &keyId);
    /// The policy in the editor (a default PolicyRef when none).
    [[nodiscard]] std::optional<model::PolicyRef> currentPolicy() const { return m_current; }
    /// True once the selected policy's text is in the editor.
    [[nodiscard]] bool isPolicyLoaded() const { return m_current && !m_loading; }
    /// Whether the editor's text parsed at the last validation.
    [[nodiscard]] bool isValid() const { return m_valid; }
    /// The validation line under the editor (empty while valid).
    [[nodiscard]] QString validationMessage() const;
    /// The sentence shown after the last save (empty when none).
    [[nodiscard]] QString message() const;

public Q_SLOTS:
    /// Lists the policies again (keeps the selection and any unsaved edit).
    void refresh();
    /// Saves the editor's text (ignored unless it is valid and changed).
    void save();
    /// Puts the saved text back in the editor.
    void revert();
    /// Validates the editor's text now instead of after the typing pause.
    void validate();

Q_SIGNALS:
    void commandFinished(const qkms::ui::CommandResult &result);
    /// The editor's text was parsed (isValid() and validationMessage() are current).
    void validated();

private:
    QWidget *buildList();
    QWidget *buildEditor();
    void listLoaded();
    void selectionChanged();
    void loadPolicy(const model::PolicyRef &ref);
    void policyArrived(const model::PolicyRef &ref, const Result<QString> &text);
    void commandDone(const CommandResult &result);
    void showMessage(const QString &text, bool error);
    void updateActions();

    model::EngineRunner *m_runner;
    model::PolicyListModel *m_policies = nullptr;
    QListView *m_list = nullptr;
    QLabel *m_listNote = nullptr;
    QLabel *m_title = nullptr;
    QPlainTextEdit *m_editor = nullptr;
    JsonHighlighter *m_highlighter = nullptr;
    QLabel *m_validation = nullptr;
    QLabel *m_message = nullptr;
    QPushButton *m_save = nullptr;
    QPushButton *m_revert = nullptr;
    PolicySimulator *m_simulator = nullptr;
    QTimer *m_validateTimer = nullptr;
    std::optional<model::PolicyRef> m_current;
    QString m_original;    ///< the text as saved, for Revert and the unsaved-changes test
    bool m_loading = false; ///< the selected policy's text is on its way
    bool m_valid = false;
    quint64 m_loadSerial = 0; ///< drops a policy text that arrives after another was selected
    QPointer<Command> m_command;
};

} // namespace qkms::ui
