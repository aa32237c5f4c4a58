// Published vectors for the crypto wrappers in crypto/primitives. Each row is named after its
// source; every algorithm has negative rows.
//
// Sources:
//   FIPS 180-2 Appendix B / NIST "Examples with intermediate values": SHA digests of "abc" and "".
//   RFC 4231 section 4: HMAC-SHA224/256/384/512 test cases 1-4, 6, 7 (case 5 is truncated output).
//   RFC 5869 Appendix A.1-A.3: HKDF-SHA256.
//   Wycheproof (C2SP/wycheproof testvectors_v1/hkdf_sha384_test.json, hkdf_sha512_test.json,
//     pbkdf2_hmacsha512_test.json): HKDF-SHA384/512 and PBKDF2-HMAC-SHA512, by tcId.
//   "RFC 6070 inputs with HMAC-SHA512": the PBKDF2-HMAC-SHA512 set published by Anti-weakpasswords
//     (Stack Overflow question 5130513) and carried by e.g. OpenBSD's and Apple's PBKDF2 tests.
//   McGrew & Viega, "The Galois/Counter Mode of Operation (GCM)", Appendix B, test cases 13-16
//     (the AES-256 cases; also NIST's GCM example vectors).

#include "primitives/Primitives.h"
#include "TestMain.h"

#include <QTest>

using namespace qkms;
using namespace qkms::crypto;

namespace {

QByteArray hex(const char *h)
{
    return QByteArray::fromHex(h);
}
QCA::SecureArray secret(const QByteArray &b)
{
    return QCA::SecureArray(b);
}
QByteArray flipped(QByteArray b, qsizetype at)
{
    b[at] = char(b[at] ^ 0x01);
    return b;
}

// GCM spec (McGrew-Viega) AES-256 material.
const char *const ZeroKey = "0000000000000000000000000000000000000000000000000000000000000000";
const char *const ZeroIv = "000000000000000000000000";
const char *const Key15 = "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308";
const char *const Iv15 = "cafebabefacedbaddecaf888";
const char *const Plain64 = "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
                            "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255";
const char *const Cipher64 = "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
                             "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662898015ad";
const char *const Aad16 = "feedfacedeadbeeffeedfacedeadbeefabaddad2";

} // namespace

class TestPrimitives : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void digest_data();
    void digest();
    void hmac_data();
    void hmac();
    void hkdf_data();
    void hkdf();
    void hkdfRejects_data();
    void hkdfRejects();
    void pbkdf2_data();
    void pbkdf2();
    void pbkdf2Rejects();
    void gcmSealOpen_data();
    void gcmSealOpen();
    void gcmStream_data() { gcmSealOpen_data(); }
    void gcmStream();
    void gcmStreamReusedAcrossMessages();
    void gcmOpenRejects_data();
    void gcmOpenRejects();
    void gcmStreamRejects();
    void gcmSealRejects();
    void gcmSealRandomNonce();
    void constantTimeEquals_data();
    void constantTimeEquals();
    void random();
};

void TestPrimitives::digest_data()
{
    QTest::addColumn<int>("alg");
    QTest::addColumn<QByteArray>("message");
    QTest::addColumn<QByteArray>("expected");
    QTest::addColumn<bool>("matches");
    const QByteArray abc = QByteArrayLiteral("abc");
    auto row = [](const char *name, HashAlg a, const QByteArray &m, const char *d, bool match = true) {
        QTest::newRow(name) << int(a) << m << hex(d) << match;
    };
    row("FIPS 180-2 SHA-1 abc", HashAlg::Sha1, abc, "a9993e364706816aba3e25717850c26c9cd0d89d");
    row("FIPS 180-2 SHA-224 abc", HashAlg::Sha224, abc, "23097d223405d8228642a477bda255b32aadbce4bda0b3f7e36c9da7");
    row("FIPS 180-2 SHA-256 abc", HashAlg::Sha256, abc,
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    row("FIPS 180-2 SHA-384 abc", HashAlg::Sha384, abc,
        "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7");
    row("FIPS 180-2 SHA-512 abc", HashAlg::Sha512, abc,
        "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
        "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f");
    row("FIPS 180-2 SHA-256 two blocks", HashAlg::Sha256,
        QByteArrayLiteral("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    row("NIST SHA-1 empty", HashAlg::Sha1, {}, "da39a3ee5e6b4b0d3255bfef95601890afd80709");
    row("NIST SHA-224 empty", HashAlg::Sha224, {}, "d14a028c2a3a2bc9476102bb288234c415a2b01f828ea62ac5b3e42f");
    row("NIST SHA-256 empty", HashAlg::Sha256, {}, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    row("NIST SHA-384 empty", HashAlg::Sha384, {},
        "38b060a751ac96384cd9327eb1b1e36a21fdb71114be07434c0cc7bf63f6e1da274edebfe76f65fbd51ad2f14898b95b");
    row("NIST SHA-512 empty", HashAlg::Sha512, {},
        "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce"
        "47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e");
    row("negative: SHA-256 of abd is not that of abc", HashAlg::Sha256, QByteArrayLiteral("abd"),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", false);
}

void TestPrimitives::digest()
{
    QFETCH(int, alg);
    QFETCH(QByteArray, message);
    QFETCH(QByteArray, expected);
    QFETCH(bool, matches);
    const QByteArray got = crypto::digest(HashAlg(alg), message);
    QCOMPARE(got.size(), hashLength(HashAlg(alg)));
    QCOMPARE(got == expected, matches);
}

void TestPrimitives::hmac_data()
{
    QTest::addColumn<int>("alg");
    QTest::addColumn<QByteArray>("key");
    QTest::addColumn<QByteArray>("message");
    QTest::addColumn<QByteArray>("expected");
    QTest::addColumn<bool>("matches");

    struct Case {
        const char *name;
        QByteArray key, message;
        const char *mac[4]; // SHA-224, SHA-256, SHA-384, SHA-512
    };
    const QByteArray bigKey(131, char(0xaa));
    const Case cases[] = {
        {"RFC 4231 case 1", QByteArray(20, char(0x0b)), QByteArrayLiteral("Hi There"),
         {"896fb1128abbdf196832107cd49df33f47b4b1169912ba4f53684b22",
          "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
          "afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59cfaea9ea9076ede7f4af152e8b2fa9cb6",
          "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cde"
          "daa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854"}},
        {"RFC 4231 case 2", QByteArrayLiteral("Jefe"), QByteArrayLiteral("what do ya want for nothing?"),
         {"a30e01098bc6dbbf45690f3a7e9e6d0f8bbea2a39e6148008fd05e44",
          "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
          "af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e8e2240ca5e69e2c78b3239ecfab21649",
          "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554"
          "9758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737"}},
        {"RFC 4231 case 3", QByteArray(20, char(0xaa)), QByteArray(50, char(0xdd)),
         {"7fb3cb3588c6c1f6ffa9694d7d6ad2649365b0c1f65d69d1ec8333ea",
          "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe",
          "88062608d3e6ad8a0aa2ace014c8a86f0aa635d947ac9febe83ef4e55966144b2a5ab39dc13814b94e3ab6e101a34f27",
          "fa73b0089d56a284efb0f0756c890be9b1b5dbdd8ee81a3655f83e33b2279d39"
          "bf3e848279a722c806b485a47e67c807b946a337bee8942674278859e13292fb"}},
        {"RFC 4231 case 4", hex("0102030405060708090a0b0c0d0e0f10111213141516171819"), QByteArray(50, char(0xcd)),
         {"6c11506874013cac6a2abc1bb382627cec6a90d86efc012de7afec5a",
          "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b",
          "3e8a69b7783c25851933ab6290af6ca77a9981480850009cc5577c6e1f573b4e6801dd23c4a7d679ccf8a386c674cffb",
          "b0ba465637458c6990e5a8c5f61d4af7e576d97ff94b872de76f8050361ee3db"
          "a91ca5c11aa25eb4d679275cc5788063a5f19741120c4f2de2adebeb10a298dd"}},
        {"RFC 4231 case 6", bigKey, QByteArrayLiteral("Test Using Larger Than Block-Size Key - Hash Key First"),
         {"95e9a0db962095adaebe9b2d6f0dbce2d499f112f2d2b7273fa6870e",
          "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
          "4ece084485813e9088d2c63a041bc5b44f9ef1012a2b588f3cd11f05033ac4c60c2ef6ab4030fe8296248df163f44952",
          "80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f352"
          "6b56d037e05f2598bd0fd2215d6a1e5295e64f73f63f0aec8b915a985d786598"}},
        {"RFC 4231 case 7", bigKey,
         QByteArrayLiteral("This is a test using a larger than block-size key and a larger than block-size data. "
                           "The key needs to be hashed before being used by the HMAC algorithm."),
         {"3a854166ac5d9f023f54d517d0b39dbd946770db9c2b95c9f6f565d1",
          "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2",
          "6617178e941f020d351e2f254e8fd32c602420feb0b8fb9adccebb82461e99c5a678cc31e799176d3860e6110c46523e",
          "e37b6a775dc87dbaa4dfa9f96e5e3ffddebd71f8867289865df5a32d20cdc944"
          "b6022cac3c4982b10d5eeb55c3e4de15134676fb6de0446065c97440fa8c6a58"}},
    };
    const HashAlg algs[] = {HashAlg::Sha224, HashAlg::Sha256, HashAlg::Sha384, HashAlg::Sha512};
    const char *algNames[] = {"HMAC-SHA224", "HMAC-SHA256", "HMAC-SHA384", "HMAC-SHA512"};
    for (const Case &c : cases)
        for (int i = 0; i < 4; ++i)
            QTest::addRow("%s %s", c.name, algNames[i]) << int(algs[i]) << c.key << c.message << hex(c.mac[i]) << true;
    // Wikipedia "HMAC" examples: empty key and empty message.
    QTest::newRow("Wikipedia HMAC-SHA256 empty key and message")
        << int(HashAlg::Sha256) << QByteArray() << QByteArray()
        << hex("b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad") << true;
    QTest::newRow("negative: RFC 4231 case 2 HMAC-SHA256 with key 'jefe'")
        << int(HashAlg::Sha256) << QByteArrayLiteral("jefe") << QByteArrayLiteral("what do ya want for nothing?")
        << hex("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843") << false;
    QTest::newRow("negative: RFC 4231 case 1 HMAC-SHA512 with a changed message")
        << int(HashAlg::Sha512) << QByteArray(20, char(0x0b)) << QByteArrayLiteral("Hi there")
        << hex("87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cde"
               "daa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854")
        << false;
}

void TestPrimitives::hmac()
{
    QFETCH(int, alg);
    QFETCH(QByteArray, key);
    QFETCH(QByteArray, message);
    QFETCH(QByteArray, expected);
    QFETCH(bool, matches);
    const auto mac = crypto::hmac(HashAlg(alg), secret(key), message);
    QVERIFY2(mac.has_value(), qPrintable(mac ? QString() : mac.error().toString()));
    QCOMPARE(mac->size(), hashLength(HashAlg(alg)));
    QCOMPARE(*mac == expected, matches);
}

void TestPrimitives::hkdf_data()
{
    QTest::addColumn<int>("alg");
    QTest::addColumn<QByteArray>("ikm");
    QTest::addColumn<QByteArray>("salt");
    QTest::addColumn<QByteArray>("info");
    QTest::addColumn<QByteArray>("okm");

    const QByteArray ikm22(22, char(0x0b));
    QTest::newRow("RFC 5869 A.1") << int(HashAlg::Sha256) << ikm22 << hex("000102030405060708090a0b0c")
                                  << hex("f0f1f2f3f4f5f6f7f8f9")
                                  << hex("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf"
                                         "34007208d5b887185865");
    QByteArray ikmA2, saltA2, infoA2;
    for (int i = 0; i < 80; ++i) {
        ikmA2 += char(0x00 + i);
        saltA2 += char(0x60 + i);
        infoA2 += char(0xb0 + i);
    }
    QTest::newRow("RFC 5869 A.2") << int(HashAlg::Sha256) << ikmA2 << saltA2 << infoA2
                                  << hex("b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c"
                                         "59045a99cac7827271cb41c65e590e09da3275600c2f09b8367793a9aca3db71"
                                         "cc30c58179ec3e87c14c01d5c1f3434f1d87");
    QTest::newRow("RFC 5869 A.3 (empty salt and info)")
        << int(HashAlg::Sha256) << ikm22 << QByteArray() << QByteArray()
        << hex("8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8");
    QTest::newRow("Wycheproof HKDF-SHA384 tcId 1 (empty salt and info)")
        << int(HashAlg::Sha384) << hex("24aeff2645e3e0f5494a9a102778c43a") << QByteArray() << QByteArray()
        << hex("4b7045423d9156424b0b85d95a7d602fba3924b1");
    QTest::newRow("Wycheproof HKDF-SHA384 tcId 11")
        << int(HashAlg::Sha384) << hex("0cbd136d66d15a4ffefde1303b430821") << hex("2614d80275b08a1cf90bae0eb607d4d5")
        << hex("ee991de21aeb6baa6a5f683dbb755e6f80db1c1d")
        << hex("e618b91d9f3d10c007958d025841a3347947eb41b23ec35a3d7927aad74f293c50405a56911d8158e74f");
    QTest::newRow("Wycheproof HKDF-SHA512 tcId 1 (empty salt and info)")
        << int(HashAlg::Sha512) << hex("24aeff2645e3e0f5494a9a102778c43a") << QByteArray() << QByteArray()
        << hex("dd2599840b09699c6200b5cba79002b3aa75c61b");
    QTest::newRow("Wycheproof HKDF-SHA512 tcId 11")
        << int(HashAlg::Sha512) << hex("0cbd136d66d15a4ffefde1303b430821") << hex("2614d80275b08a1cf90bae0eb607d4d5")
        << hex("ee991de21aeb6baa6a5f683dbb755e6f80db1c1d")
        << hex("e51c3bfe5f4e9b4fb0d3c3a67bb33a20c288800e03707621cf143e8581d422dfec3fe658ba8fa2e35c2c");
    QTest::newRow("Wycheproof HKDF-SHA512 tcId 12")
        << int(HashAlg::Sha512) << hex("7a00817689a3d79001825a864c69c120") << hex("08bc01c053a6406c7c4a667c9b9b3894")
        << hex("967ccd75395be6e96a67759f070487c9e2107791")
        << hex("aed987bcc5ed33c4feec7b28aa9fe1c16b1181e00ff42c63cf692ec19242f6d4"
               "628604b3382db0806d5e61518f83fc651e6f3bd0a9d1322926a76869b98b75d6");
    QTest::newRow("Wycheproof HKDF-SHA512 tcId 20 (salt longer than the hash)")
        << int(HashAlg::Sha512) << hex("24a37db03dbcffbe9e28d582d0d8c60a")
        << hex("4c3d3b4f5436418713fbe2fbc4d647095ce5d5392dcfffd20327187e14fb6836"
               "0b94c5122203292d8b648a754ab70f6d3d61e0650f06d55c4b5762cba0231e27")
        << hex("8cd9e7b786a74bd370bae434e31a559bdf75d65f")
        << hex("ea18185ff290f27480f625404a39d56582a1bcd8f74f97cfccb898ddf2611833ed57fa46e88e145b604d");
}

void TestPrimitives::hkdf()
{
    QFETCH(int, alg);
    QFETCH(QByteArray, ikm);
    QFETCH(QByteArray, salt);
    QFETCH(QByteArray, info);
    QFETCH(QByteArray, okm);
    const auto out = crypto::hkdf(HashAlg(alg), secret(ikm), salt, info, int(okm.size()));
    QVERIFY2(out.has_value(), qPrintable(out ? QString() : out.error().toString()));
    QCOMPARE(out->toByteArray(), okm);

    // Negative: any changed input gives a different key.
    const auto otherSalt = crypto::hkdf(HashAlg(alg), secret(ikm), salt + '\x01', info, int(okm.size()));
    QVERIFY(otherSalt.has_value());
    QVERIFY(otherSalt->toByteArray() != okm);
    const auto otherIkm = crypto::hkdf(HashAlg(alg), secret(flipped(ikm, 0)), salt, info, int(okm.size()));
    QVERIFY(otherIkm.has_value());
    QVERIFY(otherIkm->toByteArray() != okm);
}

void TestPrimitives::hkdfRejects_data()
{
    QTest::addColumn<int>("alg");
    QTest::addColumn<int>("length");
    QTest::newRow("RFC 5869 2.3 HKDF-SHA256 L = 255*32+1") << int(HashAlg::Sha256) << 255 * 32 + 1;
    QTest::newRow("Wycheproof SizeTooLarge HKDF-SHA512 L = 255*64+1") << int(HashAlg::Sha512) << 255 * 64 + 1;
    QTest::newRow("HKDF-SHA384 L = 0") << int(HashAlg::Sha384) << 0;
    QTest::newRow("HKDF-SHA256 L = -1") << int(HashAlg::Sha256) << -1;
}

void TestPrimitives::hkdfRejects()
{
    QFETCH(int, alg);
    QFETCH(int, length);
    const auto out = crypto::hkdf(HashAlg(alg), secret(QByteArray(32, 'k')), {}, {}, length);
    QVERIFY(!out.has_value());
    QCOMPARE(out.error().type, errors::Crypto);
    // The upper bound itself is accepted (Wycheproof MaximalOutputSize).
    if (length > 0)
        QVERIFY(crypto::hkdf(HashAlg(alg), secret(QByteArray(32, 'k')), {}, {}, length - 1).has_value());
}

void TestPrimitives::pbkdf2_data()
{
    QTest::addColumn<QByteArray>("password");
    QTest::addColumn<QByteArray>("salt");
    QTest::addColumn<int>("iterations");
    QTest::addColumn<QByteArray>("dk");
    const QByteArray password = QByteArrayLiteral("password"), salt = QByteArrayLiteral("salt");
    QTest::newRow("RFC 6070 inputs with HMAC-SHA512, c=1")
        << password << salt << 1
        << hex("867f70cf1ade02cff3752599a3a53dc4af34c7a669815ae5d513554e1c8cf252"
               "c02d470a285a0501bad999bfe943c08f050235d7d68b1da55e63f73b60a57fce");
    QTest::newRow("RFC 6070 inputs with HMAC-SHA512, c=2")
        << password << salt << 2
        << hex("e1d9c16aa681708a45f5c7c4e215ceb66e011a2e9f0040713f18aefdb866d53c"
               "f76cab2868a39b9f7840edce4fef5a82be67335c77a6068e04112754f27ccf4e");
    QTest::newRow("RFC 6070 inputs with HMAC-SHA512, c=4096")
        << password << salt << 4096
        << hex("d197b1b33db0143e018b12f3d1d1479e6cdebdcc97c5c0f87f6902e072f457b5"
               "143f30602641b3d55cd335988cb36b84376060ecd532e039b742a239434af2d5");
    QTest::newRow("RFC 6070 inputs with HMAC-SHA512, long password and salt")
        << QByteArrayLiteral("passwordPASSWORDpassword") << QByteArrayLiteral("saltSALTsaltSALTsaltSALTsaltSALTsalt")
        << 4096
        << hex("8c0511f4c6e597c6ac6315d8f0362e225f3c501495ba23b868c005174dc4ee71"
               "115b59f9e60cd9532fa33e0f75aefe30225c583a186cd82bd4daea9724a3d3b8");
    QTest::newRow("RFC 6070 inputs with HMAC-SHA512, embedded NULs")
        << QByteArray("pass\0word", 9) << QByteArray("sa\0lt", 5) << 4096 << hex("9d9e9c4cd21fe4be24d5b8244c759665");
    QTest::newRow("Wycheproof PBKDF2-HMACSHA512 tcId 1") << hex("7130577430643470") << hex("798acc7c76739d75") << 4096
                                                         << hex("4935390897319c3efc15d19304109c79");
    QTest::newRow("Wycheproof PBKDF2-HMACSHA512 tcId 3 (two blocks)")
        << hex("7439315572766f47") << hex("5d76db9ca0f0bae2") << 4096
        << hex("a5d7f0fe4adc54e2ac5edc54e005827a90cbd46c00b72be68f8fbd1da98c079b"
               "98622a69b1ea44c0d94cdae03c339b742d047ac63cac0d9af59786baee4a158080");
    QTest::newRow("Wycheproof PBKDF2-HMACSHA512 tcId 26 (UTF-8 password)")
        << hex("d0bcccab64cf9a") << hex("15187b0393d8a441") << 4096
        << hex("3b80d72751093ad48c08b70fd13308834078b52c3c14e47523e189a475b6f6678dafb991bcb5c0b73f2c");
}

void TestPrimitives::pbkdf2()
{
    QFETCH(QByteArray, password);
    QFETCH(QByteArray, salt);
    QFETCH(int, iterations);
    QFETCH(QByteArray, dk);
    const auto key = pbkdf2Sha512(secret(password), salt, iterations, int(dk.size()));
    QVERIFY2(key.has_value(), qPrintable(key ? QString() : key.error().toString()));
    QCOMPARE(key->toByteArray(), dk);

    // Negative: a one-bit change of the password or one iteration less gives another key.
    const auto wrong = pbkdf2Sha512(secret(flipped(password, 0)), salt, iterations, int(dk.size()));
    QVERIFY(wrong.has_value());
    QVERIFY(wrong->toByteArray() != dk);
    if (iterations > 1) {
        const auto fewer = pbkdf2Sha512(secret(password), salt, iterations - 1, int(dk.size()));
        QVERIFY(fewer.has_value());
        QVERIFY(fewer->toByteArray() != dk);
    }
}

void TestPrimitives::pbkdf2Rejects()
{
    const QCA::SecureArray pass(QByteArrayLiteral("password"));
    for (int iterations : {0, -1}) {
        const auto key = pbkdf2Sha512(pass, QByteArrayLiteral("salt"), iterations, 32);
        QVERIFY(!key.has_value());
        QCOMPARE(key.error().type, errors::Crypto);
    }
    for (int length : {0, -32})
        QVERIFY(!pbkdf2Sha512(pass, QByteArrayLiteral("salt"), 1, length).has_value());
}

void TestPrimitives::gcmSealOpen_data()
{
    QTest::addColumn<QByteArray>("key");
    QTest::addColumn<QByteArray>("iv");
    QTest::addColumn<QByteArray>("plain");
    QTest::addColumn<QByteArray>("aad");
    QTest::addColumn<QByteArray>("cipher");
    QTest::addColumn<QByteArray>("tag");
    QTest::newRow("GCM spec test case 13 (empty text)")
        << hex(ZeroKey) << hex(ZeroIv) << QByteArray() << QByteArray() << QByteArray()
        << hex("530f8afbc74536b9a963b4f1c4cb738b");
    QTest::newRow("GCM spec test case 14 (one zero block)")
        << hex(ZeroKey) << hex(ZeroIv) << QByteArray(16, '\0') << QByteArray() << hex("cea7403d4d606b6e074ec5d3baf39d18")
        << hex("d0d1c8a799996bf0265b98b5d48ab919");
    QTest::newRow("GCM spec test case 15 (no AAD)") << hex(Key15) << hex(Iv15) << hex(Plain64) << QByteArray()
                                                    << hex(Cipher64) << hex("b094dac5d93471bdec1a502270e3cc6c");
    QTest::newRow("GCM spec test case 16 (with AAD)") << hex(Key15) << hex(Iv15) << hex(Plain64).left(60) << hex(Aad16)
                                                      << hex(Cipher64).left(60)
                                                      << hex("76fc6ece0f4e1768cddf8853bb2d551b");
}

void TestPrimitives::gcmSealOpen()
{
    QFETCH(QByteArray, key);
    QFETCH(QByteArray, iv);
    QFETCH(QByteArray, plain);
    QFETCH(QByteArray, aad);
    QFETCH(QByteArray, cipher);
    QFETCH(QByteArray, tag);
    const auto sealed = aesGcmSeal(secret(key), secret(plain), aad, iv);
    QVERIFY2(sealed.has_value(), qPrintable(sealed ? QString() : sealed.error().toString()));
    QCOMPARE(sealed->nonce, iv);
    QCOMPARE(sealed->ciphertext, cipher);
    QCOMPARE(sealed->tag, tag);

    const auto opened = aesGcmOpen(secret(key), iv, cipher, tag, aad);
    QVERIFY2(opened.has_value(), qPrintable(opened ? QString() : opened.error().toString()));
    QCOMPARE(opened->toByteArray(), plain);

    // The same vector through the one-buffer form: ciphertext then tag, nothing else touched.
    QByteArray buffer(cipher.size() + 16 + 1, '\xa5');
    const auto into = aesGcmSealInto(secret(key), secret(plain), aad, iv, buffer.data());
    QVERIFY2(into.has_value(), qPrintable(into ? QString() : into.error().toString()));
    QCOMPARE(buffer.left(cipher.size() + 16), cipher + tag);
    QCOMPARE(buffer.back(), '\xa5');
    const QByteArrayView view(buffer);
    QCOMPARE(aesGcmOpen(secret(key), iv, view.first(cipher.size()), view.sliced(cipher.size(), 16), aad)
                 .value()
                 .toByteArray(),
             plain);
}

void TestPrimitives::gcmStream()
{
    QFETCH(QByteArray, key);
    QFETCH(QByteArray, iv);
    QFETCH(QByteArray, plain);
    QFETCH(QByteArray, aad);
    QFETCH(QByteArray, cipher);
    QFETCH(QByteArray, tag);

    // Splits: one shot, and uneven pieces that cross block boundaries (1, 15, 17, rest).
    const QList<QList<qsizetype>> splits = {{plain.size()}, {1, 15, 17, plain.size()}};
    for (const auto &cuts : splits) {
        GcmStream enc(GcmStream::Direction::Encrypt, secret(key));
        QVERIFY(enc.isValid());
        QVERIFY(enc.start(iv, aad).has_value());
        QByteArray buf = plain; // encrypted in place
        qsizetype at = 0;
        for (qsizetype cut : cuts) {
            const qsizetype end = std::min(cut, buf.size());
            if (end > at) {
                QVERIFY(enc.update(buf.constData() + at, buf.data() + at, end - at).has_value());
                at = end;
            }
        }
        const auto encTag = enc.finishEncrypt();
        QVERIFY(encTag.has_value());
        QCOMPARE(buf, cipher);
        QCOMPARE(*encTag, tag);

        GcmStream dec(GcmStream::Direction::Decrypt, secret(key));
        QVERIFY(dec.start(iv, aad).has_value());
        QByteArray out(cipher.size(), '\0'); // decrypted out of place
        at = 0;
        for (qsizetype cut : cuts) {
            const qsizetype end = std::min(cut, cipher.size());
            if (end > at) {
                QVERIFY(dec.update(cipher.constData() + at, out.data() + at, end - at).has_value());
                at = end;
            }
        }
        QVERIFY(dec.finishDecrypt(tag).has_value());
        QCOMPARE(out, plain);
    }
}

void TestPrimitives::gcmStreamReusedAcrossMessages()
{
    // One context, several messages under one key (how file frames use it): cases 15 and 16 share
    // key and IV, so each start() must fully reset the GHASH state and the counter.
    GcmStream enc(GcmStream::Direction::Encrypt, secret(hex(Key15)));
    for (int round = 0; round < 3; ++round) {
        QByteArray a = hex(Plain64);
        QVERIFY(enc.start(hex(Iv15), {}).has_value());
        QVERIFY(enc.update(a.constData(), a.data(), a.size()).has_value());
        QCOMPARE(enc.finishEncrypt().value(), hex("b094dac5d93471bdec1a502270e3cc6c"));
        QCOMPARE(a, hex(Cipher64));

        QByteArray b = hex(Plain64).left(60);
        QVERIFY(enc.start(hex(Iv15), hex(Aad16)).has_value());
        QVERIFY(enc.update(b.constData(), b.data(), b.size()).has_value());
        QCOMPARE(enc.finishEncrypt().value(), hex("76fc6ece0f4e1768cddf8853bb2d551b"));
        QCOMPARE(b, hex(Cipher64).left(60));
    }
    // A failed decryption does not poison the next message.
    GcmStream dec(GcmStream::Direction::Decrypt, secret(hex(Key15)));
    QByteArray c = hex(Cipher64);
    QVERIFY(dec.start(hex(Iv15), {}).has_value());
    QVERIFY(dec.update(c.constData(), c.data(), c.size()).has_value());
    QCOMPARE(dec.finishDecrypt(flipped(hex("b094dac5d93471bdec1a502270e3cc6c"), 15)).error().type,
             errors::InvalidCiphertext);
    c = hex(Cipher64);
    QVERIFY(dec.start(hex(Iv15), {}).has_value());
    QVERIFY(dec.update(c.constData(), c.data(), c.size()).has_value());
    QVERIFY(dec.finishDecrypt(hex("b094dac5d93471bdec1a502270e3cc6c")).has_value());
    QCOMPARE(c, hex(Plain64));
}

void TestPrimitives::gcmOpenRejects_data()
{
    // All derived from GCM spec test case 16.
    QTest::addColumn<QByteArray>("key");
    QTest::addColumn<QByteArray>("nonce");
    QTest::addColumn<QByteArray>("cipher");
    QTest::addColumn<QByteArray>("tag");
    QTest::addColumn<QByteArray>("aad");
    const QByteArray k = hex(Key15), n = hex(Iv15), c = hex(Cipher64).left(60),
                     t = hex("76fc6ece0f4e1768cddf8853bb2d551b"), a = hex(Aad16);
    QTest::newRow("case 16, flipped tag bit") << k << n << c << flipped(t, 0) << a;
    QTest::newRow("case 16, flipped last tag bit") << k << n << c << flipped(t, 15) << a;
    QTest::newRow("case 16, flipped ciphertext byte") << k << n << flipped(c, 30) << t << a;
    QTest::newRow("case 16, truncated ciphertext") << k << n << c.left(59) << t << a;
    QTest::newRow("case 16, wrong AAD") << k << n << c << t << flipped(a, 19);
    QTest::newRow("case 16, AAD dropped") << k << n << c << t << QByteArray();
    QTest::newRow("case 16, wrong key") << flipped(k, 31) << n << c << t << a;
    QTest::newRow("case 16, wrong nonce") << k << flipped(n, 0) << c << t << a;
    QTest::newRow("case 16, short tag") << k << n << c << t.left(12) << a;
    QTest::newRow("case 16, short nonce") << k << n.left(8) << c << t << a;
    QTest::newRow("case 16, 16-byte key") << k.left(16) << n << c << t << a;
    QTest::newRow("case 16, empty key") << QByteArray() << n << c << t << a;
}

void TestPrimitives::gcmOpenRejects()
{
    QFETCH(QByteArray, key);
    QFETCH(QByteArray, nonce);
    QFETCH(QByteArray, cipher);
    QFETCH(QByteArray, tag);
    QFETCH(QByteArray, aad);
    const auto opened = aesGcmOpen(secret(key), nonce, cipher, tag, aad);
    QVERIFY(!opened.has_value());
    QCOMPARE(opened.error().type, errors::InvalidCiphertext);
    // The message quotes nothing of the inputs: no key, no plaintext.
    const QString message = opened.error().message.toLower();
    QVERIFY(!message.contains(QString::fromLatin1(Key15)));
    QVERIFY(!message.contains(QString::fromLatin1(hex(Plain64).left(8).toHex())));
}

void TestPrimitives::gcmStreamRejects()
{
    GcmStream shortKey(GcmStream::Direction::Encrypt, secret(QByteArray(16, 'k')));
    QVERIFY(!shortKey.isValid());
    QVERIFY(!shortKey.start(hex(Iv15), {}).has_value());

    GcmStream enc(GcmStream::Direction::Encrypt, secret(hex(Key15)));
    char byte = 0;
    QVERIFY(!enc.update(&byte, &byte, 1).has_value()); // before start()
    QVERIFY(!enc.finishEncrypt().has_value());
    QVERIFY(!enc.start(hex(Iv15).left(8), {}).has_value()); // 8-byte IV
    QVERIFY(!enc.finishDecrypt(QByteArray(16, '\0')).has_value()); // wrong direction

    GcmStream dec(GcmStream::Direction::Decrypt, secret(hex(Key15)));
    QByteArray c = hex(Cipher64).left(60);
    QVERIFY(dec.start(hex(Iv15), flipped(hex(Aad16), 0)).has_value()); // wrong AAD
    QVERIFY(dec.update(c.constData(), c.data(), c.size()).has_value());
    const auto st = dec.finishDecrypt(hex("76fc6ece0f4e1768cddf8853bb2d551b"));
    QVERIFY(!st.has_value());
    QCOMPARE(st.error().type, errors::InvalidCiphertext);
    QVERIFY(dec.start(hex(Iv15), hex(Aad16)).has_value());
    QCOMPARE(dec.finishDecrypt(QByteArray(12, '\0')).error().type, errors::InvalidCiphertext); // short tag
}

void TestPrimitives::gcmSealRejects()
{
    const QCA::SecureArray plain(QByteArrayLiteral("data key"));
    for (int keyLength : {0, 16, 24, 31, 33, 64})
        QVERIFY2(!aesGcmSeal(secret(QByteArray(keyLength, 'k')), plain, {}).has_value(),
                 qPrintable(QStringLiteral("key of %1 bytes accepted").arg(keyLength)));
    QVERIFY(!aesGcmSeal(secret(hex(Key15)), plain, {}, hex(Iv15).left(8)).has_value());
    QVERIFY(!aesGcmSeal(secret(hex(Key15)), plain, {}, hex(Iv15) + hex(Iv15)).has_value());
    // The one-buffer form has no random default: an empty or short nonce is refused.
    QByteArray buffer(plain.size() + 16, '\0');
    QVERIFY(!aesGcmSealInto(secret(hex(Key15)), plain, {}, {}, buffer.data()).has_value());
    QVERIFY(!aesGcmSealInto(secret(hex(Key15)), plain, {}, hex(Iv15).left(8), buffer.data()).has_value());
    QVERIFY(!aesGcmSealInto(secret(QByteArray(16, 'k')), plain, {}, hex(Iv15), buffer.data()).has_value());
}

void TestPrimitives::gcmSealRandomNonce()
{
    const QCA::SecureArray key = randomSecret(32);
    const QCA::SecureArray plain(QByteArrayLiteral("the same plaintext twice"));
    const auto a = aesGcmSeal(key, plain, QByteArrayLiteral("aad"));
    const auto b = aesGcmSeal(key, plain, QByteArrayLiteral("aad"));
    QVERIFY(a.has_value() && b.has_value());
    QCOMPARE(a->nonce.size(), 12);
    QVERIFY(a->nonce != b->nonce);
    QVERIFY(a->ciphertext != b->ciphertext);
    QCOMPARE(aesGcmOpen(key, b->nonce, b->ciphertext, b->tag, QByteArrayLiteral("aad")).value().toByteArray(),
             plain.toByteArray());
    QVERIFY(!aesGcmOpen(key, a->nonce, b->ciphertext, b->tag, QByteArrayLiteral("aad")).has_value());
}

void TestPrimitives::constantTimeEquals_data()
{
    QTest::addColumn<QByteArray>("a");
    QTest::addColumn<QByteArray>("b");
    QTest::addColumn<bool>("equal");
    const QByteArray tag = hex("76fc6ece0f4e1768cddf8853bb2d551b");
    QTest::newRow("same tag") << tag << QByteArray(tag) << true;
    QTest::newRow("first byte differs") << tag << flipped(tag, 0) << false;
    QTest::newRow("last byte differs") << tag << flipped(tag, 15) << false;
    QTest::newRow("prefix (different length)") << tag << tag.left(15) << false;
    QTest::newRow("both empty") << QByteArray() << QByteArray() << true;
    QTest::newRow("empty against non-empty") << QByteArray() << tag << false;
}

void TestPrimitives::constantTimeEquals()
{
    QFETCH(QByteArray, a);
    QFETCH(QByteArray, b);
    QFETCH(bool, equal);
    QCOMPARE(crypto::constantTimeEquals(a, b), equal);
    QCOMPARE(crypto::constantTimeEquals(b, a), equal);
}

void TestPrimitives::random()
{
    const QCA::SecureArray a = randomSecret(32), b = randomSecret(32);
    QCOMPARE(a.size(), 32);
    QVERIFY(a != b);
    QCOMPARE(randomBytes(12).size(), 12);
    QVERIFY(randomBytes(16) != randomBytes(16));
    QVERIFY(randomSecret(0).isEmpty());
    QVERIFY(randomBytes(-1).isEmpty());
}

QKMS_TEST_MAIN(TestPrimitives)
#include "tst_primitives.moc"
