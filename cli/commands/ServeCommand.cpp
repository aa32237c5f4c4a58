// qkms serve: runs the AWS KMS endpoint (server/Endpoint) until interrupted. The first line on
// stdout is JSON naming the address, so scripts can start it on port 0 and read the port back.

#include "Output.h"
#include "Endpoint.h"

#include <QCoreApplication>
#include <QFileDevice>
#include <QJsonDocument>
#include <QTimer>

#include <atomic>
#include <csignal>

namespace qkms::cli {

using namespace Qt::StringLiterals;

namespace {

std::atomic<bool> g_stopRequested{false};

extern "C" void requestStop(int)
{
    g_stopRequested = true; // the only async-signal-safe thing to do; a timer polls it
}

// "127.0.0.1:4599", "[::1]:4599", or a bare port (loopback).
Result<std::pair<QHostAddress, quint16>> parseListen(const QString &text)
{
    const qsizetype colon = text.lastIndexOf(u':');
    QString host = colon < 0 ? u"127.0.0.1"_s : text.left(colon);
    const QString portText = colon < 0 ? text : text.mid(colon + 1);
    if (host.startsWith(u'[') && host.endsWith(u']'))
        host = host.mid(1, host.size() - 2);
    bool ok = false;
    const uint port = portText.toUInt(&ok);
    QHostAddress address;
    if (host == u"localhost"_s)
        address = QHostAddress::LocalHost;
    else if (!address.setAddress(host))
        ok = false;
    if (!ok || port > 65535)
        return fail(kUsageError, u"--listen takes ADDRESS:PORT (e.g. 127.0.0.1:4599), not '%1'"_s.arg(text));
    return std::pair{address, static_cast<quint16>(port)};
}

Result<QJsonObject> serve(Session &s, const QStringList &words)
{
    auto a = parseCommand(words, {u"listen"_s, u"requests-per-second"_s, u"threads"_s, u"tls-cert"_s, u"tls-key"_s});
    if (!a)
        return std::unexpected(a.error());
    // Loopback unless the user names another address: the endpoint hands out keys to whoever
    // holds an access key, and a LAN is not where a developer's vault should answer by default.
    auto listen = parseListen(a->args.value(u"listen"_s).value_or(u"127.0.0.1:4599"_s));
    if (!listen)
        return std::unexpected(listen.error());
    auto rps = a->args.integer(u"requests-per-second"_s, 1, 1000000);
    if (!rps)
        return fail(kUsageError, rps.error().message);
    auto threads = a->args.integer(u"threads"_s, 1, server::Endpoint::MaxThreads);
    if (!threads)
        return fail(kUsageError, threads.error().message);
    const auto cert = a->args.value(u"tls-cert"_s);
    const auto key = a->args.value(u"tls-key"_s);
    if (cert.has_value() != key.has_value())
        return fail(kUsageError, u"--tls-cert and --tls-key go together"_s);
    auto vault = s.vault();
    if (!vault)
        return std::unexpected(vault.error());
    server::Endpoint endpoint(**vault);
    endpoint.setRequestsPerSecond(static_cast<int>(rps->value_or(0)));
    if (*threads)
        endpoint.setThreads(static_cast<int>(**threads));
    if (cert)
        endpoint.setTls(*cert, *key);
    if (auto st = endpoint.start(listen->first, listen->second); !st)
        return std::unexpected(st.error());
    const QString scheme = cert ? u"https"_s : u"http"_s;
    QString host = listen->first.toString();
    if (listen->first.protocol() == QAbstractSocket::IPv6Protocol)
        host = u"[%1]"_s.arg(host);
    const QJsonObject started{{u"Endpoint"_s, u"%1://%2:%3"_s.arg(scheme, host).arg(endpoint.port())},
                              {u"Port"_s, endpoint.port()}};
    s.out().write(QJsonDocument(started).toJson(QJsonDocument::Compact) + '\n');
    // stdout is a FILE* that a pipe makes fully buffered: flush, or a script waits for the port forever.
    if (auto *file = qobject_cast<QFileDevice *>(&s.out()))
        file->flush();
    s.warn(u"qkms: serving the AWS KMS API on %1 (Ctrl-C stops)"_s.arg(started.value(u"Endpoint").toString()));

    g_stopRequested = false;
    std::signal(SIGINT, requestStop);
    std::signal(SIGTERM, requestStop);
    QTimer poll;
    QObject::connect(&poll, &QTimer::timeout, [] {
        if (g_stopRequested)
            QCoreApplication::quit();
    });
    poll.start(200);
    QCoreApplication::exec();
    endpoint.stop();
    s.warn(u"qkms: endpoint stopped"_s);
    return QJsonObject{};
}

} // namespace

void registerServeCommands()
{
    addCommand("serve", "Serve",
               "serve the AWS KMS API for SDKs (--listen 127.0.0.1:4599, --threads N, --requests-per-second N, "
               "--tls-cert/--tls-key)",
               serve);
}

} // namespace qkms::cli
