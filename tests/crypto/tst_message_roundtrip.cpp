// Round trips through MessageEncryptor and MessageDecryptor for both suites and several frame
// lengths (the body's shape checked byte for byte), the encryption context, the encryptor's
// refusals, cancellation, progress, sequential devices that deliver a few bytes at a time, and
// write failures. Damaged messages are in tst_message_tamper.cpp.

#include "envelope/DataKeyProvider.h"
#include "envelope/MessageDecryptor.h"
#include "envelope/MessageEncryptor.h"
#include "MessageTest.h"
#include "TestMain.h"

#include <QBuffer>
#include <QTest>
#include <QtEndian>

#include <atomic>

using namespace qkms;
using namespace qkms::envelope;
using namespace qkms::test;
using namespace Qt::StringLiterals;

namespace {

/// A readable sequential device that hands out at most 7 bytes per read, like a slow pipe.
class TrickleDevice : public QIODevice
{
public:
    explicit TrickleDevice(QByteArray data) : m_data(std::move(data)) { open(QIODevice::ReadOnly); }
    bool isSequential() const override { return true; }
    qint64 bytesAvailable() const override { return m_data.size() - m_pos + QIODevice::bytesAvailable(); }

protected:
    qint64 readData(char *data, qint64 maxlen) override
    {
        const qint64 n = std::min<qint64>({maxlen, 7, m_data.size() - m_pos});
        std::memcpy(data, m_data.constData() + m_pos, size_t(n));
        m_pos += n;
        return n;
    }
    qint64 writeData(const char *, qint64) override { return -1; }

private:
    QByteArray m_data;
    qint64 m_pos = 0;
};

/// An output that fails every write, like a full disk.
class FullDevice : public QIODevice
{
public:
    FullDevice()
    {
        open(QIODevice::WriteOnly);
        setErrorString(u"No space left on device"_s);
    }

protected:
    qint64 readData(char *, qint64) override { return -1; }
    qint64 writeData(const char *, qint64) override { return -1; }
};

QString describe(const KmsError &e)
{
    return e.toString();
}

} // namespace

class TestMessageRoundTrip : public QObject, protected test::MessageTest
{
    Q_OBJECT

private Q_SLOTS:
    void roundTrip_data();
    void roundTrip();
    void contextRoundTrip();
    void refusesReservedContextKeys_data();
    void refusesReservedContextKeys();
    void refusesBadFrameLength();
    void cancel_data();
    void cancel();
    void progressReportsInputBytes();
    void trickleDevices();
    void writeFailure();
};

void TestMessageRoundTrip::roundTrip_data()
{
    QTest::addColumn<AlgorithmSuite>("suite");
    QTest::addColumn<quint32>("frameLength");
    QTest::addColumn<qint64>("size");
    for (AlgorithmSuite suite : {Plain, Signed}) {
        for (quint32 f : {quint32(16), kSdkDefaultFrameLength, kDefaultFrameLength}) {
            QList<qint64> sizes{0, 1, f - 1, f, f + 1, 2 * qint64(f), 3 * 1024 * 1024};
            if (f == 16)
                sizes.removeLast(); // 3 MiB in 16-byte frames is 196,608 frames: slow, nothing new
            for (qint64 size : sizes) {
                QTest::addRow("%s frame %u size %lld", suite == Plain ? "0x0478" : "0x0578", f, size)
                    << suite << f << size;
            }
        }
    }
}

void TestMessageRoundTrip::roundTrip()
{
    QFETCH(AlgorithmSuite, suite);
    QFETCH(quint32, frameLength);
    QFETCH(qint64, size);
    const QByteArray plaintext = pattern(size);
    EncryptOptions o;
    o.suite = suite;
    o.frameLength = frameLength;
    auto message = encrypt(plaintext, o);
    QVERIFY2(message, qPrintable(message ? QString() : describe(message.error())));

    QByteArray decrypted;
    auto result = decrypt(*message, decrypted);
    QVERIFY2(result, qPrintable(result ? QString() : describe(result.error())));
    QCOMPARE(decrypted.size(), plaintext.size());
    QVERIFY(decrypted == plaintext);
    QCOMPARE(result->header.suite, suite);
    QCOMPARE(result->header.frameLength, frameLength);
    QCOMPARE(result->header.contentType, ContentType::Framed);
    QCOMPARE(result->header.context.contains(kPublicKeyContextKey), suite == Signed);

    // The body has the SDK's shape: regular frames, then a final frame that is full when the
    // size is a non-zero multiple of the frame length; frame IVs are 8 zero bytes ‖ seq.
    const qint64 headerLength = parseHeader(*message)->headerBody.size() + kTagLength;
    const qint64 regular = size == 0 ? 0 : (size - 1) / frameLength;
    const qint64 last = size - regular * frameLength;
    const qint64 bodyEnd = headerLength + regular * (4 + 12 + frameLength + 16) + (4 + 4 + 12 + 4 + last + 16);
    if (suite == Plain) {
        QCOMPARE(qint64(message->size()), bodyEnd);
    } else {
        QVERIFY(message->size() > bodyEnd + 2);
        QCOMPARE(qint64(qFromBigEndian<quint16>(message->constData() + bodyEnd)), message->size() - bodyEnd - 2);
    }
    const qint64 firstIv = headerLength + (regular > 0 ? 4 : 8);
    QCOMPARE(message->mid(firstIv, 12).toHex(), QByteArray("000000000000000000000001"));
}

void TestMessageRoundTrip::contextRoundTrip()
{
    // U+E000 sorts after U+1F600 in UTF-16 (QMap order) but before it in UTF-8 (format order).
    const EncryptionContext ctx{{u"b"_s, u"2"_s}, {u"a"_s, u"1"_s}, {QString(QChar(0xE000)), u"pua"_s},
                                {QString::fromUcs4(U"\U0001F600"), u"emoji \u00e9"_s}, {u"empty"_s, QString()}};
    auto serialized = serializeEncryptionContext(ctx);
    QVERIFY(serialized);
    const qsizetype pua = serialized->indexOf(QByteArray("\xEE\x80\x80"));
    const qsizetype emoji = serialized->indexOf(QByteArray("\xF0\x9F\x98\x80"));
    QVERIFY(pua > 0 && emoji > pua);

    for (AlgorithmSuite suite : {Plain, Signed}) {
        EncryptOptions o;
        o.suite = suite;
        o.context = ctx;
        auto message = encrypt("hello", o);
        QVERIFY(message);
        QVERIFY(message->contains(*serialized) || suite == Signed);
        QByteArray plaintext;
        auto result = decrypt(*message, plaintext);
        QVERIFY(result);
        QCOMPARE(plaintext, QByteArray("hello"));
        EncryptionContext expected = ctx;
        if (suite == Signed) {
            const QByteArray point = QByteArray::fromBase64(result->header.context.value(kPublicKeyContextKey).toLatin1());
            QCOMPARE(point.size(), 49); // compressed P-384
            QVERIFY(point[0] == '\x02' || point[0] == '\x03');
            expected.insert(kPublicKeyContextKey, result->header.context.value(kPublicKeyContextKey));
        }
        QCOMPARE(result->header.context, expected);
    }
}

void TestMessageRoundTrip::refusesReservedContextKeys_data()
{
    QTest::addColumn<QString>("key");
    QTest::newRow("aws-crypto-public-key") << u"aws-crypto-public-key"_s;
    QTest::newRow("aws-crypto-anything") << u"aws-crypto-anything"_s;
    QTest::newRow("aws-crypto-") << u"aws-crypto-"_s;
}

void TestMessageRoundTrip::refusesReservedContextKeys()
{
    QFETCH(QString, key);
    for (AlgorithmSuite suite : {Plain, Signed}) {
        EncryptOptions o;
        o.suite = suite;
        o.context = {{u"fine"_s, u"x"_s}, {key, u"AhGCxFc6Os7i62uzi0GJy4xNbfcC9QTsQhdioOhLHJIAuqbZiOJhhB1/AoyTL+1Ocg=="_s}};
        QBuffer in;
        in.setData("data");
        QByteArray message;
        QBuffer out(&message);
        in.open(QIODevice::ReadOnly);
        out.open(QIODevice::WriteOnly);
        auto result = MessageEncryptor(m_provider).encrypt(in, out, o);
        QVERIFY(!result);
        QCOMPARE(result.error().type, errors::Validation);
        QVERIFY(result.error().message.contains(key));
        QVERIFY(message.isEmpty());
    }
    // A key that merely contains the prefix elsewhere is the caller's to use.
    EncryptOptions ok;
    ok.context = {{u"my-aws-crypto-key"_s, u"x"_s}};
    QVERIFY(encrypt("data", ok));
}

void TestMessageRoundTrip::refusesBadFrameLength()
{
    for (quint32 f : {quint32(0), quint32(kMaxFrameBuffer + 1)}) {
        EncryptOptions o;
        o.frameLength = f;
        auto result = encrypt("data", o);
        QVERIFY(!result);
        QCOMPARE(result.error().type, errors::Validation);
    }
}

void TestMessageRoundTrip::cancel_data()
{
    QTest::addColumn<bool>("decrypting");
    QTest::addColumn<bool>("beforeStart");
    QTest::newRow("encrypt, mid-way") << false << false;
    QTest::newRow("decrypt, mid-way") << true << false;
    QTest::newRow("encrypt, before start") << false << true;
    QTest::newRow("decrypt, before start") << true << true;
}

void TestMessageRoundTrip::cancel()
{
    QFETCH(bool, decrypting);
    QFETCH(bool, beforeStart);
    const QByteArray plaintext = pattern(3 * 1024 * 1024);
    EncryptOptions eo;
    eo.frameLength = 4096;
    auto message = encrypt(plaintext, eo);
    QVERIFY(message);

    std::atomic<bool> cancelled{beforeStart};
    qint64 lastProgress = 0;
    StreamControl control;
    control.cancel = &cancelled;
    control.progress = [&](qint64 done) {
        lastProgress = done;
        if (done > 1024 * 1024)
            cancelled = true;
    };
    QBuffer in;
    in.setData(decrypting ? *message : plaintext);
    QByteArray output;
    QBuffer out(&output);
    in.open(QIODevice::ReadOnly);
    out.open(QIODevice::WriteOnly);
    KmsError error;
    if (decrypting) {
        DecryptOptions o;
        o.control = control;
        auto r = MessageDecryptor(m_provider).decrypt(in, out, o);
        QVERIFY(!r);
        error = r.error();
    } else {
        eo.control = control;
        auto r = MessageEncryptor(m_provider).encrypt(in, out, eo);
        QVERIFY(!r);
        error = r.error();
    }
    QCOMPARE(error.type, u"CancelledException"_s);
    QCOMPARE(error.type, errors::Cancelled);
    if (beforeStart) {
        QVERIFY(output.isEmpty());
        QCOMPARE(lastProgress, 0);
    } else {
        // Stopped soon after the flag was raised, well before the end.
        QVERIFY(lastProgress > 1024 * 1024);
        QVERIFY(lastProgress < 2 * 1024 * 1024);
        QVERIFY(output.size() < 2 * 1024 * 1024);
    }
}

void TestMessageRoundTrip::progressReportsInputBytes()
{
    const QByteArray plaintext = pattern(1024 * 1024 + 5);
    QList<qint64> seen;
    EncryptOptions eo;
    eo.frameLength = 4096;
    eo.control.progress = [&](qint64 done) { seen.append(done); };
    auto message = encrypt(plaintext, eo);
    QVERIFY(message);
    QVERIFY(seen.size() >= 4 && seen.size() < 20); // throttled to about one report per 256 KiB
    QVERIFY(std::is_sorted(seen.cbegin(), seen.cend()));
    QCOMPARE(seen.last(), plaintext.size());

    seen.clear();
    DecryptOptions dopt;
    dopt.control.progress = [&](qint64 done) { seen.append(done); };
    QByteArray decrypted;
    QVERIFY(decrypt(*message, decrypted, dopt));
    QVERIFY(seen.size() >= 4 && seen.size() < 20);
    QVERIFY(std::is_sorted(seen.cbegin(), seen.cend()));
    QCOMPARE(seen.last(), message->size());
}

void TestMessageRoundTrip::trickleDevices()
{
    for (AlgorithmSuite suite : {Plain, Signed}) {
        const QByteArray plaintext = pattern(10000);
        TrickleDevice in(plaintext);
        QByteArray message;
        QBuffer out(&message);
        out.open(QIODevice::WriteOnly);
        EncryptOptions o;
        o.suite = suite;
        o.frameLength = 1000; // a full final frame: the look-ahead byte must come back
        auto encrypted = MessageEncryptor(m_provider).encrypt(in, out, o);
        QVERIFY2(encrypted, qPrintable(encrypted ? QString() : describe(encrypted.error())));

        TrickleDevice messageIn(message);
        QByteArray decrypted;
        QBuffer plainOut(&decrypted);
        plainOut.open(QIODevice::WriteOnly);
        auto result = MessageDecryptor(m_provider).decrypt(messageIn, plainOut);
        QVERIFY2(result, qPrintable(result ? QString() : describe(result.error())));
        QVERIFY(decrypted == plaintext);
        QCOMPARE(result->messageBytes, message.size());
    }
}

void TestMessageRoundTrip::writeFailure()
{
    QBuffer in;
    in.setData(pattern(100));
    in.open(QIODevice::ReadOnly);
    FullDevice full;
    auto encrypted = MessageEncryptor(m_provider).encrypt(in, full, {});
    QVERIFY(!encrypted);
    QCOMPARE(encrypted.error().type, errors::Storage);
    QVERIFY(encrypted.error().message.contains(u"No space left on device"));

    QBuffer messageIn;
    messageIn.setData(smallMessage(Plain));
    messageIn.open(QIODevice::ReadOnly);
    auto decrypted = MessageDecryptor(m_provider).decrypt(messageIn, full);
    QVERIFY(!decrypted);
    QCOMPARE(decrypted.error().type, errors::Storage);
}

QKMS_TEST_MAIN(TestMessageRoundTrip)
#include "tst_message_roundtrip.moc"
