// The endpoint in-process over real HTTP: SigV4-signed JSON 1.1 requests through
// QNetworkAccessManager (and raw sockets for what a well-behaved client never sends).

#include "AccessKeyFixture.h"
#include "Endpoint.h"
#include "SigV4.h"
#include "iam/AccessKeys.h"
#include "iam/PrincipalStore.h"
#include "kms/AuditLog.h"
#include "kms/KmsService.h"
#include "TestMain.h"
#include "VaultFixture.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QSslCertificate>
#include <QSslError>
#include <QSslSocket>
#include <QTemporaryDir>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QTest>

using namespace Qt::StringLiterals;
using qkms::server::SigV4;
using qkms::server::SigV4Request;

namespace {

struct Answer {
    int status = 0;
    QJsonObject json;
    QByteArray raw;
    [[nodiscard]] QString type() const { return json.value(u"__type").toString(); }
};

} // namespace

class TestEndpoint : public QObject
{
    Q_OBJECT

    qkms::test::VaultFixture m_fx;
    std::unique_ptr<qkms::server::Endpoint> m_endpoint;
    QNetworkAccessManager m_nam;
    QString m_keyId;
    QCA::SecureArray m_secret;
    QString m_scheme = u"http"_s;
    QList<QSslCertificate> m_trusted;

    // Builds, signs and sends one call; `tweak` may change the request after signing.
    Answer call(const QString &operation, const QByteArray &body, const QString &region = u"us-east-1"_s,
                const std::function<void(SigV4Request &)> &tweak = {}, const QCA::SecureArray *secret = nullptr,
                const QDateTime &at = {})
    {
        SigV4Request r;
        r.method = "POST";
        const QByteArray host = "127.0.0.1:" + QByteArray::number(m_endpoint->port());
        r.headers = {{"Host", host},
                     {"Content-Type", "application/x-amz-json-1.1"},
                     {"X-Amz-Target", "TrentService." + operation.toLatin1()}};
        r.body = body;
        if (!SigV4::sign(r, m_keyId, secret ? *secret : m_secret, region, at.isValid() ? at : m_fx.clock().now()))
            return {};
        if (tweak)
            tweak(r);
        QNetworkRequest req(QUrl(m_scheme + u"://"_s + QString::fromLatin1(host) + u"/"_s));
        for (const auto &[name, value] : r.headers)
            if (name.compare("host", Qt::CaseInsensitive) != 0)
                req.setRawHeader(name, value);
        QNetworkReply *reply = m_nam.post(req, r.body);
        // The TLS test's certificate is self-signed: accept it, and only it.
        if (!m_trusted.isEmpty())
            reply->ignoreSslErrors({QSslError(QSslError::SelfSignedCertificate, m_trusted.first()),
                                    QSslError(QSslError::HostNameMismatch, m_trusted.first())});
        QSignalSpy done(reply, &QNetworkReply::finished);
        if (!reply->isFinished() && !done.wait(20000))
            return {};
        Answer a;
        a.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        a.raw = reply->readAll();
        a.json = QJsonDocument::fromJson(a.raw).object();
        reply->deleteLater();
        return a;
    }

    Answer ok(const QString &operation, const QJsonObject &body, const QString &region = u"us-east-1"_s)
    {
        Answer a = call(operation, QJsonDocument(body).toJson(QJsonDocument::Compact), region);
        if (a.status != 200)
            qWarning("%s: %d %s", qPrintable(operation), a.status, a.raw.constData());
        return a;
    }

    QString createKey(const QJsonObject &request = {})
    {
        return ok(u"CreateKey"_s, request).json.value(u"KeyMetadata").toObject().value(u"Arn").toString();
    }

    // A signed HTTP/1.1 request as raw bytes, for clients on plain sockets.
    QByteArray rawRequest(const QByteArray &operation, const QByteArray &body, bool keepAlive)
    {
        SigV4Request r;
        r.method = "POST";
        r.headers = {{"Host", "127.0.0.1"}, {"X-Amz-Target", "TrentService." + operation}};
        r.body = body;
        if (!SigV4::sign(r, m_keyId, m_secret, u"us-east-1"_s, m_fx.clock().now()))
            return {};
        return r.toHttp(QByteArrayLiteral("Content-Type: application/x-amz-json-1.1\r\n")
                        + (keepAlive ? "" : "Connection: close\r\n"));
    }

private Q_SLOTS:
    void init()
    {
        qkms::vault::Vault &vault = m_fx.vault();
        // The vault outlives the test functions: alice and her key are made once.
        if (m_keyId.isEmpty()) {
            auto alice = qkms::test::AccessKeyFixture::create(vault);
            QVERIFY2(alice.has_value(), qPrintable(alice ? QString() : alice.error().toString()));
            m_keyId = alice->accessKeyId;
            m_secret = alice->secretAccessKey;
        }
        m_endpoint = std::make_unique<qkms::server::Endpoint>(vault);
        QSignalSpy status(m_endpoint.get(), &qkms::server::Endpoint::statusChanged);
        auto st = m_endpoint->start(QHostAddress::LocalHost, 0);
        QVERIFY2(st.has_value(), qPrintable(st ? QString() : st.error().toString()));
        QVERIFY(m_endpoint->port() != 0);
        QCOMPARE(status.count(), 1);
        QVERIFY(m_endpoint->statusText().startsWith(u"Listening on http://127.0.0.1:"_s));
    }

    void cleanup() { m_endpoint.reset(); }

    void createEncryptDecryptWithContext()
    {
        const QString arn = createKey({{u"Description"_s, u"endpoint test"_s}});
        QVERIFY(arn.startsWith(u"arn:aws:kms:us-east-1:"_s));
        const QJsonObject context{{u"purpose"_s, u"test"_s}};
        Answer enc = ok(u"Encrypt"_s, {{u"KeyId"_s, arn}, {u"Plaintext"_s, u"aGVsbG8gd29ybGQ="_s},
                                       {u"EncryptionContext"_s, context}});
        QCOMPARE(enc.status, 200);
        QCOMPARE(enc.json.value(u"KeyId").toString(), arn);
        QCOMPARE(enc.json.value(u"EncryptionAlgorithm").toString(), u"SYMMETRIC_DEFAULT"_s);
        const QString blob = enc.json.value(u"CiphertextBlob").toString();
        Answer dec = ok(u"Decrypt"_s, {{u"CiphertextBlob"_s, blob}, {u"EncryptionContext"_s, context}});
        QCOMPARE(dec.status, 200);
        QCOMPARE(dec.json.value(u"Plaintext").toString(), u"aGVsbG8gd29ybGQ="_s);
        QCOMPARE(dec.json.value(u"KeyId").toString(), arn);
        // The context is bound: without it the ciphertext does not open.
        Answer wrong = call(u"Decrypt"_s, QJsonDocument(QJsonObject{{u"CiphertextBlob"_s, blob}}).toJson());
        QCOMPARE(wrong.status, 400);
        QCOMPARE(wrong.type(), u"InvalidCiphertextException"_s);
        QCOMPARE(wrong.json.value(u"message").isString(), true);
    }

    void dataKeysAliasesAndPaging()
    {
        const QString arn = createKey();
        createKey();
        Answer dk = ok(u"GenerateDataKey"_s, {{u"KeyId"_s, arn}, {u"KeySpec"_s, u"AES_256"_s}});
        QCOMPARE(QByteArray::fromBase64(dk.json.value(u"Plaintext").toString().toLatin1()).size(), 32);
        QVERIFY(!dk.json.value(u"CiphertextBlob").toString().isEmpty());
        QCOMPARE(ok(u"CreateAlias"_s, {{u"AliasName"_s, u"alias/ep"_s}, {u"TargetKeyId"_s, arn}}).status, 200);
        Answer described = ok(u"DescribeKey"_s, {{u"KeyId"_s, u"alias/ep"_s}});
        QCOMPARE(described.json.value(u"KeyMetadata").toObject().value(u"Arn").toString(), arn);
        Answer page = ok(u"ListKeys"_s, {{u"Limit"_s, 1}});
        QCOMPARE(page.json.value(u"Keys").toArray().size(), 1);
        QCOMPARE(page.json.value(u"Truncated").toBool(), true);
        Answer next = ok(u"ListKeys"_s, {{u"Limit"_s, 1}, {u"Marker"_s, page.json.value(u"NextMarker")}});
        QCOMPARE(next.json.value(u"Keys").toArray().size(), 1);
        QVERIFY(next.json.value(u"Keys").toArray().first() != page.json.value(u"Keys").toArray().first());
    }

    void engineExceptionsKeepTheirNames()
    {
        const QString arn = createKey();
        QCOMPARE(ok(u"DisableKey"_s, {{u"KeyId"_s, arn}}).status, 200);
        Answer a = call(u"Encrypt"_s, QJsonDocument(QJsonObject{{u"KeyId"_s, arn}, {u"Plaintext"_s, u"AA=="_s}}).toJson());
        QCOMPARE(a.status, 400);
        QCOMPARE(a.type(), u"DisabledException"_s);
        Answer missing = call(u"DescribeKey"_s, QJsonDocument(QJsonObject{{u"KeyId"_s, u"alias/none"_s}}).toJson());
        QCOMPARE(missing.type(), u"NotFoundException"_s);
    }

    void protocolErrors_data()
    {
        QTest::addColumn<QString>("operation");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("type");
        QTest::newRow("unknown target") << u"Frobnicate"_s << QByteArray("{}") << 400 << u"UnknownOperationException"_s;
        QTest::newRow("invalid JSON") << u"ListKeys"_s << QByteArray("{\"Limit\":") << 400 << u"SerializationException"_s;
        QTest::newRow("JSON array") << u"ListKeys"_s << QByteArray("[]") << 400 << u"SerializationException"_s;
        QTest::newRow("wrong type") << u"ListKeys"_s << QByteArray("{\"Limit\":\"ten\"}") << 400
                                    << u"SerializationException"_s;
        QTest::newRow("integer out of range") << u"ListKeys"_s << QByteArray("{\"Limit\":1e300}") << 400
                                              << u"SerializationException"_s;
        QTest::newRow("fractional integer") << u"ListKeys"_s << QByteArray("{\"Limit\":1.5}") << 400
                                            << u"SerializationException"_s;
        QTest::newRow("context value not a string")
            << u"Encrypt"_s << QByteArray("{\"KeyId\":\"alias/x\",\"Plaintext\":\"AA==\",\"EncryptionContext\":{\"a\":1}}")
            << 400 << u"SerializationException"_s;
        QTest::newRow("invalid base64") << u"Decrypt"_s << QByteArray("{\"CiphertextBlob\":\"!!!not base64\"}") << 400
                                        << u"SerializationException"_s;
        QTest::newRow("missing required member") << u"DescribeKey"_s << QByteArray("{}") << 400
                                                 << u"ValidationException"_s;
        QTest::newRow("over 1 MiB") << u"ListKeys"_s << QByteArray(1024 * 1024 + 1, ' ') << 413
                                    << u"RequestEntityTooLargeException"_s;
    }

    void protocolErrors()
    {
        QFETCH(QString, operation);
        QFETCH(QByteArray, body);
        QFETCH(int, status);
        QFETCH(QString, type);
        Answer a = call(operation, body);
        QCOMPARE(a.status, status);
        QCOMPARE(a.type(), type);
        // …and the endpoint keeps serving.
        QCOMPARE(ok(u"ListKeys"_s, {}).status, 200);
    }

    void authenticationRefusals()
    {
        const QCA::SecureArray wrong(QByteArrayLiteral("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"));
        QCOMPARE(call(u"ListKeys"_s, "{}", u"us-east-1"_s, {}, &wrong).type(), u"InvalidSignatureException"_s);
        Answer stale = call(u"ListKeys"_s, "{}", u"us-east-1"_s, {}, nullptr, m_fx.clock().now().addSecs(-20 * 60));
        QCOMPARE(stale.type(), u"InvalidSignatureException"_s);
        QVERIFY(stale.json.value(u"message").toString().startsWith(u"Signature expired"_s));
        Answer unknown = call(u"ListKeys"_s, "{}", u"us-east-1"_s, [](SigV4Request &r) {
            r.headers.last().second.replace("Credential=AKIA", "Credential=AKIB");
        });
        QCOMPARE(unknown.type(), u"UnrecognizedClientException"_s);
        QCOMPARE(call(u"ListKeys"_s, "{}", u"xx-nowhere-1"_s).type(), u"InvalidSignatureException"_s);
        Answer tampered = call(u"ListKeys"_s, "{}", u"us-east-1"_s, [](SigV4Request &r) { r.body = "{\"Limit\":1}"; });
        QCOMPARE(tampered.type(), u"InvalidSignatureException"_s);

        // An Inactive key authenticates nobody; Active again, it does.
        qkms::iam::PrincipalStore principals(m_fx.vault());
        qkms::iam::AccessKeys keys(m_fx.vault(), principals);
        QVERIFY(keys.updateStatus(principals.rootArn(), u"alice"_s, m_keyId, u"Inactive"_s).has_value());
        QCOMPARE(call(u"ListKeys"_s, "{}").type(), u"UnrecognizedClientException"_s);
        QVERIFY(keys.updateStatus(principals.rootArn(), u"alice"_s, m_keyId, u"Active"_s).has_value());
        QCOMPARE(call(u"ListKeys"_s, "{}").status, 200);
    }

    void regionsAreSeparate()
    {
        const QString arn = createKey();
        Answer other = call(u"DescribeKey"_s, QJsonDocument(QJsonObject{{u"KeyId"_s, arn}}).toJson(), u"eu-west-1"_s);
        QCOMPARE(other.status, 400);
        QVERIFY(other.type() == u"NotFoundException"_s || other.type() == u"InvalidArnException"_s);
        QCOMPARE(ok(u"ListKeys"_s, {}, u"eu-west-1"_s).json.value(u"Keys").toArray().size(), 0);
    }

    void auditNamesEndpointAndPeer()
    {
        const QString arn = createKey();
        QCOMPARE(ok(u"Encrypt"_s, {{u"KeyId"_s, arn}, {u"Plaintext"_s, u"AA=="_s}}).status, 200);
        // Batched cryptographic events reach the file while the endpoint keeps running: another
        // handle on the vault (as another process) sees them.
        auto other = m_fx.openAgain();
        QVERIFY(other);
        auto service = qkms::kms::KmsService::open(*other, u"us-east-1"_s);
        QVERIFY(service.has_value());
        auto encryptEvent = [&]() -> QJsonObject {
            auto events = (*service)->audit().events();
            for (const QJsonObject &e : events.value_or(QList<QJsonObject>{}))
                if (e.value(u"eventName").toString() == u"Encrypt")
                    return e;
            return {};
        };
        QTRY_VERIFY_WITH_TIMEOUT(!encryptEvent().isEmpty(), 5000);
        const QJsonObject e = encryptEvent();
        QCOMPARE(e.value(u"sourceIPAddress").toString(), u"127.0.0.1"_s);
        QVERIFY(e.value(u"userAgent").toString().endsWith(u"endpoint"_s));
        QVERIFY(e.value(u"userIdentity").toObject().value(u"arn").toString().endsWith(u":user/alice"_s));
    }

    void throttling()
    {
        m_endpoint->setRequestsPerSecond(2);
        QStringList types;
        for (int i = 0; i < 4; ++i)
            types.append(call(u"ListKeys"_s, "{}").type());
        QVERIFY2(types.contains(u"ThrottlingException"_s), qPrintable(types.join(u',')));
        m_endpoint->setRequestsPerSecond(0);
        QCOMPARE(call(u"ListKeys"_s, "{}").status, 200);
    }

    void concurrentAndHalfOpenConnections()
    {
        // A client that sends half a request and stalls must not stop the others.
        QTcpSocket stalled;
        stalled.connectToHost(QHostAddress::LocalHost, m_endpoint->port());
        QVERIFY(stalled.waitForConnected(5000));
        stalled.write("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"Li");
        QVERIFY(stalled.waitForBytesWritten(5000));

        constexpr int Clients = 200;
        std::vector<std::unique_ptr<QTcpSocket>> sockets;
        for (int i = 0; i < Clients; ++i) {
            const QByteArray wire = rawRequest("GenerateRandom", "{\"NumberOfBytes\":16}", false);
            QVERIFY(!wire.isEmpty());
            auto s = std::make_unique<QTcpSocket>();
            s->connectToHost(QHostAddress::LocalHost, m_endpoint->port());
            QTcpSocket *raw = s.get();
            connect(raw, &QTcpSocket::connected, raw, [raw, wire] { raw->write(wire); });
            sockets.push_back(std::move(s));
        }
        auto answered = [&sockets] {
            int n = 0;
            for (auto &s : sockets)
                n += s->bytesAvailable() > 0 && s->peek(s->bytesAvailable()).contains("\"Plaintext\"") ? 1 : 0;
            return n;
        };
        QTRY_COMPARE_WITH_TIMEOUT(answered(), Clients, 60000);
        for (auto &s : sockets)
            QVERIFY(s->peek(s->bytesAvailable()).startsWith("HTTP/1.1 200"));
        QCOMPARE(ok(u"ListKeys"_s, {}).status, 200);
    }

    void stalledConnectionsAreClosed()
    {
        m_endpoint->setIdleTimeout(400);
        // One client connects and says nothing; another sends half a request and stalls.
        QTcpSocket silent;
        silent.connectToHost(QHostAddress::LocalHost, m_endpoint->port());
        QVERIFY(silent.waitForConnected(5000));
        QTcpSocket partial;
        partial.connectToHost(QHostAddress::LocalHost, m_endpoint->port());
        QVERIFY(partial.waitForConnected(5000));
        partial.write("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"Li");
        QVERIFY(partial.waitForBytesWritten(5000));

        // Meanwhile a third client is served, request after request on one keep-alive
        // connection, for longer than the timeout: activity keeps it open.
        QTcpSocket active;
        active.connectToHost(QHostAddress::LocalHost, m_endpoint->port());
        QVERIFY(active.waitForConnected(5000));
        const QByteArray wire = rawRequest("GenerateRandom", "{\"NumberOfBytes\":16}", true);
        int answered = 0;
        QByteArray received;
        connect(&active, &QTcpSocket::readyRead, this, [&] {
            received += active.readAll();
            // One answer per request: the body is the last thing of each.
            while (received.contains("\"Plaintext\"") && received.contains('}')) {
                QVERIFY(received.startsWith("HTTP/1.1 200"));
                received.remove(0, received.indexOf('}') + 1);
                ++answered;
                active.write(wire);
            }
        });
        active.write(wire);
        QElapsedTimer elapsed;
        elapsed.start();
        QTRY_VERIFY_WITH_TIMEOUT(silent.state() == QAbstractSocket::UnconnectedState
                                     && partial.state() == QAbstractSocket::UnconnectedState,
                                 10000);
        QVERIFY2(elapsed.elapsed() >= 300, "closed before the timeout");
        QCOMPARE(active.state(), QAbstractSocket::ConnectedState);
        QVERIFY(answered > 0);
        // When it goes quiet too, it is closed in turn.
        active.disconnect(this);
        QTRY_COMPARE_WITH_TIMEOUT(active.state(), QAbstractSocket::UnconnectedState, 10000);
    }

    void tls()
    {
        if (!QSslSocket::supportsSsl())
            QSKIP("Qt was built without a TLS backend");
        QTemporaryDir dir;
        const QString cert = dir.filePath(u"cert.pem"_s);
        const QString key = dir.filePath(u"key.pem"_s);
        QProcess openssl;
        openssl.start(u"openssl"_s, {u"req"_s, u"-x509"_s, u"-newkey"_s, u"ec"_s, u"-pkeyopt"_s,
                                     u"ec_paramgen_curve:prime256v1"_s, u"-nodes"_s, u"-days"_s, u"2"_s,
                                     u"-subj"_s, u"/CN=127.0.0.1"_s, u"-keyout"_s, key, u"-out"_s, cert});
        if (!openssl.waitForFinished(30000) || openssl.exitCode() != 0)
            QSKIP("the openssl command cannot make a test certificate");
        m_endpoint->stop();
        // Files that do not load: start() refuses and says why.
        m_endpoint->setTls(dir.filePath(u"missing.pem"_s), key);
        auto refused = m_endpoint->start(QHostAddress::LocalHost, 0);
        QVERIFY(!refused.has_value());
        QCOMPARE(refused.error().type, qkms::errors::Validation);
        m_endpoint->setTls(cert, key);
        QVERIFY(m_endpoint->start(QHostAddress::LocalHost, 0).has_value());
        QVERIFY(m_endpoint->statusText().startsWith(u"Listening on https://"_s));
        m_scheme = u"https"_s;
        m_trusted = QSslCertificate::fromPath(cert);
        Answer a = call(u"ListKeys"_s, "{}");
        m_scheme = u"http"_s;
        m_trusted.clear();
        QCOMPARE(a.status, 200);
        QVERIFY(a.json.contains(u"Keys"));
    }

    void stopReleasesThePort()
    {
        const quint16 port = m_endpoint->port();
        m_endpoint->stop();
        QVERIFY(!m_endpoint->isRunning());
        QCOMPARE(m_endpoint->port(), quint16(0));
        QCOMPARE(m_endpoint->statusText(), u"Stopped"_s);
        QVERIFY(m_endpoint->start(QHostAddress::LocalHost, port).has_value());
        QCOMPARE(m_endpoint->port(), port);
        QVERIFY(!m_endpoint->start(QHostAddress::LocalHost, 0).has_value()); // already running
    }
};

QKMS_TEST_MAIN(TestEndpoint)
#include "tst_endpoint.moc"
