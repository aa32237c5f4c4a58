// Benchmark of the AWS KMS endpoint (issue 8): requests per second and p50/p99 latency of Encrypt
// (1 KiB) and GenerateDataKey over HTTP keep-alive, 1 and 16 concurrent clients, signature
// verification and audit included, printed beside AWS's default quota (10,000 requests/s per
// region for the cryptographic operations). Not a test: it never fails because a machine is slow.
//
//   build/release/bench/bench_endpoint [seconds-per-run, default 5] [path of qkms, default ../bin/qkms]
//                                      [serving threads, default: qkms serve's own (one per core)]
//
// The server is the real `qkms serve`, a process of its own, as a deployment runs it: its event
// loop, allocator and CPU time are not mixed with the clients', and the CPU time it used per
// request (from /proc) is printed too — on a 2-core machine the clients take a share of the
// cores, so that column says what the server alone would sustain. The clients are C++ threads
// on blocking keep-alive sockets; each resends one request signed by server/SigV4 (the endpoint
// has no replay protection inside the 15-minute window, as AWS has none), so the client side
// costs little more than the system calls. Every answer is checked: status 200 and the members
// the operation returns; anything else is counted as a failure.

#include "AccessKeyFixture.h"
#include "SigV4.h"
#include "core/Clock.h"
#include "kms/KmsService.h"
#include "vault/Vault.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QThread>
#include <QtCrypto>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <thread>
#include <vector>

using namespace qkms;
using namespace Qt::StringLiterals;

namespace {

constexpr double kAwsQuota = 10000.0;
const QByteArray kPassphrase = QByteArrayLiteral("bench endpoint passphrase");

struct Credentials {
    QString accessKeyId;
    QCA::SecureArray secret;
    QString keyArn;
};

// A vault with user "bench" (kms:* allowed), an access key and a symmetric key. The KDF cost is
// low because only the server's start-up pays it; requests never touch it.
bool makeVault(const QString &dir, Credentials &out)
{
    SystemClock clock;
    auto vault = vault::Vault::create(dir, QCA::SecureArray(kPassphrase), clock, vault::KdfCost{1000});
    if (!vault) {
        std::fprintf(stderr, "vault: %s\n", qPrintable(vault.error().toString()));
        return false;
    }
    auto user = test::AccessKeyFixture::create(**vault, u"bench"_s, u"all"_s);
    auto service = kms::KmsService::open(**vault, u"us-east-1"_s);
    if (!user || !service)
        return false;
    auto record = (*service)->createKey({(*service)->rootArn(), u"cli"_s, {}}, {});
    if (!record)
        return false;
    out = {user->accessKeyId, user->secretAccessKey, record->arn};
    return true;
}

// One keep-alive HTTP/1.1 request on the wire, SigV4-signed as an SDK signs it.
QByteArray wireRequest(const Credentials &c, quint16 port, const QByteArray &operation, const QByteArray &body)
{
    server::SigV4Request r;
    r.method = "POST";
    r.headers = {{"Host", "127.0.0.1:" + QByteArray::number(port)},
                 {"Content-Type", "application/x-amz-json-1.1"},
                 {"X-Amz-Target", "TrentService." + operation}};
    r.body = body;
    if (!server::SigV4::sign(r, c.accessKeyId, c.secret, u"us-east-1"_s, QDateTime::currentDateTimeUtc()))
        return {};
    return r.toHttp();
}

struct ClientResult {
    std::vector<double> latenciesMs;
    qint64 failures = 0;
    std::string firstFailure;
};

// Sends `wire` again and again on one connection until `stop`, timing each answer.
void client(quint16 port, const QByteArray &wire, const std::vector<QByteArray> &expected,
            const std::atomic<bool> &stop, ClientResult &result)
{
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    const int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (::connect(fd, reinterpret_cast<const sockaddr *>(&addr), sizeof addr) != 0) {
        result.failures = 1;
        result.firstFailure = "connect failed";
        ::close(fd);
        return;
    }
    QByteArray buffer;
    char chunk[16384];
    while (!stop.load(std::memory_order_relaxed)) {
        const auto start = std::chrono::steady_clock::now();
        if (::send(fd, wire.constData(), static_cast<size_t>(wire.size()), MSG_NOSIGNAL) != wire.size())
            break;
        buffer.clear();
        qsizetype headerEnd = -1;
        qsizetype total = -1;
        while (total < 0 || buffer.size() < total) {
            const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
            if (n <= 0)
                break;
            buffer.append(chunk, n);
            if (headerEnd < 0 && (headerEnd = buffer.indexOf("\r\n\r\n")) >= 0) {
                const QByteArray head = buffer.left(headerEnd).toLower();
                const qsizetype at = head.indexOf("content-length:");
                const qsizetype eol = head.indexOf('\r', at);
                total = headerEnd + 4 + (at < 0 ? 0 : head.mid(at + 15, eol - at - 15).trimmed().toLongLong());
            }
        }
        const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
        bool ok = total >= 0 && buffer.size() >= total && buffer.startsWith("HTTP/1.1 200");
        for (const QByteArray &member : expected)
            ok = ok && buffer.indexOf(member, headerEnd) > 0;
        if (!ok) {
            if (result.failures++ == 0)
                result.firstFailure = buffer.left(400).toStdString();
            if (total < 0 || buffer.size() < total)
                break; // the connection is gone
            continue;
        }
        result.latenciesMs.push_back(ms);
    }
    ::close(fd);
}

struct RunResult {
    double perSecond = 0;
    double p50 = 0;
    double p99 = 0;
    double serverCpuUsPerRequest = 0;
    qint64 failures = 0;
    std::string firstFailure;
};

// utime + stime of process `pid`, in seconds.
double processCpuSeconds(qint64 pid)
{
    QFile stat(u"/proc/%1/stat"_s.arg(pid));
    if (!stat.open(QIODevice::ReadOnly))
        return 0;
    const QByteArray text = stat.readAll();
    // Fields after the ")" that closes the command name: state is field 3, utime 14, stime 15.
    const QList<QByteArray> fields = text.mid(text.lastIndexOf(')') + 2).split(' ');
    if (fields.size() < 13)
        return 0;
    return static_cast<double>(fields[11].toLongLong() + fields[12].toLongLong())
        / static_cast<double>(sysconf(_SC_CLK_TCK));
}

RunResult run(quint16 port, qint64 serverPid, int clients, double seconds, const QByteArray &wire,
              const std::vector<QByteArray> &expected)
{
    std::atomic<bool> stop{false};
    std::vector<ClientResult> results(static_cast<size_t>(clients));
    std::vector<std::thread> threads;
    const double cpuStart = processCpuSeconds(serverPid);
    QElapsedTimer wall;
    wall.start();
    for (int i = 0; i < clients; ++i)
        threads.emplace_back(client, port, std::cref(wire), std::cref(expected), std::cref(stop),
                             std::ref(results[static_cast<size_t>(i)]));
    QThread::msleep(static_cast<unsigned long>(seconds * 1000));
    stop = true;
    for (auto &t : threads)
        t.join();
    const double elapsed = static_cast<double>(wall.nsecsElapsed()) / 1e9;
    const double cpu = processCpuSeconds(serverPid) - cpuStart;
    RunResult r;
    std::vector<double> all;
    for (const ClientResult &c : results) {
        all.insert(all.end(), c.latenciesMs.begin(), c.latenciesMs.end());
        if (r.failures == 0 && c.failures > 0)
            r.firstFailure = c.firstFailure;
        r.failures += c.failures;
    }
    if (all.empty())
        return r;
    std::sort(all.begin(), all.end());
    auto quantile = [&all](double q) { return all[std::min(all.size() - 1, static_cast<size_t>(all.size() * q))]; };
    r.perSecond = static_cast<double>(all.size()) / elapsed;
    r.p50 = quantile(0.50);
    r.p99 = quantile(0.99);
    r.serverCpuUsPerRequest = cpu * 1e6 / static_cast<double>(all.size());
    return r;
}

} // namespace

int main(int argc, char **argv)
{
    QCA::Initializer qca;
    QCoreApplication app(argc, argv);
    const double seconds = argc > 1 ? std::max(0.5, QByteArray(argv[1]).toDouble()) : 5.0;
    const QString qkms = argc > 2 && argv[2][0] != '\0' ? QString::fromLocal8Bit(argv[2])
                                                          : app.applicationDirPath() + u"/../bin/qkms"_s;
    const QString threads = argc > 3 ? QString::fromLocal8Bit(argv[3]) : QString();

    QTemporaryDir dir;
    const QString vaultDir = dir.filePath(u"vault"_s);
    Credentials creds;
    if (!makeVault(vaultDir, creds)) {
        std::fprintf(stderr, "could not set up the vault\n");
        return 1;
    }

    QProcess server;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(u"QKMS_PASSPHRASE"_s, QString::fromLatin1(kPassphrase));
    env.remove(u"QKMS_NOW"_s);
    server.setProcessEnvironment(env);
    server.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    QStringList serveArgs{u"--vault"_s, vaultDir, u"serve"_s, u"--listen"_s, u"127.0.0.1:0"_s};
    if (!threads.isEmpty())
        serveArgs << u"--threads"_s << threads;
    server.start(qkms, serveArgs);
    if (!server.waitForStarted(10000) || !server.waitForReadyRead(30000)) {
        std::fprintf(stderr, "%s serve did not start\n", qPrintable(qkms));
        return 1;
    }
    const auto port = static_cast<quint16>(QJsonDocument::fromJson(server.readLine()).object().value(u"Port").toInt());

    const QByteArray kib = QCA::Random::randomArray(1024).toByteArray().toBase64();
    const QByteArray arn = creds.keyArn.toLatin1();
    struct Case {
        const char *name;
        QByteArray operation;
        QByteArray body;
        std::vector<QByteArray> expected;
    };
    const std::vector<Case> cases{
        {"Encrypt 1 KiB", "Encrypt", R"({"KeyId":")" + arn + R"(","Plaintext":")" + kib + "\"}",
         {"\"CiphertextBlob\"", "\"KeyId\""}},
        {"GenerateDataKey", "GenerateDataKey", R"({"KeyId":")" + arn + R"(","KeySpec":"AES_256"})",
         {"\"CiphertextBlob\"", "\"Plaintext\""}},
        // No key, no audit record: what HTTP and signature verification alone cost.
        {"GenerateRandom 32", "GenerateRandom", R"({"NumberOfBytes":32})", {"\"Plaintext\""}},
    };

    std::printf("qkms serve (%s build, %s serving threads) on %d cores, %.1f s per run; AWS default quota: %.0f "
                "requests/s per region\n",
                QKMS_BENCH_BUILD_TYPE, threads.isEmpty() ? "default" : qPrintable(threads), QThread::idealThreadCount(),
                seconds, kAwsQuota);
    std::printf("%-18s %7s %12s %8s %8s %14s %12s %9s\n", "operation", "clients", "requests/s", "p50 ms", "p99 ms",
                "server us/req", "vs quota", "failures");
    int exitCode = 0;
    for (const Case &c : cases) {
        const QByteArray wire = wireRequest(creds, port, c.operation, c.body);
        run(port, server.processId(), 1, 0.3, wire, c.expected); // warm-up: caches, first page of the audit
        for (int clients : {1, 16}) {
            const RunResult r = run(port, server.processId(), clients, seconds, wire, c.expected);
            std::printf("%-18s %7d %12.0f %8.2f %8.2f %14.0f %11.0f%% %9lld\n", c.name, clients, r.perSecond, r.p50,
                        r.p99, r.serverCpuUsPerRequest, 100.0 * r.perSecond / kAwsQuota,
                        static_cast<long long>(r.failures));
            std::fflush(stdout);
            if (r.failures > 0) {
                std::fprintf(stderr, "first failure: %s\n", r.firstFailure.c_str());
                exitCode = 1;
            }
        }
    }
    std::printf("server us/req: CPU time of the server process per answered request (1e6 / that = what one core "
                "would sustain without the clients beside it)\n");
    server.terminate();
    if (!server.waitForFinished(10000))
        server.kill();
    return exitCode;
}
