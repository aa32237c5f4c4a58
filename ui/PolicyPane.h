#pragma once

#include "PolicyListModel.h"
#include "commands/Command.h"

#include <QPointer>
#include <QWidget>

#include <functional>

class QMessageBox;
class QPlainTextEdit;
class QTimer;

namespace qkms::model {
class EngineRunner;
}

namespace qkms::ui {

class IdentityPolicyDialog;
class PolicyEditorView;
class PolicyListPanel;
class PolicySimulator;
class UnsavedChangesPrompt;

/// The Policies pane: key policies and identity policies on the left; the selected one in a
/// PolicyEditorView (JSON editor validated as you type by the engine's own parser); Save
/// (PutKeyPolicy or the identity policy call, through PolicySaveCommand) and Revert; and the
/// simulator underneath. The pane decides what is loaded, saved and enabled. Leaving an edited
/// policy asks first (UnsavedChangesPrompt: Save / Discard / Cancel); "New identity policy…" runs
/// NewIdentityPolicyCommand.
class PolicyPane : public QWidget
{
    Q_OBJECT
public:
    explicit PolicyPane(model::EngineRunner *runner, QWidget *parent = nullptr);

    [[nodiscard]] model::PolicyListModel *policyModel() const { return m_policies; }
    [[nodiscard]] QPlainTextEdit *editor() const { return m_editor; }
    [[nodiscard]] PolicySimulator *simulator() const { return m_simulator; }
    /// Selects the policy `ref` names (loading its text); returns whether it is listed. With
    /// unsaved edits in the editor it asks first (see unsavedPrompt()); Cancel keeps them.
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
    /// Whether the editor holds changes that are not saved.
    [[nodiscard]] bool isModified() const;
    /// The open "Save changes to …?" question (null when none). Its buttons are named
    /// unsavedSaveButton, unsavedDiscardButton and unsavedCancelButton.
    [[nodiscard]] QMessageBox *unsavedPrompt() const;
    /// The open "New identity policy" dialog (null when none).
    [[nodiscard]] IdentityPolicyDialog *newPolicyDialog() const;
    /// Runs `proceed` once the user may leave the policy in the editor: at once when nothing is
    /// modified, else after the unsaved-changes question is answered Save (and the save
    /// succeeded) or Discard; never on Cancel. For whoever switches panes or regions.
    void askToLeave(std::function<void()> proceed);

public Q_SLOTS:
    /// Lists the policies again (keeps the selection and any unsaved edit).
    void refresh();
    /// Saves the editor's text (ignored unless it is valid and changed).
    void save();
    /// Puts the saved text back in the editor.
    void revert();
    /// Validates the editor's text now instead of after the typing pause.
    void validate();
    /// Asks for a user or role, a name and a document, and saves it as a new identity policy.
    void newIdentityPolicy();

Q_SIGNALS:
    void commandFinished(const qkms::ui::CommandResult &result);
    /// The editor's text was parsed (isValid() and validationMessage() are current).
    void validated();

private:
    QWidget *buildEditor();
    void listLoaded();
    void requestPolicy(const model::PolicyRef &ref);
    void loadPolicy(const model::PolicyRef &ref, bool keepMessage = false);
    void openNewPolicyDialog();
    void newPolicyDone(const model::PolicyRef &ref, const CommandResult &result);
    void saveAndProceed(std::function<void()> proceed);
    void discardAndProceed(const std::function<void()> &proceed);
    void policyArrived(const model::PolicyRef &ref, const Result<QString> &text);
    void commandDone(const CommandResult &result);
    void updateActions();

    model::EngineRunner *m_runner;
    model::PolicyListModel *m_policies = nullptr;
    PolicyListPanel *m_listPanel = nullptr;
    PolicyEditorView *m_view = nullptr;
    QPlainTextEdit *m_editor = nullptr; ///< m_view's editor
    PolicySimulator *m_simulator = nullptr;
    QTimer *m_validateTimer = nullptr;
    std::optional<model::PolicyRef> m_current;
    QString m_original;    ///< the text as saved, for Revert and the unsaved-changes test
    bool m_loading = false; ///< the selected policy's text is on its way
    bool m_valid = false;
    quint64 m_loadSerial = 0; ///< drops a policy text that arrives after another was selected
    QPointer<Command> m_command;
    UnsavedChangesPrompt *m_unsaved = nullptr;
    std::function<void()> m_afterSave;         ///< what the unsaved-changes Save leads to once saved
    std::optional<model::PolicyRef> m_reveal; ///< a new policy to select once it is listed
};

} // namespace qkms::ui
