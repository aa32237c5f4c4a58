#include "envelope/MessageEncryptor.h"

#include "envelope/MessageStream.h"
#include "envelope/WireFormat.h"
#include "primitives/AsymmetricKey.h"
#include "primitives/Primitives.h"

#include <cstring>
#include <optional>

namespace qkms::envelope {

namespace {

/// Writes to the output and, for signed suites, hashes what it wrote.
class MessageOutput
{
public:
    MessageOutput(QIODevice &device, crypto::IncrementalHash *hash) : m_device(device), m_hash(hash) {}

    [[nodiscard]] Status write(const char *data, qint64 n)
    {
        if (m_hash)
            m_hash->add(data, n);
        m_written += n;
        return writeAll(m_device, data, n);
    }
    [[nodiscard]] Status write(const QByteArray &data) { return write(data.constData(), data.size()); }
    [[nodiscard]] qint64 written() const { return m_written; }

private:
    QIODevice &m_device;
    crypto::IncrementalHash *m_hash;
    qint64 m_written = 0;
};

Status checkOptions(const EncryptOptions &options)
{
    if (options.frameLength == 0 || options.frameLength > kMaxFrameBuffer)
        return fail(errors::Validation,
                    QStringLiteral("frame length must be between 1 and %1 bytes").arg(kMaxFrameBuffer));
    return validateCallerContext(options.context);
}

Status checkDataKey(const GeneratedDataKey &key)
{
    if (key.plaintextKey.size() != kDataKeyLength)
        return fail(errors::Crypto, QStringLiteral("data key provider returned a key of %1 bytes, expected 32")
                                        .arg(key.plaintextKey.size()));
    if (key.encryptedDataKeys.isEmpty())
        return fail(errors::Crypto, QStringLiteral("data key provider returned no encrypted data key"));
    return {};
}

} // namespace

MessageEncryptor::MessageEncryptor(DataKeyProvider &provider) : m_provider(provider) {}

Result<EncryptResult> MessageEncryptor::encrypt(QIODevice &in, QIODevice &out, const EncryptOptions &options)
{
    if (auto st = checkOptions(options); !st)
        return std::unexpected(st.error());
    StreamMonitor monitor(options.control);
    if (auto st = monitor.checkCancelled(); !st)
        return std::unexpected(st.error());

    EncryptResult result;
    MessageHeader &h = result.header;
    h.suite = options.suite;
    h.context = options.context;
    h.contentType = ContentType::Framed;
    h.frameLength = options.frameLength;

    // Signed suite: a fresh signing key per message; its public half travels in the context,
    // so the data key provider binds it to the wrapped key.
    std::optional<crypto::AsymmetricKey> signer;
    if (isSigned(h.suite)) {
        auto key = crypto::AsymmetricKey::generate(crypto::KeyKind::EcP384);
        if (!key)
            return std::unexpected(key.error());
        auto point = key->ecPoint(true);
        if (!point)
            return std::unexpected(point.error());
        h.context.insert(kPublicKeyContextKey, QString::fromLatin1(point->toBase64()));
        signer.emplace(*std::move(key));
    }

    auto dataKey = m_provider.generate(h.context);
    if (!dataKey)
        return std::unexpected(dataKey.error());
    if (auto st = checkDataKey(*dataKey); !st)
        return std::unexpected(st.error());
    h.encryptedDataKeys = dataKey->encryptedDataKeys;
    h.messageId = crypto::randomBytes(kMessageIdLength);
    auto keys = deriveKeys(h.suite, dataKey->plaintextKey, h.messageId);
    dataKey->plaintextKey.clear(); // only the derived key is needed from here on
    if (!keys)
        return std::unexpected(keys.error());
    h.commitKey = keys->commitKey;
    auto headerBody = serializeHeaderBody(h);
    if (!headerBody)
        return std::unexpected(headerBody.error());

    crypto::GcmStream gcm(crypto::GcmStream::Direction::Encrypt, keys->encryptionKey);
    if (!gcm.isValid())
        return fail(errors::Crypto, QStringLiteral("cannot set up AES-256-GCM"));
    if (auto st = gcm.start(QByteArray(kIvLength, '\0'), *headerBody); !st)
        return std::unexpected(st.error());
    auto headerTag = gcm.finishEncrypt();
    if (!headerTag)
        return std::unexpected(headerTag.error());

    std::optional<crypto::IncrementalHash> hash;
    if (signer) {
        hash.emplace(crypto::HashAlg::Sha384);
        if (!hash->isValid())
            return fail(errors::Crypto, QStringLiteral("SHA-384 is not available from OpenSSL"));
    }
    MessageOutput output(out, hash ? &*hash : nullptr);
    if (auto st = output.write(*headerBody + *headerTag); !st)
        return std::unexpected(st.error());

    // One plaintext frame plus one byte of look-ahead: a full frame is final only if the input
    // ends right after it (then it is a full final frame, as the SDK writes).
    const qsizetype frameLength = options.frameLength;
    QCA::SecureArray plain(static_cast<int>(frameLength));
    // u32 marker ‖ u32 seq ‖ IV ‖ u32 length ‖ ciphertext ‖ tag, written in one call per frame.
    QByteArray frame(16 + kIvLength + frameLength + kTagLength, Qt::Uninitialized);
    char lookahead = 0;
    bool haveLookahead = false;
    qint64 consumed = 0;
    for (quint32 seq = 1;; ++seq) {
        if (auto st = monitor.checkCancelled(); !st)
            return std::unexpected(st.error());
        qsizetype len = 0;
        if (haveLookahead)
            plain.data()[len++] = lookahead;
        auto got = readUpTo(in, plain.data() + len, frameLength - len);
        if (!got)
            return std::unexpected(got.error());
        len += *got;
        consumed += *got;
        bool final = len < frameLength;
        if (!final) {
            auto more = readUpTo(in, &lookahead, 1);
            if (!more)
                return std::unexpected(more.error());
            haveLookahead = *more == 1;
            consumed += *more;
            final = !haveLookahead;
        }
        if (!final && seq == kFinalFrameMarker)
            return fail(errors::Validation, QStringLiteral("input needs more than 2^32 - 1 frames; use a larger frame length"));

        QByteArray prefix;
        if (final)
            wire::appendU32(prefix, kFinalFrameMarker);
        wire::appendU32(prefix, seq);
        const QByteArray iv = frameIv(seq);
        prefix.append(iv);
        if (final)
            wire::appendU32(prefix, static_cast<quint32>(len));
        const QByteArray aad = bodyAad(h.messageId, final ? BodyBlock::FinalFrame : BodyBlock::Frame, seq, quint64(len));
        if (auto st = gcm.start(iv, aad); !st)
            return std::unexpected(st.error());
        char *p = frame.data();
        std::memcpy(p, prefix.constData(), size_t(prefix.size()));
        if (auto st = gcm.update(plain.constData(), p + prefix.size(), len); !st)
            return std::unexpected(st.error());
        auto tag = gcm.finishEncrypt();
        if (!tag)
            return std::unexpected(tag.error());
        std::memcpy(p + prefix.size() + len, tag->constData(), kTagLength);
        if (auto st = output.write(p, prefix.size() + len + kTagLength); !st)
            return std::unexpected(st.error());
        monitor.report(consumed);
        if (final)
            break;
    }

    if (signer) {
        const QByteArray digest = hash->result();
        if (digest.isEmpty())
            return fail(errors::Crypto, QStringLiteral("SHA-384 of the message failed"));
        auto signature = signer->sign(crypto::SignatureScheme::Ecdsa, crypto::HashAlg::Sha384,
                                      crypto::MessageKind::Digest, digest);
        if (!signature)
            return std::unexpected(signature.error());
        QByteArray footer;
        wire::appendShortBlob(footer, *signature);
        if (auto st = output.write(footer); !st)
            return std::unexpected(st.error());
    }
    monitor.report(consumed, true);
    result.plaintextBytes = consumed;
    result.messageBytes = output.written();
    return result;
}

} // namespace qkms::envelope
