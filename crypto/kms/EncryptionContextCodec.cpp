#include "kms/EncryptionContextCodec.h"

#include <QtEndian>

#include <algorithm>
#include <utility>

namespace qkms::kms {

namespace {

constexpr int LengthBytes = 4;

std::unexpected<KmsError> invalidContext(const QString &why)
{
    return fail(errors::Validation, QStringLiteral("Invalid EncryptionContext: %1").arg(why));
}

void appendLength(QByteArray &out, qsizetype n)
{
    char be[LengthBytes];
    qToBigEndian(quint32(n), be);
    out.append(be, LengthBytes);
}

/// UTF-8 that round-trips, so no two different strings share one encoding.
bool isValidUtf8(const QByteArray &bytes)
{
    return QString::fromUtf8(bytes).toUtf8() == bytes;
}

/// Reads one length-prefixed field at `pos`; false when the input ends early.
bool readField(const QByteArray &in, qsizetype &pos, QByteArray &out)
{
    if (in.size() - pos < LengthBytes)
        return false;
    const quint32 n = qFromBigEndian<quint32>(in.constData() + pos);
    pos += LengthBytes;
    if (quint64(in.size() - pos) < n)
        return false;
    out = in.mid(pos, qsizetype(n));
    pos += qsizetype(n);
    return true;
}

} // namespace

Result<QByteArray> EncryptionContextCodec::encode(const EncryptionContext &context)
{
    // QMap orders by UTF-16 code units, which differs from UTF-8 byte order above U+FFFF
    // (surrogates sort below U+E000..U+FFFF in UTF-16, above them in UTF-8): sort again by bytes.
    QList<std::pair<QByteArray, QByteArray>> pairs;
    pairs.reserve(context.size());
    for (auto it = context.begin(); it != context.end(); ++it) {
        QByteArray key = it.key().toUtf8();
        QByteArray value = it.value().toUtf8();
        if (QString::fromUtf8(key) != it.key() || QString::fromUtf8(value) != it.value())
            return invalidContext(QStringLiteral("keys and values must be valid Unicode text"));
        pairs.append({std::move(key), std::move(value)});
    }
    std::sort(pairs.begin(), pairs.end(), [](const auto &a, const auto &b) { return a.first < b.first; });

    QByteArray out;
    for (const auto &[key, value] : pairs) {
        appendLength(out, key.size());
        out.append(key);
        appendLength(out, value.size());
        out.append(value);
        if (out.size() > MaxCanonicalBytes)
            return invalidContext(QStringLiteral("it may hold at most %1 bytes").arg(MaxCanonicalBytes));
    }
    return out;
}

Result<EncryptionContext> EncryptionContextCodec::decode(const QByteArray &canonical)
{
    if (canonical.size() > MaxCanonicalBytes)
        return invalidContext(QStringLiteral("it may hold at most %1 bytes").arg(MaxCanonicalBytes));
    EncryptionContext out;
    QByteArray previousKey;
    bool first = true;
    qsizetype pos = 0;
    while (pos < canonical.size()) {
        QByteArray key;
        QByteArray value;
        if (!readField(canonical, pos, key) || !readField(canonical, pos, value))
            return invalidContext(QStringLiteral("the canonical form is truncated"));
        if (!isValidUtf8(key) || !isValidUtf8(value))
            return invalidContext(QStringLiteral("keys and values must be valid UTF-8"));
        // Strictly increasing keys: no repeats, and only the one order encode() writes.
        if (!first && !(previousKey < key))
            return invalidContext(QStringLiteral("pairs must be sorted by key bytes, without repeats"));
        out.insert(QString::fromUtf8(key), QString::fromUtf8(value));
        previousKey = key;
        first = false;
    }
    return out;
}

QJsonObject EncryptionContextCodec::toJson(const EncryptionContext &context)
{
    QJsonObject o;
    for (auto it = context.begin(); it != context.end(); ++it)
        o.insert(it.key(), it.value());
    return o;
}

} // namespace qkms::kms
