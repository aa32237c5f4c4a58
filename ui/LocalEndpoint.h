#pragma once

// The console's "Local endpoint" switch: serves the AWS KMS API (server::Endpoint, the same code as
// `qkms serve`) on 127.0.0.1 while the console is open. The console's vault belongs to the engine
// worker, so the endpoint gets a vault handle of its own (Vault::openAnotherHandle) and a thread
// of its own, where it accepts connections and runs its scheduler; its serving threads open
// handles of their own from that one. SQLite locking and the engine's IMMEDIATE transactions keep
// the handles' writes consistent, as with a separate `qkms serve`.

#include "core/KmsError.h"

#include <QObject>
#include <QString>
#include <QThread>

#include <memory>

namespace qkms::vault {
class Vault;
}
namespace qkms::server {
class Endpoint;
}

namespace qkms::ui {

class LocalEndpoint : public QObject
{
    Q_OBJECT
public:
    /// The port the console offers first (the same default as `qkms serve`).
    static constexpr quint16 kDefaultPort = 4599;

    explicit LocalEndpoint(QObject *parent = nullptr);
    /// Stops serving and closes the endpoint's vault handle.
    ~LocalEndpoint() override;

    /// Serves `vault` (which must be unlocked) on 127.0.0.1:`port` (0: any free port). Errors: the
    /// vault is locked, the port cannot be bound (the socket's reason), already running.
    [[nodiscard]] Status start(const vault::Vault &vault, quint16 port);
    /// Stops serving, closes every connection and wipes the endpoint's vault handle. Idempotent.
    void stop();
    [[nodiscard]] bool isRunning() const { return m_endpoint != nullptr; }
    /// The port listened on; 0 when stopped.
    [[nodiscard]] quint16 port() const { return m_port; }
    /// "Listening on …", "Stopped", or why it stopped: for the status bar.
    [[nodiscard]] QString statusText() const { return m_status; }
    /// Requests answered since start().
    [[nodiscard]] int requestCount() const { return m_requests; }

Q_SIGNALS:
    /// The endpoint started, stopped, or answered a request (statusText, requestCount changed).
    void statusChanged(const QString &text);

private:
    void setStatus(const QString &text);

    QThread m_thread;
    QObject *m_threadContext = nullptr;       ///< lives on m_thread: target of the calls made there
    std::unique_ptr<vault::Vault> m_vault;    ///< the endpoint's handle, used only on m_thread
    server::Endpoint *m_endpoint = nullptr;   ///< lives on m_thread
    quint16 m_port = 0;
    QString m_status = tr("Stopped");
    int m_requests = 0;
};

} // namespace qkms::ui
