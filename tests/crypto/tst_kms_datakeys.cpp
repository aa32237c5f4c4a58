// GenerateDataKey, GenerateDataKeyPair (and their WithoutPlaintext forms), GenerateRandom, and
// RSAES-OAEP Encrypt/Decrypt with RSA keys, cross-checked with the openssl command line: a
// ciphertext openssl made from the stored public key decrypts, and a data key pair's private key
// parses in openssl and matches its public key. Returned secrets never reach the audit or the files.

#include "EngineTest.h"
#include "TestMain.h"
#include "kms/AuditLog.h"
#include "kms/KeyRows.h"
#include "kms/KmsService.h"
#include "primitives/AsymmetricKey.h"

#include <QFile>
#include <QJsonDocument>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>

using namespace qkms;
using namespace qkms::kms;
using namespace qkms::test;

namespace {

const EncryptionContext kContext{{QStringLiteral("app"), QStringLiteral("datakeys")}};

bool writeFile(const QString &path, const QByteArray &bytes)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(bytes) == bytes.size();
}

} // namespace

class TestKmsDataKeys : public QObject, protected test::EngineTest
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void dataKey_data();
    void dataKey();
    void dataKeyErrors_data();
    void dataKeyErrors();
    void dataKeyPair_data();
    void dataKeyPair();
    void dataKeyPairErrors();
    void generateRandom();
    void rsaOaep_data();
    void rsaOaep();
    void opensslInterop();
    void secretsNeverAudited();

private:
    QByteArray publicKeyOf(const KeyRecord &k)
    {
        // GetPublicKey lives in SigningOps; the stored SPKI DER is what it returns.
        return rows::loadPublicKey(m_svc->database(), k.keyId, 1).value_or(QByteArray());
    }
};

void TestKmsDataKeys::init()
{
    QVERIFY(openEngine());
}

void TestKmsDataKeys::cleanup()
{
    closeEngine();
}

void TestKmsDataKeys::dataKey_data()
{
    QTest::addColumn<std::optional<QString>>("keySpec");
    QTest::addColumn<std::optional<int>>("numberOfBytes");
    QTest::addColumn<int>("length");
    QTest::newRow("AES_128") << std::optional<QString>(QStringLiteral("AES_128")) << std::optional<int>() << 16;
    QTest::newRow("AES_256") << std::optional<QString>(QStringLiteral("AES_256")) << std::optional<int>() << 32;
    QTest::newRow("NumberOfBytes 1") << std::optional<QString>() << std::optional<int>(1) << 1;
    QTest::newRow("NumberOfBytes 1024") << std::optional<QString>() << std::optional<int>(1024) << 1024;
}

void TestKmsDataKeys::dataKey()
{
    QFETCH(std::optional<QString>, keySpec);
    QFETCH(std::optional<int>, numberOfBytes);
    QFETCH(int, length);
    const KeyRecord k = create();
    auto dk = m_svc->generateDataKey(m_root, k.keyId, kContext, keySpec, numberOfBytes);
    QVERIFY2(dk, qPrintable(errorOf(dk).toString()));
    QCOMPARE(dk->plaintext.size(), length);
    QCOMPARE(dk->keyArn, k.arn);
    auto back = m_svc->decrypt(m_root, dk->ciphertextBlob, kContext);
    QVERIFY2(back, qPrintable(errorOf(back).toString()));
    QCOMPARE(back->plaintext.toByteArray(), dk->plaintext.toByteArray());
    QCOMPARE(errorOf(m_svc->decrypt(m_root, dk->ciphertextBlob)).type, errors::InvalidCiphertext);

    auto without = m_svc->generateDataKey(m_root, k.keyId, kContext, keySpec, numberOfBytes, false);
    QVERIFY(without);
    QVERIFY(without->plaintext.isEmpty());
    auto hidden = m_svc->decrypt(m_root, without->ciphertextBlob, kContext);
    QVERIFY(hidden);
    QCOMPARE(hidden->plaintext.size(), length);
    QVERIFY(hidden->plaintext.toByteArray() != dk->plaintext.toByteArray() || length == 1);
}

void TestKmsDataKeys::dataKeyErrors_data()
{
    QTest::addColumn<QString>("spec");
    QTest::addColumn<QString>("usage");
    QTest::addColumn<std::optional<QString>>("keySpec");
    QTest::addColumn<std::optional<int>>("numberOfBytes");
    QTest::addColumn<bool>("withPlaintext");
    QTest::addColumn<QString>("type");
    QTest::addColumn<QString>("message"); // %1 = key ARN
    using OptSpec = std::optional<QString>;
    using OptBytes = std::optional<int>;
    auto row = [](const char *name, const char *spec, const char *usage, OptSpec keySpec, OptBytes numberOfBytes,
                  bool withPlaintext, const QString &type, const char *message) {
        QTest::newRow(name) << QString::fromLatin1(spec) << QString::fromLatin1(usage) << keySpec << numberOfBytes
                            << withPlaintext << type << QString::fromLatin1(message);
    };
    const char *sym = "SYMMETRIC_DEFAULT";
    const OptSpec aes = QStringLiteral("AES_256");
    const char *either = "Please specify either number of bytes or key spec.";
    row("neither", sym, "", {}, {}, true, errors::Validation, either);
    row("both", sym, "", aes, 32, true, errors::Validation, either);
    row("both, WithoutPlaintext", sym, "", aes, 32, false, errors::Validation, either);
    row("KeySpec AES_512", sym, "", QStringLiteral("AES_512"), {}, true, errors::Validation,
        "1 validation error detected: Value 'AES_512' at 'keySpec' failed to satisfy constraint: Member must satisfy "
        "enum value set: [AES_256, AES_128]");
    row("NumberOfBytes 0", sym, "", {}, 0, true, errors::Validation,
        "1 validation error detected: Value '0' at 'numberOfBytes' failed to satisfy constraint: Member must have "
        "value greater than or equal to 1");
    row("NumberOfBytes 1025", sym, "", {}, 1025, true, errors::Validation,
        "1 validation error detected: Value '1025' at 'numberOfBytes' failed to satisfy constraint: Member must have "
        "value less than or equal to 1024");
    row("RSA encryption key", "RSA_2048", "ENCRYPT_DECRYPT", aes, {}, true, errors::InvalidKeyUsage,
        "You cannot generate a data key with an asymmetric CMK");
    row("ECC sign key", "ECC_NIST_P256", "SIGN_VERIFY", aes, {}, true, errors::InvalidKeyUsage,
        "%1 key usage is SIGN_VERIFY which is not valid for GenerateDataKey.");
    row("HMAC key, WithoutPlaintext", "HMAC_256", "GENERATE_VERIFY_MAC", aes, {}, false, errors::InvalidKeyUsage,
        "%1 key usage is GENERATE_VERIFY_MAC which is not valid for GenerateDataKeyWithoutPlaintext.");
}

void TestKmsDataKeys::dataKeyErrors()
{
    QFETCH(QString, spec);
    QFETCH(QString, usage);
    QFETCH(std::optional<QString>, keySpec);
    QFETCH(std::optional<int>, numberOfBytes);
    QFETCH(bool, withPlaintext);
    QFETCH(QString, type);
    QFETCH(QString, message);
    const KeyRecord k = create(spec, usage);
    const KmsError e = errorOf(m_svc->generateDataKey(m_root, k.keyId, {}, keySpec, numberOfBytes, withPlaintext));
    QCOMPARE(e.type, type);
    QCOMPARE(e.message, message.contains(u"%1") ? message.arg(k.arn) : message);
}

void TestKmsDataKeys::dataKeyPair_data()
{
    QTest::addColumn<QString>("spec");
    QTest::addColumn<int>("kind");
    QTest::newRow("RSA_2048") << QStringLiteral("RSA_2048") << int(crypto::KeyKind::Rsa2048);
    QTest::newRow("RSA_3072") << QStringLiteral("RSA_3072") << int(crypto::KeyKind::Rsa3072);
    QTest::newRow("RSA_4096") << QStringLiteral("RSA_4096") << int(crypto::KeyKind::Rsa4096);
    QTest::newRow("ECC_NIST_P256") << QStringLiteral("ECC_NIST_P256") << int(crypto::KeyKind::EcP256);
    QTest::newRow("ECC_NIST_P384") << QStringLiteral("ECC_NIST_P384") << int(crypto::KeyKind::EcP384);
    QTest::newRow("ECC_NIST_P521") << QStringLiteral("ECC_NIST_P521") << int(crypto::KeyKind::EcP521);
    QTest::newRow("ECC_SECG_P256K1") << QStringLiteral("ECC_SECG_P256K1") << int(crypto::KeyKind::EcSecp256k1);
}

void TestKmsDataKeys::dataKeyPair()
{
    QFETCH(QString, spec);
    QFETCH(int, kind);
    const KeyRecord k = create();
    auto pair = m_svc->generateDataKeyPair(m_root, k.keyId, spec, kContext);
    QVERIFY2(pair, qPrintable(errorOf(pair).toString()));
    QCOMPARE(pair->keyPairSpec, spec);
    QCOMPARE(pair->keyArn, k.arn);
    auto priv = crypto::AsymmetricKey::fromPrivateDer(pair->privateKeyPlaintext);
    QVERIFY2(priv, qPrintable(errorOf(priv).toString()));
    QCOMPARE(int(priv->kind()), kind);
    QCOMPARE(priv->publicKeyDer().value_or(QByteArray()), pair->publicKey);
    auto pub = crypto::AsymmetricKey::fromPublicDer(pair->publicKey);
    QVERIFY(pub);
    QVERIFY(!pub->hasPrivate());
    // The encrypted private key is an ordinary blob under the symmetric key, bound to the context.
    auto back = m_svc->decrypt(m_root, pair->privateKeyCiphertextBlob, kContext);
    QVERIFY(back);
    QCOMPARE(back->plaintext.toByteArray(), pair->privateKeyPlaintext.toByteArray());
    QCOMPARE(errorOf(m_svc->decrypt(m_root, pair->privateKeyCiphertextBlob)).type, errors::InvalidCiphertext);

    if (spec == u"ECC_NIST_P256") {
        auto without = m_svc->generateDataKeyPair(m_root, k.keyId, spec, kContext, false);
        QVERIFY(without);
        QVERIFY(without->privateKeyPlaintext.isEmpty());
        auto hidden = m_svc->decrypt(m_root, without->privateKeyCiphertextBlob, kContext);
        QVERIFY(hidden);
        auto parsed = crypto::AsymmetricKey::fromPrivateDer(hidden->plaintext);
        QVERIFY(parsed);
        QCOMPARE(parsed->publicKeyDer().value_or(QByteArray()), without->publicKey);
    }
}

void TestKmsDataKeys::dataKeyPairErrors()
{
    const KeyRecord k = create();
    const KmsError bad = errorOf(m_svc->generateDataKeyPair(m_root, k.keyId, QStringLiteral("RSA_1024"), {}));
    QCOMPARE(bad.type, errors::Validation);
    QVERIFY(bad.message.startsWith(QStringLiteral("1 validation error detected: Value 'RSA_1024' at 'keyPairSpec'")));
    QCOMPARE(errorOf(m_svc->generateDataKeyPair(m_root, k.keyId, QStringLiteral("SM2"), {})).type,
             errors::UnsupportedOperation);
    const KeyRecord rsa = create(QStringLiteral("RSA_2048"), QStringLiteral("ENCRYPT_DECRYPT"));
    const KmsError asym = errorOf(m_svc->generateDataKeyPair(m_root, rsa.keyId, QStringLiteral("ECC_NIST_P256"), {}));
    QCOMPARE(asym.type, errors::InvalidKeyUsage);
    QCOMPARE(asym.message, QStringLiteral("You cannot generate a data key pair with an asymmetric CMK"));
    QVERIFY(m_svc->disableKey(m_root, k.keyId));
    QCOMPARE(errorOf(m_svc->generateDataKeyPair(m_root, k.keyId, QStringLiteral("ECC_NIST_P256"), {})).type,
             errors::Disabled);
}

void TestKmsDataKeys::generateRandom()
{
    for (int n : {1, 32, 1024}) {
        auto r = m_svc->generateRandom(m_root, n);
        QVERIFY(r);
        QCOMPARE(r->size(), n);
    }
    QVERIFY(m_svc->generateRandom(m_root, 32)->toByteArray() != m_svc->generateRandom(m_root, 32)->toByteArray());
    const KmsError zero = errorOf(m_svc->generateRandom(m_root, 0));
    QCOMPARE(zero.type, errors::Validation);
    QCOMPARE(zero.message, QStringLiteral("1 validation error detected: Value '0' at 'numberOfBytes' failed to satisfy "
                                          "constraint: Member must have value greater than or equal to 1"));
    const KmsError big = errorOf(m_svc->generateRandom(m_root, 1025));
    QCOMPARE(big.message, QStringLiteral("1 validation error detected: Value '1025' at 'numberOfBytes' failed to satisfy "
                                         "constraint: Member must have value less than or equal to 1024"));
}

void TestKmsDataKeys::rsaOaep_data()
{
    QTest::addColumn<QString>("algorithm");
    QTest::addColumn<QString>("otherAlgorithm");
    QTest::addColumn<int>("maxPlaintext"); // AWS asymmetric-key-specs: RSA_2048 → 214 / 190
    QTest::newRow("RSAES_OAEP_SHA_1") << QStringLiteral("RSAES_OAEP_SHA_1") << QStringLiteral("RSAES_OAEP_SHA_256") << 214;
    QTest::newRow("RSAES_OAEP_SHA_256") << QStringLiteral("RSAES_OAEP_SHA_256") << QStringLiteral("RSAES_OAEP_SHA_1")
                                        << 190;
}

void TestKmsDataKeys::rsaOaep()
{
    QFETCH(QString, algorithm);
    QFETCH(QString, otherAlgorithm);
    QFETCH(int, maxPlaintext);
    const KeyRecord k = create(QStringLiteral("RSA_2048"), QStringLiteral("ENCRYPT_DECRYPT"));
    const QByteArray plaintext(maxPlaintext, 'r');
    auto enc = m_svc->encrypt(m_root, k.keyId, QCA::SecureArray(plaintext), {}, algorithm);
    QVERIFY2(enc, qPrintable(errorOf(enc).toString()));
    QCOMPARE(enc->ciphertextBlob.size(), 256); // bare OAEP output, as AWS
    QCOMPARE(enc->encryptionAlgorithm, algorithm);
    auto dec = m_svc->decrypt(m_root, enc->ciphertextBlob, {}, k.arn, algorithm);
    QVERIFY2(dec, qPrintable(errorOf(dec).toString()));
    QCOMPARE(dec->plaintext.toByteArray(), plaintext);
    QCOMPARE(dec->encryptionAlgorithm, algorithm);

    QCOMPARE(errorOf(m_svc->encrypt(m_root, k.keyId, QCA::SecureArray(plaintext + 'x'), {}, algorithm)).type,
             errors::Validation);
    QCOMPARE(errorOf(m_svc->decrypt(m_root, enc->ciphertextBlob, {}, k.keyId, otherAlgorithm)).type,
             errors::InvalidCiphertext);
    QCOMPARE(errorOf(m_svc->decrypt(m_root, enc->ciphertextBlob, {}, {}, algorithm)).type, errors::Validation);
    QCOMPARE(errorOf(m_svc->decrypt(m_root, enc->ciphertextBlob, kContext, k.keyId, algorithm)).type, errors::Validation);
    // Without the algorithm the bytes are read as a symmetric blob, as AWS does.
    QCOMPARE(errorOf(m_svc->decrypt(m_root, enc->ciphertextBlob, {}, k.keyId)).type, errors::InvalidCiphertext);
    QByteArray flipped = enc->ciphertextBlob;
    flipped[100] = char(flipped[100] ^ 0x01);
    const KmsError bad = errorOf(m_svc->decrypt(m_root, flipped, {}, k.keyId, algorithm));
    QCOMPARE(bad.type, errors::InvalidCiphertext);
    QVERIFY(bad.message.isEmpty());
}

void TestKmsDataKeys::opensslInterop()
{
    const QString openssl = QStandardPaths::findExecutable(QStringLiteral("openssl"));
    if (openssl.isEmpty())
        QSKIP("the openssl command is not installed");
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    auto run = [&](const QStringList &args) {
        QProcess p;
        p.start(openssl, args);
        const bool ok = p.waitForFinished(30000) && p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
        if (!ok)
            qWarning("openssl %s: %s", qPrintable(args.join(u' ')), p.readAllStandardError().constData());
        return ok;
    };
    // 1. openssl encrypts to the key's public key (as GetPublicKey returns it); Decrypt opens it.
    const KeyRecord k = create(QStringLiteral("RSA_3072"), QStringLiteral("ENCRYPT_DECRYPT"));
    QVERIFY(writeFile(tmp.filePath(QStringLiteral("pub.der")), publicKeyOf(k)));
    QVERIFY(writeFile(tmp.filePath(QStringLiteral("msg")), "made by openssl pkeyutl"));
    QVERIFY(!tmp.path().contains(u' ')); // the argument lists below are split on spaces
    for (const auto &[md, algorithm] :
         {std::pair{"sha256", "RSAES_OAEP_SHA_256"}, std::pair{"sha1", "RSAES_OAEP_SHA_1"}}) {
        QVERIFY(run(QStringLiteral("pkeyutl -encrypt -pubin -keyform DER -inkey %1 -in %2 -out %3 -pkeyopt "
                                   "rsa_padding_mode:oaep -pkeyopt rsa_oaep_md:%4 -pkeyopt rsa_mgf1_md:%4")
                        .arg(tmp.filePath(QStringLiteral("pub.der")), tmp.filePath(QStringLiteral("msg")),
                             tmp.filePath(QStringLiteral("ct")), QLatin1String(md))
                        .split(u' ')));
        QFile ct(tmp.filePath(QStringLiteral("ct")));
        QVERIFY(ct.open(QIODevice::ReadOnly));
        auto dec = m_svc->decrypt(m_root, ct.readAll(), {}, k.keyId, QString::fromLatin1(algorithm));
        QVERIFY2(dec, qPrintable(errorOf(dec).toString()));
        QCOMPARE(dec->plaintext.toByteArray(), QByteArray("made by openssl pkeyutl"));
    }
    // 2. A data key pair's private key parses in openssl and yields the public key returned with it.
    auto pair = m_svc->generateDataKeyPair(m_root, create().keyId, QStringLiteral("ECC_NIST_P384"), {});
    QVERIFY(pair);
    QVERIFY(writeFile(tmp.filePath(QStringLiteral("priv.der")), pair->privateKeyPlaintext.toByteArray()));
    QVERIFY(run(QStringLiteral("pkey -inform DER -in %1 -pubout -outform DER -out %2")
                    .arg(tmp.filePath(QStringLiteral("priv.der")), tmp.filePath(QStringLiteral("derived.der")))
                    .split(u' ')));
    QFile derived(tmp.filePath(QStringLiteral("derived.der")));
    QVERIFY(derived.open(QIODevice::ReadOnly));
    QCOMPARE(derived.readAll(), pair->publicKey);
}

void TestKmsDataKeys::secretsNeverAudited()
{
    const KeyRecord k = create();
    const qsizetype before = m_svc->audit().events().value_or(QList<QJsonObject>()).size();
    QList<QByteArray> secrets;
    auto dk = m_svc->generateDataKey(m_root, k.keyId, kContext, QStringLiteral("AES_256"), std::nullopt);
    QVERIFY(dk);
    secrets << dk->plaintext.toByteArray();
    auto hidden = m_svc->generateDataKey(m_root, k.keyId, kContext, std::nullopt, 48, false);
    QVERIFY(hidden);
    secrets << m_svc->decrypt(m_root, hidden->ciphertextBlob, kContext)->plaintext.toByteArray();
    auto pair = m_svc->generateDataKeyPair(m_root, k.keyId, QStringLiteral("ECC_NIST_P256"), kContext);
    QVERIFY(pair);
    secrets << pair->privateKeyPlaintext.toByteArray();
    auto random = m_svc->generateRandom(m_root, 64);
    QVERIFY(random);
    secrets << random->toByteArray();
    QVERIFY(!m_svc->generateDataKey(m_root, k.keyId, kContext, std::nullopt, std::nullopt)); // failures are audited too
    QVERIFY(!m_svc->generateRandom(m_root, 0));

    auto events = m_svc->audit().events();
    QVERIFY(events);
    QCOMPARE(events->size(), before + 7); // 6 calls above + the Decrypt
    QStringList names;
    QByteArray auditText;
    for (qsizetype i = before; i < events->size(); ++i) {
        names << events->at(i).value(u"eventName").toString();
        auditText += QJsonDocument(events->at(i)).toJson(QJsonDocument::Compact);
    }
    QCOMPARE(names, QStringList({QStringLiteral("GenerateDataKey"), QStringLiteral("GenerateDataKeyWithoutPlaintext"),
                                 QStringLiteral("Decrypt"), QStringLiteral("GenerateDataKeyPair"),
                                 QStringLiteral("GenerateRandom"), QStringLiteral("GenerateDataKey"),
                                 QStringLiteral("GenerateRandom")}));
    QVERIFY(auditText.contains("\"keySpec\":\"AES_256\""));
    QVERIFY(auditText.contains("\"numberOfBytes\":48"));
    const QByteArray files = test::allFileBytes(m_fixture->dir());
    for (const QByteArray &s : secrets) {
        for (const QByteArray &needle : {s, s.toBase64(), s.toHex(), s.toBase64(QByteArray::Base64UrlEncoding)}) {
            QVERIFY(!auditText.contains(needle));
            QVERIFY(!files.contains(needle));
        }
    }
}

QKMS_TEST_MAIN(TestKmsDataKeys)
#include "tst_kms_datakeys.moc"
