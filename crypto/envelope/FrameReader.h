#pragma once

// The framed body of a message on the decrypting side. Internal to crypto/envelope.
//
// Reads the body a batch of frames at a time (one read(2) for many frames), parses and checks
// each frame's header in order on the calling thread, feeds the frames to the 0x0578 hash in
// order, decrypts the batch's frames on the workers straight into one plaintext buffer, and
// writes each batch's plaintext with one call once all its frames authenticated — while batch k
// is decrypted, batch k−1 is written and batch k+1 read. The final frame's plaintext is held
// back until the caller has checked the footer and the end of input.

#include "core/KmsError.h"
#include "envelope/FrameWorkers.h"
#include "envelope/MessageHeader.h"
#include "envelope/MessageStream.h"

#include <QIODevice>

#include <vector>

namespace qkms::envelope {

class FrameReader
{
public:
    /// `hash` (nullptr for unsigned suites) receives every frame's bytes in order. All references
    /// must outlive this object.
    FrameReader(MessageInput &in, QIODevice &out, StreamMonitor &monitor, const MessageHeader &header,
                qint64 frameLimit, int threads, const QCA::SecureArray &key, crypto::IncrementalHash *hash);

    /// Reads frames up to and including the final one and writes the plaintext of all but the
    /// final frame. Bytes read past the final frame go back to `in`. Errors as
    /// MessageDecryptor::decrypt for frames: out of order, truncated, too long, failed
    /// authentication (the lowest-numbered failing frame is named), storage, cancelled.
    [[nodiscard]] Status run();
    /// Writes the held-back final frame.
    [[nodiscard]] Status writeFinal();
    /// Plaintext bytes written so far.
    [[nodiscard]] qint64 written() const { return m_written; }

private:
    struct Frame {
        qint64 header = 0; ///< offset of the frame in the batch's raw bytes
        qint64 cipher = 0; ///< offset of its ciphertext; the IV is the 12 bytes before (and the length field, for the final frame)
        qint64 length = 0;
        quint32 seq = 0;
        bool final = false;
    };
    struct Batch {
        QByteArray raw;          ///< message bytes; raw.size() is the capacity reached so far
        qint64 have = 0;         ///< bytes of raw that hold data
        QCA::SecureArray plain;  ///< plaintext of the parsed frames, frame i at i × frame length
        std::vector<Frame> frames;
        qint64 parsed = 0;       ///< bytes of raw taken by `frames`
        bool done = false;       ///< the final frame is among `frames`
        qint64 inputStart = 0;   ///< message offset of raw[0]
    };

    Status fill(Batch &b);
    /// Parses complete frames from the start of `b`; a header error or a truncation at the end
    /// of input is returned after the frames before it are decrypted, as the sequential order
    /// would report it.
    Status parse(Batch &b);
    void startBatch(Batch &b);
    Status writeBatch(const Batch &b);

    MessageInput &m_in;
    QIODevice &m_out;
    StreamMonitor &m_monitor;
    const MessageHeader &m_header;
    const qint64 m_frameLimit;
    const qint64 m_slotLength; ///< plaintext bytes per frame slot: the frame length, capped by the limit
    const qint64 m_capacity;   ///< raw bytes per batch
    const bool m_double;       ///< two batches in flight, or one for very large frames
    crypto::IncrementalHash *m_hash;
    Batch m_batch[2];
    quint32 m_expected = 1;
    bool m_eof = false;
    const Batch *m_final = nullptr;
    qint64 m_written = 0;
    FrameWorkers m_workers; // last: joined before the batches it writes into go away
};

} // namespace qkms::envelope
