#pragma once

#include <QObject>

class QAction;
class QLabel;
class QSpinBox;
class QToolBar;
class QWidget;

namespace qkms::vault {
class Vault;
}

namespace qkms::ui {

class LocalEndpoint;

/// The main window's controls for its LocalEndpoint: a checkable "Local endpoint" toolbar action
/// (localEndpointAction) with its port box (endpointPortSpin), and a status-bar line
/// (endpointStatusLabel) that says where it listens, how many requests it answered, or why it
/// did not start. The port is fixed while the endpoint runs; a failed start unchecks the action.
class EndpointControls : public QObject
{
    Q_OBJECT
public:
    /// Adds the action and the port box to `bar` and makes the (hidden) status line; `vault` is
    /// what the endpoint serves and must outlive the controls. `window` owns them.
    EndpointControls(const vault::Vault &vault, QToolBar *bar, QWidget *window);

    /// The endpoint the action starts and stops.
    [[nodiscard]] LocalEndpoint *endpoint() const { return m_endpoint; }
    /// The status-bar line, for the window to place (hidden until the endpoint first reports).
    [[nodiscard]] QLabel *statusLabel() const { return m_status; }

private:
    void toggled(bool on);
    void showStatus(const QString &text);

    const vault::Vault &m_vault;
    LocalEndpoint *m_endpoint = nullptr;
    QAction *m_action = nullptr;
    QSpinBox *m_port = nullptr;
    QLabel *m_status = nullptr;
};

} // namespace qkms::ui
