#include "envelope/MessageDecryptor.h"

#include "envelope/FrameReader.h"
#include "envelope/MessageStream.h"
#include "primitives/AsymmetricKey.h"
#include "primitives/Primitives.h"

#include <algorithm>
#include <climits>
#include <optional>

namespace qkms::envelope {

namespace {

std::unexpected<KmsError> invalid(const QString &message)
{
    return fail(errors::InvalidCiphertext, message);
}

/// One decryption: the state that lives from the header to the footer.
class DecryptJob
{
public:
    DecryptJob(DataKeyProvider &provider, QIODevice &in, QIODevice &out, const DecryptOptions &options)
        : m_provider(provider), m_in(in), m_out(out), m_options(options), m_monitor(options.control),
          m_frameLimit(std::min<qint64>(options.maxFrameBytes, INT_MAX - 64))
    {
    }

    Result<DecryptResult> run()
    {
        if (auto st = m_monitor.checkCancelled(); !st)
            return std::unexpected(st.error());
        if (auto st = openHeader(); !st)
            return std::unexpected(st.error());
        const Status body = m_parsed.header.contentType == ContentType::Framed ? framedBody() : nonFramedBody();
        if (!body)
            return std::unexpected(body.error());
        if (auto st = finish(); !st)
            return std::unexpected(st.error());
        return DecryptResult{m_parsed.header, m_frames ? m_frames->written() : m_written, m_in.consumed()};
    }

private:
    /// Header syntax, data key, commit key, header tag, and the signer's public key.
    Status openHeader()
    {
        auto parsed = readHeader(m_in, m_options.limits);
        if (!parsed)
            return std::unexpected(parsed.error());
        m_parsed = *std::move(parsed);
        const MessageHeader &h = m_parsed.header;

        auto dataKey = m_provider.decrypt(h.encryptedDataKeys, h.context);
        if (!dataKey)
            return std::unexpected(dataKey.error());
        if (dataKey->size() != kDataKeyLength)
            return fail(errors::Crypto, QStringLiteral("data key provider returned a key of %1 bytes, expected 32")
                                            .arg(dataKey->size()));
        auto keys = deriveKeys(h.suite, *dataKey, h.messageId);
        dataKey->clear();
        if (!keys)
            return std::unexpected(keys.error());
        // Key commitment first: it proves this data key is the one the message was made with,
        // so no other key can make the header tag or any frame authenticate.
        if (!crypto::constantTimeEquals(keys->commitKey, h.commitKey))
            return invalid(QStringLiteral("key commitment does not match"));

        m_key = keys->encryptionKey;
        m_gcm.emplace(crypto::GcmStream::Direction::Decrypt, m_key);
        if (!m_gcm->isValid())
            return fail(errors::Crypto, QStringLiteral("cannot set up AES-256-GCM"));
        if (auto st = m_gcm->start(QByteArray(kIvLength, '\0'), m_parsed.headerBody); !st)
            return std::unexpected(st.error());
        if (!m_gcm->finishDecrypt(m_parsed.headerTag))
            return invalid(QStringLiteral("header authentication failed"));

        if (isSigned(h.suite)) {
            if (auto st = loadVerifier(); !st)
                return st;
            m_hash.emplace(crypto::HashAlg::Sha384);
            if (!m_hash->isValid())
                return fail(errors::Crypto, QStringLiteral("SHA-384 is not available from OpenSSL"));
            m_hash->add(m_parsed.headerBody);
            m_hash->add(m_parsed.headerTag);
            m_in.setHash(&*m_hash);
        }
        return {};
    }

    Status loadVerifier()
    {
        const auto it = m_parsed.header.context.constFind(kPublicKeyContextKey);
        if (it == m_parsed.header.context.cend())
            return invalid(QStringLiteral("signed message has no aws-crypto-public-key in its encryption context"));
        const auto point = QByteArray::fromBase64Encoding(it.value().toLatin1(),
                                                          QByteArray::AbortOnBase64DecodingErrors);
        if (!point)
            return invalid(QStringLiteral("aws-crypto-public-key is not valid base64"));
        auto key = crypto::AsymmetricKey::fromEcPoint(crypto::KeyKind::EcP384, *point);
        if (!key)
            return invalid(QStringLiteral("aws-crypto-public-key is not a P-384 point"));
        m_verifier.emplace(*std::move(key));
        return {};
    }

    Status framedBody()
    {
        // The frame reader hashes exactly the frames it parsed, and gives back what it read
        // past them; the footer is read below without the hash.
        m_in.setHash(nullptr);
        m_frames.emplace(m_in, m_out, m_monitor, m_parsed.header, m_frameLimit, resolveThreads(m_options.threads), m_key,
                         m_hash ? &*m_hash : nullptr);
        return m_frames->run();
    }

    Status nonFramedBody()
    {
        const QString truncated = QStringLiteral("truncated message body");
        auto iv = m_in.read(kIvLength, truncated);
        if (!iv)
            return std::unexpected(iv.error());
        auto length = m_in.readU64(truncated);
        if (!length)
            return std::unexpected(length.error());
        if (*length > kMaxNonFramedContent)
            return invalid(QStringLiteral("non-framed content length %1 exceeds the format's limit").arg(*length));
        if (qint64(*length) > m_frameLimit)
            return invalid(QStringLiteral("non-framed content of %1 bytes exceeds the limit of %2 bytes").arg(*length).arg(m_frameLimit));
        const QByteArray aad = bodyAad(m_parsed.header.messageId, BodyBlock::SingleBlock, 1, *length);
        return decryptBlock(*iv, aad, qint64(*length), truncated, QStringLiteral("message body"));
    }

    /// Reads `length` bytes of ciphertext and the tag, decrypting in place into m_plain. The
    /// buffer grows with the bytes that actually arrive, not with what the header claims.
    Status decryptBlock(const QByteArray &iv, const QByteArray &aad, qint64 length, const QString &truncated,
                        const QString &label)
    {
        constexpr qint64 kChunk = 1024 * 1024;
        if (auto st = m_gcm->start(iv, aad); !st)
            return st;
        for (qint64 off = 0; off < length;) {
            const qint64 n = std::min(kChunk, length - off);
            if (m_plain.size() < off + n)
                m_plain.resize(int(std::min(length, std::max(off + n, 2 * qint64(m_plain.size())))));
            char *p = m_plain.data() + off;
            if (auto st = m_in.readExact(p, n, truncated); !st)
                return st;
            if (auto st = m_gcm->update(p, p, n); !st)
                return st;
            off += n;
        }
        auto tag = m_in.read(kTagLength, truncated);
        if (!tag)
            return std::unexpected(tag.error());
        if (!m_gcm->finishDecrypt(*tag))
            return invalid(QStringLiteral("%1 failed authentication").arg(label));
        m_plainLength = length;
        return {};
    }

    Status writePlain()
    {
        m_written += m_plainLength;
        return writeAll(m_out, m_plain.constData(), m_plainLength);
    }

    /// Footer, end of input, then the held-back last block of plaintext.
    Status finish()
    {
        if (m_verifier) {
            const QByteArray digest = m_hash->result();
            m_in.setHash(nullptr);
            if (digest.isEmpty())
                return fail(errors::Crypto, QStringLiteral("SHA-384 of the message failed"));
            const QString truncated = QStringLiteral("truncated footer");
            auto sigLength = m_in.readU16(truncated);
            if (!sigLength)
                return std::unexpected(sigLength.error());
            auto signature = m_in.read(*sigLength, truncated);
            if (!signature)
                return std::unexpected(signature.error());
            auto ok = m_verifier->verify(crypto::SignatureScheme::Ecdsa, crypto::HashAlg::Sha384,
                                         crypto::MessageKind::Digest, digest, *signature);
            if (!ok)
                return std::unexpected(ok.error());
            if (!*ok)
                return invalid(QStringLiteral("signature does not verify"));
        }
        auto end = m_in.atEnd();
        if (!end)
            return std::unexpected(end.error());
        if (!*end)
            return invalid(QStringLiteral("trailing data after the end of the message"));
        if (auto st = m_frames ? m_frames->writeFinal() : writePlain(); !st)
            return st;
        m_monitor.report(m_in.consumed(), true);
        return {};
    }

    DataKeyProvider &m_provider;
    MessageInput m_in;
    QIODevice &m_out;
    const DecryptOptions &m_options;
    StreamMonitor m_monitor;
    const qint64 m_frameLimit;
    ParsedHeader m_parsed;
    QCA::SecureArray m_key; ///< the derived content key
    std::optional<crypto::GcmStream> m_gcm;
    std::optional<crypto::AsymmetricKey> m_verifier;
    std::optional<crypto::IncrementalHash> m_hash;
    QCA::SecureArray m_plain; ///< capacity grows to the largest block seen; holds one block
    qint64 m_plainLength = 0;
    qint64 m_written = 0;
    std::optional<FrameReader> m_frames; ///< framed bodies; last, as it refers to the members above
};

} // namespace

MessageDecryptor::MessageDecryptor(DataKeyProvider &provider) : m_provider(provider) {}

Result<DecryptResult> MessageDecryptor::decrypt(QIODevice &in, QIODevice &out, const DecryptOptions &options)
{
    DecryptJob job(m_provider, in, out, options);
    return job.run();
}

} // namespace qkms::envelope
