// ReEncrypt with RSA keys on either side: SourceEncryptionAlgorithm and
// DestinationEncryptionAlgorithm RSAES_OAEP_SHA_1/256, what the result decrypts to, the audit
// event, and the errors AWS gives (algorithm for the wrong key, no SourceKeyId for a bare OAEP
// ciphertext, an encryption context with an RSA key, a plaintext too long for OAEP).

#include "EngineTest.h"
#include "TestMain.h"
#include "kms/AuditLog.h"
#include "primitives/AsymmetricKey.h"

#include <QJsonDocument>

using namespace qkms;
using namespace qkms::kms;
using namespace Qt::StringLiterals;
using test::errorType;
using test::why;

namespace {

const QString kSymmetric = u"SYMMETRIC_DEFAULT"_s;
const QString kOaep1 = u"RSAES_OAEP_SHA_1"_s;
const QString kOaep256 = u"RSAES_OAEP_SHA_256"_s;

} // namespace

class TestKmsReEncryptRsa : public QObject, protected test::EngineTest
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void reEncrypt_data();
    void reEncrypt();
    void publicKeyCiphertextReEncrypts();
    void auditNamesBothAlgorithms();

private:
    QMap<QString, KeyRecord> m_keys; // "symmetric", "rsa2048", "rsa3072"

    /// A ciphertext of `plain` under `k` with `algorithm` (symmetric blobs carry `context`).
    QByteArray encrypt(const KeyRecord &k, const QByteArray &plain, const QString &algorithm,
                       const EncryptionContext &context = {})
    {
        auto r = m_svc->encrypt(m_root, k.keyId, QCA::SecureArray(plain), context, algorithm);
        if (!r)
            qFatal("encrypt: %s", qPrintable(why(r)));
        return r->ciphertextBlob;
    }
};

void TestKmsReEncryptRsa::initTestCase()
{
    QVERIFY(openEngine());
    m_keys.insert(u"symmetric"_s, create(kSymmetric));
    m_keys.insert(u"rsa2048"_s, create(u"RSA_2048"_s));
    m_keys.insert(u"rsa3072"_s, create(u"RSA_3072"_s));
}

void TestKmsReEncryptRsa::cleanupTestCase()
{
    closeEngine();
}

void TestKmsReEncryptRsa::reEncrypt_data()
{
    QTest::addColumn<QString>("source");
    QTest::addColumn<QString>("sourceAlgorithm");
    QTest::addColumn<QString>("destination");
    QTest::addColumn<QString>("destinationAlgorithm");
    QTest::addColumn<bool>("giveSourceKeyId");
    QTest::addColumn<int>("plaintextBytes");
    QTest::addColumn<bool>("destinationContext");
    QTest::addColumn<QString>("error");
    QTest::newRow("AWS ReEncrypt symmetric to RSA_2048 OAEP SHA-256")
        << u"symmetric"_s << kSymmetric << u"rsa2048"_s << kOaep256 << false << 32 << false << QString();
    QTest::newRow("AWS ReEncrypt symmetric to RSA_3072 OAEP SHA-1")
        << u"symmetric"_s << kSymmetric << u"rsa3072"_s << kOaep1 << true << 64 << false << QString();
    QTest::newRow("AWS ReEncrypt RSA_2048 OAEP SHA-1 to symmetric")
        << u"rsa2048"_s << kOaep1 << u"symmetric"_s << kSymmetric << true << 100 << true << QString();
    QTest::newRow("AWS ReEncrypt RSA_2048 to RSA_3072")
        << u"rsa2048"_s << kOaep256 << u"rsa3072"_s << kOaep256 << true << 190 << false << QString();
    QTest::newRow("AWS ReEncrypt RSA on the same key, other hash")
        << u"rsa2048"_s << kOaep256 << u"rsa2048"_s << kOaep1 << true << 16 << false << QString();
    QTest::newRow("negative: SYMMETRIC_DEFAULT to an RSA key")
        << u"symmetric"_s << kSymmetric << u"rsa2048"_s << kSymmetric << false << 16 << false << errors::InvalidKeyUsage;
    QTest::newRow("negative: OAEP to a symmetric key")
        << u"symmetric"_s << kSymmetric << u"symmetric"_s << kOaep256 << false << 16 << false << errors::InvalidKeyUsage;
    QTest::newRow("negative: RSA source without SourceKeyId")
        << u"rsa2048"_s << kOaep256 << u"symmetric"_s << kSymmetric << false << 16 << false << errors::Validation;
    QTest::newRow("negative: context with an RSA destination")
        << u"symmetric"_s << kSymmetric << u"rsa2048"_s << kOaep256 << false << 16 << true << errors::Validation;
    // RSA_2048 with OAEP SHA-256 takes at most 256 - 2*32 - 2 = 190 bytes.
    QTest::newRow("negative: too long for RSA_2048 OAEP SHA-256")
        << u"symmetric"_s << kSymmetric << u"rsa2048"_s << kOaep256 << false << 191 << false << errors::Validation;
    QTest::newRow("negative: unknown destination algorithm")
        << u"symmetric"_s << kSymmetric << u"rsa2048"_s << u"RSAES_OAEP_SHA_512"_s << false << 16 << false
        << errors::Validation;
    QTest::newRow("negative: wrong source hash")
        << u"rsa2048"_s << kOaep1 << u"symmetric"_s << kSymmetric << true << 16 << false << errors::InvalidCiphertext;
}

void TestKmsReEncryptRsa::reEncrypt()
{
    QFETCH(QString, source);
    QFETCH(QString, sourceAlgorithm);
    QFETCH(QString, destination);
    QFETCH(QString, destinationAlgorithm);
    QFETCH(bool, giveSourceKeyId);
    QFETCH(int, plaintextBytes);
    QFETCH(bool, destinationContext);
    QFETCH(QString, error);
    const KeyRecord &from = m_keys[source];
    const KeyRecord &to = m_keys[destination];
    const QByteArray plain = QByteArray(plaintextBytes, 'p');
    const EncryptionContext sourceContext = from.keySpec == KeySpec::SymmetricDefault
                                                ? EncryptionContext{{u"from"_s, u"here"_s}}
                                                : EncryptionContext{};
    // "wrong source hash" encrypts with SHA-256 and claims SHA-1.
    const QString encryptedWith = QTest::currentDataTag() == QByteArray("negative: wrong source hash") ? kOaep256
                                                                                                       : sourceAlgorithm;
    const QByteArray ciphertext = encrypt(from, plain, encryptedWith, sourceContext);
    const EncryptionContext targetContext = destinationContext ? EncryptionContext{{u"to"_s, u"there"_s}}
                                                               : EncryptionContext{};
    auto r = m_svc->reEncrypt(m_root, ciphertext, to.arn, sourceContext, targetContext,
                              giveSourceKeyId ? from.keyId : QString(), sourceAlgorithm, destinationAlgorithm);
    if (!error.isEmpty()) {
        QCOMPARE(errorType(r), error);
        return;
    }
    QVERIFY2(r, qPrintable(why(r)));
    QCOMPARE(r->sourceKeyArn, from.arn);
    QCOMPARE(r->keyArn, to.arn);
    QCOMPARE(r->sourceEncryptionAlgorithm, sourceAlgorithm);
    QCOMPARE(r->destinationEncryptionAlgorithm, destinationAlgorithm);
    if (destinationAlgorithm != kSymmetric) // a bare OAEP ciphertext: the modulus size
        QCOMPARE(r->ciphertextBlob.size(), to.keySpec == KeySpec::Rsa2048 ? 256 : 384);
    auto back = m_svc->decrypt(m_root, r->ciphertextBlob, targetContext,
                               destinationAlgorithm == kSymmetric ? QString() : to.keyId, destinationAlgorithm);
    QVERIFY2(back, qPrintable(why(back)));
    QCOMPARE(back->plaintext.toByteArray(), plain);
    // The other OAEP hash does not open it: the algorithm really was the one named.
    if (destinationAlgorithm != kSymmetric)
        QCOMPARE(errorType(m_svc->decrypt(m_root, r->ciphertextBlob, {}, to.keyId,
                                          destinationAlgorithm == kOaep1 ? kOaep256 : kOaep1)),
                 errors::InvalidCiphertext);
}

void TestKmsReEncryptRsa::publicKeyCiphertextReEncrypts()
{
    // A ciphertext made offline from GetPublicKey (no call to qkms) re-encrypts to a symmetric key.
    const KeyRecord &rsa = m_keys[u"rsa3072"_s];
    auto pub = m_svc->getPublicKey(m_root, rsa.keyId);
    QVERIFY(pub);
    auto key = crypto::AsymmetricKey::fromPublicDer(pub->publicKey);
    QVERIFY(key);
    auto offline = key->oaepEncrypt(crypto::HashAlg::Sha256, QCA::SecureArray(QByteArray("made offline")));
    QVERIFY(offline);
    auto r = m_svc->reEncrypt(m_root, *offline, m_keys[u"symmetric"_s].keyId, {}, {}, rsa.arn, kOaep256, kSymmetric);
    QVERIFY2(r, qPrintable(why(r)));
    auto back = m_svc->decrypt(m_root, r->ciphertextBlob);
    QVERIFY(back);
    QCOMPARE(back->plaintext.toByteArray(), QByteArray("made offline"));
}

void TestKmsReEncryptRsa::auditNamesBothAlgorithms()
{
    const QByteArray ciphertext = encrypt(m_keys[u"symmetric"_s], "audited", kSymmetric);
    QVERIFY(m_svc->reEncrypt(m_root, ciphertext, m_keys[u"rsa2048"_s].keyId, {}, {}, {}, kSymmetric, kOaep1));
    QVERIFY(m_svc->audit().flush());
    auto events = m_svc->audit().events();
    QVERIFY(events && !events->isEmpty());
    const QJsonObject last = events->last();
    QCOMPARE(last.value(u"eventName").toString(), u"ReEncrypt"_s);
    const QJsonObject params = last.value(u"requestParameters").toObject();
    QCOMPARE(params.value(u"sourceEncryptionAlgorithm").toString(), kSymmetric);
    QCOMPARE(params.value(u"destinationEncryptionAlgorithm").toString(), kOaep1);
    QVERIFY(!QJsonDocument(last).toJson().contains("audited"));
}

QKMS_TEST_MAIN(TestKmsReEncryptRsa)
#include "tst_kms_reencrypt_rsa.moc"
