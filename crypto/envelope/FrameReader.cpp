#include "envelope/FrameReader.h"

#include "envelope/WireFormat.h"

#include <algorithm>
#include <cstring>

namespace qkms::envelope {

namespace {

std::unexpected<KmsError> invalid(const QString &message)
{
    return fail(errors::InvalidCiphertext, message);
}

constexpr qint64 kFrameHeader = 4 + kIvLength;          // u32 seq ‖ IV
constexpr qint64 kFinalHeader = 4 + 4 + kIvLength + 4; // marker ‖ seq ‖ IV ‖ u32 length
constexpr qint64 kGrowStep = 1024 * 1024;

} // namespace

FrameReader::FrameReader(MessageInput &in, QIODevice &out, StreamMonitor &monitor, const MessageHeader &header,
                         qint64 frameLimit, int threads, const QCA::SecureArray &key, crypto::IncrementalHash *hash)
    : m_in(in), m_out(out), m_monitor(monitor), m_header(header), m_frameLimit(frameLimit),
      m_slotLength(std::min<qint64>(header.frameLength, frameLimit)),
      // Room for a batch of full frames plus one final frame: a full buffer always holds at
      // least one whole frame, so parsing always progresses.
      m_capacity(batchFrames(m_slotLength, threads) * (m_slotLength + kFrameHeader + kTagLength) + kFinalHeader
                 + kTagLength),
      m_double(m_slotLength <= kDoubleBufferMaxFrame), m_hash(hash), m_workers(threads, crypto::GcmStream::Direction::Decrypt, key)
{
}

Status FrameReader::run()
{
    if (!m_workers.isValid())
        return fail(errors::Crypto, QStringLiteral("cannot set up AES-256-GCM"));
    int cur = 0;
    if (auto st = fill(m_batch[0]); !st)
        return st;
    const Batch *pending = nullptr; // authenticated, not yet written
    for (;;) {
        if (auto st = m_monitor.checkCancelled(); !st)
            return st;
        Batch &b = m_batch[cur];
        Batch &next = m_batch[1 - cur];
        const Status parsed = parse(b);
        if (m_hash)
            m_hash->add(b.raw.constData(), b.parsed);
        // What follows the parsed frames: the start of the next batch, or (after the final
        // frame) the footer and whatever trails, which the caller reads.
        const qint64 rest = b.have - b.parsed;
        if (b.done) {
            m_in.unread(b.raw.constData() + b.parsed, rest);
        } else if (parsed && m_double) {
            if (next.raw.size() < rest)
                next.raw.resize(rest);
            std::memcpy(next.raw.data(), b.raw.constData() + b.parsed, size_t(rest));
            next.have = rest;
        }
        if (b.frames.empty() && parsed && !b.done)
            return fail(errors::Crypto, QStringLiteral("frame reader made no progress")); // cannot happen: see m_capacity
        startBatch(b);
        Status io;
        if (pending)
            io = writeBatch(*pending);
        if (io && parsed && !b.done && m_double)
            io = fill(next);
        if (auto st = m_workers.wait(); !st)
            return st;
        if (!parsed)
            return parsed;
        if (!io)
            return io;
        if (!m_double && !b.done) { // one buffer: write it, keep the unparsed rest, refill it
            if (auto st = writeBatch(b); !st)
                return st;
            std::memmove(b.raw.data(), b.raw.constData() + b.parsed, size_t(rest));
            b.have = rest;
            if (auto st = fill(b); !st)
                return st;
            continue;
        }
        pending = &b;
        if (b.done)
            break;
        cur = 1 - cur;
    }
    m_final = pending;
    return writeBatch(*pending);
}

Status FrameReader::fill(Batch &b)
{
    // The buffer grows with the bytes that actually arrive, not with what the header claims.
    while (b.have < m_capacity && !m_eof) {
        if (b.raw.size() <= b.have)
            b.raw.resize(std::min(m_capacity, std::max(b.have + kGrowStep, 2 * qint64(b.raw.size()))));
        const qint64 want = b.raw.size() - b.have;
        auto got = m_in.readAvailable(b.raw.data() + b.have, want);
        if (!got)
            return std::unexpected(got.error());
        b.have += *got;
        m_eof = *got < want;
    }
    b.inputStart = m_in.consumed() - b.have;
    return {};
}

Status FrameReader::parse(Batch &b)
{
    b.frames.clear();
    b.parsed = 0;
    b.done = false;
    Status error;
    bool truncated = false;
    while (!b.done) {
        const char *p = b.raw.constData() + b.parsed;
        const qint64 avail = b.have - b.parsed;
        if (avail < 4) {
            truncated = true;
            break;
        }
        Frame f;
        f.final = wire::readU32(p) == kFinalFrameMarker;
        if (f.final && avail < 8) {
            truncated = true;
            break;
        }
        f.seq = wire::readU32(p + (f.final ? 4 : 0));
        if (f.seq != m_expected) {
            error = invalid(QStringLiteral("frame sequence number %1 out of order, expected %2").arg(f.seq).arg(m_expected));
            break;
        }
        const qint64 header = f.final ? kFinalHeader : kFrameHeader;
        if (avail < header) {
            truncated = true;
            break;
        }
        f.length = m_header.frameLength;
        if (f.final) {
            const quint32 l = wire::readU32(p + header - 4);
            if (l > m_header.frameLength) {
                error = invalid(QStringLiteral("final frame length %1 exceeds the frame length %2").arg(l).arg(m_header.frameLength));
                break;
            }
            f.length = l;
        }
        if (f.length > m_frameLimit) {
            error = invalid(QStringLiteral("frame of %1 bytes exceeds the limit of %2 bytes").arg(f.length).arg(m_frameLimit));
            break;
        }
        if (avail < header + f.length + kTagLength) {
            truncated = true;
            break;
        }
        f.header = b.parsed;
        f.cipher = b.parsed + header;
        b.parsed += header + f.length + kTagLength;
        b.done = f.final;
        b.frames.push_back(f);
        ++m_expected;
    }
    if (truncated && m_eof)
        error = invalid(QStringLiteral("truncated frame %1").arg(m_expected));
    // Frame i's plaintext goes to i × slot; only the final frame may be shorter.
    const qint64 need = b.frames.empty() ? 0 : qint64(b.frames.size() - 1) * m_slotLength + b.frames.back().length;
    if (b.plain.size() < need)
        b.plain = QCA::SecureArray(int(need)); // contents are overwritten: no copy of the old ones
    return error;
}

void FrameReader::startBatch(Batch &b)
{
    const char *raw = b.raw.constData();
    char *plain = b.plain.data();
    const Frame *frames = b.frames.data();
    m_workers.start(qsizetype(b.frames.size()), b.parsed, [this, raw, plain, frames](crypto::GcmStream &gcm, qsizetype first,
                                                                          qsizetype end) -> Status {
        for (qsizetype i = first; i < end; ++i) {
            const Frame &f = frames[i];
            const QByteArray iv = QByteArray::fromRawData(raw + f.cipher - (f.final ? 4 : 0) - kIvLength, kIvLength);
            const QByteArray tag = QByteArray::fromRawData(raw + f.cipher + f.length, kTagLength);
            const QByteArray aad = bodyAad(m_header.messageId, f.final ? BodyBlock::FinalFrame : BodyBlock::Frame, f.seq,
                                           quint64(f.length));
            if (auto st = gcm.start(iv, aad); !st)
                return st;
            if (auto st = gcm.update(raw + f.cipher, plain + i * m_slotLength, f.length); !st)
                return st;
            if (!gcm.finishDecrypt(tag))
                return invalid(QStringLiteral("frame %1 failed authentication").arg(f.seq));
        }
        return {};
    });
}

Status FrameReader::writeBatch(const Batch &b)
{
    // All frames of the batch but a final one, whose plaintext waits for writeFinal().
    const qsizetype frames = qsizetype(b.frames.size()) - (b.done ? 1 : 0);
    const qsizetype step = sliceFrames(m_slotLength);
    for (qsizetype i = 0; i < frames; i += step) {
        const qsizetype j = std::min(frames, i + step);
        const qint64 bytes = (j - i) * m_slotLength;
        if (auto st = writeAll(m_out, b.plain.constData() + i * m_slotLength, bytes); !st)
            return st;
        m_written += bytes;
        const Frame &last = b.frames[size_t(j - 1)];
        m_monitor.report(b.inputStart + last.cipher + last.length + kTagLength);
        if (auto st = m_monitor.checkCancelled(); !st)
            return st;
    }
    return {};
}

Status FrameReader::writeFinal()
{
    if (!m_final || !m_final->done)
        return fail(errors::Crypto, QStringLiteral("no final frame to write"));
    const Frame &f = m_final->frames.back();
    const qint64 offset = qint64(m_final->frames.size() - 1) * m_slotLength;
    if (auto st = writeAll(m_out, m_final->plain.constData() + offset, f.length); !st)
        return st;
    m_written += f.length;
    return {};
}

} // namespace qkms::envelope
