#pragma once

#include "commands/Command.h"
#include "kms/GrantTypes.h"
#include "kms/KeyRecord.h"

#include <QDialog>
#include <QPointer>
#include <QWidget>

#include <optional>

class QLabel;
class QPushButton;
class QTableWidget;

namespace qkms::model {
class EngineRunner;
}

namespace qkms::ui {

/// The key detail view's Grants tab: ListGrants of the key (grantee, operations, constraints,
/// retiring principal), "Create grant" (a dialog, then CreateGrantCommand) and "Revoke"
/// (RevokeGrantCommand) for the selected grant.
class GrantsTab : public QWidget
{
    Q_OBJECT
public:
    explicit GrantsTab(model::EngineRunner *runner, QWidget *parent = nullptr);

    /// The key shown; another key clears the table until reload().
    void setKey(const std::optional<kms::KeyRecord> &key);
    /// Reads the key's grants again (every page).
    void reload();
    /// The grants shown (empty while none or after an error).
    [[nodiscard]] const QList<kms::GrantEntry> &grants() const { return m_grants; }
    /// The create-grant dialog while it is open (tests fill it), else null.
    [[nodiscard]] QDialog *createDialog() const { return m_dialog; }
    /// The last action's sentence.
    [[nodiscard]] QString message() const;

Q_SIGNALS:
    /// The grants of `keyId` are shown.
    void loaded(const QString &keyId);
    /// A grant action finished.
    void actionFinished(const qkms::ui::CommandResult &result);

private:
    void openCreateDialog();
    void revokeSelected();
    void runCommand(Command *command, const QString &failure);
    void updateActions();

    model::EngineRunner *m_runner;
    std::optional<kms::KeyRecord> m_key;
    QList<kms::GrantEntry> m_grants;
    quint64 m_request = 0;
    QTableWidget *m_table = nullptr;
    QPushButton *m_create = nullptr;
    QPushButton *m_revoke = nullptr;
    QLabel *m_message = nullptr;
    QPointer<QDialog> m_dialog;
};

} // namespace qkms::ui
