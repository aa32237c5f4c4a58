#pragma once

#include "commands/Command.h"
#include "iam/PrincipalStore.h"

#include <QHash>
#include <QPointer>
#include <QWidget>

class QLabel;
class QLineEdit;
class QListWidget;
class QPlainTextEdit;
class QPushButton;
class QSortFilterProxyModel;
class QTableView;

namespace qkms::model {
class EngineRunner;
class PrincipalListModel;
} // namespace qkms::model

namespace qkms::ui {

/// The Principals pane: the account root, IAM users and roles with their ARNs; the selected
/// one's inline identity policies (read-only JSON here; the Policies pane edits them); create a
/// user or role, delete one, put or delete an identity policy — each a command object, run as
/// the acting principal (so only the root succeeds: IAM management is the root's in qkms).
class PrincipalsPane : public QWidget
{
    Q_OBJECT
public:
    PrincipalsPane(model::PrincipalListModel *principals, model::EngineRunner *runner, QWidget *parent = nullptr);

    /// Selects the principal with this ARN; returns whether it is listed.
    bool selectPrincipal(const QString &arn);
    [[nodiscard]] iam::Principal selectedPrincipal() const;
    /// The selected identity policy's name (empty when none).
    [[nodiscard]] QString selectedPolicyName() const;
    /// Shows the "Open in policy editor" button (the hook for the Policies pane: connect
    /// editIdentityPolicyRequested, then call this).
    void setPolicyEditorAvailable(bool available);
    [[nodiscard]] Command *activeCommand() const { return m_command; }
    [[nodiscard]] QString message() const;

Q_SIGNALS:
    void commandFinished(const qkms::ui::CommandResult &result);
    /// The selected principal's identity policies were read (tests wait for it).
    void policiesLoaded(const QString &principalArn);
    /// The user asked to edit an identity policy in the policy editor.
    void editIdentityPolicyRequested(const qkms::iam::Principal &principal, const QString &policyName);

private:
    QWidget *buildHeader();
    QWidget *buildActions();
    QWidget *buildDetails();
    void startCommand(Command *command);
    void commandDone(const CommandResult &result);
    void showMessage(const QString &text, bool error);
    void selectionChanged();
    void loadPolicies();
    void showPolicy();
    void updateActions();

    model::PrincipalListModel *m_principals;
    model::EngineRunner *m_runner;
    QSortFilterProxyModel *m_proxy = nullptr;
    QLineEdit *m_search = nullptr;
    QLabel *m_message = nullptr;
    QTableView *m_table = nullptr;
    QLabel *m_detailTitle = nullptr;
    QListWidget *m_policies = nullptr;
    QPlainTextEdit *m_policyView = nullptr;
    QPushButton *m_createUser = nullptr;
    QPushButton *m_createRole = nullptr;
    QPushButton *m_delete = nullptr;
    QPushButton *m_putPolicy = nullptr;
    QPushButton *m_editPolicy = nullptr;
    QPushButton *m_deletePolicy = nullptr;
    QPushButton *m_openInEditor = nullptr;
    QHash<QString, QString> m_documents; ///< policy name → document of the selected principal
    QString m_policiesOf;                ///< whose policies m_documents holds
    quint64 m_policyRead = 0;            ///< drops answers for an earlier selection
    QPointer<Command> m_command;
    QString m_pendingSelection;          ///< label of a principal to select once it is listed
};

} // namespace qkms::ui
