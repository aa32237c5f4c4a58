// Frames encrypted and decrypted on several threads (EncryptOptions/DecryptOptions::threads):
// the body is byte for byte what a plain sequential reading of the format gives, for 1, 2 and 4
// threads, at sizes around the batch boundaries where the work is cut; round trips across thread
// counts, also with frames too large to double-buffer; a damaged frame in the middle of a multi-threaded decryption is named (the lowest one
// when two are damaged) and leaves no output file; truncation and trailing data across batches.

#include "envelope/FileJob.h"
#include "envelope/FrameWorkers.h"
#include "envelope/MessageDecryptor.h"
#include "envelope/MessageEncryptor.h"
#include "envelope/MessageHeader.h"
#include "MessageTest.h"
#include "TestMain.h"
#include "primitives/Primitives.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>
#include <QtEndian>

using namespace qkms;
using namespace qkms::envelope;
using namespace qkms::test;
using namespace Qt::StringLiterals;

namespace {

constexpr quint32 kFrame = 4096;

/// Frames per batch at kFrame for up to 4 threads (all 4 MiB batches).
qint64 batchBytes()
{
    return qint64(batchFrames(kFrame, 4)) * kFrame;
}

/// The body of a framed message as the format defines it, computed one frame after the other
/// straight from the spec (key = HKDF of the test's data key with the message's id).
QByteArray referenceBody(const QByteArray &messageId, AlgorithmSuite suite, const QByteArray &plaintext)
{
    auto keys = deriveKeys(suite, QCA::SecureArray(QByteArray(32, '\x42')), messageId);
    crypto::GcmStream gcm(crypto::GcmStream::Direction::Encrypt, keys->encryptionKey);
    QByteArray body;
    const qint64 size = plaintext.size();
    const qint64 regular = size == 0 ? 0 : (size - 1) / kFrame;
    for (qint64 i = 0; i <= regular; ++i) {
        const bool final = i == regular;
        const quint32 seq = quint32(i + 1);
        const qint64 len = final ? size - regular * kFrame : kFrame;
        char s[4];
        qToBigEndian(seq, s);
        char l[4];
        qToBigEndian(quint32(len), l);
        if (final)
            body.append("\xff\xff\xff\xff", 4);
        body.append(s, 4);
        const QByteArray iv = QByteArray(8, '\0') + QByteArray(s, 4);
        body.append(iv);
        if (final)
            body.append(l, 4);
        QByteArray aad = messageId + (final ? "AWSKMSEncryptionClient Final Frame"_ba : "AWSKMSEncryptionClient Frame"_ba);
        aad.append(s, 4);
        char l64[8];
        qToBigEndian(quint64(len), l64);
        aad.append(l64, 8);
        QByteArray cipher(len, Qt::Uninitialized);
        if (!gcm.start(iv, aad) || !gcm.update(plaintext.constData() + i * kFrame, cipher.data(), len))
            return {};
        body.append(cipher);
        body.append(*gcm.finishEncrypt());
    }
    return body;
}

} // namespace

class TestMessageParallel : public QObject, protected MessageTest
{
    Q_OBJECT

private Q_SLOTS:
    void bodyMatchesReference_data();
    void bodyMatchesReference();
    void damagedFrameInMiddle();
    void damagedFrameLeavesNoFile();
    void truncatedAcrossBatches_data();
    void truncatedAcrossBatches();
    void trailingDataAfterSignedMessage();
    void largeFramesOneBuffer();
};

void TestMessageParallel::bodyMatchesReference_data()
{
    QTest::addColumn<AlgorithmSuite>("suite");
    QTest::addColumn<qint64>("size");
    const qint64 b = batchBytes();
    const QList<std::pair<const char *, qint64>> sizes{
        {"empty", 0},
        {"one byte", 1},
        {"one frame", kFrame},
        {"batch - 1", b - 1},
        {"batch", b},
        {"batch + 1", b + 1},
        {"2 batches + 1 frame", 2 * b + kFrame},
        {"2 batches + 1 frame + 1", 2 * b + kFrame + 1},
    };
    for (const auto &[name, size] : sizes)
        QTest::addRow("0x0478 %s", name) << Plain << size;
    QTest::addRow("0x0578 batch + 1") << Signed << b + 1;
}

void TestMessageParallel::bodyMatchesReference()
{
    QFETCH(AlgorithmSuite, suite);
    QFETCH(qint64, size);
    const QByteArray plaintext = pattern(size);
    for (int threads : {1, 2, 4}) {
        EncryptOptions o;
        o.suite = suite;
        o.frameLength = kFrame;
        o.threads = threads;
        auto message = encrypt(plaintext, o);
        QVERIFY(message);
        auto parsed = parseHeader(*message);
        QVERIFY(parsed);
        const qint64 headerLength = parsed->headerBody.size() + kTagLength;
        const QByteArray expected = referenceBody(parsed->header.messageId, suite, plaintext);
        QVERIFY(!expected.isEmpty());
        QVERIFY2(message->mid(headerLength, expected.size()) == expected, qPrintable(u"threads %1"_s.arg(threads)));
        QCOMPARE(message->size() == headerLength + expected.size(), suite == Plain);

        for (int decryptThreads : {1, 4}) {
            DecryptOptions d;
            d.threads = decryptThreads;
            QByteArray decrypted;
            auto r = decrypt(*message, decrypted, d);
            QVERIFY2(r, qPrintable(r ? QString() : r.error().toString()));
            QVERIFY(decrypted == plaintext);
            QCOMPARE(r->plaintextBytes, size);
            QCOMPARE(r->messageBytes, qint64(message->size()));
        }
    }
}

void TestMessageParallel::damagedFrameInMiddle()
{
    const qint64 frames = 3 * batchFrames(kFrame, 4);
    EncryptOptions o;
    o.frameLength = kFrame;
    auto message = encrypt(pattern(frames * kFrame + 100), o);
    QVERIFY(message);
    const qint64 headerLength = parseHeader(*message)->headerBody.size() + kTagLength;
    // Ciphertext of frame n (1-based): regular frames are 4 + 12 + kFrame + 16 bytes.
    const auto cipherOf = [&](qint64 n) { return headerLength + (n - 1) * (kFrame + 32) + 16 + 7; };
    const qint64 middle = frames / 2 + 3;
    QByteArray once = *message;
    once[cipherOf(middle)] = char(once[cipherOf(middle)] ^ 1);
    // Two damaged frames of one batch, far apart so that different threads check them.
    QByteArray twice = *message;
    const qint64 late = batchFrames(kFrame, 4) * 2 - 2;
    const qint64 early = batchFrames(kFrame, 4) + 3;
    twice[cipherOf(late)] = char(twice[cipherOf(late)] ^ 1);
    twice[cipherOf(early)] = char(twice[cipherOf(early)] ^ 1);
    for (int threads : {1, 4}) {
        DecryptOptions d;
        d.threads = threads;
        QByteArray out;
        auto r = decrypt(once, out, d);
        QVERIFY(!r);
        QCOMPARE(r.error().type, errors::InvalidCiphertext);
        QCOMPARE(r.error().message, u"frame %1 failed authentication"_s.arg(middle));
        // Only authenticated frames were released, and none from the damaged one on.
        QVERIFY(out.size() < (middle - 1) * qint64(kFrame) + 1);
        QVERIFY(out == pattern(out.size()));
        r = decrypt(twice, out, d);
        QVERIFY(!r);
        QCOMPARE(r.error().message, u"frame %1 failed authentication"_s.arg(early));
    }
}

void TestMessageParallel::damagedFrameLeavesNoFile()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString input = dir.filePath(u"in.bin"_s);
    QFile f(input);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(pattern(3 * batchBytes() + 5));
    f.close();
    EncryptOptions o;
    o.frameLength = kFrame;
    o.threads = 4;
    auto enc = encryptFile(m_provider, input, dir.filePath(u"in.bin.encrypted"_s), o);
    QVERIFY(enc);
    QFile m(enc->outputPath);
    QVERIFY(m.open(QIODevice::ReadWrite));
    QByteArray bytes = m.readAll();
    const qint64 headerLength = parseHeader(bytes)->headerBody.size() + kTagLength;
    const qint64 at = headerLength + (batchFrames(kFrame, 4) + 7) * (kFrame + 32) + 100; // frame B + 8's ciphertext
    bytes[at] = char(bytes[at] ^ 0x80);
    m.seek(0);
    m.write(bytes);
    m.close();
    auto dec = decryptFile(m_provider, enc->outputPath, dir.filePath(u"out.bin"_s));
    QVERIFY(!dec);
    QCOMPARE(dec.error().type, errors::InvalidCiphertext);
    QVERIFY(dec.error().message.endsWith(u"failed authentication"_s));
    QCOMPARE(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden).size(), 2); // input and message only
}

void TestMessageParallel::truncatedAcrossBatches_data()
{
    QTest::addColumn<qint64>("cut");
    QTest::addColumn<QString>("error");
    const qint64 frame = kFrame + 32;
    const qint64 b = batchFrames(kFrame, 4);
    QTest::addRow("in frame 2's IV") << frame + 6 << u"truncated frame 2"_s;
    QTest::addRow("at the end of the first batch") << b * frame << u"truncated frame %1"_s.arg(b + 1);
    QTest::addRow("in the second batch's last tag") << 2 * b * frame - 3 << u"truncated frame %1"_s.arg(2 * b);
}

void TestMessageParallel::truncatedAcrossBatches()
{
    QFETCH(qint64, cut);
    QFETCH(QString, error);
    EncryptOptions o;
    o.frameLength = kFrame;
    auto message = encrypt(pattern(3 * batchBytes()), o);
    QVERIFY(message);
    const qint64 headerLength = parseHeader(*message)->headerBody.size() + kTagLength;
    for (int threads : {1, 4}) {
        DecryptOptions d;
        d.threads = threads;
        QByteArray out;
        auto r = decrypt(message->left(headerLength + cut), out, d);
        QVERIFY(!r);
        QCOMPARE(r.error().message, error);
    }
}

void TestMessageParallel::trailingDataAfterSignedMessage()
{
    EncryptOptions o;
    o.suite = Signed;
    o.frameLength = kFrame;
    auto message = encrypt(pattern(batchBytes() + 10), o);
    QVERIFY(message);
    for (int threads : {1, 4}) {
        DecryptOptions d;
        d.threads = threads;
        QByteArray out;
        QVERIFY(decrypt(*message, out, d));
        auto r = decrypt(*message + "x"_ba, out, d);
        QVERIFY(!r);
        QCOMPARE(r.error().message, u"trailing data after the end of the message"_s);
        QByteArray badSignature = *message;
        badSignature[badSignature.size() - 5] = char(badSignature[badSignature.size() - 5] ^ 1);
        r = decrypt(badSignature, out, d);
        QVERIFY(!r);
        QCOMPARE(r.error().type, errors::InvalidCiphertext);
        QCOMPARE(out.size(), batchBytes()); // the final frame was held back
    }
}

void TestMessageParallel::largeFramesOneBuffer()
{
    // Past kDoubleBufferMaxFrame one frame is in flight at a time; frames still chain correctly.
    const quint32 frame = quint32(kDoubleBufferMaxFrame) + 4096;
    const QByteArray plaintext = pattern(2 * qint64(frame) + 5);
    for (int threads : {1, 4}) {
        EncryptOptions o;
        o.suite = Signed;
        o.frameLength = frame;
        o.threads = threads;
        auto message = encrypt(plaintext, o);
        QVERIFY(message);
        DecryptOptions d;
        d.threads = threads;
        QByteArray out;
        auto r = decrypt(*message, out, d);
        QVERIFY2(r, qPrintable(r ? QString() : r.error().toString()));
        QVERIFY(out == plaintext);
        const qint64 headerLength = parseHeader(*message)->headerBody.size() + kTagLength;
        r = decrypt(message->left(headerLength + qint64(frame) + 32 + 100), out, d);
        QVERIFY(!r);
        QCOMPARE(r.error().message, u"truncated frame 2"_s);
        QCOMPARE(out.size(), qint64(frame)); // frame 1 authenticated and released
    }
}

QKMS_TEST_MAIN(TestMessageParallel)
#include "tst_message_parallel.moc"
