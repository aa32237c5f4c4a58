#include "envelope/EncryptionContext.h"

#include "envelope/WireFormat.h"

#include <QList>
#include <QStringDecoder>

#include <algorithm>
#include <optional>
#include <utility>

namespace qkms::envelope {

namespace {

constexpr qsizetype kMaxU16 = 0xFFFF;

/// Decodes UTF-8 strictly. ConvertInitialBom keeps a leading U+FEFF as a character instead of
/// dropping it, so what is shown is exactly what the header stores.
std::optional<QString> decodeUtf8(const QByteArray &bytes)
{
    QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless | QStringDecoder::Flag::ConvertInitialBom);
    QString s = decoder(bytes);
    if (decoder.hasError())
        return std::nullopt;
    return s;
}

/// UTF-8 of `s`, or nothing when `s` holds a lone surrogate (toUtf8 would silently replace it,
/// and the pair would no longer be the one the caller gave).
std::optional<QByteArray> strictUtf8(const QString &s)
{
    QByteArray utf8 = s.toUtf8();
    if (decodeUtf8(utf8) != s)
        return std::nullopt;
    return utf8;
}

} // namespace

Result<QByteArray> serializeEncryptionContext(const EncryptionContext &ctx)
{
    if (ctx.isEmpty())
        return QByteArray();
    if (ctx.size() > kMaxU16)
        return fail(errors::Validation, QStringLiteral("encryption context has more than 65535 pairs"));

    QList<std::pair<QByteArray, QByteArray>> pairs;
    pairs.reserve(ctx.size());
    for (auto it = ctx.cbegin(); it != ctx.cend(); ++it) {
        auto key = strictUtf8(it.key());
        auto value = strictUtf8(it.value());
        if (!key || !value)
            return fail(errors::Validation, QStringLiteral("encryption context is not valid Unicode"));
        if (key->size() > kMaxU16 || value->size() > kMaxU16)
            return fail(errors::Validation, QStringLiteral("encryption context key or value longer than 65535 bytes"));
        pairs.append({*std::move(key), *std::move(value)});
    }
    // QMap orders by UTF-16 code units; the format wants UTF-8 byte order (QByteArray's < is an
    // unsigned byte-wise comparison).
    std::sort(pairs.begin(), pairs.end(), [](const auto &a, const auto &b) { return a.first < b.first; });

    QByteArray out;
    wire::appendU16(out, static_cast<quint16>(pairs.size()));
    for (const auto &[key, value] : pairs) {
        wire::appendShortBlob(out, key);
        wire::appendShortBlob(out, value);
    }
    if (out.size() > kMaxU16)
        return fail(errors::Validation, QStringLiteral("serialized encryption context is %1 bytes, more than 65535")
                                            .arg(out.size()));
    return out;
}

Result<EncryptionContext> parseEncryptionContext(const QByteArray &bytes)
{
    EncryptionContext ctx;
    if (bytes.isEmpty())
        return ctx;
    wire::Cursor in(bytes);
    quint16 count = 0;
    if (!in.u16(count))
        return fail(errors::InvalidCiphertext, QStringLiteral("truncated encryption context"));
    if (count == 0)
        return fail(errors::InvalidCiphertext, QStringLiteral("encryption context has a length but zero pairs"));
    for (quint16 i = 0; i < count; ++i) {
        QByteArray key, value;
        if (!in.shortBlob(key) || !in.shortBlob(value))
            return fail(errors::InvalidCiphertext, QStringLiteral("truncated encryption context"));
        auto k = decodeUtf8(key);
        auto v = decodeUtf8(value);
        if (!k || !v)
            return fail(errors::InvalidCiphertext, QStringLiteral("encryption context is not valid UTF-8"));
        // Valid UTF-8 decodes one-to-one, so equal QStrings mean equal stored bytes.
        if (ctx.contains(*k))
            return fail(errors::InvalidCiphertext, QStringLiteral("encryption context has duplicate key"));
        ctx.insert(*k, *v);
    }
    if (!in.atEnd())
        return fail(errors::InvalidCiphertext, QStringLiteral("encryption context length does not match its pairs"));
    return ctx;
}

Status validateCallerContext(const EncryptionContext &ctx)
{
    for (auto it = ctx.cbegin(); it != ctx.cend(); ++it) {
        if (it.key().startsWith(kReservedContextPrefix))
            return fail(errors::Validation,
                        QStringLiteral("encryption context key \"%1\" uses the reserved prefix \"aws-crypto-\"")
                            .arg(it.key()));
    }
    auto serialized = serializeEncryptionContext(ctx);
    if (!serialized)
        return std::unexpected(serialized.error());
    return {};
}

} // namespace qkms::envelope
