#pragma once

// The loopback AWS KMS endpoint: AWS JSON 1.1 over HTTP (or HTTPS) on an address the user
// chooses, so the official SDKs, the AWS CLI and Terraform use qkms unchanged. Every request is
// authenticated with Signature Version 4 against the vault's IAM access keys, runs as the key's
// user through the same engine, authorization and audit as the console and the CLI (front end
// "endpoint", the peer address as source), in the region its credential scope names.
//
// Threading: the endpoint, its vault and its engines live on one thread (the one that made the
// endpoint); every request is handled there, one at a time, because KmsService is not thread
// safe. Another process (the console, `qkms serve`) may use the same vault at once: SQLite
// locking and the engine's IMMEDIATE transactions keep the files consistent.

#include "SigV4.h"
#include "core/KmsError.h"

#include <QElapsedTimer>
#include <QHash>
#include <QHostAddress>
#include <QObject>
#include <QString>
#include <QtCrypto>

#include <map>
#include <memory>

class QHttpServer;
class QHttpServerRequest;
class QTcpServer;
class QTimer;

namespace qkms::vault {
class Vault;
}
namespace qkms::kms {
class KmsService;
}
namespace qkms::iam {
class PrincipalStore;
class AccessKeys;
}

namespace qkms::server {

/// One answer of the endpoint: HTTP status, AWS error name (empty on success) and body. The body
/// may hold a plaintext (Decrypt, GenerateDataKey), so it is a SecureArray.
struct EndpointReply {
    int status = 200;
    QString errorType;
    QString operation;
    QCA::SecureArray body;
};

class Endpoint : public QObject
{
    Q_OBJECT

public:
    /// Requests larger than this are refused before their JSON is parsed (AWS's limit is lower
    /// for every KMS operation; 1 MiB leaves room for the largest key policy and tags).
    static constexpr qsizetype MaxBodyBytes = 1024 * 1024;
    /// How often the due rotations and deletions of the open regions are carried out.
    static constexpr int SchedulerIntervalMs = 60 * 1000;
    /// The engine batches the audit records of cryptographic operations; an endpoint that goes
    /// quiet writes them at most this long after its last request.
    static constexpr int AuditFlushDelayMs = 200;
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
    /// Serves HTTPS with this PEM certificate (chain) and PEM private key from the next start().
    /// Empty paths switch back to plain HTTP.
    void setTls(const QString &certificateFile, const QString &privateKeyFile);

    /// Handles one request (everything but the socket): throttling, size limit, SigV4, protocol,
    /// dispatch. Public so tests and the benchmark can drive it without HTTP.
    [[nodiscard]] EndpointReply handle(const SigV4Request &request, const QHostAddress &peer);

    /// Runs the scheduler of every open region now (also run every SchedulerIntervalMs).
    void runSchedulers();

Q_SIGNALS:
    /// Listening started or stopped (statusText() says which and where).
    void statusChanged();
    /// One request was answered: its operation (may be empty when it never got that far) and the
    /// error name, empty on success. For a request counter in the console.
    void requestHandled(const QString &operation, const QString &errorType);

private:
    [[nodiscard]] Result<kms::KmsService *> serviceFor(const QString &region);
    [[nodiscard]] EndpointReply dispatch(const SigV4Request &request, const QHostAddress &peer);
    [[nodiscard]] bool throttled();
    void setStatus(const QString &text);
    void flushAudit();
    void closeIdleConnections();

    vault::Vault &m_vault;
    std::unique_ptr<iam::PrincipalStore> m_principals;
    std::unique_ptr<iam::AccessKeys> m_accessKeys;
    SigningKeyCache m_signingKeys;
    std::map<QString, std::unique_ptr<kms::KmsService>> m_services; ///< by region, opened on first use
    std::unique_ptr<QHttpServer> m_http;
    QTcpServer *m_listener = nullptr; ///< owned by m_http once bound
    QTimer *m_schedulerTimer = nullptr;
    QTimer *m_auditTimer = nullptr;
    QTimer *m_idleTimer = nullptr;
    int m_idleTimeoutMs = IdleTimeoutMs;
    QElapsedTimer m_uptime;                    ///< the clock of m_lastActivity
    QHash<QObject *, qint64> m_lastActivity;   ///< per connection socket: m_uptime when a byte last moved
    QString m_statusText = QStringLiteral("Stopped");
    QString m_tlsCertificate;
    QString m_tlsKey;
    int m_requestsPerSecond = 0;
    QElapsedTimer m_window; ///< start of the current one-second throttling window
    int m_inWindow = 0;
};

} // namespace qkms::server
