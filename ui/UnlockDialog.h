#pragma once

#include "core/Clock.h"
#include "vault/Vault.h"

#include <QDialog>
#include <QFutureWatcher>

#include <memory>

class QLabel;
class QLineEdit;
class QPushButton;

namespace qkms::ui {

/// The first thing the console shows: create a new vault (passphrase twice) when the directory
/// holds none, or unlock the existing one. The key derivation runs off the GUI thread. On
/// success takeVault() hands over the open vault.
class UnlockDialog : public QDialog
{
    Q_OBJECT
public:
    UnlockDialog(QString vaultDir, const Clock &clock, QWidget *parent = nullptr);
    ~UnlockDialog() override;

    [[nodiscard]] bool isCreateMode() const { return m_create; }
    /// The vault opened or created by the dialog (null before it was accepted).
    [[nodiscard]] std::unique_ptr<vault::Vault> takeVault() { return std::move(m_vault); }
    /// The error shown to the user, for tests.
    [[nodiscard]] QString errorText() const;

private:
    void submit();
    void finished();
    void setBusy(bool busy);
    void showError(const QString &text);

    QString m_dir;
    const Clock &m_clock;
    bool m_create = false;
    QLineEdit *m_passphrase = nullptr;
    QLineEdit *m_confirm = nullptr;
    QLabel *m_error = nullptr;
    QPushButton *m_submit = nullptr;
    // The worker hands the new vault over as a raw pointer (Vault is neither copyable nor movable).
    QFutureWatcher<Result<vault::Vault *>> m_watcher;
    std::unique_ptr<vault::Vault> m_vault;
    bool m_handedOver = false;
};

} // namespace qkms::ui
