#include "LocalEndpoint.h"

#include "Endpoint.h"
#include "vault/Vault.h"

#include <QHostAddress>

namespace qkms::ui {

LocalEndpoint::LocalEndpoint(QObject *parent) : QObject(parent)
{
    m_thread.setObjectName(QStringLiteral("qkmsLocalEndpoint"));
}

LocalEndpoint::~LocalEndpoint()
{
    stop();
}

Status LocalEndpoint::start(const vault::Vault &vault, quint16 port)
{
    if (m_endpoint)
        return fail(errors::Validation, tr("The local endpoint is already running."));
    auto handle = vault.openAnotherHandle();
    if (!handle)
        return std::unexpected(handle.error());
    m_vault = std::move(*handle);
    m_thread.start();
    m_threadContext = new QObject;
    m_threadContext->moveToThread(&m_thread);

    // Everything the endpoint touches is made, used and destroyed on its thread. This thread waits
    // for the call (BlockingQueuedConnection), so the members set there are safely seen here.
    Status started;
    QString text;
    QMetaObject::invokeMethod(
        m_threadContext,
        [this, port, &started, &text] {
            auto *endpoint = new server::Endpoint(*m_vault);
            started = endpoint->start(QHostAddress(QHostAddress::LocalHost), port);
            if (!started) {
                delete endpoint;
                return;
            }
            connect(endpoint, &server::Endpoint::statusChanged, endpoint, [this, endpoint] {
                const QString now = endpoint->statusText();
                QMetaObject::invokeMethod(this, [this, now] { setStatus(now); });
            });
            // Emitted on the endpoint's serving threads; `this` lives on the console's thread.
            connect(endpoint, &server::Endpoint::requestHandled, this, [this] {
                ++m_requests;
                Q_EMIT statusChanged(m_status);
            });
            m_endpoint = endpoint;
            m_port = endpoint->port();
            text = endpoint->statusText();
        },
        Qt::BlockingQueuedConnection);
    if (!started) {
        stop();
        return started;
    }
    setStatus(text);
    return {};
}

void LocalEndpoint::stop()
{
    if (m_thread.isRunning()) {
        server::Endpoint *endpoint = m_endpoint;
        QMetaObject::invokeMethod(
            m_threadContext,
            [this, endpoint] {
                if (endpoint) {
                    endpoint->stop();
                    delete endpoint;
                }
                m_vault.reset(); // closes its files and wipes its copy of the master key
            },
            Qt::BlockingQueuedConnection);
        m_thread.quit();
        m_thread.wait();
        delete m_threadContext; // its thread has finished: safe to delete from here
        m_threadContext = nullptr;
    }
    m_vault.reset();
    m_endpoint = nullptr;
    m_port = 0;
    m_requests = 0;
    setStatus(tr("Stopped"));
}

void LocalEndpoint::setStatus(const QString &text)
{
    if (text == m_status)
        return;
    m_status = text;
    Q_EMIT statusChanged(m_status);
}

} // namespace qkms::ui
