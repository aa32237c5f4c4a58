// AES key wrap with padding (RFC 5649), as AWS KMS uses it in RSA_AES_KEY_WRAP_SHA_* import
// wrapping: published vectors for each KEK size, round trips, and every way an unwrap must fail.

#include "TestMain.h"
#include "primitives/AsymmetricKey.h"

using namespace qkms;
using namespace qkms::crypto;

namespace {

QByteArray hex(const char *text)
{
    return QByteArray::fromHex(QByteArray(text));
}

QCA::SecureArray secret(const char *hexText)
{
    return QCA::SecureArray(hex(hexText));
}

const char Rfc5649Kek[] = "5840df6e29b02af1ab493b705bf16ea1ae8338f4dcc176a8";
const char Rfc5649Wrapped20[] = "138bdeaa9b8fa7fc61f97742e72248ee5ae6ae5360d1ae6a5f54f373fa543b6a";

} // namespace

class TestKeyWrap : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void vectors_data();
    void vectors();
    void roundTrip_data();
    void roundTrip();
    void unwrapRefuses_data();
    void unwrapRefuses();
    void wrapRefuses();
};

void TestKeyWrap::vectors_data()
{
    QTest::addColumn<QByteArray>("kek");
    QTest::addColumn<QByteArray>("key");
    QTest::addColumn<QByteArray>("wrapped");
    QTest::newRow("RFC 5649 6: 20-byte key, 192-bit KEK")
        << hex(Rfc5649Kek) << hex("c37b7e6492584340bed12207808941155068f738") << hex(Rfc5649Wrapped20);
    QTest::newRow("RFC 5649 6: 7-byte key, 192-bit KEK")
        << hex(Rfc5649Kek) << hex("466f7250617369") << hex("afbeb0f07dfbf5419200f2ccb50bb24f");
    // NIST CAVP kwtestvectors.zip, KWP_AE (as quoted in OpenJDK's NISTWrapKAT).
    QTest::newRow("NIST KWP_AE 128: 1-byte key")
        << hex("6decf10a1caf8e3b80c7a4be8c9c84e8") << hex("49") << hex("01a7d657fc4a5b216f261cca4d052c2b");
    QTest::newRow("NIST KWP_AE 128: 9-byte key") << hex("7865e20f3c21659ab4690b629cdf3cc4") << hex("bd6843d420378dc896")
                                                 << hex("41eca956d4aa047eb5cf4efe659661e74db6f8c564e23500");
    // OpenJDK NISTWrapKAT KWP_AES256_224: the AES-256 KEK AWS uses.
    QTest::newRow("OpenJDK NISTWrapKAT KWP_AES256_224")
        << hex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f")
        << hex("00112233445566778899aabbccddeeff000102030405060708090a0b")
        << hex("0942747DB07032A3F04CDB2E7DE1CBA038F92BC355393AE9A0E4AE8C901912AC3D3AF0F16D240607");
}

void TestKeyWrap::vectors()
{
    QFETCH(QByteArray, kek);
    QFETCH(QByteArray, key);
    QFETCH(QByteArray, wrapped);
    auto made = aesKeyWrapPad(QCA::SecureArray(kek), QCA::SecureArray(key));
    QVERIFY2(made, qPrintable(made ? QString() : made.error().toString()));
    QCOMPARE(made->toHex(), wrapped.toHex());
    auto opened = aesKeyWrapPadUnwrap(QCA::SecureArray(kek), wrapped);
    QVERIFY2(opened, qPrintable(opened ? QString() : opened.error().toString()));
    QCOMPARE(opened->toByteArray().toHex(), key.toHex());
}

void TestKeyWrap::roundTrip_data()
{
    QTest::addColumn<int>("kekBytes");
    QTest::addColumn<int>("keyBytes");
    QTest::addColumn<int>("wrappedBytes");
    QTest::newRow("AES-256 KEK, 1-byte key") << 32 << 1 << 16;
    QTest::newRow("AES-256 KEK, 8-byte key") << 32 << 8 << 16;
    QTest::newRow("AES-256 KEK, 9-byte key") << 32 << 9 << 24;
    QTest::newRow("AES-256 KEK, 32-byte key (SYMMETRIC_DEFAULT import)") << 32 << 32 << 40;
    QTest::newRow("AES-256 KEK, 1217-byte key (RSA_2048 PKCS#8 import)") << 32 << 1217 << 1232;
    QTest::newRow("AES-128 KEK, 64-byte key (HMAC_512 import)") << 16 << 64 << 72;
}

void TestKeyWrap::roundTrip()
{
    QFETCH(int, kekBytes);
    QFETCH(int, keyBytes);
    QFETCH(int, wrappedBytes);
    const QCA::SecureArray kek = QCA::Random::randomArray(kekBytes);
    const QCA::SecureArray key = QCA::Random::randomArray(keyBytes);
    auto wrapped = aesKeyWrapPad(kek, key);
    QVERIFY(wrapped);
    QCOMPARE(wrapped->size(), wrappedBytes);
    auto opened = aesKeyWrapPadUnwrap(kek, *wrapped);
    QVERIFY(opened);
    QCOMPARE(opened->toByteArray(), key.toByteArray());
}

void TestKeyWrap::unwrapRefuses_data()
{
    QTest::addColumn<QByteArray>("kek");
    QTest::addColumn<QByteArray>("wrapped");
    QTest::addColumn<QString>("error");
    const QByteArray kek = hex(Rfc5649Kek);
    const QByteArray good = hex(Rfc5649Wrapped20);
    for (qsizetype at : {qsizetype(0), qsizetype(8), good.size() - 1}) {
        QByteArray tampered = good;
        tampered[at] = char(tampered[at] ^ 0x80);
        QTest::addRow("RFC 5649 6 wrap, byte %lld flipped", static_cast<long long>(at))
            << kek << tampered << errors::InvalidCiphertext;
    }
    QByteArray otherKek = kek;
    otherKek[0] = char(otherKek[0] ^ 0x01);
    QTest::newRow("another KEK") << otherKek << good << errors::InvalidCiphertext;
    QTest::newRow("last block dropped") << kek << good.left(good.size() - 8) << errors::InvalidCiphertext;
    QTest::newRow("not whole blocks") << kek << good.left(good.size() - 1) << errors::InvalidCiphertext;
    QTest::newRow("one block only") << kek << good.left(8) << errors::InvalidCiphertext;
    QTest::newRow("empty") << kek << QByteArray() << errors::InvalidCiphertext;
    QTest::newRow("20-byte KEK") << kek.left(20) << good << errors::Validation;
}

void TestKeyWrap::unwrapRefuses()
{
    QFETCH(QByteArray, kek);
    QFETCH(QByteArray, wrapped);
    QFETCH(QString, error);
    auto opened = aesKeyWrapPadUnwrap(QCA::SecureArray(kek), wrapped);
    QVERIFY(!opened);
    QCOMPARE(opened.error().type, error);
}

void TestKeyWrap::wrapRefuses()
{
    auto badKek = aesKeyWrapPad(secret("00112233445566778899aabbccddeeff0011"), secret("00112233"));
    QVERIFY(!badKek);
    QCOMPARE(badKek.error().type, errors::Validation);
    auto nothing = aesKeyWrapPad(secret(Rfc5649Kek), QCA::SecureArray());
    QVERIFY(!nothing);
    QCOMPARE(nothing.error().type, errors::Validation);
}

QKMS_TEST_MAIN(TestKeyWrap)
#include "tst_keywrap.moc"
