// Sign, Verify, GenerateMac, VerifyMac and GetPublicKey through the engine: every key spec with
// every algorithm AWS allows for it, RAW and DIGEST messages crossed, tampering, wrong algorithm,
// usage and state, request validation, aliases, authorization, one audit event per call with no
// message in it, MACs against Qt's independent HMAC, and the openssl command line verifying what
// Sign produced against GetPublicKey's DER.
//
// HMAC keys are random, so RFC 4231's vectors cannot be run through GenerateMac (the primitive
// meets them in tst_primitives); instead the MAC is recomputed by Qt from the unwrapped secret.

#include "EngineTest.h"
#include "TestMain.h"
#include "AsymmetricTestSupport.h"
#include "kms/AuditLog.h"
#include "kms/KmsService.h"

#include <QBuffer>
#include <QJsonArray>
#include <QMessageAuthenticationCode>
#include <QTemporaryDir>

using namespace qkms;
using namespace qkms::kms;
using namespace qkms::test;
using namespace Qt::StringLiterals;

namespace {

/// The hash an AWS algorithm name ends in ("…_SHA_384").
HashAlg hashOfAlgorithm(const QString &algorithm)
{
    if (algorithm.endsWith(u"224"))
        return HashAlg::Sha224;
    if (algorithm.endsWith(u"384"))
        return HashAlg::Sha384;
    if (algorithm.endsWith(u"512"))
        return HashAlg::Sha512;
    return HashAlg::Sha256;
}

QCryptographicHash::Algorithm qtHash(HashAlg alg)
{
    switch (alg) {
    case HashAlg::Sha1: return QCryptographicHash::Sha1;
    case HashAlg::Sha224: return QCryptographicHash::Sha224;
    case HashAlg::Sha256: return QCryptographicHash::Sha256;
    case HashAlg::Sha384: return QCryptographicHash::Sha384;
    case HashAlg::Sha512: return QCryptographicHash::Sha512;
    }
    return QCryptographicHash::Sha256;
}

} // namespace

class TestKmsSigning : public QObject, protected test::EngineTest
{
    Q_OBJECT
private:
    QMap<QString, KeyRecord> m_keys; ///< one key per "spec usage", created on first use
    OpensslTool m_openssl;

    const KeyRecord &sharedKey(const QString &spec, const QString &usage = u"SIGN_VERIFY"_s);
    /// The exception name of a failed call, or empty on success (the tables' "no error").
    template <typename T>
    static QString errorType(const Result<T> &r)
    {
        return r ? QString() : r.error().type;
    }

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void signVerifyEveryAlgorithm_data();
    void signVerifyEveryAlgorithm();
    void wrongAlgorithm_data();
    void wrongAlgorithm();
    void wrongKeyUsage_data();
    void wrongKeyUsage();
    void requestValidation_data();
    void requestValidation();
    void keyStates();
    void aliasesAndNotFound();
    void macs_data();
    void macs();
    void getPublicKey_data();
    void getPublicKey();
    void authorization();
    void auditHoldsNoMessage();
    void opensslVerifiesSign_data();
    void opensslVerifiesSign();
};

void TestKmsSigning::initTestCase()
{
    QVERIFY(openEngine());
}

void TestKmsSigning::cleanupTestCase()
{
    closeEngine();
}

const KeyRecord &TestKmsSigning::sharedKey(const QString &spec, const QString &usage)
{
    const QString name = spec + u' ' + usage;
    if (!m_keys.contains(name))
        m_keys.insert(name, create(spec, usage));
    return m_keys[name];
}

// ---- every spec × algorithm ------------------------------------------------------------------

void TestKmsSigning::signVerifyEveryAlgorithm_data()
{
    QTest::addColumn<QString>("spec");
    QTest::addColumn<QString>("algorithm");
    const QStringList rsa{u"RSASSA_PSS_SHA_256"_s,        u"RSASSA_PSS_SHA_384"_s,        u"RSASSA_PSS_SHA_512"_s,
                          u"RSASSA_PKCS1_V1_5_SHA_256"_s, u"RSASSA_PKCS1_V1_5_SHA_384"_s, u"RSASSA_PKCS1_V1_5_SHA_512"_s};
    for (const QString &alg : rsa)
        QTest::addRow("RSA_2048 %s", qPrintable(alg)) << u"RSA_2048"_s << alg;
    QTest::newRow("RSA_3072 RSASSA_PSS_SHA_384") << u"RSA_3072"_s << u"RSASSA_PSS_SHA_384"_s;
    QTest::newRow("ECC_NIST_P256 ECDSA_SHA_256") << u"ECC_NIST_P256"_s << u"ECDSA_SHA_256"_s;
    QTest::newRow("ECC_NIST_P384 ECDSA_SHA_384") << u"ECC_NIST_P384"_s << u"ECDSA_SHA_384"_s;
    QTest::newRow("ECC_NIST_P521 ECDSA_SHA_512") << u"ECC_NIST_P521"_s << u"ECDSA_SHA_512"_s;
    QTest::newRow("ECC_SECG_P256K1 ECDSA_SHA_256") << u"ECC_SECG_P256K1"_s << u"ECDSA_SHA_256"_s;
}

void TestKmsSigning::signVerifyEveryAlgorithm()
{
    QFETCH(QString, spec);
    QFETCH(QString, algorithm);
    const KeyRecord &k = sharedKey(spec);
    const HashAlg hash = hashOfAlgorithm(algorithm);
    const QByteArray message("qkms signs this with " + algorithm.toLatin1());
    const QByteArray digest = hashOf(hash, message);

    qsizetype before = eventCount();
    auto raw = m_svc->sign(m_root, k.keyId, message, u"RAW"_s, algorithm);
    QVERIFY2(raw, qPrintable(raw ? QString() : raw.error().toString()));
    checkAudited(before, u"Sign"_s, {});
    QCOMPARE(raw->keyArn, k.arn);
    QCOMPARE(raw->signingAlgorithm, algorithm);
    auto fromDigest = m_svc->sign(m_root, k.keyId, digest, u"DIGEST"_s, algorithm);
    QVERIFY(fromDigest);

    // Either message type verifies either signature: DIGEST must not hash a second time.
    for (const QByteArray &signature : {raw->signature, fromDigest->signature}) {
        before = eventCount();
        auto ok = m_svc->verify(m_root, k.keyId, message, u"RAW"_s, signature, algorithm);
        QVERIFY2(ok && *ok, qPrintable(ok ? QString() : ok.error().toString()));
        checkAudited(before, u"Verify"_s, {});
        ok = m_svc->verify(m_root, k.keyId, digest, u"DIGEST"_s, signature, algorithm);
        QVERIFY(ok && *ok);
    }
    // PKCS#1 v1.5 is deterministic: the two paths give the same bytes.
    if (algorithm.startsWith(u"RSASSA_PKCS1"))
        QCOMPARE(fromDigest->signature, raw->signature);

    // An independent verifier (the primitive on GetPublicKey's DER) agrees.
    auto pub = m_svc->getPublicKey(m_root, k.keyId);
    QVERIFY(pub);
    auto pubKey = crypto::AsymmetricKey::fromPublicDer(pub->publicKey);
    QVERIFY(pubKey);
    const auto scheme = algorithm.startsWith(u"ECDSA")          ? crypto::SignatureScheme::Ecdsa
                        : algorithm.startsWith(u"RSASSA_PSS")    ? crypto::SignatureScheme::RsaPss
                                                                 : crypto::SignatureScheme::RsaPkcs1v15;
    auto independent = pubKey->verify(scheme, hash, crypto::MessageKind::Raw, message, raw->signature);
    QVERIFY(independent && *independent);

    // Negative: a flipped signature bit, and another message, throw KMSInvalidSignatureException.
    before = eventCount();
    auto bad = m_svc->verify(m_root, k.keyId, message, u"RAW"_s, flipped(raw->signature, raw->signature.size() / 2),
                             algorithm);
    QCOMPARE(errorType(bad), errors::InvalidSignature);
    checkAudited(before, u"Verify"_s, errors::InvalidSignature);
    QCOMPARE(errorType(m_svc->verify(m_root, k.keyId, message + '!', u"RAW"_s, raw->signature, algorithm)),
             errors::InvalidSignature);
    QCOMPARE(errorType(m_svc->verify(m_root, k.keyId, flipped(digest, 0), u"DIGEST"_s, raw->signature, algorithm)),
             errors::InvalidSignature);
    QCOMPARE(errorType(m_svc->verify(m_root, k.keyId, message, u"RAW"_s, raw->signature.left(8), algorithm)),
             errors::InvalidSignature);
}

void TestKmsSigning::wrongAlgorithm_data()
{
    QTest::addColumn<QString>("spec");
    QTest::addColumn<QString>("algorithm");
    QTest::addColumn<QString>("error");
    QTest::newRow("P-256 with ECDSA_SHA_384") << u"ECC_NIST_P256"_s << u"ECDSA_SHA_384"_s << errors::InvalidKeyUsage;
    QTest::newRow("P-384 with ECDSA_SHA_256") << u"ECC_NIST_P384"_s << u"ECDSA_SHA_256"_s << errors::InvalidKeyUsage;
    QTest::newRow("RSA with ECDSA_SHA_256") << u"RSA_2048"_s << u"ECDSA_SHA_256"_s << errors::InvalidKeyUsage;
    QTest::newRow("P-256 with RSASSA_PSS_SHA_256") << u"ECC_NIST_P256"_s << u"RSASSA_PSS_SHA_256"_s
                                                   << errors::InvalidKeyUsage;
    QTest::newRow("RSA with SM2DSA (valid name)") << u"RSA_2048"_s << u"SM2DSA"_s << errors::InvalidKeyUsage;
    QTest::newRow("P-256 with ED25519_SHA_512") << u"ECC_NIST_P256"_s << u"ED25519_SHA_512"_s
                                                << errors::InvalidKeyUsage;
    QTest::newRow("not an AWS name") << u"RSA_2048"_s << u"RSASSA_PSS_SHA_1"_s << errors::Validation;
    QTest::newRow("lower case") << u"RSA_2048"_s << u"rsassa_pss_sha_256"_s << errors::Validation;
    QTest::newRow("missing") << u"RSA_2048"_s << QString() << errors::Validation;
}

void TestKmsSigning::wrongAlgorithm()
{
    QFETCH(QString, spec);
    QFETCH(QString, algorithm);
    QFETCH(QString, error);
    const KeyRecord &k = sharedKey(spec);
    qsizetype before = eventCount();
    auto signed_ = m_svc->sign(m_root, k.keyId, "message", u"RAW"_s, algorithm);
    QCOMPARE(errorType(signed_), error);
    checkAudited(before, u"Sign"_s, error);
    if (error == errors::InvalidKeyUsage)
        QCOMPARE(signed_.error().message, u"Algorithm %1 is incompatible with key spec %2."_s.arg(algorithm, spec));
    before = eventCount();
    QCOMPARE(errorType(m_svc->verify(m_root, k.keyId, "message", u"RAW"_s, QByteArray(64, 'x'), algorithm)), error);
    checkAudited(before, u"Verify"_s, error);
}

void TestKmsSigning::wrongKeyUsage_data()
{
    QTest::addColumn<QString>("spec");
    QTest::addColumn<QString>("usage");
    QTest::addColumn<QString>("operation");
    QTest::newRow("RSA ENCRYPT_DECRYPT for Sign") << u"RSA_2048"_s << u"ENCRYPT_DECRYPT"_s << u"Sign"_s;
    QTest::newRow("RSA ENCRYPT_DECRYPT for Verify") << u"RSA_2048"_s << u"ENCRYPT_DECRYPT"_s << u"Verify"_s;
    QTest::newRow("symmetric for Sign") << u"SYMMETRIC_DEFAULT"_s << u"ENCRYPT_DECRYPT"_s << u"Sign"_s;
    QTest::newRow("HMAC for Sign") << u"HMAC_256"_s << u"GENERATE_VERIFY_MAC"_s << u"Sign"_s;
    QTest::newRow("RSA SIGN_VERIFY for GenerateMac") << u"RSA_2048"_s << u"SIGN_VERIFY"_s << u"GenerateMac"_s;
    QTest::newRow("symmetric for VerifyMac") << u"SYMMETRIC_DEFAULT"_s << u"ENCRYPT_DECRYPT"_s << u"VerifyMac"_s;
}

void TestKmsSigning::wrongKeyUsage()
{
    QFETCH(QString, spec);
    QFETCH(QString, usage);
    QFETCH(QString, operation);
    const KeyRecord &k = sharedKey(spec, usage);
    const QByteArray message("message");
    const qsizetype before = eventCount();
    KmsError error;
    if (operation == u"Sign")
        error = m_svc->sign(m_root, k.keyId, message, u"RAW"_s, u"RSASSA_PSS_SHA_256"_s).error();
    else if (operation == u"Verify")
        error = m_svc->verify(m_root, k.keyId, message, u"RAW"_s, "sig", u"RSASSA_PSS_SHA_256"_s).error();
    else if (operation == u"GenerateMac")
        error = m_svc->generateMac(m_root, k.keyId, message, u"HMAC_SHA_256"_s).error();
    else
        error = m_svc->verifyMac(m_root, k.keyId, message, QByteArray(32, 'm'), u"HMAC_SHA_256"_s).error();
    checkAudited(before, operation, errors::InvalidKeyUsage);
    QCOMPARE(error.type, errors::InvalidKeyUsage);
    QCOMPARE(error.message, u"%1 key usage is %2 which is not valid for %3."_s.arg(k.arn, usage, operation));
}

void TestKmsSigning::requestValidation_data()
{
    QTest::addColumn<QString>("spec");
    QTest::addColumn<QString>("algorithm");
    QTest::addColumn<QString>("messageType");
    QTest::addColumn<QByteArray>("message");
    QTest::addColumn<QByteArray>("signature"); ///< empty: test Sign; else Verify
    QTest::addColumn<QString>("error");
    const QByteArray sig(256, 's');
    QTest::newRow("4096-byte message") << u"ECC_NIST_P256"_s << u"ECDSA_SHA_256"_s << u"RAW"_s << QByteArray(4096, 'm')
                                       << QByteArray() << QString();
    QTest::newRow("default message type is RAW") << u"ECC_NIST_P256"_s << u"ECDSA_SHA_256"_s << QString()
                                                 << QByteArray(4096, 'm') << QByteArray() << QString();
    QTest::newRow("empty message") << u"ECC_NIST_P256"_s << u"ECDSA_SHA_256"_s << u"RAW"_s << QByteArray()
                                   << QByteArray() << errors::Validation;
    QTest::newRow("4097-byte message") << u"ECC_NIST_P256"_s << u"ECDSA_SHA_256"_s << u"RAW"_s
                                       << QByteArray(4097, 'm') << QByteArray() << errors::Validation;
    QTest::newRow("DIGEST of 31 bytes for SHA-256") << u"ECC_NIST_P256"_s << u"ECDSA_SHA_256"_s << u"DIGEST"_s
                                                    << QByteArray(31, 'd') << QByteArray() << errors::Validation;
    QTest::newRow("DIGEST of 32 bytes for SHA-384") << u"RSA_2048"_s << u"RSASSA_PSS_SHA_384"_s << u"DIGEST"_s
                                                    << QByteArray(32, 'd') << QByteArray() << errors::Validation;
    QTest::newRow("Verify DIGEST of 48 bytes for SHA-512") << u"ECC_NIST_P521"_s << u"ECDSA_SHA_512"_s << u"DIGEST"_s
                                                           << QByteArray(48, 'd') << sig << errors::Validation;
    QTest::newRow("message type lower case") << u"ECC_NIST_P256"_s << u"ECDSA_SHA_256"_s << u"raw"_s
                                             << QByteArray("m") << QByteArray() << errors::Validation;
    QTest::newRow("EXTERNAL_MU is ML-DSA's") << u"ECC_NIST_P256"_s << u"ECDSA_SHA_256"_s << u"EXTERNAL_MU"_s
                                             << QByteArray(64, 'm') << QByteArray() << errors::InvalidKeyUsage;
    QTest::newRow("Verify 6145-byte signature") << u"RSA_2048"_s << u"RSASSA_PSS_SHA_256"_s << u"RAW"_s
                                                << QByteArray("m") << QByteArray(6145, 's') << errors::Validation;
    QTest::newRow("Verify 6144-byte signature") << u"RSA_2048"_s << u"RSASSA_PSS_SHA_256"_s << u"RAW"_s
                                                << QByteArray("m") << QByteArray(6144, 's')
                                                << errors::InvalidSignature;
}

void TestKmsSigning::requestValidation()
{
    QFETCH(QString, spec);
    QFETCH(QString, algorithm);
    QFETCH(QString, messageType);
    QFETCH(QByteArray, message);
    QFETCH(QByteArray, signature);
    QFETCH(QString, error);
    const KeyRecord &k = sharedKey(spec);
    const qsizetype before = eventCount();
    if (signature.isEmpty()) {
        auto r = m_svc->sign(m_root, k.keyId, message, messageType, algorithm);
        checkAudited(before, u"Sign"_s, error);
        QCOMPARE(errorType(r), error);
        if (r) { // and the signature is good
            auto ok = m_svc->verify(m_root, k.keyId, message, messageType, r->signature, algorithm);
            QVERIFY(ok && *ok);
        }
    } else {
        QCOMPARE(errorType(m_svc->verify(m_root, k.keyId, message, messageType, signature, algorithm)), error);
        checkAudited(before, u"Verify"_s, error);
    }
    if (error == errors::Validation && messageType == u"DIGEST")
        QCOMPARE(m_svc->audit().events()->last().value(u"errorMessage").toString(),
                 u"Digest is invalid length for algorithm %1."_s.arg(algorithm));
    // An empty Signature is a validation error too (and never reaches the key).
    if (!signature.isEmpty())
        QCOMPARE(errorType(m_svc->verify(m_root, k.keyId, "m", u"RAW"_s, {}, algorithm)), errors::Validation);
}

// ---- key states, aliases, lookup ---------------------------------------------------------------

void TestKmsSigning::keyStates()
{
    const KeyRecord sign = create(u"ECC_NIST_P256"_s, u"SIGN_VERIFY"_s);
    const KeyRecord mac = create(u"HMAC_384"_s, u"GENERATE_VERIFY_MAC"_s);
    const QByteArray message("state rules");
    auto signature = m_svc->sign(m_root, sign.keyId, message, u"RAW"_s, u"ECDSA_SHA_256"_s);
    auto tag = m_svc->generateMac(m_root, mac.keyId, message, u"HMAC_SHA_384"_s);
    QVERIFY(signature && tag);

    const auto allFail = [&](const QString &error) -> QString {
        const QList<std::pair<QString, QString>> outcomes{
            {u"Sign"_s, errorType(m_svc->sign(m_root, sign.keyId, message, u"RAW"_s, u"ECDSA_SHA_256"_s))},
            {u"Verify"_s, errorType(m_svc->verify(m_root, sign.keyId, message, u"RAW"_s, signature->signature,
                                                  u"ECDSA_SHA_256"_s))},
            {u"GetPublicKey"_s, errorType(m_svc->getPublicKey(m_root, sign.keyId))},
            {u"GenerateMac"_s, errorType(m_svc->generateMac(m_root, mac.keyId, message, u"HMAC_SHA_384"_s))},
            {u"VerifyMac"_s, errorType(m_svc->verifyMac(m_root, mac.keyId, message, *tag, u"HMAC_SHA_384"_s))}};
        for (const auto &[op, got] : outcomes)
            if (got != error)
                return op + u" gave '"_s + got + u"', expected '"_s + error + u'\'';
        return QString();
    };

    QVERIFY(m_svc->disableKey(m_root, sign.keyId));
    QVERIFY(m_svc->disableKey(m_root, mac.keyId));
    const qsizetype before = eventCount();
    QString problem = allFail(errors::Disabled);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QCOMPARE(eventCount(), before + 5);
    QCOMPARE(m_svc->audit().events()->last().value(u"errorMessage").toString(), mac.arn + u" is disabled."_s);

    QVERIFY(m_svc->enableKey(m_root, sign.keyId));
    QVERIFY(m_svc->enableKey(m_root, mac.keyId));
    problem = allFail(QString());
    QVERIFY2(problem.isEmpty(), qPrintable(problem));

    QVERIFY(m_svc->scheduleKeyDeletion(m_root, sign.keyId, 7));
    QVERIFY(m_svc->scheduleKeyDeletion(m_root, mac.keyId, 7));
    problem = allFail(errors::InvalidState);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));

    // An imported HMAC key without material is PendingImport.
    const KeyRecord pending = create(u"HMAC_256"_s, u"GENERATE_VERIFY_MAC"_s, u"EXTERNAL"_s);
    QCOMPARE(errorType(m_svc->generateMac(m_root, pending.keyId, message, u"HMAC_SHA_256"_s)), errors::InvalidState);
}

void TestKmsSigning::aliasesAndNotFound()
{
    const KeyRecord &k = sharedKey(u"ECC_NIST_P256"_s);
    QVERIFY(m_svc->createAlias(m_root, u"alias/signer"_s, k.keyId));
    const QString aliasArn = u"arn:aws:kms:us-east-1:%1:alias/signer"_s.arg(m_svc->accountId());
    for (const QString &id : {u"alias/signer"_s, aliasArn, k.arn}) {
        const qsizetype before = eventCount();
        auto s = m_svc->sign(m_root, id, "via alias", {}, u"ECDSA_SHA_256"_s);
        QVERIFY2(s, qPrintable(id));
        QCOMPARE(s->keyArn, k.arn);
        // The event names the key itself, and the id as the caller gave it.
        const QJsonObject e = m_svc->audit().events()->last();
        QCOMPARE(eventCount(), before + 1);
        QCOMPARE(e.value(u"resources").toArray().first().toObject().value(u"ARN").toString(), k.arn);
        QCOMPARE(e.value(u"requestParameters").toObject().value(u"keyId").toString(), id);
        QVERIFY(m_svc->verify(m_root, id, "via alias", u"RAW"_s, s->signature, u"ECDSA_SHA_256"_s));
        QCOMPARE(m_svc->getPublicKey(m_root, id)->keyArn, k.arn);
    }
    const QString missing = u"1234abcd-12ab-34cd-56ef-1234567890ab"_s;
    const qsizetype before = eventCount();
    QCOMPARE(errorType(m_svc->sign(m_root, missing, "m", u"RAW"_s, u"ECDSA_SHA_256"_s)), errors::NotFound);
    QCOMPARE(errorType(m_svc->verify(m_root, u"alias/nothing"_s, "m", u"RAW"_s, "s", u"ECDSA_SHA_256"_s)),
             errors::NotFound);
    QCOMPARE(errorType(m_svc->generateMac(m_root, missing, "m", u"HMAC_SHA_256"_s)), errors::NotFound);
    QCOMPARE(errorType(m_svc->verifyMac(m_root, missing, "m", "t", u"HMAC_SHA_256"_s)), errors::NotFound);
    QCOMPARE(errorType(m_svc->getPublicKey(m_root, missing)), errors::NotFound);
    QCOMPARE(eventCount(), before + 5);
}

// ---- MACs ------------------------------------------------------------------------------------

void TestKmsSigning::macs_data()
{
    QTest::addColumn<QString>("spec");
    QTest::addColumn<QString>("algorithm");
    QTest::addColumn<int>("keyLength");
    QTest::newRow("HMAC_224") << u"HMAC_224"_s << u"HMAC_SHA_224"_s << 28;
    QTest::newRow("HMAC_256") << u"HMAC_256"_s << u"HMAC_SHA_256"_s << 32;
    QTest::newRow("HMAC_384") << u"HMAC_384"_s << u"HMAC_SHA_384"_s << 48;
    QTest::newRow("HMAC_512") << u"HMAC_512"_s << u"HMAC_SHA_512"_s << 64;
}

void TestKmsSigning::macs()
{
    QFETCH(QString, spec);
    QFETCH(QString, algorithm);
    QFETCH(int, keyLength);
    const KeyRecord &k = sharedKey(spec, u"GENERATE_VERIFY_MAC"_s);
    const HashAlg hash = hashOfAlgorithm(algorithm);
    auto secret = m_svc->material(k);
    QVERIFY(secret);
    QCOMPARE(secret->size(), keyLength);

    for (const QByteArray &message : {QByteArray("m"), QByteArray("what is MACed"), QByteArray(4096, '\xa5')}) {
        qsizetype before = eventCount();
        auto mac = m_svc->generateMac(m_root, k.keyId, message, algorithm);
        QVERIFY2(mac, qPrintable(mac ? QString() : mac.error().toString()));
        checkAudited(before, u"GenerateMac"_s, {});
        // Qt's HMAC, independent of qkms's primitives, over the unwrapped secret.
        QCOMPARE(*mac, QMessageAuthenticationCode::hash(message, secret->toByteArray(), qtHash(hash)));
        before = eventCount();
        auto ok = m_svc->verifyMac(m_root, k.keyId, message, *mac, algorithm);
        QVERIFY(ok && *ok);
        checkAudited(before, u"VerifyMac"_s, {});

        // Negative: a flipped bit anywhere, a truncated MAC, another message.
        for (qsizetype at : {qsizetype(0), mac->size() - 1}) {
            before = eventCount();
            QCOMPARE(errorType(m_svc->verifyMac(m_root, k.keyId, message, flipped(*mac, at), algorithm)),
                     errors::InvalidMac);
            checkAudited(before, u"VerifyMac"_s, errors::InvalidMac);
        }
        QCOMPARE(errorType(m_svc->verifyMac(m_root, k.keyId, message, mac->chopped(1), algorithm)), errors::InvalidMac);
        QCOMPARE(errorType(m_svc->verifyMac(m_root, k.keyId, flipped(message, 0), *mac, algorithm)), errors::InvalidMac);
    }
    // Another HMAC algorithm than the key spec's, and malformed requests.
    const QString other = algorithm == u"HMAC_SHA_256" ? u"HMAC_SHA_512"_s : u"HMAC_SHA_256"_s;
    auto wrong = m_svc->generateMac(m_root, k.keyId, "m", other);
    QCOMPARE(errorType(wrong), errors::InvalidKeyUsage);
    QCOMPARE(wrong.error().message, u"Algorithm %1 is incompatible with key spec %2."_s.arg(other, spec));
    QCOMPARE(errorType(m_svc->verifyMac(m_root, k.keyId, "m", QByteArray(64, 'm'), other)), errors::InvalidKeyUsage);
    QCOMPARE(errorType(m_svc->generateMac(m_root, k.keyId, "m", u"HMAC_SHA_1"_s)), errors::Validation);
    QCOMPARE(errorType(m_svc->generateMac(m_root, k.keyId, "m", QString())), errors::Validation);
    QCOMPARE(errorType(m_svc->generateMac(m_root, k.keyId, {}, algorithm)), errors::Validation);
    QCOMPARE(errorType(m_svc->generateMac(m_root, k.keyId, QByteArray(4097, 'm'), algorithm)), errors::Validation);
    QCOMPARE(errorType(m_svc->verifyMac(m_root, k.keyId, "m", {}, algorithm)), errors::Validation);
    QCOMPARE(errorType(m_svc->verifyMac(m_root, k.keyId, "m", QByteArray(6145, 'm'), algorithm)), errors::Validation);
}

// ---- GetPublicKey ----------------------------------------------------------------------------

void TestKmsSigning::getPublicKey_data()
{
    QTest::addColumn<QString>("spec");
    QTest::addColumn<QString>("usage");
    QTest::addColumn<QString>("error");
    for (const char *spec : {"RSA_2048", "ECC_NIST_P256", "ECC_NIST_P384", "ECC_NIST_P521", "ECC_SECG_P256K1"})
        QTest::addRow("%s SIGN_VERIFY", spec) << QString::fromLatin1(spec) << u"SIGN_VERIFY"_s << QString();
    QTest::newRow("RSA_2048 ENCRYPT_DECRYPT") << u"RSA_2048"_s << u"ENCRYPT_DECRYPT"_s << QString();
    QTest::newRow("SYMMETRIC_DEFAULT") << u"SYMMETRIC_DEFAULT"_s << u"ENCRYPT_DECRYPT"_s
                                       << errors::UnsupportedOperation;
    QTest::newRow("HMAC_512") << u"HMAC_512"_s << u"GENERATE_VERIFY_MAC"_s << errors::UnsupportedOperation;
}

void TestKmsSigning::getPublicKey()
{
    QFETCH(QString, spec);
    QFETCH(QString, usage);
    QFETCH(QString, error);
    const KeyRecord &k = sharedKey(spec, usage);
    const qsizetype before = eventCount();
    auto r = m_svc->getPublicKey(m_root, k.keyId);
    checkAudited(before, u"GetPublicKey"_s, error);
    QCOMPARE(errorType(r), error);
    if (!r)
        return;
    QCOMPARE(r->keyArn, k.arn);
    QCOMPARE(toString(r->key.keySpec), spec);
    QCOMPARE(toString(r->key.keyUsage), usage);
    auto pub = crypto::AsymmetricKey::fromPublicDer(r->publicKey);
    QVERIFY(pub);
    QVERIFY(!pub->hasPrivate());
    QCOMPARE(QString::fromLatin1(kindName(pub->kind())), spec);
    QCOMPARE(*pub->publicKeyDer(), r->publicKey); // canonical SubjectPublicKeyInfo
}

// ---- authorization and audit -----------------------------------------------------------------

void TestKmsSigning::authorization()
{
    const KeyRecord &signer = sharedKey(u"RSA_2048"_s);
    const KeyRecord &mac = sharedKey(u"HMAC_256"_s, u"GENERATE_VERIFY_MAC"_s);
    // The default hook refuses a principal other than the root.
    const Caller alice{u"arn:aws:iam::%1:user/alice"_s.arg(m_svc->accountId()), u"cli"_s, {}};
    QCOMPARE(errorType(m_svc->sign(alice, signer.keyId, "m", u"RAW"_s, u"RSASSA_PSS_SHA_512"_s)),
             errors::AccessDenied);

    QList<AuthRequest> asked;
    bool deny = false;
    m_svc->setAuthorizer([&](const AuthRequest &r) -> Status {
        asked << r;
        return deny ? fail(errors::AccessDenied, u"denied"_s) : Status();
    });
    auto s = m_svc->sign(m_root, signer.keyId, "m", u"RAW"_s, u"RSASSA_PSS_SHA_512"_s);
    QVERIFY(s);
    QVERIFY(m_svc->verify(m_root, signer.keyId, "m", {}, s->signature, u"RSASSA_PSS_SHA_512"_s));
    auto t = m_svc->generateMac(m_root, mac.keyId, "m", u"HMAC_SHA_256"_s);
    QVERIFY(t);
    QVERIFY(m_svc->verifyMac(m_root, mac.keyId, "m", *t, u"HMAC_SHA_256"_s));
    QVERIFY(m_svc->getPublicKey(m_root, signer.keyId));
    QCOMPARE(asked.size(), 5);
    const QStringList actions{u"kms:Sign"_s, u"kms:Verify"_s, u"kms:GenerateMac"_s, u"kms:VerifyMac"_s,
                              u"kms:GetPublicKey"_s};
    for (int i = 0; i < 5; ++i) {
        QCOMPARE(asked[i].action, actions[i]);
        QVERIFY(asked[i].key);
        QCOMPARE(asked[i].caller->principalArn, m_root.principalArn);
    }
    QCOMPARE(asked[0].conditions.value(u"kms:SigningAlgorithm"_s), QStringList{u"RSASSA_PSS_SHA_512"_s});
    QCOMPARE(asked[0].conditions.value(u"kms:MessageType"_s), QStringList{u"RAW"_s});
    QCOMPARE(asked[1].conditions.value(u"kms:MessageType"_s), QStringList{u"RAW"_s}); // the default
    QCOMPARE(asked[2].conditions.value(u"kms:MacAlgorithm"_s), QStringList{u"HMAC_SHA_256"_s});
    QCOMPARE(asked[3].conditions.value(u"kms:MacAlgorithm"_s), QStringList{u"HMAC_SHA_256"_s});

    // A denial comes before the usage check (it must not reveal the key's usage) and is audited.
    deny = true;
    qsizetype before = eventCount();
    QCOMPARE(errorType(m_svc->generateMac(m_root, signer.keyId, "m", u"HMAC_SHA_256"_s)), errors::AccessDenied);
    checkAudited(before, u"GenerateMac"_s, errors::AccessDenied);
    before = eventCount();
    QCOMPARE(errorType(m_svc->getPublicKey(m_root, mac.keyId)), errors::AccessDenied);
    checkAudited(before, u"GetPublicKey"_s, errors::AccessDenied);
    // The hook above captures locals: the later tests get one that allows the root only.
    m_svc->setAuthorizer([root = m_root.principalArn](const AuthRequest &r) -> Status {
        return r.caller->principalArn == root ? Status() : fail(errors::AccessDenied, u"denied"_s);
    });
}

void TestKmsSigning::auditHoldsNoMessage()
{
    const KeyRecord &signer = sharedKey(u"ECC_NIST_P384"_s);
    const KeyRecord &mac = sharedKey(u"HMAC_512"_s, u"GENERATE_VERIFY_MAC"_s);
    const QByteArray message("a message the audit must not hold 7f3c9a");
    const QByteArray digest = hashOf(HashAlg::Sha384, message);
    const qsizetype before = eventCount();
    auto s = m_svc->sign(m_root, signer.keyId, digest, u"DIGEST"_s, u"ECDSA_SHA_384"_s);
    QVERIFY(s);
    QVERIFY(m_svc->verify(m_root, signer.keyId, message, u"RAW"_s, s->signature, u"ECDSA_SHA_384"_s));
    auto t = m_svc->generateMac(m_root, mac.keyId, message, u"HMAC_SHA_512"_s);
    QVERIFY(t);
    QVERIFY(m_svc->verifyMac(m_root, mac.keyId, message, *t, u"HMAC_SHA_512"_s));
    QCOMPARE(eventCount(), before + 4);

    const QJsonObject signEvent = m_svc->audit().events()->at(before);
    QCOMPARE(signEvent.value(u"requestParameters").toObject(),
             (QJsonObject{{u"keyId"_s, signer.keyId}, {u"messageType"_s, u"DIGEST"_s},
                          {u"signingAlgorithm"_s, u"ECDSA_SHA_384"_s}}));
    QCOMPARE(m_svc->audit().events()->at(before + 2).value(u"requestParameters").toObject(),
             (QJsonObject{{u"keyId"_s, mac.keyId}, {u"macAlgorithm"_s, u"HMAC_SHA_512"_s}}));

    QBuffer exported;
    QVERIFY(exported.open(QIODevice::WriteOnly));
    QVERIFY(m_svc->audit().exportJsonLines(exported));
    const QByteArray trail = exported.data();
    QVERIFY(trail.contains(signer.keyId.toLatin1()));
    auto secret = m_svc->material(mac);
    QVERIFY(secret);
    for (const QByteArray &needle : {message, message.toBase64(), message.toHex(), digest.toBase64(), digest.toHex(),
                                     s->signature.toBase64(), t->toBase64(), t->toHex(),
                                     secret->toByteArray().toBase64(), secret->toByteArray().toHex()})
        QVERIFY2(!trail.contains(needle), needle.constData());
    QVERIFY(m_svc->audit().verify()->intact());
}

// ---- the openssl command line verifies what Sign made, with GetPublicKey's DER ---------------

void TestKmsSigning::opensslVerifiesSign_data()
{
    QTest::addColumn<QString>("spec");
    QTest::addColumn<QString>("algorithm");
    QTest::addColumn<QString>("messageType");
    QTest::addColumn<QString>("tool");
    QTest::newRow("RSA_2048 RSASSA_PSS_SHA_256, pkeyutl")
        << u"RSA_2048"_s << u"RSASSA_PSS_SHA_256"_s << u"RAW"_s << u"pkeyutl"_s;
    QTest::newRow("RSA_2048 RSASSA_PSS_SHA_256 DIGEST, dgst")
        << u"RSA_2048"_s << u"RSASSA_PSS_SHA_256"_s << u"DIGEST"_s << u"dgst"_s;
    QTest::newRow("RSA_2048 RSASSA_PKCS1_V1_5_SHA_256, dgst")
        << u"RSA_2048"_s << u"RSASSA_PKCS1_V1_5_SHA_256"_s << u"RAW"_s << u"dgst"_s;
    QTest::newRow("RSA_2048 RSASSA_PKCS1_V1_5_SHA_512 DIGEST, pkeyutl")
        << u"RSA_2048"_s << u"RSASSA_PKCS1_V1_5_SHA_512"_s << u"DIGEST"_s << u"pkeyutl"_s;
    QTest::newRow("ECC_NIST_P256 ECDSA_SHA_256, dgst")
        << u"ECC_NIST_P256"_s << u"ECDSA_SHA_256"_s << u"RAW"_s << u"dgst"_s;
    QTest::newRow("ECC_NIST_P256 ECDSA_SHA_256 DIGEST, pkeyutl")
        << u"ECC_NIST_P256"_s << u"ECDSA_SHA_256"_s << u"DIGEST"_s << u"pkeyutl"_s;
}

void TestKmsSigning::opensslVerifiesSign()
{
    if (!m_openssl.available())
        QSKIP("the openssl command line tool is not installed; interop check not run");
    QFETCH(QString, spec);
    QFETCH(QString, algorithm);
    QFETCH(QString, messageType);
    QFETCH(QString, tool);
    const KeyRecord &k = sharedKey(spec);
    const HashAlg hash = hashOfAlgorithm(algorithm);
    const QByteArray message("checked by openssl against GetPublicKey");
    const QByteArray digest = hashOf(hash, message);
    auto signature = m_svc->sign(m_root, k.keyId, messageType == u"DIGEST" ? digest : message, messageType, algorithm);
    QVERIFY(signature);
    auto pub = m_svc->getPublicKey(m_root, k.keyId);
    QVERIFY(pub);

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString pubPath = dir.filePath(u"pub.der"_s);
    const QString msgPath = dir.filePath(u"msg.bin"_s);
    const QString sigPath = dir.filePath(u"sig.bin"_s);
    QVERIFY(writeFile(pubPath, pub->publicKey));
    QVERIFY(writeFile(msgPath, tool == u"dgst" ? message : digest));
    const QString md = opensslHashName(hash);
    const bool pss = algorithm.startsWith(u"RSASSA_PSS");
    QStringList args;
    if (tool == u"dgst") {
        args << u"dgst"_s << u'-' + md << u"-keyform"_s << u"DER"_s << u"-verify"_s << pubPath << u"-signature"_s
             << sigPath;
        if (pss)
            args << u"-sigopt"_s << u"rsa_padding_mode:pss"_s << u"-sigopt"_s << u"rsa_pss_saltlen:digest"_s;
        args << msgPath;
    } else {
        args << u"pkeyutl"_s << u"-verify"_s << u"-pubin"_s << u"-keyform"_s << u"DER"_s << u"-inkey"_s << pubPath
             << u"-in"_s << msgPath << u"-sigfile"_s << sigPath << u"-pkeyopt"_s << u"digest:"_s + md;
        if (pss)
            args << u"-pkeyopt"_s << u"rsa_padding_mode:pss"_s << u"-pkeyopt"_s << u"rsa_pss_saltlen:digest"_s;
    }
    QByteArray output;
    QVERIFY(writeFile(sigPath, signature->signature));
    QVERIFY2(m_openssl.run(args, &output) == 0, output.constData());
    // The check is live: openssl rejects a tampered signature.
    QVERIFY(writeFile(sigPath, flipped(signature->signature, signature->signature.size() / 2)));
    QVERIFY2(m_openssl.run(args, &output) != 0, output.constData());
}

QKMS_TEST_MAIN(TestKmsSigning)
#include "tst_kms_signing.moc"
