// AuditRecord::toJson writes the event bytes directly; they must be exactly the bytes
// QJsonDocument wrote before (the stored events and their hash chain depend on it), for
// every kind of value an event can carry. Also the chain's link hash against an independent
// SHA-256, and the events a real service stores.

#include "TestMain.h"
#include "VaultFixture.h"
#include "kms/AuditLog.h"
#include "kms/AuditRecord.h"
#include "kms/KmsService.h"
#include "store/Database.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QtEndian>

using namespace qkms;
using namespace qkms::kms;
using namespace Qt::StringLiterals;

namespace {

AuditRecord sample()
{
    AuditRecord e;
    e.principalArn = u"arn:aws:iam::111122223333:user/alice"_s;
    e.accountId = u"111122223333"_s;
    e.region = u"eu-west-1"_s;
    e.frontEnd = u"cli"_s;
    e.time = QDateTime(QDate(2026, 11, 28), QTime(23, 54, 6, 789), QTimeZone::UTC);
    e.operation = u"Encrypt"_s;
    e.keyArn = u"arn:aws:kms:eu-west-1:111122223333:key/0f6a6c1e-7e8b-4a59-9b1e-2f4c3d5e6a7b"_s;
    e.params = QJsonObject{{u"keyId"_s, u"alias/app"_s},
                           {u"encryptionAlgorithm"_s, u"SYMMETRIC_DEFAULT"_s},
                           {u"encryptionContext"_s, QJsonObject{{u"purpose"_s, u"test"_s}}}};
    e.eventId = QUuid(u"6f1c2e3d-4b5a-4c6d-8e7f-901a2b3c4d5e"_s);
    return e;
}

QByteArray reference(const AuditRecord &e)
{
    return QJsonDocument(e.toJsonObject()).toJson(QJsonDocument::Compact);
}

} // namespace

class TestAuditRecord : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void matchesQJsonDocument_data();
    void matchesQJsonDocument();
    void differentEventsDiffer();
    void auditParams_data();
    void auditParams();
    void paramsJsonReplacesParams();
    void linkHash_data();
    void linkHash();
    void storedEventsAreQtCanonical();
};

void TestAuditRecord::matchesQJsonDocument_data()
{
    QTest::addColumn<QString>("field");
    QTest::addColumn<QJsonValue>("value");
    const QString lone = QString(QChar(0xD800)) + u"x"_s; // an unpaired surrogate
    QTest::newRow("plain sample") << u""_s << QJsonValue();
    QTest::newRow("quote and backslash in message") << u"errorMessage"_s << QJsonValue(u"say \"no\" C:\\path"_s);
    QTest::newRow("control characters") << u"errorMessage"_s << QJsonValue(u"a\tb\nc\rd\be\ff\x01g\x1fh\x7f"_s);
    QTest::newRow("non-ASCII text") << u"errorMessage"_s << QJsonValue(u"clé «ü» 鍵 😀"_s);
    QTest::newRow("unpaired surrogate") << u"errorMessage"_s << QJsonValue(lone);
    QTest::newRow("empty error") << u"errorMessage"_s << QJsonValue(u""_s);
    QTest::newRow("no key") << u"keyArn"_s << QJsonValue(u""_s);
    QTest::newRow("source address") << u"sourceAddress"_s << QJsonValue(u"192.0.2.10"_s);
    QTest::newRow("role principal") << u"principalArn"_s << QJsonValue(u"arn:aws:iam::111122223333:role/ops"_s);
    QTest::newRow("root principal") << u"principalArn"_s << QJsonValue(u"arn:aws:iam::111122223333:root"_s);
    QTest::newRow("service front end") << u"frontEnd"_s << QJsonValue(u"files.us-east-1.amazonaws.com"_s);
    QTest::newRow("read-only operation") << u"operation"_s << QJsonValue(u"DescribeKey"_s);
    QTest::newRow("simulated time") << u"simulatedTime"_s << QJsonValue(true);
    QTest::newRow("local time") << u"localTime"_s << QJsonValue(true);
    QTest::newRow("integer and fraction params")
        << u"params"_s << QJsonValue(QJsonObject{{u"numberOfBytes"_s, 1024}, {u"ratio"_s, 0.1}, {u"big"_s, 1e21}});
    QTest::newRow("array, bool, null params")
        << u"params"_s
        << QJsonValue(QJsonObject{{u"grantTokens"_s, QJsonArray{u"t1"_s, u"t\"2"_s}}, {u"dryRun"_s, false},
                                  {u"marker"_s, QJsonValue::Null}, {u"Zebra"_s, u"upper case sorts first"_s},
                                  {u"nested"_s, QJsonObject{{u"b"_s, QJsonArray{}}, {u"a"_s, QJsonObject{}}}}});
    QTest::newRow("non-ASCII context key")
        << u"params"_s << QJsonValue(QJsonObject{{u"encryptionContext"_s, QJsonObject{{u"clé"_s, u"v"_s}}}});
    QTest::newRow("empty params") << u"params"_s << QJsonValue(QJsonObject{});
}

void TestAuditRecord::matchesQJsonDocument()
{
    QFETCH(QString, field);
    QFETCH(QJsonValue, value);
    AuditRecord e = sample();
    if (field == u"errorMessage")
        e.error = KmsError{u"ValidationException"_s, value.toString()};
    else if (field == u"keyArn")
        e.keyArn = value.toString();
    else if (field == u"sourceAddress")
        e.sourceAddress = value.toString();
    else if (field == u"principalArn")
        e.principalArn = value.toString();
    else if (field == u"frontEnd")
        e.frontEnd = value.toString();
    else if (field == u"operation")
        e.operation = value.toString();
    else if (field == u"simulatedTime")
        e.simulatedTime = true;
    else if (field == u"localTime")
        e.time = e.time.toOffsetFromUtc(3600);
    else if (field == u"params")
        e.params = value.toObject();
    const QByteArray expected = reference(e);
    QCOMPARE(e.toJson(), expected);
    QCOMPARE(e.toJson(), expected); // the memoised time gives the same bytes again
}

void TestAuditRecord::differentEventsDiffer()
{
    // Negative: the comparison above would catch a writer that ignored a field.
    AuditRecord a = sample();
    AuditRecord b = sample();
    b.params.insert(u"keyId"_s, u"alias/other"_s);
    QVERIFY(a.toJson() != b.toJson());
    b = sample();
    b.time = b.time.addSecs(1);
    QVERIFY(a.toJson() != b.toJson());
    QCOMPARE(reference(b), b.toJson());
}

using ContextMap = QMap<QString, QString>;

void TestAuditRecord::auditParams_data()
{
    // AuditParams writes requestParameters without a QJsonObject; its bytes must be
    // QJsonDocument's for the object Encrypt, Decrypt and GenerateDataKey used to build.
    QTest::addColumn<ContextMap>("context");
    QTest::addColumn<bool>("withKeyId");
    QTest::addColumn<int>("numberOfBytes"); // 0 = none
    QTest::newRow("Encrypt, one ASCII pair") << ContextMap{{u"purpose"_s, u"bench"_s}} << true << 0;
    QTest::newRow("empty context") << ContextMap{} << true << 0;
    QTest::newRow("Decrypt without KeyId") << ContextMap{{u"a"_s, u"1"_s}} << false << 0;
    QTest::newRow("upper case sorts before lower") << ContextMap{{u"b"_s, u"x"_s}, {u"B"_s, u"y"_s}, {u"_"_s, u"z"_s}}
                                                   << true << 0;
    QTest::newRow("values needing escapes")
        << ContextMap{{u"q"_s, u"say \"hi\" \\ \t\n"_s}, {u"u"_s, u"clé 鍵 😀"_s}, {u"c"_s, u"\x01\x7f"_s}} << true << 0;
    // Code-point order and UTF-16 order differ here (U+FF21 against a surrogate pair): the
    // writer must fall back to QJsonObject's own order.
    QTest::newRow("non-ASCII keys") << ContextMap{{u"é"_s, u"1"_s}, {u"😀"_s, u"2"_s}, {u"Ａ"_s, u"3"_s}, {u"z"_s, u"4"_s}}
                                    << true << 0;
    QTest::newRow("GenerateDataKey numberOfBytes") << ContextMap{{u"k"_s, u"v"_s}} << true << 1024;
}

void TestAuditRecord::auditParams()
{
    QFETCH(ContextMap, context);
    QFETCH(bool, withKeyId);
    QFETCH(int, numberOfBytes);
    QJsonObject ctx;
    for (auto it = context.cbegin(); it != context.cend(); ++it)
        ctx.insert(it.key(), it.value());
    QJsonObject expected{{u"encryptionAlgorithm"_s, u"SYMMETRIC_DEFAULT"_s}, {u"encryptionContext"_s, ctx}};
    AuditParams params;
    params.add("encryptionAlgorithm"_L1, u"SYMMETRIC_DEFAULT"_s).add("encryptionContext"_L1, context);
    if (withKeyId) {
        expected.insert(u"keyId"_s, u"alias/app"_s);
        params.add("keyId"_L1, u"alias/app"_s);
    }
    if (numberOfBytes) {
        expected.insert(u"numberOfBytes"_s, numberOfBytes);
        params.add("numberOfBytes"_L1, numberOfBytes);
    }
    QCOMPARE(params.take(), QJsonDocument(expected).toJson(QJsonDocument::Compact));
    QCOMPARE(AuditParams().take(), QByteArrayLiteral("{}"));
}

void TestAuditRecord::paramsJsonReplacesParams()
{
    // An event recorded with pre-written parameters is byte for byte the event recorded with
    // the QJsonObject, and reads back as the same object.
    const AuditRecord viaObject = sample();
    AuditRecord viaBytes = sample();
    viaBytes.params = {};
    viaBytes.paramsJson = AuditParams()
                              .add("encryptionAlgorithm"_L1, u"SYMMETRIC_DEFAULT"_s)
                              .add("encryptionContext"_L1, ContextMap{{u"purpose"_s, u"test"_s}})
                              .add("keyId"_L1, u"alias/app"_s)
                              .take();
    QCOMPARE(viaBytes.toJson(), viaObject.toJson());
    QCOMPARE(viaBytes.toJsonObject(), viaObject.toJsonObject());
    QCOMPARE(viaBytes.toJson(), reference(viaBytes));
    // Negative: other parameters give other bytes.
    viaBytes.paramsJson = AuditParams().add("keyId"_L1, u"alias/app"_s).take();
    QVERIFY(viaBytes.toJson() != viaObject.toJson());
}

void TestAuditRecord::linkHash_data()
{
    QTest::addColumn<QByteArray>("prev");
    QTest::addColumn<qint64>("seq");
    QTest::addColumn<QByteArray>("event");
    QTest::addColumn<bool>("matches");
    QTest::newRow("first link (docs/audit.md)") << QByteArray(32, '\0') << qint64(1) << QByteArrayLiteral("{}") << true;
    QTest::newRow("later link") << QByteArray(32, '\x5a') << qint64(0x0102030405060708) << sample().toJson() << true;
    QTest::newRow("negative: sequence not bound") << QByteArray(32, '\0') << qint64(2) << QByteArrayLiteral("{}") << false;
}

void TestAuditRecord::linkHash()
{
    QFETCH(QByteArray, prev);
    QFETCH(qint64, seq);
    QFETCH(QByteArray, event);
    QFETCH(bool, matches);
    // SHA-256(prev ‖ u64be(seq) ‖ event), computed independently, for sequence 1 (or seq when matching).
    char seqBytes[8];
    qToBigEndian(static_cast<quint64>(matches ? seq : 1), seqBytes);
    const QByteArray expected = QCryptographicHash::hash(prev + QByteArray(seqBytes, 8) + event, QCryptographicHash::Sha256);
    QCOMPARE(AuditLog::linkHash(prev, seq, event) == expected, matches);
}

void TestAuditRecord::storedEventsAreQtCanonical()
{
    // Every event a service stores is what QJsonDocument would have written for it.
    test::VaultFixture fixture;
    auto svc = KmsService::open(fixture.vault(), u"us-east-1"_s);
    QVERIFY(svc);
    const Caller root{(*svc)->rootArn(), u"cli"_s, {}};
    auto key = (*svc)->createKey(root, CreateKeyRequest{});
    QVERIFY(key);
    QVERIFY((*svc)->encrypt(root, key->keyId, QCA::SecureArray(QByteArrayLiteral("x")), {{u"k"_s, u"v\"é"_s}}));
    QVERIFY(!(*svc)->encrypt(root, u"alias/missing"_s, QCA::SecureArray(QByteArrayLiteral("x"))));
    QVERIFY((*svc)->generateDataKey(root, key->keyId, {}, std::nullopt, 16));
    QVERIFY((*svc)->describeKey(root, key->keyId));
    auto verification = (*svc)->audit().verify();
    QVERIFY(verification && verification->intact());
    QVERIFY(verification->events >= 5);
    auto q = (*svc)->database().prepare(u"SELECT event FROM audit ORDER BY seq"_s);
    QVERIFY(q);
    int checked = 0;
    while (true) {
        auto row = q->step();
        QVERIFY(row);
        if (!*row)
            break;
        const QByteArray stored = q->columnText(0).toUtf8();
        QCOMPARE(QJsonDocument::fromJson(stored).toJson(QJsonDocument::Compact), stored);
        ++checked;
    }
    QCOMPARE(checked, int(verification->events));
}

QKMS_TEST_MAIN(TestAuditRecord)
#include "tst_audit_record.moc"
