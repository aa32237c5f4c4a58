#include "envelope/MessageEncryptor.h"

#include "envelope/FrameWorkers.h"
#include "envelope/MessageStream.h"
#include "envelope/WireFormat.h"
#include "primitives/AsymmetricKey.h"
#include "primitives/Primitives.h"

#include <algorithm>
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

/// The frames of one message: reads the plaintext a batch at a time (one read(2) for many
/// frames), encrypts the batch's frames on the workers straight into their place in the output
/// batch, and writes each batch with one call — while batch k is encrypted, batch k−1 is written
/// and batch k+1 read. Frame i of a batch sits at i × (frameLength + 32): every frame but the
/// final one has the same size, so the layout is known before any is encrypted.
class FrameWriter
{
public:
    FrameWriter(QIODevice &in, MessageOutput &out, StreamMonitor &monitor, const QByteArray &messageId,
                quint32 frameLength, int threads, const QCA::SecureArray &key)
        : m_in(in), m_out(out), m_monitor(monitor), m_messageId(messageId), m_frameLength(frameLength),
          m_batchFrames(batchFrames(frameLength, threads)), m_double(frameLength <= kDoubleBufferMaxFrame), m_workers(threads, crypto::GcmStream::Direction::Encrypt, key)
    {
    }

    /// Encrypts and writes every frame; returns the plaintext bytes consumed.
    Result<qint64> run()
    {
        if (!m_workers.isValid())
            return fail(errors::Crypto, QStringLiteral("cannot set up AES-256-GCM"));
        for (int i = 0; i < (m_double ? 2 : 1); ++i) {
            m_batch[i].plain = QCA::SecureArray(int(m_batchFrames * m_frameLength));
            m_batch[i].out = QByteArray(m_batchFrames * slot() + 8, Qt::Uninitialized);
        }
        int cur = 0;
        if (auto st = read(m_batch[0]); !st)
            return std::unexpected(st.error());
        const Batch *pending = nullptr; // encrypted, not yet written
        for (quint64 seq = 1;;) {
            if (auto st = m_monitor.checkCancelled(); !st)
                return std::unexpected(st.error());
            Batch &b = m_batch[cur];
            b.frames = b.last ? std::max<qsizetype>(1, (b.length + m_frameLength - 1) / m_frameLength) : m_batchFrames;
            b.bytes = (b.frames - 1) * slot() + (b.last ? 40 + (b.length - (b.frames - 1) * m_frameLength) : slot());
            // Every frame but the final one needs a sequence number below the final-frame marker.
            if (seq + quint64(b.frames) - (b.last ? 1 : 0) > kFinalFrameMarker)
                return fail(errors::Validation, QStringLiteral("input needs more than 2^32 - 1 frames; use a larger frame length"));
            startBatch(b, quint32(seq));
            Status io;
            if (pending)
                io = write(*pending);
            if (io && !b.last && m_double)
                io = read(m_batch[1 - cur]);
            const Status crypt = m_workers.wait();
            if (!crypt)
                return std::unexpected(crypt.error());
            if (!io)
                return std::unexpected(io.error());
            seq += quint64(b.frames);
            if (!m_double) { // one buffer: write it, then refill it
                if (auto st = write(b); !st)
                    return std::unexpected(st.error());
                if (b.last)
                    return m_consumed;
                if (auto st = read(b); !st)
                    return std::unexpected(st.error());
                continue;
            }
            pending = &b;
            if (b.last)
                break;
            cur = 1 - cur;
        }
        if (auto st = write(*pending); !st)
            return std::unexpected(st.error());
        return m_consumed;
    }

private:
    struct Batch {
        QCA::SecureArray plain;
        QByteArray out;
        qint64 length = 0;    ///< plaintext bytes read
        bool last = false;    ///< the input ends with this batch
        qsizetype frames = 0;
        qint64 bytes = 0;     ///< message bytes the frames take
        qint64 start = 0;     ///< plaintext offset of its first byte
    };

    [[nodiscard]] qint64 slot() const { return qint64(m_frameLength) + 32; }

    /// Fills a batch; one byte of look-ahead tells whether a full batch is the last (a full
    /// frame is final only if the input ends right after it, as the SDK writes).
    Status read(Batch &b)
    {
        const qint64 capacity = m_batchFrames * qint64(m_frameLength);
        char *p = b.plain.data();
        b.length = 0;
        if (m_haveLookahead)
            p[b.length++] = m_lookahead;
        auto got = readUpTo(m_in, p + b.length, capacity - b.length);
        if (!got)
            return std::unexpected(got.error());
        b.length += *got;
        m_consumed += *got;
        b.last = b.length < capacity;
        if (!b.last) {
            auto more = readUpTo(m_in, &m_lookahead, 1);
            if (!more)
                return std::unexpected(more.error());
            m_haveLookahead = *more == 1;
            m_consumed += *more;
            b.last = !m_haveLookahead;
        }
        b.start = m_assigned;
        m_assigned += b.length;
        return {};
    }

    void startBatch(Batch &b, quint32 firstSeq)
    {
        const char *plain = b.plain.constData();
        char *out = b.out.data();
        m_workers.start(b.frames, b.length, [this, plain, out, firstSeq, frames = b.frames, last = b.last,
                                   length = b.length](crypto::GcmStream &gcm, qsizetype first, qsizetype end) -> Status {
            for (qsizetype i = first; i < end; ++i) {
                const bool final = last && i == frames - 1;
                const qint64 len = final ? length - i * qint64(m_frameLength) : qint64(m_frameLength);
                if (auto st = encryptFrame(gcm, plain + i * qint64(m_frameLength), out + i * slot(), firstSeq + quint32(i),
                                           final, len);
                    !st)
                    return st;
            }
            return {};
        });
    }

    /// u32 marker ‖ u32 seq ‖ IV ‖ u32 length (final frame) or u32 seq ‖ IV, then ciphertext ‖ tag.
    Status encryptFrame(crypto::GcmStream &gcm, const char *plain, char *out, quint32 seq, bool final, qint64 len) const
    {
        char *p = out;
        if (final) {
            qToBigEndian(kFinalFrameMarker, p);
            p += 4;
        }
        qToBigEndian(seq, p);
        p += 4;
        // The frame IV, written in place: 8 zero bytes ‖ u32 seq (as the SDKs write it).
        std::memset(p, 0, 8);
        qToBigEndian(seq, p + 8);
        const QByteArray iv = QByteArray::fromRawData(p, kIvLength);
        p += kIvLength;
        if (final) {
            qToBigEndian(quint32(len), p);
            p += 4;
        }
        const QByteArray aad = bodyAad(m_messageId, final ? BodyBlock::FinalFrame : BodyBlock::Frame, seq, quint64(len));
        if (auto st = gcm.start(iv, aad); !st)
            return st;
        if (auto st = gcm.update(plain, p, len); !st)
            return st;
        auto tag = gcm.finishEncrypt();
        if (!tag)
            return std::unexpected(tag.error());
        std::memcpy(p + len, tag->constData(), kTagLength);
        return {};
    }

    Status write(const Batch &b)
    {
        const qsizetype step = sliceFrames(m_frameLength);
        for (qsizetype i = 0; i < b.frames; i += step) {
            const qsizetype j = std::min(b.frames, i + step);
            const qint64 end = j == b.frames ? b.bytes : j * slot();
            if (auto st = m_out.write(b.out.constData() + i * slot(), end - i * slot()); !st)
                return st;
            m_monitor.report(b.start + std::min(b.length, j * qint64(m_frameLength)));
            if (j < b.frames)
                if (auto st = m_monitor.checkCancelled(); !st)
                    return st;
        }
        return {};
    }

    QIODevice &m_in;
    MessageOutput &m_out;
    StreamMonitor &m_monitor;
    const QByteArray &m_messageId;
    const quint32 m_frameLength;
    const qsizetype m_batchFrames;
    const bool m_double;
    Batch m_batch[2];
    char m_lookahead = 0;
    bool m_haveLookahead = false;
    qint64 m_consumed = 0;
    qint64 m_assigned = 0; ///< plaintext bytes handed to batches
    FrameWorkers m_workers; // last: joined before the batches it writes into go away
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

    FrameWriter writer(in, output, monitor, h.messageId, options.frameLength, resolveThreads(options.threads),
                       keys->encryptionKey);
    auto consumed = writer.run();
    if (!consumed)
        return std::unexpected(consumed.error());

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
    monitor.report(*consumed, true);
    result.plaintextBytes = *consumed;
    result.messageBytes = output.written();
    return result;
}

} // namespace qkms::envelope
