// RSAES-OAEP (AWS KMS RSAES_OAEP_SHA_1 / _256): round trips at AWS's plaintext limits, one byte
// over, tampered ciphertext, and ciphertext made by the openssl command line.

#include "TestMain.h"
#include "AsymmetricTestSupport.h"

#include <QTemporaryDir>

using namespace qkms;
using namespace qkms::crypto;
using namespace qkms::test;

class TestRsaOaep : public QObject
{
    Q_OBJECT

private:
    std::map<KeyKind, AsymmetricKey> m_keys; ///< one generated key per RSA size
    OpensslTool m_openssl;
    const AsymmetricKey &key(KeyKind k) const { return m_keys.at(k); }

private Q_SLOTS:
    void initTestCase();
    void oaep_data();
    void oaep();
    void opensslOaepCiphertextDecrypts_data();
    void opensslOaepCiphertextDecrypts();
};

void TestRsaOaep::initTestCase()
{
    QVERIFY(generateKeys(RsaKinds, m_keys));
}

void TestRsaOaep::oaep_data()
{
    QTest::addColumn<KeyKind>("kind");
    QTest::addColumn<HashAlg>("hash");
    QTest::addColumn<int>("max"); // AWS KMS Encrypt limits for RSAES_OAEP_SHA_1 / _256
    const int limits[][2] = {{214, 190}, {342, 318}, {470, 446}};
    for (int i = 0; i < 3; ++i) {
        QTest::addRow("%s RSAES_OAEP_SHA_1", kindName(RsaKinds[i])) << RsaKinds[i] << HashAlg::Sha1 << limits[i][0];
        QTest::addRow("%s RSAES_OAEP_SHA_256", kindName(RsaKinds[i])) << RsaKinds[i] << HashAlg::Sha256 << limits[i][1];
    }
}

void TestRsaOaep::oaep()
{
    QFETCH(KeyKind, kind);
    QFETCH(HashAlg, hash);
    QFETCH(int, max);
    const AsymmetricKey &k = key(kind);
    QCOMPARE(k.oaepMaxPlaintext(hash), max);

    const QCA::SecureArray plaintext = QCA::Random::randomArray(max);
    auto ciphertext = k.oaepEncrypt(hash, plaintext);
    QVERIFY2(ciphertext, qPrintable(ciphertext ? QString() : ciphertext.error().toString()));
    QCOMPARE(ciphertext->size(), k.bits() / 8);
    QVERIFY(*k.oaepEncrypt(hash, plaintext) != *ciphertext); // randomized
    auto decrypted = k.oaepDecrypt(hash, *ciphertext);
    QVERIFY2(decrypted, qPrintable(decrypted ? QString() : decrypted.error().toString()));
    QCOMPARE(decrypted->toByteArray(), plaintext.toByteArray());

    // One byte over the limit.
    auto tooLong = k.oaepEncrypt(hash, QCA::Random::randomArray(max + 1));
    QVERIFY(!tooLong);
    QCOMPARE(tooLong.error().type, errors::Validation);

    // Tampered, truncated or empty ciphertext, or the other hash: all InvalidCiphertext.
    const HashAlg other = hash == HashAlg::Sha1 ? HashAlg::Sha256 : HashAlg::Sha1;
    const std::pair<HashAlg, QByteArray> bad[] = {{hash, flipped(*ciphertext, 0)},
                                                  {hash, flipped(*ciphertext, ciphertext->size() - 1)},
                                                  {hash, ciphertext->left(ciphertext->size() - 1)},
                                                  {hash, QByteArray()},
                                                  {other, *ciphertext}};
    for (const auto &[h, c] : bad) {
        auto opened = k.oaepDecrypt(h, c);
        QVERIFY(!opened);
        QCOMPARE(opened.error().type, errors::InvalidCiphertext);
    }
}

void TestRsaOaep::opensslOaepCiphertextDecrypts_data()
{
    QTest::addColumn<KeyKind>("kind");
    QTest::addColumn<HashAlg>("hash");
    QTest::newRow("RSA_2048 RSAES_OAEP_SHA_256") << KeyKind::Rsa2048 << HashAlg::Sha256;
    QTest::newRow("RSA_4096 RSAES_OAEP_SHA_256") << KeyKind::Rsa4096 << HashAlg::Sha256;
    QTest::newRow("RSA_3072 RSAES_OAEP_SHA_1") << KeyKind::Rsa3072 << HashAlg::Sha1;
}

void TestRsaOaep::opensslOaepCiphertextDecrypts()
{
    if (!m_openssl.available())
        QSKIP("the openssl command line tool is not installed; interop check not run");
    QFETCH(KeyKind, kind);
    QFETCH(HashAlg, hash);
    const AsymmetricKey &k = key(kind);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString pub = dir.filePath(QStringLiteral("pub.der"));
    const QString in = dir.filePath(QStringLiteral("plain.bin"));
    const QString out = dir.filePath(QStringLiteral("cipher.bin"));
    const QByteArray plaintext = QCA::Random::randomArray(k.oaepMaxPlaintext(hash)).toByteArray(); // test data
    QVERIFY(writeFile(pub, *k.publicKeyDer()));
    QVERIFY(writeFile(in, plaintext));
    const QString md = opensslHashName(hash);
    QByteArray output;
    const int rc = m_openssl.run({QStringLiteral("pkeyutl"), QStringLiteral("-encrypt"), QStringLiteral("-pubin"),
                               QStringLiteral("-keyform"), QStringLiteral("DER"), QStringLiteral("-inkey"), pub,
                               QStringLiteral("-in"), in, QStringLiteral("-out"), out, QStringLiteral("-pkeyopt"),
                               QStringLiteral("rsa_padding_mode:oaep"), QStringLiteral("-pkeyopt"),
                               QStringLiteral("rsa_oaep_md:") + md, QStringLiteral("-pkeyopt"),
                               QStringLiteral("rsa_mgf1_md:") + md},
                              &output);
    QVERIFY2(rc == 0, output.constData());
    QFile file(out);
    QVERIFY(file.open(QIODevice::ReadOnly));
    auto decrypted = k.oaepDecrypt(hash, file.readAll());
    QVERIFY2(decrypted, qPrintable(decrypted ? QString() : decrypted.error().toString()));
    QCOMPARE(decrypted->toByteArray(), plaintext);
}

QKMS_TEST_MAIN(TestRsaOaep)
#include "tst_rsaoaep.moc"
