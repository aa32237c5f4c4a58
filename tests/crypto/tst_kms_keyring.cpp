// The KMS keyring over the real engine: data keys from GenerateDataKey with the message's
// context, extra EDKs from Encrypt, EDKs in the shape of the SDK's KMS keyring, messages that
// round-trip through the message layer with one or several keys, and decryption as a second
// principal — refused without permission (AccessDenied, AWS's message), allowed through the one
// key it may use. The DryRun access check agrees with what Decrypt does, and is audited.

#include "EngineTest.h"
#include "TestMain.h"
#include "envelope/KmsKeyring.h"
#include "envelope/MessageDecryptor.h"
#include "envelope/MessageEncryptor.h"
#include "iam/PrincipalStore.h"
#include "kms/AuditLog.h"

#include <QBuffer>
#include <QTest>

using namespace qkms;
using namespace qkms::envelope;
using namespace Qt::StringLiterals;
using test::why;

namespace {

constexpr auto Plain = AlgorithmSuite::AesGcmHkdfSha512Commit;
constexpr auto Signed = AlgorithmSuite::AesGcmHkdfSha512CommitEcdsaP384;

EncryptedDataKey kmsEdk(const QString &arn, const QByteArray &blob = QByteArray(64, 'x'))
{
    return EncryptedDataKey{"aws-kms"_ba, arn.toUtf8(), blob};
}

} // namespace

class TestKmsKeyring : public QObject, protected test::EngineTest
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void regionOfKeyArn_data();
    void regionOfKeyArn();
    void generateSingleKey();
    void generateSeveralKeys();
    void generateErrors();
    void roundTrip_data();
    void roundTrip();
    void secondPrincipal();
    void mostUsefulError();
    void otherRegionsAndProviders();
    void disabledKey();
    void dryRun();

private:
    kms::Caller m_bob;
    kms::KeyRecord m_keyA;
    kms::KeyRecord m_keyB;

    /// Lets bob use `key` for Decrypt only, through an identity policy (the default key policy
    /// delegates to IAM).
    void allowBobDecrypt(const kms::KeyRecord &key)
    {
        const QString doc = uR"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:Decrypt","Resource":"%1"}]})"_s
                                .arg(key.arn);
        auto st = m_svc->principals().putPolicy(m_root.principalArn, iam::PrincipalKind::User, u"bob"_s, u"files"_s, doc);
        if (!st)
            qFatal("putPolicy: %s", qPrintable(why(st)));
    }
    QByteArray encryptWith(KmsKeyring &keyring, const QByteArray &plain, AlgorithmSuite suite = Plain)
    {
        QBuffer in;
        in.setData(plain);
        in.open(QIODevice::ReadOnly);
        QBuffer out;
        out.open(QIODevice::WriteOnly);
        EncryptOptions o;
        o.suite = suite;
        o.frameLength = 1000;
        o.context = {{u"department"_s, u"payroll"_s}};
        auto r = MessageEncryptor(keyring).encrypt(in, out, o);
        if (!r)
            qWarning("encrypt: %s", qPrintable(why(r)));
        return out.data();
    }
    Result<QByteArray> decryptWith(KmsKeyring &keyring, const QByteArray &message)
    {
        QBuffer in;
        in.setData(message);
        in.open(QIODevice::ReadOnly);
        QBuffer out;
        out.open(QIODevice::WriteOnly);
        auto r = MessageDecryptor(keyring).decrypt(in, out);
        if (!r)
            return std::unexpected(r.error());
        return out.data();
    }
};

void TestKmsKeyring::init()
{
    QVERIFY(openEngine(u"us-east-1"_s, u"console"_s));
    QVERIFY(m_svc->principals().createUser(m_root.principalArn, u"bob"_s));
    m_bob = as(u"bob"_s, u"console"_s);
    m_keyA = create();
    m_keyB = create();
    QVERIFY(m_svc->createAlias(m_root, u"alias/files-b"_s, m_keyB.keyId));
}

void TestKmsKeyring::cleanup()
{
    closeEngine();
}

void TestKmsKeyring::regionOfKeyArn_data()
{
    QTest::addColumn<QString>("arn");
    QTest::addColumn<QString>("region"); // empty: not a key ARN
    QTest::newRow("key ARN") << u"arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"_s
                             << u"eu-west-1"_s;
    QTest::newRow("other partition") << u"arn:aws-cn:kms:cn-north-1:111122223333:key/k"_s << u"cn-north-1"_s;
    QTest::newRow("alias ARN") << u"arn:aws:kms:us-east-1:111122223333:alias/files"_s << QString();
    QTest::newRow("bare key id") << u"1234abcd-12ab-34cd-56ef-1234567890ab"_s << QString();
    QTest::newRow("no key id") << u"arn:aws:kms:us-east-1:111122223333:key/"_s << QString();
    QTest::newRow("not kms") << u"arn:aws:s3:us-east-1:111122223333:key/k"_s << QString();
    QTest::newRow("no region") << u"arn:aws:kms::111122223333:key/k"_s << QString();
    QTest::newRow("extra field") << u"arn:aws:kms:us-east-1:111122223333:key/k:x"_s << QString();
}

void TestKmsKeyring::regionOfKeyArn()
{
    QFETCH(QString, arn);
    QFETCH(QString, region);
    QCOMPARE(KmsKeyring::regionOfKeyArn(arn).value_or(QString()), region);
}

void TestKmsKeyring::generateSingleKey()
{
    KmsKeyring keyring(*m_svc, m_root, {u"alias/files-b"_s});
    const EncryptionContext ctx{{u"purpose"_s, u"test"_s}};
    auto g = keyring.generate(ctx);
    QVERIFY2(g, qPrintable(why(g)));
    QCOMPARE(g->plaintextKey.size(), 32);
    QCOMPARE(g->encryptedDataKeys.size(), 1);
    const EncryptedDataKey &edk = g->encryptedDataKeys.first();
    QCOMPARE(edk.providerId, "aws-kms"_ba);
    QCOMPARE(edk.providerInfo, m_keyB.arn.toUtf8()); // the key ARN, never the alias
    // The ciphertext is a KMS blob bound to the context: Decrypt gives the data key back with
    // it, and refuses without it.
    auto d = m_svc->decrypt(m_root, edk.ciphertext, ctx, m_keyB.arn);
    QVERIFY2(d, qPrintable(why(d)));
    QCOMPARE(d->plaintext.toByteArray(), g->plaintextKey.toByteArray());
    QCOMPARE(m_svc->decrypt(m_root, edk.ciphertext, {}, m_keyB.arn).error().type, errors::InvalidCiphertext);
}

void TestKmsKeyring::generateSeveralKeys()
{
    // The alias and the ARN of key B are one key: one EDK for it.
    KmsKeyring keyring(*m_svc, m_root, {m_keyA.keyId, u"alias/files-b"_s, m_keyB.arn});
    const EncryptionContext ctx{{u"a"_s, u"b"_s}};
    auto g = keyring.generate(ctx);
    QVERIFY2(g, qPrintable(why(g)));
    QCOMPARE(g->encryptedDataKeys.size(), 2);
    QCOMPARE(g->encryptedDataKeys[0].providerInfo, m_keyA.arn.toUtf8());
    QCOMPARE(g->encryptedDataKeys[1].providerInfo, m_keyB.arn.toUtf8());
    for (const EncryptedDataKey &edk : g->encryptedDataKeys) {
        auto d = m_svc->decrypt(m_root, edk.ciphertext, ctx, QString::fromUtf8(edk.providerInfo));
        QVERIFY2(d, qPrintable(why(d)));
        QCOMPARE(d->plaintext.toByteArray(), g->plaintextKey.toByteArray());
    }
}

void TestKmsKeyring::generateErrors()
{
    QCOMPARE(KmsKeyring(*m_svc, m_root).generate({}).error().type, errors::Validation);
    QCOMPARE(KmsKeyring(*m_svc, m_root, {u"alias/none"_s}).generate({}).error().type, errors::NotFound);
    // The second key fails: no message may be written with fewer keys than asked for.
    QCOMPARE(KmsKeyring(*m_svc, m_root, {m_keyA.arn, u"alias/none"_s}).generate({}).error().type, errors::NotFound);
    // Bob may not generate under A.
    auto denied = KmsKeyring(*m_svc, m_bob, {m_keyA.arn}).generate({});
    QCOMPARE(denied.error().type, errors::AccessDenied);
    QVERIFY(denied.error().message.contains(m_bob.principalArn));
}

void TestKmsKeyring::roundTrip_data()
{
    QTest::addColumn<int>("suite");
    QTest::addColumn<int>("keys");
    QTest::addColumn<int>("size");
    QTest::newRow("0x0478, one key, empty") << int(Plain) << 1 << 0;
    QTest::newRow("0x0478, one key, 5 frames") << int(Plain) << 1 << 4500;
    QTest::newRow("0x0478, two keys") << int(Plain) << 2 << 2000;
    QTest::newRow("0x0578, one key") << int(Signed) << 1 << 3001;
    QTest::newRow("0x0578, two keys") << int(Signed) << 2 << 1000;
}

void TestKmsKeyring::roundTrip()
{
    QFETCH(int, suite);
    QFETCH(int, keys);
    QFETCH(int, size);
    QStringList ids{m_keyA.arn};
    if (keys == 2)
        ids.append(u"alias/files-b"_s);
    KmsKeyring writer(*m_svc, m_root, ids);
    QByteArray plain(size, Qt::Uninitialized);
    for (int i = 0; i < size; ++i)
        plain[i] = char(i * 7 + 3);
    const QByteArray message = encryptWith(writer, plain, AlgorithmSuite(suite));
    QVERIFY(!message.isEmpty());
    auto header = parseHeader(message);
    QVERIFY2(header, qPrintable(why(header)));
    QCOMPARE(header->header.encryptedDataKeys.size(), keys);
    // For 0x0578 the context KMS bound the data key to includes the public key.
    QCOMPARE(header->header.context.contains(u"aws-crypto-public-key"_s), suite == int(Signed));

    KmsKeyring reader(*m_svc, m_root); // discovery: no key named
    auto back = decryptWith(reader, message);
    QVERIFY2(back, qPrintable(why(back)));
    QCOMPARE(*back, plain);
    QCOMPARE(reader.lastKeyArn(), m_keyA.arn); // header order: the first EDK that opens
}

void TestKmsKeyring::secondPrincipal()
{
    KmsKeyring writer(*m_svc, m_root, {m_keyA.arn, m_keyB.arn});
    const QByteArray plain("quarterly figures");
    const QByteArray both = encryptWith(writer, plain);
    KmsKeyring writerA(*m_svc, m_root, {m_keyA.arn});
    const QByteArray onlyA = encryptWith(writerA, plain);

    // Without any permission: AWS's AccessDenied message, naming bob and the key.
    KmsKeyring bob(*m_svc, m_bob);
    auto denied = decryptWith(bob, onlyA);
    QCOMPARE(denied.error().type, errors::AccessDenied);
    QVERIFY2(denied.error().message.contains(m_bob.principalArn), qPrintable(denied.error().message));
    QVERIFY(denied.error().message.contains(u"kms:Decrypt"_s));

    // Allowed B only: the message under A and B opens through B; the one under A alone still not.
    allowBobDecrypt(m_keyB);
    auto viaB = decryptWith(bob, both);
    QVERIFY2(viaB, qPrintable(why(viaB)));
    QCOMPARE(*viaB, plain);
    QCOMPARE(bob.lastKeyArn(), m_keyB.arn);
    QCOMPARE(decryptWith(bob, onlyA).error().type, errors::AccessDenied);
}

void TestKmsKeyring::mostUsefulError()
{
    // A key of this region that does not exist, then one bob may not use: the refusal explains
    // more than the missing key, whatever the order.
    const QString missing = u"arn:aws:kms:us-east-1:%1:key/00000000-0000-4000-8000-000000000000"_s.arg(m_svc->accountId());
    auto g = KmsKeyring(*m_svc, m_root, {m_keyA.arn}).generate({});
    QVERIFY(g);
    const EncryptedDataKey real = g->encryptedDataKeys.first();
    const EncryptedDataKey gone = kmsEdk(missing, real.ciphertext);
    KmsKeyring bob(*m_svc, m_bob);
    QCOMPARE(bob.decrypt({gone, real}, {}).error().type, errors::AccessDenied);
    QCOMPARE(bob.decrypt({real, gone}, {}).error().type, errors::AccessDenied);
    QCOMPARE(bob.decrypt({gone}, {}).error().type, errors::NotFound);
    // A blob that is no KMS ciphertext at all.
    QCOMPARE(bob.decrypt({kmsEdk(m_keyA.arn)}, {}).error().type, errors::InvalidCiphertext);
    // The root gets the key even when a broken EDK comes first.
    auto key = KmsKeyring(*m_svc, m_root).decrypt({kmsEdk(m_keyB.arn), real}, {});
    QVERIFY2(key, qPrintable(why(key)));
    QCOMPARE(key->toByteArray(), g->plaintextKey.toByteArray());
    // A wrong context is the ciphertext's error, not a missing key.
    QCOMPARE(KmsKeyring(*m_svc, m_root).decrypt({real}, {{u"x"_s, u"y"_s}}).error().type, errors::InvalidCiphertext);
}

void TestKmsKeyring::otherRegionsAndProviders()
{
    KmsKeyring keyring(*m_svc, m_root);
    auto elsewhere = keyring.decrypt({kmsEdk(u"arn:aws:kms:eu-west-1:111122223333:key/k"_s)}, {});
    QCOMPARE(elsewhere.error().type, errors::NotFound);
    QVERIFY2(elsewhere.error().message.contains(u"eu-west-1"_s), qPrintable(elsewhere.error().message));
    auto raw = keyring.decrypt({EncryptedDataKey{"raw-ns"_ba, "name"_ba, "x"_ba},
                                kmsEdk(u"alias/files-b"_s)}, {});
    QCOMPARE(raw.error().type, errors::NotFound);
    QVERIFY2(raw.error().message.contains(u"raw-ns"_s), qPrintable(raw.error().message));
    // Provider info that is not UTF-8 is not an ARN.
    EncryptedDataKey bad = kmsEdk(m_keyA.arn);
    bad.providerInfo.append('\xff');
    QCOMPARE(keyring.decrypt({bad}, {}).error().type, errors::NotFound);
}

void TestKmsKeyring::disabledKey()
{
    auto g = KmsKeyring(*m_svc, m_root, {m_keyA.arn}).generate({});
    QVERIFY(g);
    QVERIFY(m_svc->disableKey(m_root, m_keyA.keyId));
    QCOMPARE(KmsKeyring(*m_svc, m_root).decrypt(g->encryptedDataKeys, {}).error().type, errors::Disabled);
    const DataKeyAccess access = KmsKeyring(*m_svc, m_root).checkAccess(g->encryptedDataKeys.first(), {});
    QVERIFY(!access.usable);
    QCOMPARE(access.why->type, errors::Disabled);
}

void TestKmsKeyring::dryRun()
{
    const EncryptionContext ctx{{u"k"_s, u"v"_s}};
    auto g = KmsKeyring(*m_svc, m_root, {m_keyA.arn, m_keyB.arn}).generate(ctx);
    QVERIFY(g);
    allowBobDecrypt(m_keyB);
    KmsKeyring bob(*m_svc, m_bob);
    const DataKeyAccess a = bob.checkAccess(g->encryptedDataKeys[0], ctx);
    QCOMPARE(a.providerId, u"aws-kms"_s);
    QCOMPARE(a.keyArn, m_keyA.arn);
    QVERIFY(!a.usable);
    QCOMPARE(a.why->type, errors::AccessDenied);
    const DataKeyAccess b = bob.checkAccess(g->encryptedDataKeys[1], ctx);
    QVERIFY(b.usable);
    QVERIFY(!b.why);
    QVERIFY(KmsKeyring(*m_svc, m_root).checkAccess(g->encryptedDataKeys[0], ctx).usable);
    QCOMPARE(bob.checkAccess(kmsEdk(u"arn:aws:kms:eu-west-1:111122223333:key/k"_s), ctx).why->type, errors::NotFound);
    QCOMPARE(bob.checkAccess(EncryptedDataKey{"raw"_ba, "n"_ba, {}}, ctx).why->type, errors::UnsupportedOperation);

    // Nothing was decrypted: the audit holds DryRun events only, bob's refusal among them.
    QVERIFY(m_svc->audit().flush());
    auto events = m_svc->audit().events();
    QVERIFY2(events, qPrintable(why(events)));
    int dryRuns = 0;
    for (const QJsonObject &e : *events) {
        if (e.value(u"eventName").toString() != u"Decrypt"_s)
            continue;
        QVERIFY(e.value(u"requestParameters").toObject().value(u"dryRun").toBool());
        ++dryRuns;
        if (e.value(u"userIdentity").toObject().value(u"arn").toString() == m_bob.principalArn
            && e.value(u"errorCode").toString() == errors::AccessDenied)
            dryRuns += 100;
    }
    QCOMPARE(dryRuns, 103);
}

QKMS_TEST_MAIN(TestKmsKeyring)
#include "tst_kms_keyring.moc"
