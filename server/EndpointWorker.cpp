#include "EndpointWorker.h"

#include "Operations.h"
#include "vault/Vault.h"

#include <QHttpServer>
#include <QHttpServerRequest>
#include <QHttpServerResponse>
#include <QSslServer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>
#include <QUuid>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace qkms::server {

namespace {

const QByteArray kJsonType = QByteArrayLiteral("application/x-amz-json-1.1");

// A listener that never accepts by itself: it is given sockets the endpoint's thread accepted,
// and serves them exactly as Qt serves what it accepts (QSslServer runs the TLS handshake first).
template <class Base>
class HandoffServer final : public Base
{
public:
    void take(qintptr socket) { this->incomingConnection(socket); }

    QTcpSocket *nextPendingConnection() override
    {
        QTcpSocket *socket = Base::nextPendingConnection();
        // QTcpServer may resume accepting when a pending connection is taken; this duplicate of
        // the endpoint's listener must never accept, or connections would bypass the dealing.
        this->pauseAccepting();
        return socket;
    }
};

template <class Base>
std::unique_ptr<QTcpServer> makeHandoff(std::function<void(qintptr)> &take)
{
    auto server = std::make_unique<HandoffServer<Base>>();
    take = [raw = server.get()](qintptr socket) { raw->take(socket); };
    return server;
}

} // namespace

EndpointWorker::EndpointWorker(std::unique_ptr<vault::Vault> vault, WorkerHooks hooks)
    : m_vault(std::move(vault)), m_hooks(std::move(hooks))
{
}

EndpointWorker::~EndpointWorker()
{
    close();
}

Status EndpointWorker::open(qintptr listener, const std::optional<QSslConfiguration> &tls, int idleTimeoutMs)
{
    m_handler = std::make_unique<RequestHandler>(*m_vault);
    m_handler->setRegionOpened(m_hooks.regionOpened);
    std::function<void(qintptr)> take;
    std::unique_ptr<QTcpServer> server;
    if (tls) {
        server = makeHandoff<QSslServer>(take);
        static_cast<QSslServer *>(server.get())->setSslConfiguration(*tls);
    } else {
        server = makeHandoff<QTcpServer>(take);
    }
    // Qt resumes accepting on its own (a taken connection, a TLS handshake that timed out) only
    // while fewer than this many connections are pending: with 0, never.
    server->setMaxPendingConnections(0);
    const int fd = ::fcntl(static_cast<int>(listener), F_DUPFD_CLOEXEC, 0);
    if (fd < 0)
        return fail(qkms::errors::Storage, u"A serving thread cannot share the listening socket: %1"_s.arg(
                                         QString::fromLocal8Bit(std::strerror(errno))));
    if (!server->setSocketDescriptor(fd)) {
        ::close(fd);
        return fail(qkms::errors::Storage, u"A serving thread cannot share the listening socket: %1"_s.arg(server->errorString()));
    }

    auto http = std::make_unique<QHttpServer>();
    http->route(u"/"_s, QHttpServerRequest::Method::Post,
                [this](const QHttpServerRequest &request) { return respond(request); });
    http->setMissingHandler(http.get(), [](const QHttpServerRequest &, QHttpServerResponder &responder) {
        const EndpointReply reply = errorReply(
            {errors::UnknownOperation, u"The endpoint serves POST / with X-Amz-Target: TrentService.<Operation>."_s},
            {}, 404);
        responder.write(reply.body.toByteArray(), kJsonType, QHttpServerResponder::StatusCode::NotFound);
    });
    if (!http->bind(server.get()))
        return fail(qkms::errors::Storage, u"The HTTP server could not take the listening socket."_s);
    server->pauseAccepting(); // the endpoint's thread accepts; this copy only serves
    server.release()->setParent(http.get());
    m_http = std::move(http);
    m_take = std::move(take);

    m_uptime.start();
    m_auditTimer = new QTimer(this);
    m_auditTimer->setSingleShot(true);
    m_auditTimer->setInterval(AuditFlushDelayMs);
    connect(m_auditTimer, &QTimer::timeout, this, [this] { m_handler->flushAudit(); });
    m_idleTimer = new QTimer(this);
    connect(m_idleTimer, &QTimer::timeout, this, &EndpointWorker::closeIdleConnections);
    setIdleTimeout(idleTimeoutMs);
    m_idleTimer->start();
    return {};
}

void EndpointWorker::take(qintptr socket)
{
    if (!m_take) {
        ::close(static_cast<int>(socket)); // closing down: the client sees the connection closed
        return;
    }
    m_take(socket);
}

void EndpointWorker::setIdleTimeout(int milliseconds)
{
    m_idleTimeoutMs = std::max(1, milliseconds);
    // A connection is closed between one and one and a quarter timeouts after its last byte.
    if (m_idleTimer)
        m_idleTimer->setInterval(std::max(1, m_idleTimeoutMs / 4));
}

void EndpointWorker::close()
{
    // Timers first: made on this thread, they must stop here too.
    delete m_auditTimer;
    m_auditTimer = nullptr;
    delete m_idleTimer;
    m_idleTimer = nullptr;
    m_take = nullptr;
    m_http.reset(); // closes the listener's duplicate and every connection
    if (m_handler)
        m_handler->forgetSecrets(); // signing keys and access keys' secrets: kept only while serving
    m_handler.reset();                  // writes the batched audit
    m_vault.reset();                    // closes its files and wipes its copy of the master key
    m_lastActivity.clear();
}

QHttpServerResponse EndpointWorker::respond(const QHttpServerRequest &request)
{
    EndpointReply reply;
    if (m_hooks.throttled && m_hooks.throttled()) {
        reply = errorReply({errors::Throttling, u"Rate exceeded"_s});
    } else {
        SigV4Request r;
        r.method = QByteArrayLiteral("POST");
        r.path = request.url().path(QUrl::FullyEncoded).toLatin1();
        r.query = request.url().query(QUrl::FullyEncoded).toLatin1();
        const QHttpHeaders &headers = request.headers();
        r.headers.reserve(headers.size());
        for (qsizetype i = 0; i < headers.size(); ++i)
            r.headers.append({QByteArray(headers.nameAt(i).data(), headers.nameAt(i).size()),
                              headers.valueAt(i).toByteArray()});
        r.body = request.body();
        reply = m_handler->handle(r, request.remoteAddress());
    }
    if (!m_auditTimer->isActive())
        m_auditTimer->start();
    if (m_hooks.handled)
        m_hooks.handled(reply.operation, reply.errorType);
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
}

void EndpointWorker::closeIdleConnections()
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

} // namespace qkms::server
