#pragma once

#include <QStringList>
#include <QWizardPage>

class QLabel;
class QListWidget;

namespace qkms::model {
class EngineRunner;
}

namespace qkms::ui {

/// The create-key wizard's third page: the account's IAM users and roles, read through the
/// runner the first time the page is shown, to check as key administrators and key users.
class KeyPermissionsPage : public QWizardPage
{
    Q_OBJECT
public:
    explicit KeyPermissionsPage(model::EngineRunner *runner, QWidget *parent = nullptr);

    /// Lists the principals on the engine worker, once; later calls do nothing. A failure (or a
    /// locked vault) is shown on the page and leaves the lists empty.
    void loadPrincipals();
    /// Whether the principals have been listed (or listing them failed).
    [[nodiscard]] bool principalsLoaded() const { return m_loaded; }
    /// The account the principals belong to; empty until they are listed.
    [[nodiscard]] QString accountId() const { return m_accountId; }
    /// ARNs checked as key administrators.
    [[nodiscard]] QStringList administrators() const;
    /// ARNs checked as key users.
    [[nodiscard]] QStringList users() const;

private:
    [[nodiscard]] static QStringList checkedArns(const QListWidget *list);

    model::EngineRunner *m_runner;
    QListWidget *m_admins = nullptr;
    QListWidget *m_users = nullptr;
    QLabel *m_status = nullptr;
    QString m_accountId;
    bool m_loaded = false;
    bool m_requested = false;
};

} // namespace qkms::ui
