#include "envelope/MessageHeader.h"

#include "envelope/MessageStream.h"
#include "envelope/WireFormat.h"

#include <QBuffer>

namespace qkms::envelope {

namespace {

constexpr qsizetype kMaxU16 = 0xFFFF;

const QString &truncated()
{
    static const QString s = QStringLiteral("truncated header");
    return s;
}

std::unexpected<KmsError> invalid(const QString &message)
{
    return fail(errors::InvalidCiphertext, message);
}

QString hexByte(quint8 b)
{
    return QStringLiteral("0x%1").arg(b, 2, 16, QLatin1Char('0'));
}

Result<QByteArray> readShortBlob(MessageInput &in)
{
    auto n = in.readU16(truncated());
    if (!n)
        return std::unexpected(n.error());
    return in.read(*n, truncated());
}

} // namespace

Result<QByteArray> serializeHeaderBody(const MessageHeader &h)
{
    if (h.messageId.size() != kMessageIdLength)
        return fail(errors::Validation, QStringLiteral("message id must be 32 bytes"));
    if (h.commitKey.size() != kCommitKeyLength)
        return fail(errors::Validation, QStringLiteral("commit key must be 32 bytes"));
    if (h.encryptedDataKeys.isEmpty() || h.encryptedDataKeys.size() > kMaxU16)
        return fail(errors::Validation, QStringLiteral("a message needs 1 to 65535 encrypted data keys"));
    if (h.contentType == ContentType::Framed && h.frameLength == 0)
        return fail(errors::Validation, QStringLiteral("frame length 0 in framed message"));
    if (h.contentType == ContentType::NonFramed && h.frameLength != 0)
        return fail(errors::Validation, QStringLiteral("non-framed message must have frame length 0"));
    auto ctx = serializeEncryptionContext(h.context);
    if (!ctx)
        return std::unexpected(ctx.error());

    QByteArray out;
    wire::appendU8(out, kMessageFormatVersion);
    wire::appendU16(out, static_cast<quint16>(h.suite));
    out.append(h.messageId);
    wire::appendShortBlob(out, *ctx); // length 0 and no pairs for an empty context
    wire::appendU16(out, static_cast<quint16>(h.encryptedDataKeys.size()));
    for (const EncryptedDataKey &edk : h.encryptedDataKeys) {
        if (edk.providerId.size() > kMaxU16 || edk.providerInfo.size() > kMaxU16 || edk.ciphertext.size() > kMaxU16)
            return fail(errors::Validation, QStringLiteral("encrypted data key field longer than 65535 bytes"));
        wire::appendShortBlob(out, edk.providerId);
        wire::appendShortBlob(out, edk.providerInfo);
        wire::appendShortBlob(out, edk.ciphertext);
    }
    wire::appendU8(out, static_cast<quint8>(h.contentType));
    wire::appendU32(out, h.frameLength);
    out.append(h.commitKey);
    return out;
}

Result<ParsedHeader> readHeader(MessageInput &in, const HeaderLimits &limits)
{
    ParsedHeader parsed;
    MessageHeader &h = parsed.header;
    in.setRecording(true);
    in.setRecordLimit(limits.maxHeaderBytes, QStringLiteral("header exceeds %1 bytes").arg(limits.maxHeaderBytes));

    char fixed[3];
    if (auto st = in.readExact(fixed, 3, truncated()); !st)
        return std::unexpected(st.error());
    const auto version = static_cast<quint8>(fixed[0]);
    if (version == 0x01)
        return invalid(QStringLiteral("message format version 1 is not supported"));
    if (version != kMessageFormatVersion)
        return invalid(QStringLiteral("unknown message format version %1").arg(hexByte(version)));
    const quint16 suiteId = wire::readU16(fixed + 1);
    const auto suite = suiteFromId(suiteId);
    if (!suite)
        return invalid(QStringLiteral("unknown algorithm suite %1").arg(hexId(suiteId)));
    h.suite = *suite;

    auto messageId = in.read(kMessageIdLength, truncated());
    if (!messageId)
        return std::unexpected(messageId.error());
    h.messageId = *messageId;

    auto ctxBytes = readShortBlob(in);
    if (!ctxBytes)
        return std::unexpected(ctxBytes.error());
    auto ctx = parseEncryptionContext(*ctxBytes);
    if (!ctx)
        return std::unexpected(ctx.error());
    h.context = *std::move(ctx);

    auto edkCount = in.readU16(truncated());
    if (!edkCount)
        return std::unexpected(edkCount.error());
    if (*edkCount == 0)
        return invalid(QStringLiteral("message has no encrypted data keys"));
    if (limits.maxEncryptedDataKeys > 0 && *edkCount > limits.maxEncryptedDataKeys)
        return invalid(QStringLiteral("message has %1 encrypted data keys, more than the limit of %2")
                           .arg(*edkCount)
                           .arg(limits.maxEncryptedDataKeys));
    for (int i = 0; i < *edkCount; ++i) {
        EncryptedDataKey edk;
        for (QByteArray *field : {&edk.providerId, &edk.providerInfo, &edk.ciphertext}) {
            auto blob = readShortBlob(in);
            if (!blob)
                return std::unexpected(blob.error());
            *field = *std::move(blob);
        }
        h.encryptedDataKeys.append(std::move(edk));
    }

    char typeAndLength[5];
    if (auto st = in.readExact(typeAndLength, 5, truncated()); !st)
        return std::unexpected(st.error());
    const auto contentType = static_cast<quint8>(typeAndLength[0]);
    if (contentType != quint8(ContentType::Framed) && contentType != quint8(ContentType::NonFramed))
        return invalid(QStringLiteral("unknown content type %1").arg(hexByte(contentType)));
    h.contentType = static_cast<ContentType>(contentType);
    h.frameLength = wire::readU32(typeAndLength + 1);
    if (h.contentType == ContentType::Framed && h.frameLength == 0)
        return invalid(QStringLiteral("frame length 0 in framed message"));
    if (h.contentType == ContentType::NonFramed && h.frameLength != 0)
        return invalid(QStringLiteral("non-framed message has frame length %1").arg(h.frameLength));

    auto commitKey = in.read(kCommitKeyLength, truncated());
    if (!commitKey)
        return std::unexpected(commitKey.error());
    h.commitKey = *commitKey;

    parsed.headerBody = in.recorded();
    in.setRecording(false);
    auto tag = in.read(kTagLength, truncated());
    if (!tag)
        return std::unexpected(tag.error());
    parsed.headerTag = *tag;
    return parsed;
}

Result<ParsedHeader> readHeader(QIODevice &device, const HeaderLimits &limits)
{
    MessageInput in(device);
    return readHeader(in, limits);
}

Result<ParsedHeader> parseHeader(const QByteArray &bytes, const HeaderLimits &limits)
{
    QBuffer buffer;
    buffer.setData(bytes);
    if (!buffer.open(QIODevice::ReadOnly))
        return fail(errors::Internal, QStringLiteral("cannot open an in-memory buffer"));
    return readHeader(buffer, limits);
}

Result<MessageHeader> inspect(QIODevice &in, const HeaderLimits &limits)
{
    auto parsed = readHeader(in, limits);
    if (!parsed)
        return std::unexpected(parsed.error());
    return std::move(parsed->header);
}

bool looksLikeMessage(const QByteArray &prefix)
{
    if (prefix.size() >= 3 && quint8(prefix[0]) == kMessageFormatVersion)
        return suiteFromId(wire::readU16(prefix.constData() + 1)).has_value();
    // Format 1: version 0x01, type 0x80, then a v1 suite id.
    if (prefix.size() >= 4 && quint8(prefix[0]) == 0x01 && quint8(prefix[1]) == 0x80) {
        static constexpr quint16 v1Suites[] = {0x0014, 0x0046, 0x0078, 0x0114, 0x0146,
                                               0x0178, 0x0214, 0x0346, 0x0378};
        const quint16 id = wire::readU16(prefix.constData() + 2);
        for (quint16 s : v1Suites) {
            if (s == id)
                return true;
        }
    }
    return false;
}

} // namespace qkms::envelope
