// The ciphertext blob and the canonical encryption context on their own (no service): the byte
// layout docs/ciphertext-blob.md documents, injectivity of the context form, and that every
// binding (region, ARN, context, every header byte) is authenticated.

#include "TestMain.h"
#include "kms/CiphertextBlob.h"
#include "kms/EncryptionContextCodec.h"
#include "primitives/Primitives.h"

#include <QUuid>

using namespace qkms;
using namespace qkms::kms;

namespace {

const QString kKeyId = QStringLiteral("1234abcd-12ab-34cd-56ef-1234567890ab");
const QString kArn = QStringLiteral("arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab");

EncryptionContext contextOf(const QStringList &keysAndValues)
{
    EncryptionContext c;
    for (qsizetype i = 0; i + 1 < keysAndValues.size(); i += 2)
        c.insert(keysAndValues[i], keysAndValues[i + 1]);
    return c;
}

QByteArray canonical(const EncryptionContext &c)
{
    auto r = EncryptionContextCodec::encode(c);
    return r ? *r : QByteArray("<error>");
}

} // namespace

class TestKmsBlob : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void canonicalForm_data();
    void canonicalForm();
    void lengthPrefixesKeepPairsApart();
    void canonicalRefusals();
    void decodeRefusesNonCanonical_data();
    void decodeRefusesNonCanonical();
    void layoutMatchesDocumentation();
    void bindingMismatchFails_data();
    void bindingMismatchFails();
    void everyFlippedBitFails();
    void everyTruncationFails();
    void parseRefuses_data();
    void parseRefuses();
    void sealRefusesMisuse();
    void freshNoncePerBlob();

private:
    QCA::SecureArray m_material = crypto::randomSecret(32);
    QByteArray sealOne(const QByteArray &plaintext, const EncryptionContext &context = {});
};

QByteArray TestKmsBlob::sealOne(const QByteArray &plaintext, const EncryptionContext &context)
{
    const BlobBinding binding{kKeyId, 1, QStringLiteral("us-east-1"), kArn};
    auto blob = CiphertextBlob::seal(m_material, QCA::SecureArray(plaintext), binding, canonical(context));
    return blob ? *blob : QByteArray();
}

void TestKmsBlob::canonicalForm_data()
{
    QTest::addColumn<QStringList>("pairs");
    QTest::addColumn<QByteArray>("expectedHex");
    // Rows named after docs/ciphertext-blob.md "Canonical encryption context".
    QTest::newRow("empty context is zero bytes") << QStringList{} << QByteArray();
    QTest::newRow("one pair") << QStringList{QStringLiteral("a"), QStringLiteral("b")}
                              << QByteArray("00000001610000000162");
    QTest::newRow("doc example {ab:c}") << QStringList{QStringLiteral("ab"), QStringLiteral("c")}
                                        << QByteArray("0000000261620000000163");
    QTest::newRow("doc example {a:bc}") << QStringList{QStringLiteral("a"), QStringLiteral("bc")}
                                        << QByteArray("0000000161000000026263");
    QTest::newRow("sorted by key") << QStringList{QStringLiteral("b"), QStringLiteral("1"), QStringLiteral("a"),
                                                  QStringLiteral("2")}
                                   << QByteArray("0000000161000000013200000001620000000131");
    // U+1F600 is D83D DE00 in UTF-16 (below U+E000) but F0 9F 98 80 in UTF-8 (above EE 80 80).
    QTest::newRow("UTF-8 byte order above U+FFFF")
        << QStringList{QStringLiteral("\U0001F600"), QStringLiteral("y"), QStringLiteral("\uE000"), QStringLiteral("x")}
        << QByteArray("00000003ee80800000000178" "00000004f09f98800000000179");
    QTest::newRow("empty key and value") << QStringList{QString(), QString()} << QByteArray("0000000000000000");
    QTest::newRow("UTF-8 value") << QStringList{QStringLiteral("k"), QStringLiteral("\u00e9")}
                                 << QByteArray("000000016b00000002c3a9");
}

void TestKmsBlob::canonicalForm()
{
    QFETCH(QStringList, pairs);
    QFETCH(QByteArray, expectedHex);
    const EncryptionContext context = contextOf(pairs);
    auto encoded = EncryptionContextCodec::encode(context);
    QVERIFY(encoded); // (QVERIFY2 would evaluate error() on success)
    QCOMPARE(encoded->toHex(), expectedHex);
    auto decoded = EncryptionContextCodec::decode(*encoded);
    QVERIFY(decoded);
    QCOMPARE(*decoded, context);
}

void TestKmsBlob::lengthPrefixesKeepPairsApart()
{
    const QByteArray abc = canonical(contextOf({QStringLiteral("ab"), QStringLiteral("c")}));
    const QByteArray aBc = canonical(contextOf({QStringLiteral("a"), QStringLiteral("bc")}));
    QVERIFY(abc != aBc);
    // …and a blob sealed with one does not open with the other.
    const QByteArray blob = sealOne("secret", contextOf({QStringLiteral("ab"), QStringLiteral("c")}));
    auto parsed = CiphertextBlob::parse(blob);
    QVERIFY(parsed);
    QVERIFY(parsed->open(m_material, QStringLiteral("us-east-1"), kArn, abc));
    auto wrong = parsed->open(m_material, QStringLiteral("us-east-1"), kArn, aBc);
    QVERIFY(!wrong);
    QCOMPARE(wrong.error().type, errors::InvalidCiphertext);
}

void TestKmsBlob::canonicalRefusals()
{
    // An unpaired surrogate: two such strings would both encode as U+FFFD.
    const EncryptionContext lone{{QString(QChar(char16_t(0xD800))), QStringLiteral("v")}};
    auto r = EncryptionContextCodec::encode(lone);
    QVERIFY(!r);
    QCOMPARE(r.error().type, errors::Validation);
    const EncryptionContext big{{QStringLiteral("k"), QString(EncryptionContextCodec::MaxCanonicalBytes, u'x')}};
    auto tooBig = EncryptionContextCodec::encode(big);
    QVERIFY(!tooBig);
    QCOMPARE(tooBig.error().type, errors::Validation);
    const EncryptionContext justFits{{QStringLiteral("k"), QString(EncryptionContextCodec::MaxCanonicalBytes - 9, u'x')}};
    QVERIFY(EncryptionContextCodec::encode(justFits));
}

void TestKmsBlob::decodeRefusesNonCanonical_data()
{
    QTest::addColumn<QByteArray>("hex");
    QTest::newRow("truncated length") << QByteArray("000000");
    QTest::newRow("truncated value") << QByteArray("00000001610000000262");
    QTest::newRow("missing value") << QByteArray("0000000161");
    QTest::newRow("out of order") << QByteArray("0000000162000000013100000001610000000132");
    QTest::newRow("repeated key") << QByteArray("0000000161000000013100000001610000000132");
    QTest::newRow("invalid UTF-8") << QByteArray("00000001ff0000000131");
}

void TestKmsBlob::decodeRefusesNonCanonical()
{
    QFETCH(QByteArray, hex);
    auto r = EncryptionContextCodec::decode(QByteArray::fromHex(hex));
    QVERIFY(!r);
    QCOMPARE(r.error().type, errors::Validation);
}

void TestKmsBlob::layoutMatchesDocumentation()
{
    const QByteArray plaintext("attack at dawn");
    const EncryptionContext context{{QStringLiteral("purpose"), QStringLiteral("test")}};
    auto sealed = CiphertextBlob::seal(m_material, QCA::SecureArray(plaintext),
                                       {kKeyId, 7, QStringLiteral("us-east-1"), kArn}, canonical(context));
    QVERIFY(sealed);
    const QByteArray &b = *sealed;
    QCOMPARE(b.size(), plaintext.size() + 51);
    QCOMPARE(b.left(3).toHex(), QByteArray("716b01"));
    QCOMPARE(b.mid(3, 16), QUuid::fromString(kKeyId).toRfc4122());
    QCOMPARE(b.mid(19, 4).toHex(), QByteArray("00000007"));
    QVERIFY(CiphertextBlob::looksLikeBlob(b));

    // Open it without CiphertextBlob, from the documented AAD alone.
    QByteArray aad = b.left(35);
    aad += QByteArray::fromHex("00000009") + "us-east-1";
    aad += QByteArray::fromHex(QByteArray::number(kArn.size(), 16).rightJustified(8, '0')) + kArn.toUtf8();
    aad += canonical(context);
    auto opened = crypto::aesGcmOpen(m_material, b.mid(23, 12), b.mid(35, plaintext.size()), b.right(16), aad);
    QVERIFY(opened);
    QCOMPARE(opened->toByteArray(), plaintext);

    auto parsed = CiphertextBlob::parse(b);
    QVERIFY(parsed);
    QCOMPARE(parsed->keyId(), kKeyId);
    QCOMPARE(parsed->materialVersion(), 7u);
    QCOMPARE(parsed->toBytes(), b);
}

void TestKmsBlob::bindingMismatchFails_data()
{
    QTest::addColumn<QString>("region");
    QTest::addColumn<QString>("arn");
    QTest::addColumn<QStringList>("context");
    const QString home = QStringLiteral("us-east-1");
    const QStringList kv{QStringLiteral("k"), QStringLiteral("v")};
    const QString otherAccount = QString(kArn).replace(QStringLiteral("111122223333"), QStringLiteral("444455556666"));
    QTest::newRow("the sealing binding opens") << home << kArn << kv;
    QTest::newRow("another region") << QStringLiteral("eu-west-1") << kArn << kv;
    QTest::newRow("another account") << home << otherAccount << kv;
    QTest::newRow("no context") << home << kArn << QStringList{};
    QTest::newRow("value case differs") << home << kArn << QStringList{QStringLiteral("k"), QStringLiteral("V")};
    QTest::newRow("key case differs") << home << kArn << QStringList{QStringLiteral("K"), QStringLiteral("v")};
}

void TestKmsBlob::bindingMismatchFails()
{
    QFETCH(QString, region);
    QFETCH(QString, arn);
    QFETCH(QStringList, context);
    auto parsed = CiphertextBlob::parse(sealOne("payload", contextOf({QStringLiteral("k"), QStringLiteral("v")})));
    QVERIFY(parsed);
    auto opened = parsed->open(m_material, region, arn, canonical(contextOf(context)));
    if (QByteArray(QTest::currentDataTag()).startsWith("the sealing")) {
        QVERIFY(opened);
        QCOMPARE(opened->toByteArray(), QByteArray("payload"));
        return;
    }
    QVERIFY(!opened);
    QCOMPARE(opened.error().type, errors::InvalidCiphertext);
    QVERIFY(opened.error().message.isEmpty());
}

void TestKmsBlob::everyFlippedBitFails()
{
    const QByteArray blob = sealOne("flip me");
    for (qsizetype i = 0; i < blob.size(); ++i) {
        for (const char bit : {char(0x01), char(0x80)}) {
            QByteArray bad = blob;
            bad[i] = char(bad[i] ^ bit);
            auto parsed = CiphertextBlob::parse(bad);
            if (!parsed) {
                QCOMPARE(parsed.error().type, errors::InvalidCiphertext);
                continue;
            }
            auto opened = parsed->open(m_material, QStringLiteral("us-east-1"), kArn, {});
            QVERIFY2(!opened, qPrintable(QStringLiteral("byte %1 bit %2").arg(i).arg(int(quint8(bit)))));
            QCOMPARE(opened.error().type, errors::InvalidCiphertext);
            QVERIFY(opened.error().message.isEmpty());
        }
    }
}

void TestKmsBlob::everyTruncationFails()
{
    const QByteArray blob = sealOne("truncate me");
    for (qsizetype n = 0; n < blob.size(); ++n) {
        auto parsed = CiphertextBlob::parse(blob.left(n));
        if (parsed)
            QVERIFY2(!parsed->open(m_material, QStringLiteral("us-east-1"), kArn, {}), qPrintable(QString::number(n)));
    }
    // Dropping bytes from the front is no better.
    QVERIFY(!CiphertextBlob::parse(blob.mid(1)));
}

void TestKmsBlob::parseRefuses_data()
{
    QTest::addColumn<QByteArray>("blob");
    const QByteArray good = sealOne("x");
    QByteArray wrongMagic = good;
    wrongMagic[0] = 'Q';
    QByteArray version2 = good;
    version2[2] = 2;
    QByteArray nilKey = good;
    nilKey.replace(3, 16, QByteArray(16, '\0'));
    QByteArray version0 = good;
    version0.replace(19, 4, QByteArray(4, '\0'));
    QTest::newRow("empty") << QByteArray();
    QTest::newRow("wrong magic") << wrongMagic;
    QTest::newRow("unknown format version") << version2;
    QTest::newRow("nil key id") << nilKey;
    QTest::newRow("material version 0") << version0;
    QTest::newRow("no ciphertext bytes") << good.left(35) + good.right(16);
}

void TestKmsBlob::parseRefuses()
{
    QFETCH(QByteArray, blob);
    auto r = CiphertextBlob::parse(blob);
    QVERIFY(!r);
    QCOMPARE(r.error().type, errors::InvalidCiphertext);
    QVERIFY(r.error().message.isEmpty());
}

void TestKmsBlob::sealRefusesMisuse()
{
    const QCA::SecureArray one(QByteArray("1"));
    const QString badId = QStringLiteral("not-a-uuid");
    QVERIFY(!CiphertextBlob::seal(m_material, one, {badId, 1, QStringLiteral("us-east-1"), kArn}, {}));
    QVERIFY(!CiphertextBlob::seal(m_material, one, {kKeyId, 0, QStringLiteral("us-east-1"), kArn}, {}));
    QVERIFY(!CiphertextBlob::seal(m_material, QCA::SecureArray(), {kKeyId, 1, QStringLiteral("us-east-1"), kArn}, {}));
    QVERIFY(!CiphertextBlob::seal(crypto::randomSecret(16), one, {kKeyId, 1, QStringLiteral("us-east-1"), kArn}, {}));
}

void TestKmsBlob::freshNoncePerBlob()
{
    const QByteArray a = sealOne("same plaintext");
    const QByteArray b = sealOne("same plaintext");
    QVERIFY(a.mid(23, 12) != b.mid(23, 12));
    QVERIFY(a.mid(35) != b.mid(35));
}

QKMS_TEST_MAIN(TestKmsBlob)
#include "tst_kms_blob.moc"
