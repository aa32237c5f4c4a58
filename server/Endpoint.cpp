#include "Endpoint.h"

#include "Operations.h"
#include "core/Regions.h"
#include "iam/AccessKeys.h"
#include "iam/PrincipalStore.h"
#include "kms/AuditLog.h"
#include "kms/KmsService.h"
#include "kms/Scheduler.h"
#include "vault/Vault.h"

#include <QFile>
#include <QHttpServer>
#include <QHttpServerRequest>
#include <QHttpServerResponse>
#include <QJsonDocument>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QSslKey>
#include <QSslServer>
#include <QTcpServer>
#include <QTimer>
#include <QUuid>

using namespace Qt::StringLiterals;

namespace qkms::server {

namespace {

const QByteArray kJsonType = QByteArrayLiteral("application/x-amz-json-1.1");
const QByteArray kTargetPrefix = QByteArrayLiteral("TrentService.");

EndpointReply errorReply(const KmsError &e, const QString &operation = {}, int status = 0)
{
    // Faults of qkms itself are 500s (SDKs retry those); everything the caller can fix is a 400.
    static const QStringList internal{qkms::errors::Internal, qkms::errors::Storage, qkms::errors::Crypto,
                                      qkms::errors::SelfTest};
    if (status == 0)
        status = internal.contains(e.type) ? 500 : 400;
    const QJsonObject body{{u"__type"_s, e.type}, {u"message"_s, e.message}};
    return {status, e.type, operation, QCA::SecureArray(QJsonDocument(body).toJson(QJsonDocument::Compact))};
}

Result<QSslConfiguration> tlsConfiguration(const QString &certificateFile, const QString &keyFile)
{
    const QList<QSslCertificate> chain = QSslCertificate::fromPath(certificateFile, QSsl::Pem);
    if (chain.isEmpty())
        return fail(qkms::errors::Validation, u"No PEM certificate could be read from %1."_s.arg(certificateFile));
    QFile file(keyFile);
    if (!file.open(QIODevice::ReadOnly))
        return fail(qkms::errors::Validation, u"The private key file %1 cannot be read: %2"_s.arg(keyFile, file.errorString()));
    QCA::SecureArray pem(file.readAll());
    QSslKey key(pem.toByteArray(), QSsl::Rsa, QSsl::Pem);
    if (key.isNull())
        key = QSslKey(pem.toByteArray(), QSsl::Ec, QSsl::Pem);
    if (key.isNull())
        return fail(qkms::errors::Validation, u"%1 holds no unencrypted PEM RSA or EC private key."_s.arg(keyFile));
    QSslConfiguration conf = QSslConfiguration::defaultConfiguration();
    conf.setLocalCertificateChain(chain);
    conf.setPrivateKey(key);
    return conf;
}

} // namespace

Endpoint::Endpoint(vault::Vault &vault, QObject *parent)
    : QObject(parent),
      m_vault(vault),
      m_principals(std::make_unique<iam::PrincipalStore>(vault)),
      m_accessKeys(std::make_unique<iam::AccessKeys>(vault, *m_principals)),
      m_schedulerTimer(new QTimer(this)),
      m_auditTimer(new QTimer(this)),
      m_idleTimer(new QTimer(this))
{
    m_uptime.start();
    connect(m_idleTimer, &QTimer::timeout, this, &Endpoint::closeIdleConnections);
    setIdleTimeout(IdleTimeoutMs);
    m_schedulerTimer->setInterval(SchedulerIntervalMs);
    connect(m_schedulerTimer, &QTimer::timeout, this, &Endpoint::runSchedulers);
    m_auditTimer->setSingleShot(true);
    m_auditTimer->setInterval(AuditFlushDelayMs);
    connect(m_auditTimer, &QTimer::timeout, this, &Endpoint::flushAudit);
}

Endpoint::~Endpoint()
{
    stop();
}

Status Endpoint::start(const QHostAddress &address, quint16 port)
{
    if (isRunning())
        return fail(qkms::errors::Validation, u"The endpoint is already listening on port %1."_s.arg(this->port()));
    auto http = std::make_unique<QHttpServer>();
    http->route(u"/"_s, QHttpServerRequest::Method::Post, [this](const QHttpServerRequest &req) {
        SigV4Request r;
        r.method = QByteArrayLiteral("POST");
        r.path = req.url().path(QUrl::FullyEncoded).toLatin1();
        r.query = req.url().query(QUrl::FullyEncoded).toLatin1();
        const QHttpHeaders &headers = req.headers();
        for (qsizetype i = 0; i < headers.size(); ++i)
            r.headers.append({QByteArray(headers.nameAt(i).data(), headers.nameAt(i).size()),
                              headers.valueAt(i).toByteArray()});
        r.body = req.body();
        const EndpointReply reply = handle(r, req.remoteAddress());
        // The response copies the body into Qt's buffers; this is where a plaintext leaves the
        // SecureArray, as it must to reach the socket.
        QHttpServerResponse response(kJsonType, reply.body.toByteArray(),
                                     static_cast<QHttpServerResponse::StatusCode>(reply.status));
        QHttpHeaders out = response.headers();
        out.append(QByteArrayView("x-amzn-RequestId"), QUuid::createUuid().toString(QUuid::WithoutBraces).toLatin1());
        if (!reply.errorType.isEmpty())
            out.append(QByteArrayView("x-amzn-ErrorType"), reply.errorType.toLatin1());
        response.setHeaders(std::move(out));
        return response;
    });
    http->setMissingHandler(http.get(), [](const QHttpServerRequest &, QHttpServerResponder &responder) {
        const EndpointReply reply = errorReply(
            {errors::UnknownOperation, u"The endpoint serves POST / with X-Amz-Target: TrentService.<Operation>."_s},
            {}, 404);
        responder.write(reply.body.toByteArray(), kJsonType, QHttpServerResponder::StatusCode::NotFound);
    });

    std::unique_ptr<QTcpServer> listener;
    if (!m_tlsCertificate.isEmpty()) {
        auto conf = tlsConfiguration(m_tlsCertificate, m_tlsKey);
        if (!conf)
            return std::unexpected(conf.error());
        auto ssl = std::make_unique<QSslServer>();
        ssl->setSslConfiguration(*conf);
        listener = std::move(ssl);
    } else {
        listener = std::make_unique<QTcpServer>();
    }
    if (!listener->listen(address, port))
        return fail(qkms::errors::Storage, u"Cannot listen on %1:%2: %3"_s.arg(address.toString()).arg(port).arg(
                                               listener->errorString()));
    if (!http->bind(listener.get()))
        return fail(qkms::errors::Storage, u"The HTTP server could not take the listening socket."_s);
    listener->setParent(http.get());
    m_listener = listener.release();
    m_http = std::move(http);
    m_schedulerTimer->start();
    m_idleTimer->start();
    runSchedulers();
    const QString scheme = m_tlsCertificate.isEmpty() ? u"http"_s : u"https"_s;
    const QString host = address.protocol() == QAbstractSocket::IPv6Protocol ? u"[%1]"_s.arg(address.toString())
                                                                             : address.toString();
    setStatus(u"Listening on %1://%2:%3"_s.arg(scheme, host).arg(this->port()));
    return {};
}

void Endpoint::stop()
{
    if (!m_http)
        return;
    m_schedulerTimer->stop();
    m_auditTimer->stop();
    m_idleTimer->stop();
    flushAudit();
    m_listener = nullptr;
    m_http.reset(); // closes the listener and every connection
    m_signingKeys.clear(); // derived keys are secrets too: keep them only while serving
    setStatus(u"Stopped"_s);
}

bool Endpoint::isRunning() const
{
    return m_http && m_listener && m_listener->isListening();
}

quint16 Endpoint::port() const
{
    return isRunning() ? m_listener->serverPort() : 0;
}

void Endpoint::setRequestsPerSecond(int perSecond)
{
    m_requestsPerSecond = std::max(0, perSecond);
    m_inWindow = 0;
    m_window.invalidate();
}

void Endpoint::setIdleTimeout(int milliseconds)
{
    m_idleTimeoutMs = std::max(1, milliseconds);
    // A connection is closed between one and one and a quarter timeouts after its last byte.
    m_idleTimer->setInterval(std::max(1, m_idleTimeoutMs / 4));
}

void Endpoint::closeIdleConnections()
{
    if (!m_http)
        return;
    // Qt HttpServer 6.8 has no timeout of its own and does not hand out its connections, so the
    // sockets are found among the server's descendants (the listener's children while a TLS
    // handshake runs, the connection streams' afterwards). A socket seen for the first time is
    // stamped now and watched: every byte in or out restamps it.
    const qint64 now = m_uptime.elapsed();
    const QList<QAbstractSocket *> sockets = m_http->findChildren<QAbstractSocket *>();
    for (QAbstractSocket *socket : sockets) {
        if (socket->state() != QAbstractSocket::ConnectedState)
            continue;
        const auto it = m_lastActivity.constFind(socket);
        if (it == m_lastActivity.constEnd()) {
            m_lastActivity.insert(socket, now);
            const auto touch = [this, socket] { m_lastActivity[socket] = m_uptime.elapsed(); };
            connect(socket, &QIODevice::readyRead, this, touch);
            connect(socket, &QIODevice::bytesWritten, this, touch);
            connect(socket, &QObject::destroyed, this, [this, socket] { m_lastActivity.remove(socket); });
            continue;
        }
        if (now - *it >= m_idleTimeoutMs)
            socket->abort(); // emits disconnected: Qt HttpServer deletes its stream
    }
}

void Endpoint::setTls(const QString &certificateFile, const QString &privateKeyFile)
{
    m_tlsCertificate = certificateFile;
    m_tlsKey = privateKeyFile;
}

void Endpoint::setStatus(const QString &text)
{
    m_statusText = text;
    Q_EMIT statusChanged();
}

bool Endpoint::throttled()
{
    if (m_requestsPerSecond <= 0)
        return false;
    if (!m_window.isValid() || m_window.elapsed() >= 1000) {
        m_window.start();
        m_inWindow = 0;
    }
    return ++m_inWindow > m_requestsPerSecond;
}

Result<kms::KmsService *> Endpoint::serviceFor(const QString &region)
{
    if (auto it = m_services.find(region); it != m_services.end())
        return it->second.get();
    auto service = kms::KmsService::open(m_vault, region);
    if (!service)
        return std::unexpected(service.error());
    kms::KmsService *raw = service->get();
    m_services.emplace(region, std::move(*service));
    // Catch up on what came due while this region was closed, as every unlock does.
    if (auto report = kms::Scheduler(*raw).runDue(); !report)
        qWarning("qkms endpoint: the scheduler of %s failed: %s", qPrintable(region), qPrintable(report.error().toString()));
    return raw;
}

void Endpoint::runSchedulers()
{
    for (auto &[region, service] : m_services) {
        if (auto report = kms::Scheduler(*service).runDue(); !report)
            qWarning("qkms endpoint: the scheduler of %s failed: %s", qPrintable(region),
                     qPrintable(report.error().toString()));
    }
}

void Endpoint::flushAudit()
{
    for (auto &[region, service] : m_services) {
        if (auto st = service->audit().flush(); !st)
            qWarning("qkms endpoint: the audit log of %s could not be written: %s", qPrintable(region),
                     qPrintable(st.error().toString()));
    }
}

EndpointReply Endpoint::handle(const SigV4Request &request, const QHostAddress &peer)
{
    EndpointReply reply = dispatch(request, peer);
    if (!m_auditTimer->isActive())
        m_auditTimer->start();
    Q_EMIT requestHandled(reply.operation, reply.errorType);
    return reply;
}

EndpointReply Endpoint::dispatch(const SigV4Request &request, const QHostAddress &peer)
{
    if (throttled())
        return errorReply({errors::Throttling, u"Rate exceeded"_s});
    if (request.body.size() > MaxBodyBytes)
        return errorReply({u"RequestEntityTooLargeException"_s,
                           u"The request body is larger than %1 bytes."_s.arg(MaxBodyBytes)},
                          {}, 413);
    const QByteArray target = request.header("x-amz-target");
    const QString operation = target.startsWith(kTargetPrefix) ? QString::fromLatin1(target.mid(kTargetPrefix.size()))
                                                               : QString();
    auto identity = SigV4::verify(request, m_vault.clock().now(),
                                  [this](const QString &id) { return m_accessKeys->secret(id); }, u"kms"_s,
                                  &m_signingKeys);
    if (!identity)
        return errorReply(identity.error(), operation, identity.error().type == errors::UnrecognizedClient ? 400 : 0);
    if (!isValidRegion(identity->region))
        return errorReply({errors::InvalidSignature,
                           u"Credential should be scoped to a valid region, not '%1'. "_s.arg(identity->region)},
                          operation);
    if (operation.isEmpty() || !Operations::isKnown(operation))
        return errorReply({errors::UnknownOperation, u"Unknown operation '%1'."_s.arg(QString::fromLatin1(target))},
                          operation);
    QJsonObject members;
    if (!request.body.trimmed().isEmpty()) {
        QJsonParseError parseError{};
        const QJsonDocument doc = QJsonDocument::fromJson(request.body, &parseError);
        if (parseError.error != QJsonParseError::NoError || !doc.isObject())
            return errorReply({errors::Serialization,
                               parseError.error != QJsonParseError::NoError
                                   ? u"The request body is not valid JSON: %1 at offset %2."_s.arg(parseError.errorString())
                                         .arg(parseError.offset)
                                   : u"The request body must be a JSON object."_s},
                              operation);
        members = doc.object();
    }
    auto service = serviceFor(identity->region);
    if (!service)
        return errorReply(service.error(), operation);
    // A dual-stack listener sees IPv4 clients as ::ffff:a.b.c.d; the audit shows a.b.c.d, as AWS does.
    bool mapped = false;
    const QHostAddress v4(peer.toIPv4Address(&mapped));
    const kms::Caller caller{identity->principalArn, u"endpoint"_s, mapped ? v4.toString() : peer.toString()};
    auto result = Operations::run(**service, caller, operation, members);
    if (!result)
        return errorReply(result.error(), operation);
    return {200, {}, operation, Operations::serialize(*result)};
}

} // namespace qkms::server
