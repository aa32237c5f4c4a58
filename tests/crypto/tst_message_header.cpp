// The message header and encryption context on their own: serialization known answers, every
// parser error with its exact message (in the spirit of the JS SDK's malformed-header fixtures in
// modules/serialize/test/fixtures.ts: bad version, bad suite, duplicate context keys, zero-length
// context, …), limits, suite names, and the drop classifier's header sniffing.

#include "envelope/EncryptionContext.h"
#include "envelope/MessageFormat.h"
#include "envelope/MessageHeader.h"
#include "TestMain.h"

#include <QBuffer>
#include <QTest>
#include <QtEndian>

using namespace qkms;
using namespace qkms::envelope;
using namespace Qt::StringLiterals;

namespace {

QByteArray u16(quint16 v)
{
    char b[2];
    qToBigEndian(v, b);
    return QByteArray(b, 2);
}

QByteArray u32(quint32 v)
{
    char b[4];
    qToBigEndian(v, b);
    return QByteArray(b, 4);
}

QByteArray blob(const QByteArray &b)
{
    return u16(quint16(b.size())) + b;
}

/// Raw header fields, so tests can write headers the serializer would refuse.
struct RawHeader {
    QByteArray version = QByteArray(1, '\x02');
    QByteArray suite = u16(0x0478);
    QByteArray messageId = QByteArray(32, '\x11');
    QByteArray context = blob(u16(1) + blob("a") + blob("1")); ///< with its length field
    QByteArray edks = u16(1) + blob("aws-kms") + blob("arn:aws:kms:eu-west-1:111122223333:key/k") + blob("blob");
    QByteArray contentType = QByteArray(1, '\x02');
    QByteArray frameLength = u32(4096);
    QByteArray commitKey = QByteArray(32, '\x22');
    QByteArray tag = QByteArray(16, '\x33');

    QByteArray body() const { return version + suite + messageId + context + edks + contentType + frameLength + commitKey; }
    QByteArray bytes() const { return body() + tag; }
};

MessageHeader sampleHeader()
{
    MessageHeader h;
    h.suite = AlgorithmSuite::AesGcmHkdfSha512Commit;
    h.messageId = QByteArray(32, '\x11');
    h.context = {{u"a"_s, u"1"_s}};
    h.encryptedDataKeys = {{"aws-kms", "arn:aws:kms:eu-west-1:111122223333:key/k", "blob"}};
    h.contentType = ContentType::Framed;
    h.frameLength = 4096;
    h.commitKey = QByteArray(32, '\x22');
    return h;
}

} // namespace

class TestMessageHeader : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void contextSerialization_data();
    void contextSerialization();
    void contextRefusals_data();
    void contextRefusals();
    void contextKeepsLeadingBom();
    void serializeMatchesRawLayout();
    void serializeRefusals_data();
    void serializeRefusals();
    void parseErrors_data();
    void parseErrors();
    void inspectStopsAfterHeader();
    void suites_data();
    void suites();
    void looksLikeMessage_data();
    void looksLikeMessage();
};

void TestMessageHeader::contextSerialization_data()
{
    QTest::addColumn<EncryptionContext>("context");
    QTest::addColumn<QByteArray>("expectedHex");
    QTest::newRow("empty: zero bytes") << EncryptionContext{} << QByteArray();
    QTest::newRow("sorted by key") << EncryptionContext{{u"b"_s, u"2"_s}, {u"a"_s, u"1"_s}}
                                   << QByteArray("0002" "0001" "61" "0001" "31" "0001" "62" "0001" "32");
    QTest::newRow("empty value") << EncryptionContext{{u"k"_s, QString()}} << QByteArray("0001" "0001" "6b" "0000");
    // UTF-8 byte order: U+E000 (EE 80 80) before U+10000 (F0 90 80 80), unlike UTF-16 order.
    QTest::newRow("UTF-8 order, not UTF-16") << EncryptionContext{{QString::fromUcs4(U"\U00010000"), u"x"_s},
                                                                  {QString(QChar(0xE000)), u"y"_s}}
                                             << QByteArray("0002" "0003" "ee8080" "0001" "79" "0004" "f0908080" "0001" "78");
}

void TestMessageHeader::contextSerialization()
{
    QFETCH(EncryptionContext, context);
    QFETCH(QByteArray, expectedHex);
    auto bytes = serializeEncryptionContext(context);
    QVERIFY(bytes);
    QCOMPARE(bytes->toHex(), expectedHex);
    auto back = parseEncryptionContext(*bytes);
    QVERIFY(back);
    QCOMPARE(*back, context);
}

void TestMessageHeader::contextRefusals_data()
{
    QTest::addColumn<EncryptionContext>("context");
    QTest::addColumn<QString>("expectedError");
    QTest::newRow("lone surrogate") << EncryptionContext{{QString(QChar(0xD800)), u"x"_s}}
                                    << u"encryption context is not valid Unicode"_s;
    QTest::newRow("key of 65536 bytes") << EncryptionContext{{QString(65536, u'k'), u"x"_s}}
                                        << u"encryption context key or value longer than 65535 bytes"_s;
    QTest::newRow("65536 bytes in all") << EncryptionContext{{u"a"_s, QString(32762, u'v')}, {u"b"_s, QString(32762, u'v')}}
                                        << u"serialized encryption context is 65536 bytes, more than 65535"_s;
}

void TestMessageHeader::contextRefusals()
{
    QFETCH(EncryptionContext, context);
    QFETCH(QString, expectedError);
    auto bytes = serializeEncryptionContext(context);
    QVERIFY(!bytes);
    QCOMPARE(bytes.error().type, errors::Validation);
    QCOMPARE(bytes.error().message, expectedError);
    QVERIFY(!validateCallerContext(context));
}

void TestMessageHeader::contextKeepsLeadingBom()
{
    auto ctx = parseEncryptionContext(u16(1) + blob("\xEF\xBB\xBFk") + blob("v"));
    QVERIFY(ctx);
    QCOMPARE(ctx->firstKey(), QString(QChar(0xFEFF)) + u'k');
    QCOMPARE(serializeEncryptionContext(*ctx)->toHex(), (u16(1) + blob("\xEF\xBB\xBFk") + blob("v")).toHex());
}

void TestMessageHeader::serializeMatchesRawLayout()
{
    auto body = serializeHeaderBody(sampleHeader());
    QVERIFY(body);
    QCOMPARE(body->toHex(), RawHeader().body().toHex());
    auto parsed = parseHeader(RawHeader().bytes());
    QVERIFY2(parsed, qPrintable(parsed ? QString() : parsed.error().toString()));
    QCOMPARE(parsed->headerBody, *body);
    QCOMPARE(parsed->headerTag, QByteArray(16, '\x33'));
    const MessageHeader &h = parsed->header;
    const MessageHeader expected = sampleHeader();
    QCOMPARE(h.suite, expected.suite);
    QCOMPARE(h.messageId, expected.messageId);
    QCOMPARE(h.context, expected.context);
    QVERIFY(h.encryptedDataKeys == expected.encryptedDataKeys);
    QCOMPARE(h.contentType, expected.contentType);
    QCOMPARE(h.frameLength, expected.frameLength);
    QCOMPARE(h.commitKey, expected.commitKey);

    // Empty context: length 0 and no pair count (JS fixture zeroByteEncryptionContextMessageHeader).
    MessageHeader empty = sampleHeader();
    empty.context.clear();
    RawHeader raw;
    raw.context = u16(0);
    QCOMPARE(serializeHeaderBody(empty)->toHex(), raw.body().toHex());
    QVERIFY(parseHeader(raw.bytes()));
}

void TestMessageHeader::serializeRefusals_data()
{
    QTest::addColumn<int>("which");
    QTest::newRow("message id of 16 bytes") << 0;
    QTest::newRow("no encrypted data keys") << 1;
    QTest::newRow("frame length 0 in framed message") << 2;
    QTest::newRow("commit key of 31 bytes") << 3;
    QTest::newRow("provider info of 65536 bytes") << 4;
}

void TestMessageHeader::serializeRefusals()
{
    QFETCH(int, which);
    MessageHeader h = sampleHeader();
    switch (which) {
    case 0: h.messageId.resize(16); break;
    case 1: h.encryptedDataKeys.clear(); break;
    case 2: h.frameLength = 0; break;
    case 3: h.commitKey.chop(1); break;
    default: h.encryptedDataKeys[0].providerInfo = QByteArray(65536, 'x'); break;
    }
    auto body = serializeHeaderBody(h);
    QVERIFY(!body);
    QCOMPARE(body.error().type, errors::Validation);
}

void TestMessageHeader::parseErrors_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<HeaderLimits>("limits");
    QTest::addColumn<QString>("expectedError");
    const HeaderLimits none;
    RawHeader r;

    QTest::newRow("empty input") << QByteArray() << none << u"truncated header"_s;
    QTest::newRow("format 1 message (01 80 0378)") << QByteArray::fromHex("01800378") + QByteArray(60, '\0') << none
                                                   << u"message format version 1 is not supported"_s;
    r = RawHeader();
    r.version = QByteArray(1, '\x03');
    QTest::newRow("version 3") << r.bytes() << none << u"unknown message format version 0x03"_s;
    r = RawHeader();
    r.suite = u16(0x0314);
    QTest::newRow("suite 0x0314") << r.bytes() << none << u"unknown algorithm suite 0x0314"_s;
    r.suite = u16(0x0378);
    QTest::newRow("format 1 suite 0x0378 in a v2 header") << r.bytes() << none << u"unknown algorithm suite 0x0378"_s;
    r = RawHeader();
    r.context = blob(u16(2) + blob("a") + blob("1") + blob("a") + blob("2"));
    QTest::newRow("duplicate context key") << r.bytes() << none << u"encryption context has duplicate key"_s;
    r.context = blob(u16(0));
    QTest::newRow("context length 2, zero pairs") << r.bytes() << none << u"encryption context has a length but zero pairs"_s;
    r.context = blob(u16(1) + blob("a") + blob("1") + "xx");
    QTest::newRow("context length beyond its pairs") << r.bytes() << none
                                                     << u"encryption context length does not match its pairs"_s;
    r.context = blob(u16(2) + blob("a") + blob("1"));
    QTest::newRow("context pair count beyond its length") << r.bytes() << none << u"truncated encryption context"_s;
    r.context = blob(u16(1) + blob("\xC3\x28") + blob("1"));
    QTest::newRow("context key not UTF-8") << r.bytes() << none << u"encryption context is not valid UTF-8"_s;
    r = RawHeader();
    r.edks = u16(0);
    QTest::newRow("zero encrypted data keys") << r.bytes() << none << u"message has no encrypted data keys"_s;
    r = RawHeader();
    r.contentType = QByteArray(1, '\x03');
    QTest::newRow("content type 3") << r.bytes() << none << u"unknown content type 0x03"_s;
    r = RawHeader();
    r.frameLength = u32(0);
    QTest::newRow("frame length 0 in framed message") << r.bytes() << none << u"frame length 0 in framed message"_s;
    r = RawHeader();
    r.contentType = QByteArray(1, '\x01');
    QTest::newRow("non-framed with frame length 4096") << r.bytes() << none
                                                       << u"non-framed message has frame length 4096"_s;
    r = RawHeader();
    QTest::newRow("cut in the commit key") << r.bytes().left(r.body().size() - 5) << none << u"truncated header"_s;
    QTest::newRow("cut in the header tag") << r.bytes().left(r.bytes().size() - 1) << none << u"truncated header"_s;
    QTest::newRow("cut in an EDK") << r.bytes().left(50) << none << u"truncated header"_s;
    HeaderLimits small;
    small.maxHeaderBytes = 100;
    QTest::newRow("header over a 100-byte limit") << r.bytes() << small << u"header exceeds 100 bytes"_s;
    HeaderLimits oneKey;
    oneKey.maxEncryptedDataKeys = 1;
    r.edks = u16(2) + blob("p") + blob("i") + blob("c") + blob("p") + blob("i") + blob("c");
    QTest::newRow("2 EDKs over a limit of 1") << r.bytes() << oneKey
                                              << u"message has 2 encrypted data keys, more than the limit of 1"_s;
}

void TestMessageHeader::parseErrors()
{
    QFETCH(QByteArray, bytes);
    QFETCH(HeaderLimits, limits);
    QFETCH(QString, expectedError);
    auto parsed = parseHeader(bytes, limits);
    QVERIFY(!parsed);
    QCOMPARE(parsed.error().type, errors::InvalidCiphertext);
    QCOMPARE(parsed.error().message, expectedError);
}

void TestMessageHeader::inspectStopsAfterHeader()
{
    RawHeader r;
    r.edks = u16(2) + blob("aws-kms") + blob("arn:a") + blob("x") + blob("aws-kms") + blob("arn:b") + blob("y");
    QBuffer buffer;
    buffer.setData(r.bytes() + "body bytes");
    buffer.open(QIODevice::ReadOnly);
    auto header = inspect(buffer);
    QVERIFY(header);
    QCOMPARE(header->encryptedDataKeys.size(), 2);
    QCOMPARE(header->encryptedDataKeys[1].providerInfo, QByteArray("arn:b"));
    QCOMPARE(header->frameLength, 4096u);
    QCOMPARE(buffer.pos(), r.bytes().size());
}

void TestMessageHeader::suites_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<int>("expectedId"); // 0 = refused
    QTest::newRow("0x0478") << u"0x0478"_s << 0x0478;
    QTest::newRow("0578") << u"0578"_s << 0x0578;
    QTest::newRow("SDK name, signed") << u"ALG_AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384"_s << 0x0578;
    QTest::newRow("SDK name, lower case") << u"alg_aes_256_gcm_hkdf_sha512_commit_key"_s << 0x0478;
    QTest::newRow("format 1 suite 0x0378") << u"0x0378"_s << 0;
    QTest::newRow("not a number") << u"aes"_s << 0;
    QTest::newRow("empty") << QString() << 0;
}

void TestMessageHeader::suites()
{
    QFETCH(QString, text);
    QFETCH(int, expectedId);
    auto suite = parseSuite(text);
    QCOMPARE(bool(suite), expectedId != 0);
    if (!suite) {
        QCOMPARE(suite.error().type, errors::Validation);
        return;
    }
    QCOMPARE(int(*suite), expectedId);
    QCOMPARE(parseSuite(suiteName(*suite)).value(), *suite);
    QCOMPARE(hexId(quint16(*suite)), u"0x%1"_s.arg(expectedId, 4, 16, QLatin1Char('0')));
}

void TestMessageHeader::looksLikeMessage_data()
{
    QTest::addColumn<QByteArray>("prefix");
    QTest::addColumn<bool>("expected");
    QTest::newRow("v2 0x0478") << QByteArray::fromHex("020478") << true;
    QTest::newRow("v2 0x0578") << QByteArray::fromHex("0205784dfb") << true;
    QTest::newRow("v1 0x0378") << QByteArray::fromHex("01800378") << true;
    QTest::newRow("v1 0x0014") << QByteArray::fromHex("01800014") << true;
    QTest::newRow("v2 unknown suite") << QByteArray::fromHex("020314") << false;
    QTest::newRow("PDF") << QByteArray("%PDF-1.7") << false;
    QTest::newRow("too short") << QByteArray::fromHex("0204") << false;
    QTest::newRow("empty") << QByteArray() << false;
}

void TestMessageHeader::looksLikeMessage()
{
    QFETCH(QByteArray, prefix);
    QFETCH(bool, expected);
    QCOMPARE(envelope::looksLikeMessage(prefix), expected);
}

QKMS_TEST_MAIN(TestMessageHeader)
#include "tst_message_header.moc"
