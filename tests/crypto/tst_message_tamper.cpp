// Damaged messages: every single-byte flip in the header, a frame, the final frame and the
// footer; every truncation; reordered, dropped, repeated and missing frames; trailing bytes; a
// wrong data key; the frame-size limit; and non-framed (content type 1) bodies, which qkms
// reads but never writes. Each must fail with errors::InvalidCiphertext, and the output must
// never have received the final block.

#include "envelope/DataKeyProvider.h"
#include "envelope/MessageDecryptor.h"
#include "envelope/MessageEncryptor.h"
#include "primitives/AsymmetricKey.h"
#include "primitives/Primitives.h"
#include "MessageTest.h"
#include "TestMain.h"

#include <QBuffer>
#include <QTest>
#include <QtEndian>

#include <optional>

using namespace qkms;
using namespace qkms::envelope;
using namespace qkms::test;
using namespace Qt::StringLiterals;

class TestMessageTamper : public QObject, protected test::MessageTest
{
    Q_OBJECT

private Q_SLOTS:
    void flipEveryByte_data();
    void flipEveryByte();
    void truncateEverywhere_data();
    void truncateEverywhere();
    void trailingData();
    void reorderedFrames_data();
    void reorderedFrames();
    void frameLimit();
    void wrongDataKey();
    void nonFramed_data();
    void nonFramed();

private:
    /// A non-framed message (IV ‖ u64 length ‖ ciphertext ‖ tag, AAD "Single Block"), built
    /// from the primitives, with the footer signed over the raw bytes (not through the
    /// decryptor's incremental hash).
    QByteArray nonFramedMessage(AlgorithmSuite suite, const QByteArray &plaintext, qint64 *headerLength)
    {
        MessageHeader h;
        h.suite = suite;
        h.messageId = QByteArray(32, '\x07');
        h.contentType = ContentType::NonFramed;
        h.frameLength = 0;
        h.encryptedDataKeys = {{"static", "static", ""}};
        std::optional<crypto::AsymmetricKey> signer;
        if (isSigned(suite)) {
            signer.emplace(*crypto::AsymmetricKey::generate(crypto::KeyKind::EcP384));
            h.context.insert(kPublicKeyContextKey, QString::fromLatin1(signer->ecPoint(true)->toBase64()));
        }
        auto keys = deriveKeys(suite, QCA::SecureArray(QByteArray(32, '\x42')), h.messageId);
        h.commitKey = keys->commitKey;
        QByteArray message = *serializeHeaderBody(h);
        crypto::GcmStream gcm(crypto::GcmStream::Direction::Encrypt, keys->encryptionKey);
        (void)gcm.start(QByteArray(12, '\0'), message);
        message += *gcm.finishEncrypt();
        *headerLength = message.size();
        const QByteArray iv = QByteArray::fromHex("0102030405060708090a0b0c");
        QByteArray body = plaintext;
        (void)gcm.start(iv, bodyAad(h.messageId, BodyBlock::SingleBlock, 1, quint64(body.size())));
        (void)gcm.update(body.constData(), body.data(), body.size());
        char length[8];
        qToBigEndian<quint64>(quint64(body.size()), length);
        message += iv + QByteArray(length, 8) + body + *gcm.finishEncrypt();
        if (signer) {
            const QByteArray sig = *signer->sign(crypto::SignatureScheme::Ecdsa, crypto::HashAlg::Sha384,
                                                 crypto::MessageKind::Raw, message);
            char sigLength[2];
            qToBigEndian<quint16>(quint16(sig.size()), sigLength);
            message += QByteArray(sigLength, 2) + sig;
        }
        return message;
    }
};

void TestMessageTamper::flipEveryByte_data()
{
    QTest::addColumn<AlgorithmSuite>("suite");
    QTest::addColumn<QString>("region");
    for (const QString &region : {u"header"_s, u"frame 1"_s, u"final frame"_s, u"footer"_s})
        QTest::addRow("0x0578 %s", qPrintable(region)) << Signed << region;
    for (const QString &region : {u"header"_s, u"frame 1"_s, u"final frame"_s})
        QTest::addRow("0x0478 %s", qPrintable(region)) << Plain << region;
}

void TestMessageTamper::flipEveryByte()
{
    QFETCH(AlgorithmSuite, suite);
    QFETCH(QString, region);
    qint64 headerLength = 0;
    const QByteArray message = smallMessage(suite, &headerLength);
    const QByteArray original = pattern(40);
    const qint64 frame = 4 + 12 + 16 + 16;
    const qint64 finalFrame = 4 + 4 + 12 + 4 + 8 + 16;
    const qint64 bodyEnd = headerLength + 2 * frame + finalFrame;
    qint64 from = 0, to = headerLength;
    if (region == u"frame 1") {
        from = headerLength;
        to = from + frame;
    } else if (region == u"final frame") {
        from = headerLength + 2 * frame;
        to = bodyEnd;
    } else if (region == u"footer") {
        from = bodyEnd;
        to = message.size();
    }
    QVERIFY(to > from && to <= message.size());
    QByteArray plaintext;
    QVERIFY(decrypt(message, plaintext)); // the undamaged message is fine

    for (qint64 i = from; i < to; ++i) {
        for (char mask : {'\x01', '\x80'}) {
            QByteArray damaged = message;
            damaged[i] = char(damaged[i] ^ mask);
            auto result = decrypt(damaged, plaintext);
            QVERIFY2(!result, qPrintable(u"flip at %1 (mask %2) decrypted"_s.arg(i).arg(int(quint8(mask)))));
            QCOMPARE(result.error().type, errors::InvalidCiphertext);
            // Only authenticated regular frames may have been written; never the final frame.
            QVERIFY(plaintext.size() < original.size() && original.startsWith(plaintext));
            if (i < headerLength)
                QVERIFY2(plaintext.isEmpty(), qPrintable(result.error().message));
        }
    }
}

void TestMessageTamper::truncateEverywhere_data()
{
    QTest::addColumn<AlgorithmSuite>("suite");
    QTest::newRow("0x0478") << Plain;
    QTest::newRow("0x0578") << Signed;
}

void TestMessageTamper::truncateEverywhere()
{
    QFETCH(AlgorithmSuite, suite);
    const QByteArray message = smallMessage(suite);
    QByteArray plaintext;
    for (qsizetype n = 0; n < message.size(); ++n) {
        auto result = decrypt(message.left(n), plaintext);
        QVERIFY2(!result, qPrintable(u"message cut to %1 of %2 bytes decrypted"_s.arg(n).arg(message.size())));
        QCOMPARE(result.error().type, errors::InvalidCiphertext);
        QVERIFY2(result.error().message.startsWith(u"truncated "), qPrintable(result.error().message));
        QVERIFY(plaintext.size() < 40);
    }
}

void TestMessageTamper::trailingData()
{
    for (AlgorithmSuite suite : {Plain, Signed}) {
        QByteArray plaintext;
        auto result = decrypt(smallMessage(suite) + '\0', plaintext);
        QVERIFY(!result);
        QCOMPARE(result.error().message, u"trailing data after the end of the message"_s);
        QCOMPARE(plaintext.size(), 32); // the final frame is held back
    }
}

void TestMessageTamper::reorderedFrames_data()
{
    QTest::addColumn<AlgorithmSuite>("suite");
    QTest::addColumn<QString>("change");
    QTest::addColumn<QString>("expectedError");
    for (AlgorithmSuite suite : {Plain, Signed}) {
        const char *s = suite == Plain ? "0x0478" : "0x0578";
        QTest::addRow("%s swapped", s) << suite << u"swap"_s << u"frame sequence number 2 out of order, expected 1"_s;
        QTest::addRow("%s swapped, numbers rewritten", s)
            << suite << u"swap-renumber"_s << u"frame 1 failed authentication"_s;
        QTest::addRow("%s frame dropped", s) << suite << u"drop"_s << u"frame sequence number 2 out of order, expected 1"_s;
        QTest::addRow("%s frame repeated", s) << suite << u"repeat"_s << u"frame sequence number 1 out of order, expected 2"_s;
        QTest::addRow("%s final frame missing", s) << suite << u"no-final"_s << u"truncated frame 3"_s;
    }
}

void TestMessageTamper::reorderedFrames()
{
    QFETCH(AlgorithmSuite, suite);
    QFETCH(QString, change);
    QFETCH(QString, expectedError);
    qint64 headerLength = 0;
    const QByteArray message = smallMessage(suite, &headerLength);
    const qint64 frame = 4 + 12 + 16 + 16;
    const QByteArray header = message.left(headerLength);
    QByteArray f1 = message.mid(headerLength, frame);
    QByteArray f2 = message.mid(headerLength + frame, frame);
    const QByteArray rest = message.mid(headerLength + 2 * frame);
    QByteArray damaged;
    if (change == u"swap") {
        damaged = header + f2 + f1 + rest;
    } else if (change == u"swap-renumber") {
        // Sequence numbers put back in order: the AAD (which includes them) now mismatches.
        std::swap(f1, f2);
        qToBigEndian<quint32>(1, f1.data());
        qToBigEndian<quint32>(2, f2.data());
        damaged = header + f1 + f2 + rest;
    } else if (change == u"drop") {
        damaged = header + f2 + rest;
    } else if (change == u"repeat") {
        damaged = header + f1 + f1 + f2 + rest;
    } else {
        damaged = header + f1 + f2;
    }
    QByteArray plaintext;
    auto result = decrypt(damaged, plaintext);
    QVERIFY(!result);
    QCOMPARE(result.error().type, errors::InvalidCiphertext);
    QCOMPARE(result.error().message, expectedError);
}

void TestMessageTamper::frameLimit()
{
    EncryptOptions eo;
    eo.frameLength = 65536;
    auto message = encrypt(pattern(65537), eo);
    QVERIFY(message);
    DecryptOptions o;
    o.maxFrameBytes = 4096;
    QByteArray plaintext;
    auto result = decrypt(*message, plaintext, o);
    QVERIFY(!result);
    QCOMPARE(result.error().message, u"frame of 65536 bytes exceeds the limit of 4096 bytes"_s);
    // A message whose only frame is small passes the same limit.
    auto small = encrypt(pattern(100), eo);
    QVERIFY(decrypt(*small, plaintext, o));
}

void TestMessageTamper::wrongDataKey()
{
    for (AlgorithmSuite suite : {Plain, Signed}) {
        const QByteArray message = smallMessage(suite);
        StaticDataKeyProvider other{QCA::SecureArray(QByteArray(32, '\x43'))};
        QBuffer in;
        in.setData(message);
        in.open(QIODevice::ReadOnly);
        QByteArray plaintext;
        QBuffer out(&plaintext);
        out.open(QIODevice::WriteOnly);
        auto result = MessageDecryptor(other).decrypt(in, out);
        QVERIFY(!result);
        QCOMPARE(result.error().message, u"key commitment does not match"_s);
        QVERIFY(plaintext.isEmpty());
    }
}

void TestMessageTamper::nonFramed_data()
{
    QTest::addColumn<AlgorithmSuite>("suite");
    QTest::newRow("0x0478 non-framed") << Plain;
    QTest::newRow("0x0578 non-framed") << Signed;
}

void TestMessageTamper::nonFramed()
{
    QFETCH(AlgorithmSuite, suite);
    const QByteArray original = pattern(100);
    qint64 headerLength = 0;
    const QByteArray message = nonFramedMessage(suite, original, &headerLength);
    QByteArray plaintext;
    auto result = decrypt(message, plaintext);
    QVERIFY2(result, qPrintable(result ? QString() : result.error().toString()));
    QCOMPARE(plaintext, original);
    QCOMPARE(result->header.contentType, ContentType::NonFramed);
    QCOMPARE(result->header.frameLength, 0u);

    // The single block is released only at the very end: any damage leaves the output empty.
    for (qsizetype i = headerLength; i < message.size(); ++i) {
        QByteArray damaged = message;
        damaged[i] = char(damaged[i] ^ 0x01);
        auto r = decrypt(damaged, plaintext);
        QVERIFY2(!r, qPrintable(u"flip at %1 decrypted"_s.arg(i)));
        QCOMPARE(r.error().type, errors::InvalidCiphertext);
        QVERIFY(plaintext.isEmpty());
    }
    for (qsizetype n = 0; n < message.size(); ++n) {
        auto r = decrypt(message.left(n), plaintext);
        QVERIFY2(!r, qPrintable(u"cut to %1 decrypted"_s.arg(n)));
        QVERIFY(plaintext.isEmpty());
    }
    DecryptOptions small;
    small.maxFrameBytes = 10;
    auto limited = decrypt(message, plaintext, small);
    QVERIFY(!limited);
    QCOMPARE(limited.error().message, u"non-framed content of 100 bytes exceeds the limit of 10 bytes"_s);
}

QKMS_TEST_MAIN(TestMessageTamper)
#include "tst_message_tamper.moc"
