// The endpoint's serving threads: connections are dealt to every worker, concurrent writes through
// several workers (each on its own vault handle) are all kept and audited once each, a change made
// through one worker is seen by the very next request on another, and stopping under load loses
// no audit event. The clients are raw keep-alive sockets, so a round of requests is truly in
// flight at once.

#include "AccessKeyFixture.h"
#include "CliRunner.h"
#include "Endpoint.h"
#include "SigV4.h"
#include "iam/AccessKeys.h"
#include "iam/PrincipalStore.h"
#include "kms/AuditLog.h"
#include "kms/KmsService.h"
#include "TestMain.h"
#include "VaultFixture.h"

#include <QDeadlineTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMutex>
#include <QHash>
#include <QSet>
#include <QTcpSocket>
#include <QTest>
#include <QThread>

#include <memory>
#include <vector>

using namespace Qt::StringLiterals;
using qkms::server::SigV4;
using qkms::server::SigV4Request;

namespace {

struct Answer {
    int status = 0;
    QJsonObject json;
    [[nodiscard]] QString type() const { return json.value(u"__type").toString(); }
};

// One keep-alive client connection; requests are written and their answers collected while the
// test thread's event loop runs (the endpoint accepts on that thread).
class Client
{
public:
    explicit Client(quint16 port) { m_socket.connectToHost(QHostAddress::LocalHost, port); }

    void send(const QByteArray &wire)
    {
        m_buffer.clear();
        m_socket.write(wire);
    }

    // The answer to the request sent last, once it has fully arrived; nullopt until then.
    std::optional<Answer> poll()
    {
        m_buffer += m_socket.readAll();
        const qsizetype headerEnd = m_buffer.indexOf("\r\n\r\n");
        if (headerEnd < 0)
            return std::nullopt;
        const QByteArray head = m_buffer.left(headerEnd).toLower();
        const qsizetype at = head.indexOf("content-length:");
        const qsizetype length = at < 0 ? 0 : head.mid(at + 15, head.indexOf('\r', at) - at - 15).trimmed().toLongLong();
        if (m_buffer.size() < headerEnd + 4 + length)
            return std::nullopt;
        Answer a;
        a.status = m_buffer.mid(9, 3).toInt(); // "HTTP/1.1 200 OK"
        a.json = QJsonDocument::fromJson(m_buffer.mid(headerEnd + 4, length)).object();
        return a;
    }

    [[nodiscard]] bool connected() const { return m_socket.state() == QAbstractSocket::ConnectedState; }

private:
    QTcpSocket m_socket;
    QByteArray m_buffer;
};

} // namespace

class TestEndpointThreads : public QObject
{
    Q_OBJECT

    qkms::test::VaultFixture m_fx;
    std::unique_ptr<qkms::server::Endpoint> m_endpoint;
    QString m_keyId;
    QCA::SecureArray m_secret;
    QString m_arn; ///< a symmetric key in us-east-1
    QMutex m_threadsMutex;
    QHash<QThread *, int> m_served; ///< requests answered per serving thread; guarded by m_threadsMutex

    QByteArray wire(const QByteArray &operation, const QJsonObject &body)
    {
        SigV4Request r;
        r.method = "POST";
        r.headers = {{"Host", "127.0.0.1"}, {"X-Amz-Target", "TrentService." + operation}};
        r.body = QJsonDocument(body).toJson(QJsonDocument::Compact);
        if (!SigV4::sign(r, m_keyId, m_secret, u"us-east-1"_s, m_fx.clock().now()))
            return {};
        return r.toHttp(QByteArrayLiteral("Content-Type: application/x-amz-json-1.1\r\n"));
    }

    // Sends one request on every client at once and waits for all the answers.
    std::vector<Answer> round(const std::vector<Client *> &clients, const std::vector<QByteArray> &requests)
    {
        for (size_t i = 0; i < clients.size(); ++i)
            clients[i]->send(requests[i]);
        std::vector<std::optional<Answer>> answers(clients.size());
        const QDeadlineTimer deadline(30000);
        while (!deadline.hasExpired()) {
            bool all = true;
            for (size_t i = 0; i < clients.size(); ++i) {
                if (!answers[i])
                    answers[i] = clients[i]->poll();
                all = all && answers[i].has_value();
            }
            if (all)
                break;
            QTest::qWait(2);
        }
        std::vector<Answer> out;
        for (const auto &a : answers)
            out.push_back(a.value_or(Answer{}));
        return out;
    }

    std::vector<Answer> round(const std::vector<std::unique_ptr<Client>> &clients, const std::vector<QByteArray> &requests)
    {
        std::vector<Client *> raw;
        for (const auto &c : clients)
            raw.push_back(c.get());
        return round(raw, requests);
    }

    Answer one(Client &client, const QByteArray &operation, const QJsonObject &body)
    {
        return round(std::vector<Client *>{&client}, {wire(operation, body)}).front();
    }

    // `n` connections, made one after another so that they are dealt to the workers in turn.
    std::vector<std::unique_ptr<Client>> connect(int n)
    {
        std::vector<std::unique_ptr<Client>> clients;
        for (int i = 0; i < n; ++i) {
            clients.push_back(std::make_unique<Client>(m_endpoint->port()));
            if (!QTest::qWaitFor([&] { return clients.back()->connected(); }, 10000))
                qWarning("connection %d was not established", i);
        }
        return clients;
    }

    void startEndpoint(int threads)
    {
        m_endpoint = std::make_unique<qkms::server::Endpoint>(m_fx.vault());
        m_endpoint->setThreads(threads);
        QCOMPARE(m_endpoint->threads(), threads);
        QObject::connect(
            m_endpoint.get(), &qkms::server::Endpoint::requestHandled, m_endpoint.get(),
            [this] {
                const QMutexLocker lock(&m_threadsMutex);
                ++m_served[QThread::currentThread()];
            },
            Qt::DirectConnection);
        auto st = m_endpoint->start(QHostAddress::LocalHost, 0);
        QVERIFY2(st.has_value(), qPrintable(st ? QString() : st.error().toString()));
    }

    // Events of the region's audit chain by name, after checking that the chain verifies.
    QMap<QString, int> auditCounts()
    {
        auto service = qkms::kms::KmsService::open(m_fx.vault(), u"us-east-1"_s);
        if (!service)
            return {};
        auto verified = (*service)->audit().verify();
        if (!verified || !verified->intact())
            return {{u"chain broken"_s, 1}};
        auto events = (*service)->audit().events();
        QMap<QString, int> count;
        for (const QJsonObject &e : events.value_or(QList<QJsonObject>{}))
            ++count[e.value(u"eventName"_s).toString()];
        return count;
    }

private Q_SLOTS:
    void initTestCase()
    {
        auto alice = qkms::test::AccessKeyFixture::create(m_fx.vault());
        QVERIFY2(alice.has_value(), qPrintable(alice ? QString() : alice.error().toString()));
        m_keyId = alice->accessKeyId;
        m_secret = alice->secretAccessKey;
        auto service = qkms::kms::KmsService::open(m_fx.vault(), u"us-east-1"_s);
        QVERIFY(service.has_value());
        auto key = (*service)->createKey({alice->userArn, u"cli"_s, {}}, {});
        QVERIFY2(key.has_value(), qPrintable(key ? QString() : key.error().toString()));
        m_arn = key->arn;
    }

    void init()
    {
        const QMutexLocker lock(&m_threadsMutex);
        m_served.clear();
    }

    void cleanup() { m_endpoint.reset(); }

    void threadCountIsBounded()
    {
        qkms::server::Endpoint endpoint(m_fx.vault());
        QVERIFY(endpoint.threads() >= 1 && endpoint.threads() <= 8);
        endpoint.setThreads(0);
        QCOMPARE(endpoint.threads(), 1);
        endpoint.setThreads(1000);
        QCOMPARE(endpoint.threads(), qkms::server::Endpoint::MaxThreads);
    }

    void serveRefusesABadThreadCount_data()
    {
        QTest::addColumn<QString>("threads");
        QTest::addColumn<QString>("why");
        QTest::newRow("zero") << u"0"_s << u"greater than or equal to 1"_s;
        QTest::newRow("over MaxThreads") << u"17"_s << u"less than or equal to 16"_s;
        QTest::newRow("not a number") << u"two"_s << u"is not an integer"_s;
    }

    void serveRefusesABadThreadCount()
    {
        QFETCH(QString, threads);
        QFETCH(QString, why);
        const auto r = qkms::test::runQkms(m_fx.dir(), {u"serve"_s, u"--listen"_s, u"127.0.0.1:0"_s, u"--threads"_s, threads},
                                           qkms::test::kPassphrase);
        QCOMPARE(r.exitCode, 252); // a usage error, before anything is served
        QVERIFY2(r.errText().contains(u"threads"_s) && r.errText().contains(why), qPrintable(r.errText()));
        QVERIFY(r.out.isEmpty()); // no {"Endpoint": …} line: it never listened
    }

    void connectionsAreDealtToEveryWorker()
    {
        startEndpoint(3);
        auto clients = connect(6);
        std::vector<QByteArray> requests(clients.size(), wire("GenerateRandom", {{u"NumberOfBytes"_s, 16}}));
        for (const Answer &a : round(clients, requests))
            QCOMPARE(a.status, 200);
        const QMutexLocker lock(&m_threadsMutex);
        QCOMPARE(m_served.size(), 3);
        QVERIFY(!m_served.contains(QThread::currentThread())); // the accepting thread serves none
        for (const int n : std::as_const(m_served))
            QCOMPARE(n, 2); // dealt in turn: two connections, one request each, per worker
    }

    void concurrentWritesAreAllKeptAndAudited()
    {
        const QMap<QString, int> before = auditCounts();
        startEndpoint(4);
        constexpr int kClients = 8;
        constexpr int kRounds = 6;
        auto clients = connect(kClients);
        for (int r = 0; r < kRounds; ++r) {
            std::vector<QByteArray> requests;
            for (int c = 0; c < kClients; ++c) {
                const QString tag = u"c%1r%2"_s.arg(c).arg(r);
                requests.push_back(r % 2 == 0 ? wire("TagResource", {{u"KeyId"_s, m_arn},
                                                                     {u"Tags"_s, QJsonArray{QJsonObject{
                                                                                     {u"TagKey"_s, tag},
                                                                                     {u"TagValue"_s, tag}}}}})
                                              : wire("Encrypt", {{u"KeyId"_s, m_arn}, {u"Plaintext"_s, u"AA=="_s}}));
            }
            const std::vector<Answer> answers = round(clients, requests);
            for (const Answer &a : answers)
                QVERIFY2(a.status == 200, QJsonDocument(a.json).toJson().constData());
        }
        Client reader(m_endpoint->port());
        const Answer tags = one(reader, "ListResourceTags", {{u"KeyId"_s, m_arn}, {u"Limit"_s, 50}});
        QCOMPARE(tags.status, 200);
        QSet<QString> seen;
        for (const QJsonValue &t : tags.json.value(u"Tags").toArray())
            seen.insert(t.toObject().value(u"TagKey").toString());
        for (int c = 0; c < kClients; ++c)
            for (int r = 0; r < kRounds; r += 2)
                QVERIFY2(seen.contains(u"c%1r%2"_s.arg(c).arg(r)), qPrintable(u"tag c%1r%2 was lost"_s.arg(c).arg(r)));
        m_endpoint->stop(); // writes every worker's batched audit events
        const QMap<QString, int> after = auditCounts();
        QVERIFY(!after.contains(u"chain broken"_s));
        QCOMPARE(after.value(u"TagResource"_s) - before.value(u"TagResource"_s), kClients * kRounds / 2);
        QCOMPARE(after.value(u"Encrypt"_s) - before.value(u"Encrypt"_s), kClients * kRounds / 2);
    }

    void aChangeThroughOneWorkerIsSeenByTheNextRequestOnAnother()
    {
        startEndpoint(2);
        auto clients = connect(2); // dealt in turn: one connection per worker
        const QByteArray encrypt = wire("Encrypt", {{u"KeyId"_s, m_arn}, {u"Plaintext"_s, u"AA=="_s}});
        for (const Answer &a : round(clients, {encrypt, encrypt}))
            QCOMPARE(a.status, 200); // both workers have the key (and its policy) in their caches now
        {
            const QMutexLocker lock(&m_threadsMutex);
            QCOMPARE(m_served.size(), 2);
        }
        QCOMPARE(one(*clients[0], "DisableKey", {{u"KeyId"_s, m_arn}}).status, 200);
        const Answer refused = one(*clients[1], "Encrypt", {{u"KeyId"_s, m_arn}, {u"Plaintext"_s, u"AA=="_s}});
        QCOMPARE(refused.status, 400);
        QCOMPARE(refused.type(), u"DisabledException"_s);
        QCOMPARE(one(*clients[1], "EnableKey", {{u"KeyId"_s, m_arn}}).status, 200);
        QCOMPARE(one(*clients[0], "Encrypt", {{u"KeyId"_s, m_arn}, {u"Plaintext"_s, u"AA=="_s}}).status, 200);

        // An access key made inactive elsewhere (here: the test's own vault handle) is refused by
        // both workers on their next request, although both have its signing key cached.
        qkms::iam::PrincipalStore principals(m_fx.vault());
        qkms::iam::AccessKeys keys(m_fx.vault(), principals);
        QVERIFY(keys.updateStatus(principals.rootArn(), u"alice"_s, m_keyId, u"Inactive"_s).has_value());
        for (auto &client : clients) {
            const Answer a = one(*client, "GenerateRandom", {{u"NumberOfBytes"_s, 16}});
            QCOMPARE(a.status, 400);
            QCOMPARE(a.type(), u"UnrecognizedClientException"_s);
        }
        QVERIFY(keys.updateStatus(principals.rootArn(), u"alice"_s, m_keyId, u"Active"_s).has_value());
        for (auto &client : clients)
            QCOMPARE(one(*client, "GenerateRandom", {{u"NumberOfBytes"_s, 16}}).status, 200);
    }

    void stoppingUnderLoadLosesNoAuditEvent()
    {
        const QMap<QString, int> before = auditCounts();
        startEndpoint(2);
        auto clients = connect(6);
        const QByteArray encrypt = wire("Encrypt", {{u"KeyId"_s, m_arn}, {u"Plaintext"_s, u"AA=="_s}});
        int answered = 0;
        for (int r = 0; r < 5; ++r)
            for (const Answer &a : round(clients, std::vector<QByteArray>(clients.size(), encrypt)))
                answered += a.status == 200 ? 1 : 0;
        QCOMPARE(answered, 30);
        // A last round is in flight when the endpoint stops: whatever was answered is audited.
        for (auto &client : clients)
            client->send(encrypt);
        QTest::qWait(1);
        m_endpoint->stop();
        QVERIFY(!m_endpoint->isRunning());
        int lastRound = 0;
        for (auto &client : clients) {
            const auto a = client->poll();
            lastRound += a && a->status == 200 ? 1 : 0;
        }
        const QMap<QString, int> after = auditCounts();
        QVERIFY(!after.contains(u"chain broken"_s));
        const int audited = after.value(u"Encrypt"_s) - before.value(u"Encrypt"_s);
        QVERIFY2(audited >= answered + lastRound && audited <= answered + 6,
                 qPrintable(u"%1 Encrypt events for %2 + %3 answers"_s.arg(audited).arg(answered).arg(lastRound)));
    }
};

QKMS_TEST_MAIN(TestEndpointThreads)
#include "tst_endpoint_threads.moc"
