#include "Endpoint.h"

#include "EndpointWorker.h"
#include "vault/Vault.h"

#include <QFile>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QSslKey>
#include <QTcpServer>
#include <QThread>
#include <QTimer>

using namespace Qt::StringLiterals;

namespace qkms::server {

namespace {

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

// Accepts on the endpoint's thread and hands each socket on; TLS starts on the worker.
class Acceptor final : public QTcpServer
{
public:
    explicit Acceptor(std::function<void(qintptr)> handOff) : m_handOff(std::move(handOff)) {}

protected:
    void incomingConnection(qintptr socket) override { m_handOff(socket); }

private:
    std::function<void(qintptr)> m_handOff;
};

} // namespace

struct Endpoint::Worker {
    QThread thread;
    EndpointWorker *worker = nullptr; ///< lives on `thread`
};

Endpoint::Endpoint(vault::Vault &vault, QObject *parent)
    : QObject(parent),
      m_vault(vault),
      m_scheduling(std::make_unique<RequestHandler>(vault)),
      m_threads(std::clamp(QThread::idealThreadCount(), 1, 8)),
      m_schedulerTimer(new QTimer(this))
{
    m_schedulerTimer->setInterval(SchedulerIntervalMs);
    connect(m_schedulerTimer, &QTimer::timeout, this, &Endpoint::runSchedulers);
}

Endpoint::~Endpoint()
{
    stop();
}

Status Endpoint::start(const QHostAddress &address, quint16 port)
{
    if (isRunning())
        return fail(qkms::errors::Validation, u"The endpoint is already listening on port %1."_s.arg(this->port()));
    std::optional<QSslConfiguration> tls;
    if (!m_tlsCertificate.isEmpty()) {
        auto conf = tlsConfiguration(m_tlsCertificate, m_tlsKey);
        if (!conf)
            return std::unexpected(conf.error());
        tls = *conf;
    }
    auto acceptor = std::make_unique<Acceptor>([this](qintptr socket) { handOff(socket); });
    if (!acceptor->listen(address, port))
        return fail(qkms::errors::Storage, u"Cannot listen on %1:%2: %3"_s.arg(address.toString()).arg(port).arg(
                                               acceptor->errorString()));

    WorkerHooks hooks;
    hooks.throttled = [this] { return m_rateLimiter.throttled(); };
    hooks.handled = [this](const QString &operation, const QString &error) {
        Q_EMIT requestHandled(operation, error); // from the worker's thread; Qt queues it to receivers
    };
    hooks.regionOpened = [this](const QString &region) {
        // This thread's scheduler takes the region on for its periodic runs; the worker that
        // opened it has just caught up on what came due.
        QMetaObject::invokeMethod(this, [this, region] { m_scheduling->adoptRegion(region); });
    };
    for (int i = 0; i < m_threads; ++i) {
        auto handle = m_vault.openAnotherHandle();
        if (!handle) {
            stopWorkers();
            return std::unexpected(handle.error());
        }
        auto &w = m_workers.emplace_back(std::make_unique<Worker>());
        w->thread.setObjectName(u"qkmsEndpoint%1"_s.arg(i + 1));
        w->worker = new EndpointWorker(std::move(*handle), hooks);
        w->worker->moveToThread(&w->thread);
        w->thread.start();
        if (!w->thread.isRunning()) {
            stopWorkers();
            return fail(qkms::errors::Storage, u"A serving thread could not be started."_s);
        }
        Status opened;
        QMetaObject::invokeMethod(
            w->worker,
            [&opened, worker = w->worker, fd = acceptor->socketDescriptor(), &tls, idle = m_idleTimeoutMs] {
                opened = worker->open(fd, tls, idle);
            },
            Qt::BlockingQueuedConnection);
        if (!opened) {
            stopWorkers();
            return opened;
        }
    }
    m_acceptor = std::move(acceptor);
    m_schedulerTimer->start();
    runSchedulers();
    const QString scheme = tls ? u"https"_s : u"http"_s;
    const QString host = address.protocol() == QAbstractSocket::IPv6Protocol ? u"[%1]"_s.arg(address.toString())
                                                                             : address.toString();
    setStatus(u"Listening on %1://%2:%3"_s.arg(scheme, host).arg(this->port()));
    return {};
}

void Endpoint::handOff(qintptr socket)
{
    // Only called from this thread's event loop, after start() made every worker.
    EndpointWorker *worker = m_workers[m_nextWorker++ % m_workers.size()]->worker;
    QMetaObject::invokeMethod(worker, [worker, socket] { worker->take(socket); });
}

void Endpoint::stop()
{
    if (!m_acceptor)
        return;
    m_schedulerTimer->stop();
    m_acceptor.reset(); // no new connections; those already handed off are served until closed below
    stopWorkers();
    m_scheduling->flushAudit();
    setStatus(u"Stopped"_s);
}

void Endpoint::stopWorkers()
{
    for (auto &w : m_workers) {
        if (w->thread.isRunning()) {
            // Runs after every socket already handed to it (events are handled in order), so none leaks.
            QMetaObject::invokeMethod(w->worker, [worker = w->worker] { worker->close(); },
                                      Qt::BlockingQueuedConnection);
            w->thread.quit();
            w->thread.wait();
        }
        delete w->worker; // its thread has finished (or never ran): its timers and sockets are gone
    }
    m_workers.clear();
    m_nextWorker = 0;
}

bool Endpoint::isRunning() const
{
    return m_acceptor && m_acceptor->isListening();
}

quint16 Endpoint::port() const
{
    return isRunning() ? m_acceptor->serverPort() : 0;
}

void Endpoint::setRequestsPerSecond(int perSecond)
{
    m_rateLimiter.setRate(perSecond);
}

void Endpoint::setIdleTimeout(int milliseconds)
{
    m_idleTimeoutMs = std::max(1, milliseconds);
    for (auto &w : m_workers)
        QMetaObject::invokeMethod(w->worker, [worker = w->worker, ms = m_idleTimeoutMs] { worker->setIdleTimeout(ms); });
}

void Endpoint::setThreads(int count)
{
    m_threads = std::clamp(count, 1, MaxThreads);
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

void Endpoint::runSchedulers()
{
    m_scheduling->runSchedulers();
    m_scheduling->flushAudit();
}

} // namespace qkms::server
