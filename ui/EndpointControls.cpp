#include "EndpointControls.h"

#include "LocalEndpoint.h"

#include <QAction>
#include <QLabel>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QToolBar>

namespace qkms::ui {

EndpointControls::EndpointControls(const vault::Vault &vault, QToolBar *bar, QWidget *window)
    : QObject(window), m_vault(vault)
{
    m_endpoint = new LocalEndpoint(this);
    m_port = new QSpinBox(bar);
    m_port->setObjectName(QStringLiteral("endpointPortSpin"));
    m_port->setRange(0, 65535);
    m_port->setValue(LocalEndpoint::kDefaultPort);
    m_port->setSpecialValueText(tr("any port"));
    m_port->setToolTip(tr("Port of the local endpoint on 127.0.0.1"));
    m_action = bar->addAction(tr("Local endpoint"));
    m_action->setObjectName(QStringLiteral("localEndpointAction"));
    m_action->setCheckable(true);
    m_action->setToolTip(tr("Serve the AWS KMS API on 127.0.0.1 while the console is open, for the AWS SDKs "
                            "and CLI (requests are signed with an IAM user's access key)"));
    bar->addWidget(m_port);
    m_status = new QLabel(window); // the window's status bar takes it over when it places it
    m_status->setObjectName(QStringLiteral("endpointStatusLabel"));
    m_status->setVisible(false);
    connect(m_action, &QAction::toggled, this, &EndpointControls::toggled);
    connect(m_endpoint, &LocalEndpoint::statusChanged, this, &EndpointControls::showStatus);
}

void EndpointControls::toggled(bool on)
{
    if (!on) {
        m_endpoint->stop();
        return;
    }
    if (auto st = m_endpoint->start(m_vault, static_cast<quint16>(m_port->value())); !st) {
        // Not running after all: the action must not claim it is.
        const QSignalBlocker block(m_action);
        m_action->setChecked(false);
        m_status->setVisible(true);
        m_status->setText(tr("Local endpoint not started: %1 (%2)").arg(st.error().message, st.error().type));
    }
}

void EndpointControls::showStatus(const QString &text)
{
    m_port->setEnabled(!m_endpoint->isRunning());
    m_status->setVisible(true);
    m_status->setText(m_endpoint->isRunning()
                          ? tr("Endpoint: %1 · %n request(s)", nullptr, m_endpoint->requestCount()).arg(text)
                          : tr("Endpoint: %1").arg(text));
}

} // namespace qkms::ui
