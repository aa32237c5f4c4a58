#pragma once

#include <QWidget>

class QLabel;
class QListView;
class QPushButton;

namespace qkms::model {
class PolicyListModel;
struct PolicyRef;
} // namespace qkms::model

namespace qkms::ui {

/// The Policies pane's left column: the key and identity policies of the region (policyList),
/// "New identity policy…" (newIdentityPolicyButton) and a note under them (policyListNote) that
/// says why the list is empty or incomplete. It reports what the user picks; which policy is
/// loaded, and whether leaving the current one needs a question first, is the pane's decision,
/// which then moves the selection with selectRow().
class PolicyListPanel : public QWidget
{
    Q_OBJECT
public:
    /// Lists `policies` (which must outlive the panel) and follows its loads for the note.
    explicit PolicyListPanel(model::PolicyListModel *policies, QWidget *parent = nullptr);

    /// Selects row `row` of the model (clears the selection when negative) without emitting
    /// policyChosen(): the pane's own moves are not user choices.
    void selectRow(int row);
    /// Enables "New identity policy…"; when `mayManage` is false its tooltip says that only the
    /// account root manages identity policies.
    void setNewPolicyEnabled(bool enabled, bool mayManage);

Q_SIGNALS:
    /// The user selected `ref` in the list.
    void policyChosen(const qkms::model::PolicyRef &ref);
    /// The user clicked "New identity policy…".
    void newIdentityPolicyRequested();

private:
    void updateNote();
    void selectionChanged();

    model::PolicyListModel *m_policies;
    QListView *m_list = nullptr;
    QLabel *m_note = nullptr;
    QPushButton *m_newIdentity = nullptr;
    bool m_syncingSelection = false; ///< selectRow() is moving the selection
};

} // namespace qkms::ui
