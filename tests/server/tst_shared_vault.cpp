// Issue 8's promise: the console and a separate `qkms serve` may use the same vault at once
// without corrupting it or losing writes. The real `qkms serve` runs as a second process on the
// test's vault while this process, playing the console, writes through its own engine; both
// sides create keys, aliases and tags, tag each other's keys and encrypt, interleaved. Afterwards
// each side must list every write of both, no call may have failed (a lock held by the other
// process is waited for, never reported), and the region's audit chain must verify and hold
// every event of both front ends. Nothing asserted depends on timing: only counts and presence.

#include "AccessKeyFixture.h"
#include "CliRunner.h"
#include "EngineTest.h"
#include "SigV4.h"
#include "TestMain.h"
#include "VaultFixture.h"
#include "kms/AuditLog.h"
#include "kms/KmsService.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTest>

#include <deque>
#include <functional>

using namespace Qt::StringLiterals;
using qkms::kms::Tags;
using qkms::server::SigV4;
using qkms::server::SigV4Request;

namespace {

const QString kRegion = u"us-east-1"_s;
constexpr int kKeysPerSide = 40;   // per key: 4 writes, a cross tag, a cross decrypt; ~500 calls
constexpr int kInFlight = 4;       // HTTP requests outstanding at once
constexpr int kDeadlineMs = 120000; // a hang fails the test instead of blocking ctest

/// One HTTP call of the endpoint side and what to do with its answer.
struct HttpJob {
    QString operation;
    QJsonObject body;
    std::function<void(const QJsonObject &)> onSuccess;
};

QJsonArray tagList(const Tags &tags)
{
    QJsonArray out;
    for (auto it = tags.cbegin(); it != tags.cend(); ++it)
        out.append(QJsonObject{{u"TagKey"_s, it.key()}, {u"TagValue"_s, it.value()}});
    return out;
}

} // namespace

class TestSharedVault : public QObject
{
    Q_OBJECT

    qkms::test::VaultFixture m_fx;
    QProcess m_serve;
    quint16 m_port = 0;
    QString m_accessKeyId;
    QCA::SecureArray m_secret;
    QNetworkAccessManager m_nam;
    std::unique_ptr<qkms::kms::KmsService> m_console;
    qkms::kms::Caller m_consoleCaller;

    // What both sides wrote, to be found again afterwards.
    QStringList m_consoleKeys;
    QStringList m_endpointKeys;
    QMap<QString, QString> m_aliasTarget;     // alias name → KeyId
    QMap<QString, Tags> m_expectedTags;       // KeyId → every tag either side put on it
    QMap<QString, QByteArray> m_ciphertexts;  // KeyId → a ciphertext its creator made
    QStringList m_failures;                   // every call that did not succeed, both sides

    std::deque<HttpJob> m_httpQueue;
    int m_inFlight = 0;
    std::deque<std::function<void()>> m_consoleQueue;

    // ---- the endpoint side: SigV4-signed JSON 1.1 over QNetworkAccessManager ----

    QNetworkReply *post(const QString &operation, const QJsonObject &body)
    {
        SigV4Request r;
        r.method = "POST";
        const QByteArray host = "127.0.0.1:" + QByteArray::number(m_port);
        r.headers = {{"Host", host},
                     {"Content-Type", "application/x-amz-json-1.1"},
                     {"X-Amz-Target", "TrentService." + operation.toLatin1()}};
        r.body = QJsonDocument(body).toJson(QJsonDocument::Compact);
        // The server runs on QKMS_NOW = the fixture's time, so signing at that time is never stale.
        if (!SigV4::sign(r, m_accessKeyId, m_secret, kRegion, m_fx.clock().now()))
            qFatal("SigV4::sign failed");
        QNetworkRequest req(QUrl(u"http://"_s + QString::fromLatin1(host) + u"/"_s));
        for (const auto &[name, value] : r.headers)
            if (name.compare("host", Qt::CaseInsensitive) != 0)
                req.setRawHeader(name, value);
        return m_nam.post(req, r.body);
    }

    /// Status and JSON body of a finished reply; records anything but a 200 as a failure.
    std::optional<QJsonObject> answer(QNetworkReply *reply, const QString &operation)
    {
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const QByteArray raw = reply->readAll();
        reply->deleteLater();
        if (status == 200)
            return QJsonDocument::fromJson(raw).object();
        m_failures.append(u"endpoint %1: HTTP %2 %3 (%4)"_s.arg(operation).arg(status).arg(
            QString::fromUtf8(raw), reply->errorString()));
        return std::nullopt;
    }

    /// One call, waited for (the listing phase, when nothing else runs).
    std::optional<QJsonObject> call(const QString &operation, const QJsonObject &body)
    {
        QNetworkReply *reply = post(operation, body);
        QSignalSpy done(reply, &QNetworkReply::finished);
        if (!reply->isFinished() && !done.wait(20000)) {
            m_failures.append(u"endpoint %1: no answer in 20 s"_s.arg(operation));
            return std::nullopt;
        }
        return answer(reply, operation);
    }

    /// Starts queued HTTP jobs until kInFlight are outstanding.
    void pumpHttp()
    {
        while (m_inFlight < kInFlight && !m_httpQueue.empty()) {
            HttpJob job = std::move(m_httpQueue.front());
            m_httpQueue.pop_front();
            QNetworkReply *reply = post(job.operation, job.body);
            ++m_inFlight;
            connect(reply, &QNetworkReply::finished, this, [this, reply, job = std::move(job)] {
                --m_inFlight;
                if (auto json = answer(reply, job.operation); json && job.onSuccess)
                    job.onSuccess(*json);
                pumpHttp();
            });
        }
    }

    // ---- the work of each side ----

    /// Records a failed engine call of the console side; true when it succeeded.
    template <typename T>
    bool consoleOk(const qkms::Result<T> &r, const QString &what)
    {
        if (!r)
            m_failures.append(u"console %1: %2"_s.arg(what, r.error().toString()));
        return r.has_value();
    }

    /// After a key of one side exists, the other side tags it and, once a ciphertext exists,
    /// decrypts under it: writes of both processes on the same key rows.
    void queueEndpointCross(const QString &consoleKeyId)
    {
        const Tags tag{{u"seen-by-endpoint"_s, u"yes"_s}};
        m_expectedTags[consoleKeyId].insert(tag);
        m_httpQueue.push_back({u"TagResource"_s, {{u"KeyId"_s, consoleKeyId}, {u"Tags"_s, tagList(tag)}}, {}});
    }
    void queueConsoleCross(const QString &endpointKeyId)
    {
        const Tags tag{{u"seen-by-console"_s, u"yes"_s}};
        m_expectedTags[endpointKeyId].insert(tag);
        m_consoleQueue.push_back([this, endpointKeyId, tag] {
            (void)consoleOk(m_console->tagResource(m_consoleCaller, endpointKeyId, tag), u"cross TagResource"_s);
        });
    }

    void queueEndpointKey(int i)
    {
        const Tags created{{u"side"_s, u"endpoint"_s}, {u"index"_s, QString::number(i)}};
        HttpJob job{u"CreateKey"_s, {{u"Description"_s, u"endpoint %1"_s.arg(i)}, {u"Tags"_s, tagList(created)}}, {}};
        job.onSuccess = [this, i, created](const QJsonObject &json) {
            const QString keyId = json.value(u"KeyMetadata").toObject().value(u"KeyId").toString();
            m_endpointKeys.append(keyId);
            const QString alias = u"alias/endpoint-%1"_s.arg(i);
            const Tags tagged{{u"tagged-by"_s, u"endpoint"_s}};
            m_aliasTarget.insert(alias, keyId);
            m_expectedTags[keyId].insert(created);
            m_expectedTags[keyId].insert(tagged);
            // Its own follow-ups go first, so that every kind of write overlaps the console's.
            // Encrypt names the alias, so it is sent once CreateAlias has answered, as a client
            // would: requests in flight together may be served in any order (worker threads).
            auto encrypt = [this, keyId, alias](const QJsonObject &) {
                m_httpQueue.push_front({u"Encrypt"_s, {{u"KeyId"_s, alias}, {u"Plaintext"_s, u"c2hhcmVk"_s}},
                                        [this, keyId](const QJsonObject &enc) {
                                            m_ciphertexts.insert(keyId, QByteArray::fromBase64(
                                                enc.value(u"CiphertextBlob").toString().toLatin1()));
                                        }});
            };
            m_httpQueue.push_front({u"TagResource"_s, {{u"KeyId"_s, keyId}, {u"Tags"_s, tagList(tagged)}}, {}});
            m_httpQueue.push_front({u"CreateAlias"_s, {{u"AliasName"_s, alias}, {u"TargetKeyId"_s, keyId}}, encrypt});
            queueConsoleCross(keyId);
        };
        m_httpQueue.push_back(std::move(job));
    }

    void queueConsoleKey(int i)
    {
        m_consoleQueue.push_back([this, i] {
            const Tags created{{u"side"_s, u"console"_s}, {u"index"_s, QString::number(i)}};
            auto key = m_console->createKey(m_consoleCaller, qkms::test::keyRequest(u"console %1"_s.arg(i), {}, {}, created));
            if (!consoleOk(key, u"CreateKey"_s))
                return;
            const QString keyId = key->keyId;
            m_consoleKeys.append(keyId);
            const QString alias = u"alias/console-%1"_s.arg(i);
            const Tags tagged{{u"tagged-by"_s, u"console"_s}};
            m_aliasTarget.insert(alias, keyId);
            m_expectedTags[keyId].insert(created);
            m_expectedTags[keyId].insert(tagged);
            m_consoleQueue.push_front([this, keyId, alias] {
                auto enc = m_console->encrypt(m_consoleCaller, alias, qkms::test::secret("shared"));
                if (consoleOk(enc, u"Encrypt"_s))
                    m_ciphertexts.insert(keyId, enc->ciphertextBlob);
            });
            m_consoleQueue.push_front([this, keyId, tagged] {
                (void)consoleOk(m_console->tagResource(m_consoleCaller, keyId, tagged), u"TagResource"_s);
            });
            m_consoleQueue.push_front([this, keyId, alias] {
                (void)consoleOk(m_console->createAlias(m_consoleCaller, alias, keyId), u"CreateAlias"_s);
            });
            queueEndpointCross(keyId);
        });
    }

    /// Runs both queues until both are drained: one console call, then whatever the network
    /// has delivered, so the engine's writes fall between the server's.
    bool runInterleaved()
    {
        QElapsedTimer clock;
        clock.start();
        pumpHttp();
        while (!m_consoleQueue.empty() || !m_httpQueue.empty() || m_inFlight > 0) {
            if (clock.elapsed() > kDeadlineMs)
                return false;
            if (!m_consoleQueue.empty()) {
                auto step = std::move(m_consoleQueue.front());
                m_consoleQueue.pop_front();
                step();
                QCoreApplication::processEvents();
            } else {
                QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents, 50);
            }
            pumpHttp();
        }
        return true;
    }

    // ---- listing from the endpoint side ----

    /// Every page of ListKeys or ListAliases through HTTP, as the `member` arrays joined.
    QJsonArray listAllOverHttp(const QString &operation, const QString &member, QJsonObject body = {})
    {
        QJsonArray all;
        for (int page = 0; page < 100; ++page) {
            body.insert(u"Limit"_s, 7); // small pages: the markers are exercised too
            auto json = call(operation, body);
            if (!json)
                break;
            for (const QJsonValue &v : json->value(member).toArray())
                all.append(v);
            if (!json->value(u"Truncated"_s).toBool())
                break;
            body.insert(u"Marker"_s, json->value(u"NextMarker"_s));
        }
        return all;
    }

private Q_SLOTS:
    void initTestCase()
    {
        qkms::vault::Vault &vault = m_fx.vault();
        auto alice = qkms::test::AccessKeyFixture::create(vault);
        QVERIFY2(alice.has_value(), qPrintable(qkms::test::why(alice)));
        m_accessKeyId = alice->accessKeyId;
        m_secret = alice->secretAccessKey;

        auto service = qkms::kms::KmsService::open(vault, kRegion);
        QVERIFY2(service.has_value(), qPrintable(qkms::test::why(service)));
        m_console = std::move(*service);
        m_consoleCaller = {m_console->rootArn(), u"console"_s, {}};

        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(u"QKMS_PASSPHRASE"_s, QString::fromUtf8(qkms::test::kPassphrase));
        env.insert(u"QKMS_NOW"_s, m_fx.clock().now().toString(Qt::ISODateWithMs));
        env.remove(u"QKMS_PRINCIPAL"_s);
        m_serve.setProcessEnvironment(env);
        m_serve.start(qkms::test::binaryPath(u"qkms"_s),
                      {u"--vault"_s, m_fx.dir(), u"serve"_s, u"--listen"_s, u"127.0.0.1:0"_s});
        QVERIFY(m_serve.waitForStarted(10000));
        // The first stdout line names the address.
        QElapsedTimer waited;
        waited.start();
        while (!m_serve.canReadLine() && m_serve.state() == QProcess::Running && waited.elapsed() < 20000)
            m_serve.waitForReadyRead(500);
        QVERIFY2(m_serve.canReadLine(), m_serve.readAllStandardError().constData());
        const QJsonObject started = QJsonDocument::fromJson(m_serve.readLine()).object();
        m_port = static_cast<quint16>(started.value(u"Port"_s).toInt());
        QVERIFY2(m_port != 0, QJsonDocument(started).toJson().constData());
    }

    void cleanupTestCase()
    {
        if (m_serve.state() != QProcess::NotRunning) {
            m_serve.kill();
            m_serve.waitForFinished(5000);
        }
        m_console.reset();
    }

    void bothFrontEndsWriteAtOnce()
    {
        // An audit event the console's engine could not write is a lost write too.
        QTest::failOnWarning(QRegularExpression(u"could not write the audit event"_s));
        for (int i = 0; i < kKeysPerSide; ++i) {
            queueEndpointKey(i);
            queueConsoleKey(i);
        }
        QElapsedTimer took;
        took.start();
        QVERIFY2(runInterleaved(), "the interleaved writes did not finish in time");
        qInfo("interleaved phase: %lld ms", static_cast<long long>(took.elapsed()));
        QVERIFY2(m_failures.isEmpty(), qPrintable(m_failures.join(u'\n')));
        QCOMPARE(m_consoleKeys.size(), kKeysPerSide);
        QCOMPARE(m_endpointKeys.size(), kKeysPerSide);
        QCOMPARE(m_ciphertexts.size(), 2 * kKeysPerSide);

        // Each side opens what the other encrypted: key material written by the other
        // process is there and whole.
        for (const QString &keyId : std::as_const(m_endpointKeys)) {
            auto dec = m_console->decrypt(m_consoleCaller, m_ciphertexts.value(keyId));
            if (consoleOk(dec, u"Decrypt"_s))
                QCOMPARE(dec->plaintext.toByteArray(), QByteArray("shared"));
        }
        for (const QString &keyId : std::as_const(m_consoleKeys)) {
            auto dec = call(u"Decrypt"_s, {{u"CiphertextBlob"_s, QString::fromLatin1(m_ciphertexts.value(keyId).toBase64())}});
            if (dec)
                QCOMPARE(dec->value(u"Plaintext"_s).toString(), u"c2hhcmVk"_s);
        }
        QVERIFY2(m_failures.isEmpty(), qPrintable(m_failures.join(u'\n')));
    }

    void everyWriteIsSeenFromBothSides()
    {
        if (m_consoleKeys.size() != kKeysPerSide || m_endpointKeys.size() != kKeysPerSide)
            QSKIP("the writes failed (see bothFrontEndsWriteAtOnce)");
        const QStringList allKeys = m_consoleKeys + m_endpointKeys;
        QSet<QString> expectedKeys(allKeys.cbegin(), allKeys.cend());

        // Keys: the engine's list and the endpoint's list, each exactly the keys both made.
        auto engineKeys = m_console->listKeys(m_consoleCaller, 1000);
        QVERIFY2(engineKeys.has_value(), qPrintable(qkms::test::why(engineKeys)));
        QSet<QString> seen;
        for (const auto &[keyId, arn] : engineKeys->keys)
            seen.insert(keyId);
        QCOMPARE(seen, expectedKeys);
        seen.clear();
        for (const QJsonValue &v : listAllOverHttp(u"ListKeys"_s, u"Keys"_s))
            seen.insert(v.toObject().value(u"KeyId"_s).toString());
        QCOMPARE(seen, expectedKeys);

        // Aliases: every one, pointing at its key, from both sides.
        QMap<QString, QString> engineAliases;
        QString marker;
        do {
            auto page = m_console->listAliases(m_consoleCaller, {}, 9, marker);
            QVERIFY2(page.has_value(), qPrintable(qkms::test::why(page)));
            for (const auto &a : page->aliases)
                if (!a.aliasName.startsWith(u"alias/aws/"_s))
                    engineAliases.insert(a.aliasName, a.targetKeyId);
            marker = page->nextMarker.value_or(QString());
        } while (!marker.isEmpty());
        QCOMPARE(engineAliases, m_aliasTarget);
        QMap<QString, QString> httpAliases;
        for (const QJsonValue &v : listAllOverHttp(u"ListAliases"_s, u"Aliases"_s)) {
            const QJsonObject a = v.toObject();
            if (!a.value(u"AliasName"_s).toString().startsWith(u"alias/aws/"_s))
                httpAliases.insert(a.value(u"AliasName"_s).toString(), a.value(u"TargetKeyId"_s).toString());
        }
        QCOMPARE(httpAliases, m_aliasTarget);

        // Tags: on every key, the creator's, its own TagResource and the other side's.
        for (const QString &keyId : allKeys) {
            const Tags expected = m_expectedTags.value(keyId);
            QCOMPARE(expected.size(), 4);
            auto engineTags = m_console->listResourceTags(m_consoleCaller, keyId);
            QVERIFY2(engineTags.has_value(), qPrintable(qkms::test::why(engineTags)));
            QCOMPARE(engineTags->tags, expected);
            auto json = call(u"ListResourceTags"_s, {{u"KeyId"_s, keyId}});
            QVERIFY2(json.has_value(), qPrintable(m_failures.join(u'\n')));
            Tags httpTags;
            for (const QJsonValue &v : json->value(u"Tags"_s).toArray())
                httpTags.insert(v.toObject().value(u"TagKey"_s).toString(), v.toObject().value(u"TagValue"_s).toString());
            QCOMPARE(httpTags, expected);
        }
        QVERIFY2(m_failures.isEmpty(), qPrintable(m_failures.join(u'\n')));
    }

    void auditChainHoldsBothFrontEnds()
    {
        if (m_consoleKeys.size() != kKeysPerSide || m_endpointKeys.size() != kKeysPerSide)
            QSKIP("the writes failed (see bothFrontEndsWriteAtOnce)");
        // Stopping the server writes its batched events; Ctrl-C's signal is how a user stops it.
        m_serve.terminate();
        QVERIFY(m_serve.waitForFinished(20000));
        QCOMPARE(m_serve.exitStatus(), QProcess::NormalExit);
        const QByteArray serveErr = m_serve.readAllStandardError();
        QVERIFY2(m_serve.exitCode() == 0, serveErr.constData());
        QVERIFY2(!serveErr.contains("warning") && !serveErr.contains("failed") && !serveErr.contains("could not"),
                 serveErr.constData());
        QVERIFY2(m_console->audit().flush().has_value(), "the console's audit batch was not written");

        auto verified = m_console->audit().verify();
        QVERIFY2(verified.has_value(), qPrintable(qkms::test::why(verified)));
        QVERIFY2(verified->intact(), qPrintable(verified->problem));

        // Every write of either side is one event, with its front end, and none failed.
        auto events = m_console->audit().events();
        QVERIFY2(events.has_value(), qPrintable(qkms::test::why(events)));
        QMap<QString, int> count; // "frontEnd eventName" → events
        int switches = 0;         // how often the chain passes from one front end to the other
        QString last;
        for (const QJsonObject &e : std::as_const(*events)) {
            const QString frontEnd = e.value(u"additionalEventData"_s).toObject().value(u"frontEnd"_s).toString();
            const QString name = e.value(u"eventName"_s).toString();
            QVERIFY2(!e.contains(u"errorCode"_s), QJsonDocument(e).toJson().constData());
            ++count[frontEnd + u' ' + name];
            switches += !last.isEmpty() && frontEnd != last ? 1 : 0;
            last = frontEnd;
        }
        // Informative only (it depends on scheduling): how finely the two processes interleaved.
        qInfo("%lld audit events, %d changes of front end", static_cast<long long>(events->size()), switches);
        const int n = kKeysPerSide;
        for (const QString &frontEnd : {u"console"_s, u"endpoint"_s}) {
            QCOMPARE(count.value(frontEnd + u" CreateKey"_s), n);
            QCOMPARE(count.value(frontEnd + u" CreateAlias"_s), n);
            QCOMPARE(count.value(frontEnd + u" TagResource"_s), 2 * n); // its own and the cross tag
            QCOMPARE(count.value(frontEnd + u" Encrypt"_s), n);
            QCOMPARE(count.value(frontEnd + u" Decrypt"_s), n);
        }
        QCOMPARE(count.value(u"endpoint ListResourceTags"_s), 2 * n);

        // The CLI, a third process, agrees that the chain is whole and holds all of it.
        const auto cli = qkms::test::runQkms(m_fx.dir(), {u"--region"_s, kRegion, u"verify-audit"_s},
                                             qkms::test::kPassphrase);
        QVERIFY2(cli.exitCode == 0, qPrintable(cli.errText()));
        const QJsonObject report = QJsonDocument::fromJson(cli.out).object();
        QCOMPARE(report.value(u"Intact"_s).toBool(), true);
        QVERIFY(report.value(u"Events"_s).toInteger() >= events->size());
    }
};

QKMS_TEST_MAIN(TestSharedVault)
#include "tst_shared_vault.moc"
