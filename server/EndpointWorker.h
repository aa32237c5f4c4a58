#pragma once

// One serving thread of the endpoint. The endpoint's thread accepts each connection and hands its
// socket to a worker, which owns it from then on: the TLS handshake, HTTP parsing (a Qt
// HttpServer of its own), signature verification and the engine call all run on the worker's
// thread, on the worker's own vault handle, so N workers use N cores with no lock of ours held
// for longer than the throttling counter.

#include "RequestHandler.h"
#include "core/KmsError.h"

#include <QElapsedTimer>
#include <QHash>
#include <QObject>
#include <QSslConfiguration>

#include <functional>
#include <memory>
#include <optional>

class QHttpServer;
class QHttpServerRequest;
class QHttpServerResponse;
class QTcpServer;
class QTimer;

namespace qkms::vault {
class Vault;
}

namespace qkms::server {

/// What a worker reports to (and asks of) the endpoint; every callback is called on the worker's
/// thread and must be safe there.
struct WorkerHooks {
    std::function<bool()> throttled;                                            ///< counts one request
    std::function<void(const QString &operation, const QString &error)> handled; ///< one request answered
    std::function<void(const QString &region)> regionOpened;                    ///< first use of a region
};

class EndpointWorker : public QObject
{
    Q_OBJECT

public:
    /// The engine batches the audit records of cryptographic operations; a worker that goes quiet
    /// writes them at most this long after its last request.
    static constexpr int AuditFlushDelayMs = 200;

    /// A worker over its own vault handle. Call open() on the thread it was moved to.
    EndpointWorker(std::unique_ptr<vault::Vault> vault, WorkerHooks hooks);
    ~EndpointWorker() override;

    /// Sets up the HTTP server (HTTPS with `tls`). `listener` is the endpoint's listening socket:
    /// Qt HttpServer serves only through a listening QTcpServer, so the worker holds a duplicate of
    /// it with accepting paused and feeds it the sockets it is handed. errors::Storage when the
    /// descriptor cannot be taken.
    [[nodiscard]] Status open(qintptr listener, const std::optional<QSslConfiguration> &tls, int idleTimeoutMs);
    /// Serves the accepted connection `socket` (a descriptor this worker now owns).
    void take(qintptr socket);
    /// Closes connections idle for this long (checked every quarter of it).
    void setIdleTimeout(int milliseconds);
    /// Writes the batched audit, closes every connection, forgets the signing keys and closes the
    /// vault handle. Idempotent; the destructor calls it.
    void close();

private:
    [[nodiscard]] QHttpServerResponse respond(const QHttpServerRequest &request);
    void closeIdleConnections();

    std::unique_ptr<vault::Vault> m_vault;
    std::unique_ptr<RequestHandler> m_handler;
    WorkerHooks m_hooks;
    std::unique_ptr<QHttpServer> m_http;
    std::function<void(qintptr)> m_take; ///< hands a socket to the HTTP server's (TLS) listener
    QTimer *m_auditTimer = nullptr;
    QTimer *m_idleTimer = nullptr;
    int m_idleTimeoutMs = 0;
    QElapsedTimer m_uptime;                  ///< the clock of m_lastActivity
    QHash<QObject *, qint64> m_lastActivity; ///< per connection socket: m_uptime when a byte last moved
};

} // namespace qkms::server
