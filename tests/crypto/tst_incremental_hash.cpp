// IncrementalHash against published digests, fed whole and in pieces of every awkward size (one
// byte, across block boundaries, empty pieces), and its spent state after result().
//   FIPS 180-2 Appendix B and C: "abc" and the 448-/896-bit two-block messages.
//   NIST CSRC examples: one million 'a' (SHA-384: 9d0e1809…; SHA-256: cdc76e5c…).

#include "TestMain.h"
#include "primitives/IncrementalHash.h"

#include <QTest>

using namespace qkms;
using namespace qkms::crypto;

class TestIncrementalHash : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void digest_data();
    void digest();
    void spentAfterResult();
};

void TestIncrementalHash::digest_data()
{
    QTest::addColumn<int>("alg");
    QTest::addColumn<QByteArray>("message");
    QTest::addColumn<QByteArray>("expected");
    QTest::addColumn<bool>("matches");
    auto row = [](const char *name, HashAlg a, const QByteArray &m, const char *d, bool match = true) {
        QTest::newRow(name) << int(a) << m << QByteArray::fromHex(d) << match;
    };
    const QByteArray abc("abc");
    const QByteArray twoBlocks256("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq");
    const QByteArray twoBlocks512("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrs"
                                  "mnopqrstnopqrstu");
    row("FIPS 180-2 B.1 SHA-256 abc", HashAlg::Sha256, abc, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    row("FIPS 180-2 B.2 SHA-256 448 bits", HashAlg::Sha256, twoBlocks256,
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    row("NIST SHA-256 million a", HashAlg::Sha256, QByteArray(1000000, 'a'),
        "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    row("FIPS 180-2 D.1 SHA-384 abc", HashAlg::Sha384, abc,
        "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7");
    row("FIPS 180-2 D.2 SHA-384 896 bits", HashAlg::Sha384, twoBlocks512,
        "09330c33f71147e83d192fc782cd1b4753111b173b3b05d22fa08086e3b0f712fcc7c71a557e2db966c3e9fa91746039");
    row("NIST SHA-384 million a", HashAlg::Sha384, QByteArray(1000000, 'a'),
        "9d0e1809716474cb086e834e310a4a1ced149e9c00f248527972cec5704c2a5b07b8b3dc38ecc4ebae97ddd87f3d8985");
    row("FIPS 180-2 C.1 SHA-512 abc", HashAlg::Sha512, abc,
        "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f");
    row("NIST SHA-384 empty", HashAlg::Sha384, {},
        "38b060a751ac96384cd9327eb1b1e36a21fdb71114be07434c0cc7bf63f6e1da274edebfe76f65fbd51ad2f14898b95b");
    row("negative: SHA-384 of abd is not that of abc", HashAlg::Sha384, QByteArray("abd"),
        "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7", false);
}

void TestIncrementalHash::digest()
{
    QFETCH(int, alg);
    QFETCH(QByteArray, message);
    QFETCH(QByteArray, expected);
    QFETCH(bool, matches);
    // Whole, then in pieces of 1, 7, 127, 128 (a SHA-512 block), 129 and 65537 bytes with an
    // empty piece between each: every split must give the same digest.
    for (qsizetype piece : {qsizetype(0), qsizetype(1), qsizetype(7), qsizetype(127), qsizetype(128), qsizetype(129),
                            qsizetype(65537)}) {
        IncrementalHash h{HashAlg(alg)};
        QVERIFY(h.isValid());
        if (piece == 0) {
            h.add(message);
        } else {
            for (qsizetype at = 0; at < message.size(); at += piece) {
                h.add(message.constData() + at, std::min(piece, message.size() - at));
                h.add(nullptr, 0);
            }
        }
        const QByteArray got = h.result();
        QCOMPARE(got.size(), hashLength(HashAlg(alg)));
        QVERIFY2((got == expected) == matches, qPrintable(QStringLiteral("piece %1: %2").arg(piece).arg(QString::fromLatin1(got.toHex()))));
    }
}

void TestIncrementalHash::spentAfterResult()
{
    IncrementalHash h(HashAlg::Sha384);
    h.add(QByteArray("abc"));
    QCOMPARE(h.result().size(), 48);
    // EVP_DigestFinal leaves the context unusable: a second digest would be wrong, so there is none.
    QVERIFY(!h.isValid());
    h.add(QByteArray("more"));
    QVERIFY(h.result().isEmpty());
}

QKMS_TEST_MAIN(TestIncrementalHash)
#include "tst_incremental_hash.moc"
