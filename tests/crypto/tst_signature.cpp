// Signatures for every scheme and hash AWS KMS offers (RSASSA_PKCS1_V1_5_SHA_*, RSASSA_PSS_SHA_*,
// ECDSA_SHA_*): Raw and Digest messages, published vectors (RFC 6979, Wycheproof), negative cases,
// and the openssl command line verifying what we sign.

#include "TestMain.h"
#include "AsymmetricTestSupport.h"

#include <QTemporaryDir>

using namespace qkms;
using namespace qkms::crypto;
using namespace qkms::test;

namespace {

/// DER ECDSA-Sig-Value from the big-endian r and s the RFCs print.
QByteArray ecdsaDer(const QByteArray &r, const QByteArray &s)
{
    const auto length = [](qsizetype n) {
        return n < 128 ? QByteArray(1, char(n)) : QByteArray("\x81") + char(n);
    };
    const auto integer = [&](QByteArray v) {
        while (v.size() > 1 && v[0] == 0 && !(static_cast<unsigned char>(v[1]) & 0x80))
            v.remove(0, 1);
        if (static_cast<unsigned char>(v[0]) & 0x80)
            v.prepend('\0');
        return QByteArray("\x02") + length(v.size()) + v;
    };
    const QByteArray body = integer(r) + integer(s);
    return QByteArray("\x30") + length(body.size()) + body;
}

// Wycheproof's 2048-bit RSA test key (rsa_signature_2048_sha256_test.json, rsa_pss_2048_sha256_mgf1_32_test.json).
const char WycheproofRsa2048Spki[] =
    "30820122300d06092a864886f70d01010105000382010f003082010a0282010100a2b451a07d0aa5f96e455671513550514a8a5b462ebef7"
    "17094fa1fee82224e637f9746d3f7cafd31878d80325b6ef5a1700f65903b469429e89d6eac8845097b5ab393189db92512ed8a7711a1253"
    "facd20f79c15e8247f3d3e42e46e48c98e254a2fe9765313a03eff8f17e1a029397a1fa26a8dce26f490ed81299615d9814c22da610428e0"
    "9c7d9658594266f5c021d0fceca08d945a12be82de4d1ece6b4c03145b5d3495d4ed5411eb878daf05fd7afc3e09ada0f1126422f590975a"
    "1969816f48698bcbba1b4d9cae79d460d8f9f85e7975005d9bc22c4e5ac0f7c1a45d12569a62807d3b9a02e5a530e773066f453d1f5b4c2e"
    "9cf7820283f742b9d50203010001";
const char WycheproofPkcs1Tc3[] =
    "264491e844c119f14e425c03282139a558dcdaeb82a4628173cd407fd319f9076eaebc0dd87a1c22e4d17839096886d58a9d5b7f7aeb63ef"
    "ec56c45ac7bead4203b6886e1faa90e028ec0ae094d46bf3f97efdd19045cfbc25a1abda2432639f9876405c0d68f8edbf047c12a454f768"
    "1d5d5a2b54bd3723d193dbad4338baad753264006e2d08931c4b8bb79aa1c9cad10eb6605f87c5831f6e2b08e002f9c6f21141f5841d9272"
    "7dd3e1d99c36bc560da3c9067df99fcaf818941f72588be33032bad22caf6704223bb114d575b6d02d9d222b580005d930e8f40cce9f672e"
    "ebb634a20177d84351627964b83f2053d736a84ab1a005f63bd5ba943de6205c";
const char WycheproofPkcs1Tc9[] = // "long form encoding of length of sequence": invalid
    "8a0e82d4f334aca72a718b6f8f643f69c6048d619d5eba71263a5d2d3ac7a7af133b780c7595ca2c982c006e861948f543cd0210c758691f"
    "9626842c25de2843ea314ca8eff285d47e0cffa54180af416004017034962a80a5959c3d3f1bfc154a4824462a93c014f6dfe920824f414a"
    "6e30e0e5944d480b99949ec7bf64c4a7461575933b17d7d6b0178b5192392ace3ed8469e8ac1dacae51ad5d3ad73dcb213e056d04596e64d"
    "8c0703def3110c7cecc93ba8ac8059f0f3d66b89d8712c62b41d407e4b4a104f4569558b0290c213cad6d0653898b9df8f4a453ab07d13bf"
    "b7598d505abbd0c4987e4f1ac66e1a523e113e370ab7cf990f0cc63f50f4f0a4";
const char WycheproofPssTc3[] =
    "401eb03cdb47ca88033e3030f6bdecbac8f5c8fc1dd6a13d23d379ed9a2b309891d13d74fea9d21d159b9e6d8f37efa2489962e24555f56d"
    "d434ff1d31ce4f9f5abd3f22cbea8b691d6a11e44efb83e2bca155e6a164325e0fde2a8865afd5c9f51161a9d615f62af7ec2e31b3e5ab64"
    "9c164490d31d88cfae35b84aea7925690f929a144b6d2f48e8fb894a52deecd1b9a6496990c4ecf1588699a42cacd10c53af350514e4291e"
    "a9a058e77f101e32c1c0cefa61d945f7bc931f8bd19e7ba3169358a60e5a8b0123bc3199b9fdcafe8e519c41ba675491a27b85e44ef2d772"
    "77c10fe107293c8290186913bc9a99b640d8da041b64f31eab1d35920985f4a5";

} // namespace

class TestSignature : public QObject
{
    Q_OBJECT

private:
    std::map<KeyKind, AsymmetricKey> m_keys; ///< one generated key per kind, shared by the tests
    OpensslTool m_openssl;
    const AsymmetricKey &key(KeyKind k) const { return m_keys.at(k); }

private Q_SLOTS:
    void initTestCase();
    void signVerify_data();
    void signVerify();
    void publishedSignature_data();
    void publishedSignature();
    void opensslVerifiesOurSignatures_data();
    void opensslVerifiesOurSignatures();
};

void TestSignature::initTestCase()
{
    QVERIFY(generateKeys(AllKinds, m_keys));
}

void TestSignature::signVerify_data()
{
    QTest::addColumn<KeyKind>("kind");
    QTest::addColumn<SignatureScheme>("scheme");
    QTest::addColumn<HashAlg>("hash");
    // AWS KMS: RSASSA_PKCS1_V1_5_SHA_* and RSASSA_PSS_SHA_* on every RSA size; ECDSA_SHA_* by curve.
    for (KeyKind k : RsaKinds)
        for (HashAlg h : {HashAlg::Sha256, HashAlg::Sha384, HashAlg::Sha512}) {
            QTest::addRow("%s RSASSA_PKCS1_V1_5_%s", kindName(k), hashName(h))
                << k << SignatureScheme::RsaPkcs1v15 << h;
            QTest::addRow("%s RSASSA_PSS_%s", kindName(k), hashName(h)) << k << SignatureScheme::RsaPss << h;
        }
    const std::pair<KeyKind, HashAlg> ec[] = {{KeyKind::EcP256, HashAlg::Sha256},
                                              {KeyKind::EcP384, HashAlg::Sha384},
                                              {KeyKind::EcP521, HashAlg::Sha512},
                                              {KeyKind::EcSecp256k1, HashAlg::Sha256}};
    for (auto [k, h] : ec)
        QTest::addRow("%s ECDSA_%s", kindName(k), hashName(h)) << k << SignatureScheme::Ecdsa << h;
}

void TestSignature::signVerify()
{
    QFETCH(KeyKind, kind);
    QFETCH(SignatureScheme, scheme);
    QFETCH(HashAlg, hash);
    const AsymmetricKey &k = key(kind);
    const QByteArray message("qkms: a message to sign");
    const QByteArray digest = hashOf(hash, message);

    auto rawSig = k.sign(scheme, hash, MessageKind::Raw, message);
    auto digestSig = k.sign(scheme, hash, MessageKind::Digest, digest);
    QVERIFY2(rawSig, qPrintable(rawSig ? QString() : rawSig.error().toString()));
    QVERIFY2(digestSig, qPrintable(digestSig ? QString() : digestSig.error().toString()));
    if (k.isRsa())
        QCOMPARE(rawSig->size(), k.bits() / 8);
    else
        QCOMPARE(rawSig->at(0), '\x30'); // DER ECDSA-Sig-Value
    if (scheme == SignatureScheme::RsaPkcs1v15)
        QCOMPARE(*rawSig, *digestSig); // deterministic: the two paths compute the same thing

    // Raw and Digest cross-verify, with the private key and with the public key alone.
    auto pub = AsymmetricKey::fromPublicDer(*k.publicKeyDer());
    QVERIFY(pub);
    for (const AsymmetricKey *verifier : {&k, static_cast<const AsymmetricKey *>(&*pub)}) {
        QCOMPARE(verifier->verify(scheme, hash, MessageKind::Raw, message, *rawSig), true);
        QCOMPARE(verifier->verify(scheme, hash, MessageKind::Raw, message, *digestSig), true);
        QCOMPARE(verifier->verify(scheme, hash, MessageKind::Digest, digest, *rawSig), true);
        QCOMPARE(verifier->verify(scheme, hash, MessageKind::Digest, digest, *digestSig), true);
    }

    // Negative: a flipped byte, another message, another hash.
    for (qsizetype at : {qsizetype(0), rawSig->size() / 2, rawSig->size() - 1})
        QCOMPARE(pub->verify(scheme, hash, MessageKind::Raw, message, flipped(*rawSig, at)), false);
    QCOMPARE(pub->verify(scheme, hash, MessageKind::Raw, message + '.', *rawSig), false);
    const HashAlg other = hash == HashAlg::Sha256 ? HashAlg::Sha384 : HashAlg::Sha256;
    QCOMPARE(pub->verify(scheme, other, MessageKind::Raw, message, *rawSig), false);

    // A digest of the wrong length is the caller's mistake, not a bad signature.
    for (const QByteArray &wrong : {digest.left(digest.size() - 1), digest + '\0', hashOf(HashAlg::Sha1, message)}) {
        auto s = k.sign(scheme, hash, MessageKind::Digest, wrong);
        QVERIFY(!s);
        QCOMPARE(s.error().type, errors::Validation);
        auto v = pub->verify(scheme, hash, MessageKind::Digest, wrong, *rawSig);
        QVERIFY(!v);
        QCOMPARE(v.error().type, errors::Validation);
    }
}

void TestSignature::publishedSignature_data()
{
    QTest::addColumn<QByteArray>("publicKey"); // SPKI DER, or a SEC1 point when `curve` is EC
    QTest::addColumn<KeyKind>("curve");
    QTest::addColumn<SignatureScheme>("scheme");
    QTest::addColumn<HashAlg>("hash");
    QTest::addColumn<MessageKind>("messageKind");
    QTest::addColumn<QByteArray>("message");
    QTest::addColumn<QByteArray>("signature");
    QTest::addColumn<bool>("valid");

    const QByteArray spki = hex(WycheproofRsa2048Spki);
    const auto pkcs1 = SignatureScheme::RsaPkcs1v15;
    const auto pss = SignatureScheme::RsaPss;
    const auto raw = MessageKind::Raw;
    QTest::newRow("Wycheproof rsa_signature_2048_sha256 tcId 3")
        << spki << KeyKind::Rsa2048 << pkcs1 << HashAlg::Sha256 << raw << QByteArray("Test") << hex(WycheproofPkcs1Tc3)
        << true;
    QTest::newRow("Wycheproof rsa_signature_2048_sha256 tcId 9 (invalid)")
        << spki << KeyKind::Rsa2048 << pkcs1 << HashAlg::Sha256 << raw << QByteArray("123400")
        << hex(WycheproofPkcs1Tc9) << false;
    QTest::newRow("Wycheproof rsa_pss_2048_sha256_mgf1_32 tcId 3")
        << spki << KeyKind::Rsa2048 << pss << HashAlg::Sha256 << raw << QByteArray("Test") << hex(WycheproofPssTc3)
        << true;
    QTest::newRow("Wycheproof PKCS#1 tcId 3 offered as PSS (wrong primitive)")
        << spki << KeyKind::Rsa2048 << pss << HashAlg::Sha256 << raw << QByteArray("Test") << hex(WycheproofPkcs1Tc3)
        << false;

    const QByteArray p256 = hex("04"
                                "60FED4BA255A9D31C961EB74C6356D68C049B8923B61FA6CE669622E60F29FB6"
                                "7903FE1008B8BC99A41AE9E95628BC64F2F1B20C2D7E9F5177A3C294D4462299");
    const QByteArray p256Sig = ecdsaDer(hex("EFD48B2AACB6A8FD1140DD9CD45E81D69D2C877B56AAF991C34D0EA84EAF3716"),
                                        hex("F7CB1C942D657C41D436C7A1B6E29F65F3E900DBB9AFF4064DC4AB2F843ACDA8"));
    const auto ecdsa = SignatureScheme::Ecdsa;
    QTest::newRow("RFC 6979 A.2.5 P-256 SHA-256 \"sample\"")
        << p256 << KeyKind::EcP256 << ecdsa << HashAlg::Sha256 << raw << QByteArray("sample") << p256Sig << true;
    QTest::newRow("RFC 6979 A.2.5 signature over \"test\" (wrong message)")
        << p256 << KeyKind::EcP256 << ecdsa << HashAlg::Sha256 << raw << QByteArray("test") << p256Sig << false;

    const QByteArray p384 = hex("04"
                                "EC3A4E415B4E19A4568618029F427FA5DA9A8BC4AE92E02E06AAE5286B300C64"
                                "DEF8F0EA9055866064A254515480BC13"
                                "8015D9B72D7D57244EA8EF9AC0C621896708A59367F9DFB9F54CA84B3F1C9DB1"
                                "288B231C3AE0D4FE7344FD2533264720");
    const QByteArray p384Sig = ecdsaDer(hex("94EDBB92A5ECB8AAD4736E56C691916B3F88140666CE9FA73D64C4EA95AD133C"
                                            "81A648152E44ACF96E36DD1E80FABE46"),
                                        hex("99EF4AEB15F178CEA1FE40DB2603138F130E740A19624526203B6351D0A3A94F"
                                            "A329C145786E679E7B82C71A38628AC8"));
    QTest::newRow("RFC 6979 A.2.6 P-384 SHA-384 \"sample\"")
        << p384 << KeyKind::EcP384 << ecdsa << HashAlg::Sha384 << raw << QByteArray("sample") << p384Sig << true;
    QTest::newRow("RFC 6979 A.2.6 P-384 SHA-384 \"sample\" as digest")
        << p384 << KeyKind::EcP384 << ecdsa << HashAlg::Sha384 << MessageKind::Digest
        << hex("9a9083505bc92276aec4be312696ef7bf3bf603f4bbd381196a029f340585312313bca4a9b5b890efee42c77b1ee25fe")
        << p384Sig << true;

    const QByteArray p521 = hex("04"
                                "01894550D0785932E00EAA23B694F213F8C3121F86DC97A04E5A7167DB4E5BCD3"
                                "71123D46E45DB6B5D5370A7F20FB633155D38FFA16D2BD761DCAC474B9A2F5023A4"
                                "00493101C962CD4D2FDDF782285E64584139C2F91B47F87FF82354D6630F746A2"
                                "8A0DB25741B5B34A828008B22ACC23F924FAAFBD4D33F81EA66956DFEAA2BFDFCF5");
    const QByteArray p521Sig = ecdsaDer(hex("00C328FAFCBD79DD77850370C46325D987CB525569FB63C5D3BC53950E6D4C5F1"
                                            "74E25A1EE9017B5D450606ADD152B534931D7D4E8455CC91F9B15BF05EC36E377FA"),
                                        hex("00617CCE7CF5064806C467F678D3B4080D6F1CC50AF26CA209417308281B68AF2"
                                            "82623EAA63E5B5C0723D8B8C37FF0777B1A20F8CCB1DCCC43997F1EE0E44DA4A67A"));
    QTest::newRow("RFC 6979 A.2.7 P-521 SHA-512 \"sample\"")
        << p521 << KeyKind::EcP521 << ecdsa << HashAlg::Sha512 << raw << QByteArray("sample") << p521Sig << true;
    QTest::newRow("RFC 6979 A.2.7 signature with r changed")
        << p521 << KeyKind::EcP521 << ecdsa << HashAlg::Sha512 << raw << QByteArray("sample")
        << flipped(p521Sig, 10) << false;
}

void TestSignature::publishedSignature()
{
    QFETCH(QByteArray, publicKey);
    QFETCH(KeyKind, curve);
    QFETCH(SignatureScheme, scheme);
    QFETCH(HashAlg, hash);
    QFETCH(MessageKind, messageKind);
    QFETCH(QByteArray, message);
    QFETCH(QByteArray, signature);
    QFETCH(bool, valid);
    auto k = isRsaKind(curve) ? AsymmetricKey::fromPublicDer(publicKey) : AsymmetricKey::fromEcPoint(curve, publicKey);
    QVERIFY2(k, qPrintable(k ? QString() : k.error().toString()));
    QCOMPARE(k->kind(), curve);
    auto verified = k->verify(scheme, hash, messageKind, message, signature);
    QVERIFY2(verified, qPrintable(verified ? QString() : verified.error().toString()));
    QCOMPARE(*verified, valid);
}

// ---- the openssl command line as an independent verifier ----------------------------------

void TestSignature::opensslVerifiesOurSignatures_data()
{
    QTest::addColumn<KeyKind>("kind");
    QTest::addColumn<SignatureScheme>("scheme");
    QTest::addColumn<HashAlg>("hash");
    QTest::addColumn<QString>("tool");
    QTest::newRow("RSA_2048 RSASSA_PSS_SHA_256, pkeyutl")
        << KeyKind::Rsa2048 << SignatureScheme::RsaPss << HashAlg::Sha256 << QStringLiteral("pkeyutl");
    QTest::newRow("RSA_3072 RSASSA_PSS_SHA_512, dgst")
        << KeyKind::Rsa3072 << SignatureScheme::RsaPss << HashAlg::Sha512 << QStringLiteral("dgst");
    QTest::newRow("RSA_3072 RSASSA_PKCS1_V1_5_SHA_384, pkeyutl")
        << KeyKind::Rsa3072 << SignatureScheme::RsaPkcs1v15 << HashAlg::Sha384 << QStringLiteral("pkeyutl");
    QTest::newRow("ECC_NIST_P384 ECDSA_SHA_384, dgst")
        << KeyKind::EcP384 << SignatureScheme::Ecdsa << HashAlg::Sha384 << QStringLiteral("dgst");
    QTest::newRow("ECC_SECG_P256K1 ECDSA_SHA_256, pkeyutl")
        << KeyKind::EcSecp256k1 << SignatureScheme::Ecdsa << HashAlg::Sha256 << QStringLiteral("pkeyutl");
}

void TestSignature::opensslVerifiesOurSignatures()
{
    if (!m_openssl.available())
        QSKIP("the openssl command line tool is not installed; interop check not run");
    QFETCH(KeyKind, kind);
    QFETCH(SignatureScheme, scheme);
    QFETCH(HashAlg, hash);
    QFETCH(QString, tool);
    const AsymmetricKey &k = key(kind);
    const QByteArray message("checked by openssl");
    auto signature = k.sign(scheme, hash, MessageKind::Raw, message);
    QVERIFY(signature);

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString pub = dir.filePath(QStringLiteral("pub.der"));
    const QString msg = dir.filePath(QStringLiteral("msg.bin"));
    const QString sig = dir.filePath(QStringLiteral("sig.bin"));
    QVERIFY(writeFile(pub, *k.publicKeyDer()));
    QVERIFY(writeFile(msg, tool == QLatin1String("dgst") ? message : hashOf(hash, message)));

    const QString digest = opensslHashName(hash);
    QStringList args;
    if (tool == QLatin1String("dgst")) {
        args << QStringLiteral("dgst") << QLatin1Char('-') + digest << QStringLiteral("-keyform")
             << QStringLiteral("DER") << QStringLiteral("-verify") << pub << QStringLiteral("-signature") << sig;
        if (scheme == SignatureScheme::RsaPss)
            args << QStringLiteral("-sigopt") << QStringLiteral("rsa_padding_mode:pss") << QStringLiteral("-sigopt")
                 << QStringLiteral("rsa_pss_saltlen:digest");
        args << msg;
    } else {
        args << QStringLiteral("pkeyutl") << QStringLiteral("-verify") << QStringLiteral("-pubin")
             << QStringLiteral("-keyform") << QStringLiteral("DER") << QStringLiteral("-inkey") << pub
             << QStringLiteral("-in") << msg << QStringLiteral("-sigfile") << sig << QStringLiteral("-pkeyopt")
             << QStringLiteral("digest:") + digest;
        if (scheme == SignatureScheme::RsaPss)
            args << QStringLiteral("-pkeyopt") << QStringLiteral("rsa_padding_mode:pss") << QStringLiteral("-pkeyopt")
                 << QStringLiteral("rsa_pss_saltlen:digest");
    }
    QByteArray output;
    QVERIFY(writeFile(sig, *signature));
    QVERIFY2(m_openssl.run(args, &output) == 0, output.constData());
    // The check is live: a tampered signature makes openssl fail.
    QVERIFY(writeFile(sig, flipped(*signature, signature->size() / 2)));
    QVERIFY2(m_openssl.run(args, &output) != 0, output.constData());
}

QKMS_TEST_MAIN(TestSignature)
#include "tst_signature.moc"
