#include "MessageTest.h"

#include "envelope/MessageHeader.h"

#include <QBuffer>

namespace qkms::test {

using namespace Qt::StringLiterals;

QByteArray pattern(qint64 size)
{
    QByteArray b(size, Qt::Uninitialized);
    for (qint64 i = 0; i < size; ++i)
        b[i] = char((i * 31 + i / 251) & 0xFF);
    return b;
}

Result<QByteArray> MessageTest::encrypt(const QByteArray &plaintext, const envelope::EncryptOptions &options)
{
    QBuffer in;
    in.setData(plaintext);
    QByteArray message;
    QBuffer out(&message);
    in.open(QIODevice::ReadOnly);
    out.open(QIODevice::WriteOnly);
    auto r = envelope::MessageEncryptor(m_provider).encrypt(in, out, options);
    if (!r)
        return std::unexpected(r.error());
    if (r->messageBytes != message.size() || r->plaintextBytes != plaintext.size())
        return fail(errors::Internal, u"byte counts do not match"_s);
    return message;
}

Result<envelope::DecryptResult> MessageTest::decrypt(const QByteArray &message, QByteArray &plaintext,
                                                     const envelope::DecryptOptions &options)
{
    QBuffer in;
    in.setData(message);
    plaintext.clear();
    QBuffer out(&plaintext);
    in.open(QIODevice::ReadOnly);
    out.open(QIODevice::WriteOnly);
    return envelope::MessageDecryptor(m_provider).decrypt(in, out, options);
}

QByteArray MessageTest::smallMessage(envelope::AlgorithmSuite suite, qint64 *headerLength)
{
    envelope::EncryptOptions o;
    o.suite = suite;
    o.frameLength = 16;
    o.context = {{u"purpose"_s, u"test"_s}};
    auto m = encrypt(pattern(40), o);
    if (headerLength) {
        auto parsed = envelope::parseHeader(*m);
        *headerLength = parsed->headerBody.size() + parsed->headerTag.size();
    }
    return *m;
}

} // namespace qkms::test
