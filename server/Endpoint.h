#pragma once

// The loopback AWS KMS endpoint: AWS JSON 1.1 over HTTP (or HTTPS) on an address the user
// chooses, so the official SDKs, the AWS CLI and Terraform use qkms unchanged. Every request is
// authenticated with Signature Version 4 against the vault's IAM access keys, runs as the key's
// user through the same engine, authorization and audit as the console and the CLI (front end
// "endpoint", the peer address as source), in the region its credential scope names.
//
// Threading: the endpoint lives on the thread that made it, which accepts connections, runs the
// scheduler and reports status. Requests are served by worker threads (server/EndpointWorker),
// each with its own vault handle and engines, because KmsService is not thread safe: a connection
// belongs to one worker for its lifetime, and connections are dealt to the workers in turn.
// Another process (the console, `qkms serve`) may use the same vault at once: SQLite locking and
// the engine's IMMEDIATE transactions keep the files consistent, across threads as across
// processes.

#include "RateLimiter.h"
#include "RequestHandler.h"
#include "core/KmsError.h"

#include <QHostAddress>
#include <QObject>
#include <QString>

#include <memory>
#include <vector>

class QTcpServer;
class QTimer;

namespace qkms::vault {
class Vault;
}

namespace qkms::server {

class Endpoint : public QObject
{
    Q_OBJECT

public:
    /// The most serving threads start() accepts (more would only add vault handles).
    static constexpr int MaxThreads = 16;
    /// How often the due rotations and deletions of the open regions are carried out.
    static constexpr int SchedulerIntervalMs = 60 * 1000;
    /// A connection that neither sends nor receives a byte for this long is closed: an idle
    /// keep-alive client, or one that sent half a request (or half a TLS handshake) and stalled,
    /// would otherwise hold a socket and its buffers for ever. SDKs reconnect transparently.
    static constexpr int IdleTimeoutMs = 30 * 1000;

    /// An endpoint over `vault`, which must be unlocked and outlive the endpoint. Not listening yet.
    explicit Endpoint(vault::Vault &vault, QObject *parent = nullptr);
    ~Endpoint() override;

    /// Starts listening on `address`:`port` (0 picks a free port; port() tells which). Errors:
    /// errors::Validation when already running or the TLS files do not load, errors::Storage
    /// (with the socket's reason) when the address cannot be bound.
    [[nodiscard]] Status start(const QHostAddress &address, quint16 port);
    /// Stops listening and closes every connection. The open regions stay open for a restart.
    void stop();
    [[nodiscard]] bool isRunning() const;
    /// The port listened on; 0 when stopped.
    [[nodiscard]] quint16 port() const;
    /// "Listening on 127.0.0.1:4599", "Stopped", or why it stopped: for the status bar.
    [[nodiscard]] QString statusText() const { return m_statusText; }

    /// Quota emulation: more than `perSecond` requests in one second get ThrottlingException
    /// (0, the default, never throttles). Takes effect at once.
    void setRequestsPerSecond(int perSecond);
    /// Changes the idle timeout (IdleTimeoutMs by default; tests use a short one). Takes effect
    /// at once for every open connection.
    void setIdleTimeout(int milliseconds);
    /// Serves requests on `count` worker threads from the next start() (1..MaxThreads; by
    /// default one per core the machine reports, at least 1 and at most 8).
    void setThreads(int count);
    [[nodiscard]] int threads() const { return m_threads; }
    /// Serves HTTPS with this PEM certificate (chain) and PEM private key from the next start().
    /// Empty paths switch back to plain HTTP.
    void setTls(const QString &certificateFile, const QString &privateKeyFile);

    /// Runs the scheduler of every open region now (also run every SchedulerIntervalMs).
    void runSchedulers();

Q_SIGNALS:
    /// Listening started or stopped (statusText() says which and where).
    void statusChanged();
    /// One request was answered: its operation (may be empty when it never got that far) and the
    /// error name, empty on success. For a request counter in the console. Emitted on the worker
    /// thread that answered it: connect with a context object, whose thread runs the slot.
    void requestHandled(const QString &operation, const QString &errorType);

private:
    struct Worker;

    void handOff(qintptr socket);
    void stopWorkers();
    void setStatus(const QString &text);

    vault::Vault &m_vault;
    std::unique_ptr<RequestHandler> m_scheduling; ///< this thread's handler: runs the schedulers
    RateLimiter m_rateLimiter;
    std::unique_ptr<QTcpServer> m_acceptor;
    std::vector<std::unique_ptr<Worker>> m_workers;
    size_t m_nextWorker = 0;
    int m_threads;
    QTimer *m_schedulerTimer = nullptr;
    int m_idleTimeoutMs = IdleTimeoutMs;
    QString m_statusText = QStringLiteral("Stopped");
    QString m_tlsCertificate;
    QString m_tlsKey;
};

} // namespace qkms::server
