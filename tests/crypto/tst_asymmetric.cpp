// AsymmetricKey: generation, PKCS#8 / SubjectPublicKeyInfo / SEC1 encodings and what a loaded key
// is, for every KeyKind; refusal of malformed or unsupported keys; misuse of a key.
// Signatures are in tst_signature, RSAES-OAEP in tst_rsaoaep.

#include "TestMain.h"
#include "AsymmetricTestSupport.h"

using namespace qkms;
using namespace qkms::crypto;
using namespace qkms::test;

class TestAsymmetric : public QObject
{
    Q_OBJECT

private:
    std::map<KeyKind, AsymmetricKey> m_keys; ///< one generated key per kind, shared by the tests
    const AsymmetricKey &key(KeyKind k) const { return m_keys.at(k); }

private Q_SLOTS:
    void initTestCase();
    void generate_data();
    void generate();
    void derRoundTrip_data();
    void derRoundTrip();
    void badDer_data();
    void badDer();
    void ecPoint_data();
    void ecPoint();
    void badEcPoint_data();
    void badEcPoint();
    void misuse();
};

void TestAsymmetric::initTestCase()
{
    QVERIFY(generateKeys(AllKinds, m_keys));
}

void TestAsymmetric::generate_data()
{
    QTest::addColumn<KeyKind>("kind");
    QTest::addColumn<int>("bits");
    QTest::addColumn<int>("compressedPoint"); // SEC1 compressed point size; 0 for RSA
    const int sizes[][2] = {{2048, 0}, {3072, 0}, {4096, 0}, {256, 33}, {384, 49}, {521, 67}, {256, 33}};
    for (int i = 0; i < 7; ++i)
        QTest::newRow(kindName(AllKinds[i])) << AllKinds[i] << sizes[i][0] << sizes[i][1];
}

void TestAsymmetric::generate()
{
    QFETCH(KeyKind, kind);
    QFETCH(int, bits);
    QFETCH(int, compressedPoint);
    const AsymmetricKey &k = key(kind);
    QCOMPARE(k.kind(), kind);
    QCOMPARE(k.bits(), bits);
    QCOMPARE(k.isRsa(), isRsaKind(kind));
    QVERIFY(k.hasPrivate());
    if (isRsaKind(kind)) {
        QCOMPARE(k.ecPoint(true).error().type, errors::InvalidKeyUsage);
        return;
    }
    QCOMPARE(k.ecPoint(true)->size(), compressedPoint);
    QCOMPARE(k.ecPoint(false)->size(), 2 * compressedPoint - 1);
    // A second key of the same kind is a different key.
    auto other = AsymmetricKey::generate(kind);
    QVERIFY(other);
    QVERIFY(*other->publicKeyDer() != *k.publicKeyDer());
}

void TestAsymmetric::derRoundTrip_data()
{
    QTest::addColumn<KeyKind>("kind");
    QTest::addColumn<QByteArray>("algorithmOid"); // AlgorithmIdentifier inside PrivateKeyInfo
    for (KeyKind k : AllKinds)
        QTest::newRow(kindName(k)) << k
                                   << (isRsaKind(k) ? hex("06092a864886f70d010101") // rsaEncryption
                                                    : hex("06072a8648ce3d0201"));   // id-ecPublicKey
}

void TestAsymmetric::derRoundTrip()
{
    QFETCH(KeyKind, kind);
    QFETCH(QByteArray, algorithmOid);
    const AsymmetricKey &k = key(kind);
    auto privateDer = k.privateKeyDer();
    auto publicDer = k.publicKeyDer();
    QVERIFY(privateDer && publicDer);
    // PKCS#8, not PKCS#1 / SEC1: the key's algorithm is named in the structure.
    QVERIFY(privateDer->toByteArray().contains(algorithmOid));
    QVERIFY(publicDer->contains(algorithmOid));

    auto loaded = AsymmetricKey::fromPrivateDer(*privateDer);
    QVERIFY2(loaded, qPrintable(loaded ? QString() : loaded.error().toString()));
    QCOMPARE(loaded->kind(), kind);
    QVERIFY(loaded->hasPrivate());
    QCOMPARE(*loaded->publicKeyDer(), *publicDer);
    QCOMPARE(loaded->privateKeyDer()->toByteArray(), privateDer->toByteArray());

    auto pub = AsymmetricKey::fromPublicDer(*publicDer);
    QVERIFY2(pub, qPrintable(pub ? QString() : pub.error().toString()));
    QCOMPARE(pub->kind(), kind);
    QCOMPARE(pub->bits(), k.bits());
    QVERIFY(!pub->hasPrivate());
    QCOMPARE(*pub->publicKeyDer(), *publicDer);
    QVERIFY(!pub->privateKeyDer());

    // The reloaded private key signs what the original public key accepts.
    const SignatureScheme scheme = isRsaKind(kind) ? SignatureScheme::RsaPss : SignatureScheme::Ecdsa;
    auto sig = loaded->sign(scheme, HashAlg::Sha256, MessageKind::Raw, "reloaded");
    QVERIFY(sig);
    QCOMPARE(k.verify(scheme, HashAlg::Sha256, MessageKind::Raw, "reloaded", *sig), true);
}

void TestAsymmetric::badDer_data()
{
    QTest::addColumn<bool>("asPrivate");
    QTest::addColumn<QByteArray>("der");
    const QByteArray rsaPrivate = key(KeyKind::Rsa2048).privateKeyDer()->toByteArray();
    const QByteArray ecPublic = *key(KeyKind::EcP256).publicKeyDer();
    QTest::newRow("private: empty") << true << QByteArray();
    QTest::newRow("private: not DER") << true << QByteArray("not a key at all");
    QTest::newRow("private: PKCS#8 cut short") << true << rsaPrivate.left(rsaPrivate.size() - 1);
    QTest::newRow("private: PKCS#8 + trailing byte") << true << rsaPrivate + '\0';
    QTest::newRow("private: an SPKI public key") << true << ecPublic;
    QTest::newRow("private: SEC1 ECPrivateKey (RFC 5915, not PKCS#8)")
        << true
        << hex("307702010104206aa4306b72956d2fadb0ef8592f268f6e71124069dbf6d95e763491de01935f6a00a06082a8648ce3d030107"
               "a14403420004c186c7b368907482766d09c5664567a5553f1e1ec30d0c24b2b60606e4e4a805378f0b9e74e5905c9c737c25a0"
               "38b252be3f48c600f7d652e6413b10a7d8ce39");
    QTest::newRow("public: empty") << false << QByteArray();
    QTest::newRow("public: not DER") << false << QByteArray("\x30\x03\x02\x01", 4);
    QTest::newRow("public: SPKI cut short") << false << ecPublic.left(ecPublic.size() - 1);
    QTest::newRow("public: SPKI + trailing byte") << false << ecPublic + '\0';
    QTest::newRow("public: point off the curve") << false << flipped(ecPublic, ecPublic.size() - 1);
    QTest::newRow("public: RFC 8410 10.1 Ed25519 (not a KMS key spec)")
        << false << QByteArray::fromBase64("MCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=");
    QTest::newRow("public: P-224 (not a KMS curve)")
        << false
        << hex("304e301006072a8648ce3d020106052b81040021033a00048a7dba67e90ab0d58c36c118017f06c8c469c5ebd3bd922a3a7342"
               "adf32234794a6c50752c37159ce866423dec8c3b89c92cc1029fdad7c0");
    QTest::newRow("public: RSA 1024 (not a KMS size)")
        << false
        << hex("30819f300d06092a864886f70d010101050003818d0030818902818100c9929ca37707ed0c8e9ac9795a36fe4dfc5711821e"
               "6d3b2c2497c28cb1696bb8f566380406fe050849e620f3ad5852e0da0dca65fd373bd5c15ed72a81360d8f3519ecd70df32d"
               "723b6b1256557d218978f084f5ea1b3d1031940d55e04fa56caef17e3b0eb80ba109631e5f4ac7136c8f65e2b5f46faa9ec3"
               "a942dfec71d2330203010001");
}

void TestAsymmetric::badDer()
{
    QFETCH(bool, asPrivate);
    QFETCH(QByteArray, der);
    auto loaded = asPrivate ? AsymmetricKey::fromPrivateDer(QCA::SecureArray(der)) : AsymmetricKey::fromPublicDer(der);
    QVERIFY(!loaded);
    QCOMPARE(loaded.error().type, errors::Crypto);
    QVERIFY(!loaded.error().message.isEmpty());
}

void TestAsymmetric::ecPoint_data()
{
    QTest::addColumn<KeyKind>("kind");
    for (KeyKind k : AllKinds)
        if (!isRsaKind(k))
            QTest::newRow(kindName(k)) << k;
}

void TestAsymmetric::ecPoint()
{
    QFETCH(KeyKind, kind);
    const AsymmetricKey &k = key(kind);
    const QByteArray compressed = *k.ecPoint(true);
    const QByteArray uncompressed = *k.ecPoint(false);
    // SEC1 2.3.3: 02/03 by the parity of y, then x; 04, x, y.
    const int fieldBytes = (k.bits() + 7) / 8;
    QCOMPARE(uncompressed[0], '\x04');
    QCOMPARE(compressed.mid(1), uncompressed.mid(1, fieldBytes));
    QCOMPARE(compressed[0], (uncompressed.back() & 1) ? '\x03' : '\x02');
    // Both forms load back to the same key, whose SPKI keeps the uncompressed point (as AWS's).
    for (const QByteArray &point : {compressed, uncompressed}) {
        auto loaded = AsymmetricKey::fromEcPoint(kind, point);
        QVERIFY2(loaded, qPrintable(loaded ? QString() : loaded.error().toString()));
        QCOMPARE(loaded->kind(), kind);
        QCOMPARE(*loaded->publicKeyDer(), *k.publicKeyDer());
        QCOMPARE(*loaded->ecPoint(true), compressed);
    }
}

void TestAsymmetric::badEcPoint_data()
{
    QTest::addColumn<KeyKind>("kind");
    QTest::addColumn<QByteArray>("point");
    QTest::addColumn<QString>("error");
    const QByteArray p256 = *key(KeyKind::EcP256).ecPoint(false);
    QTest::newRow("off the curve") << KeyKind::EcP256 << flipped(p256, p256.size() - 1) << errors::Crypto;
    QTest::newRow("P-256 point as P-384") << KeyKind::EcP384 << p256 << errors::Crypto;
    QTest::newRow("point at infinity") << KeyKind::EcP256 << QByteArray(1, '\0') << errors::Crypto;
    QTest::newRow("empty") << KeyKind::EcP256 << QByteArray() << errors::Crypto;
    QTest::newRow("RSA kind") << KeyKind::Rsa2048 << p256 << errors::Validation;
}

void TestAsymmetric::badEcPoint()
{
    QFETCH(KeyKind, kind);
    QFETCH(QByteArray, point);
    QFETCH(QString, error);
    auto loaded = AsymmetricKey::fromEcPoint(kind, point);
    QVERIFY(!loaded);
    QCOMPARE(loaded.error().type, error);
}

void TestAsymmetric::misuse()
{
    const AsymmetricKey &rsa = key(KeyKind::Rsa2048);
    const AsymmetricKey &ec = key(KeyKind::EcP256);
    const QByteArray message("m");
    // A scheme that does not fit the key.
    QCOMPARE(rsa.sign(SignatureScheme::Ecdsa, HashAlg::Sha256, MessageKind::Raw, message).error().type,
             errors::InvalidKeyUsage);
    QCOMPARE(rsa.verify(SignatureScheme::Ecdsa, HashAlg::Sha256, MessageKind::Raw, message, "sig").error().type,
             errors::InvalidKeyUsage);
    for (auto scheme : {SignatureScheme::RsaPkcs1v15, SignatureScheme::RsaPss})
        QCOMPARE(ec.sign(scheme, HashAlg::Sha256, MessageKind::Raw, message).error().type, errors::InvalidKeyUsage);
    // A public key cannot sign or decrypt.
    auto pub = AsymmetricKey::fromPublicDer(*rsa.publicKeyDer());
    QVERIFY(pub);
    QVERIFY(!pub->sign(SignatureScheme::RsaPss, HashAlg::Sha256, MessageKind::Raw, message));
    auto ct = pub->oaepEncrypt(HashAlg::Sha256, QCA::SecureArray(QByteArray("secret")));
    QVERIFY(ct);
    QVERIFY(!pub->oaepDecrypt(HashAlg::Sha256, *ct));
    QCOMPARE(rsa.oaepDecrypt(HashAlg::Sha256, *ct)->toByteArray(), QByteArray("secret"));
    // Malformed signatures are "not valid", not errors.
    QCOMPARE(ec.verify(SignatureScheme::Ecdsa, HashAlg::Sha256, MessageKind::Raw, message, "\x30\x02\x02"), false);
    QCOMPARE(ec.verify(SignatureScheme::Ecdsa, HashAlg::Sha256, MessageKind::Raw, message, QByteArray()), false);
    QCOMPARE(rsa.verify(SignatureScheme::RsaPss, HashAlg::Sha256, MessageKind::Raw, message, "short"), false);
    // OAEP is for RSA keys only.
    QCOMPARE(ec.oaepMaxPlaintext(HashAlg::Sha256), 0);
    QCOMPARE(ec.oaepEncrypt(HashAlg::Sha256, QCA::SecureArray(QByteArray("x"))).error().type, errors::InvalidKeyUsage);
}

QKMS_TEST_MAIN(TestAsymmetric)
#include "tst_asymmetric.moc"
