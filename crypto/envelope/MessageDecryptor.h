#pragma once

// Reads AWS Encryption SDK messages, format version 2 (both committing suites, framed and
// non-framed), streaming: plaintext goes to the output frame by frame as each frame
// authenticates, but success is reported only once the whole message (and, for 0x0578, its
// signature) has been verified. Callers therefore write to a temporary file and keep it only
// when decrypt() succeeds.

#include "core/KmsError.h"
#include "envelope/DataKeyProvider.h"
#include "envelope/MessageEncryptor.h"
#include "envelope/MessageFormat.h"
#include "envelope/MessageHeader.h"

#include <QIODevice>

namespace qkms::envelope {

struct DecryptOptions {
    HeaderLimits limits;
    /// Largest frame (or non-framed content) accepted: each is held in memory until its tag is
    /// checked, so this bounds memory against a hostile header. The format allows 2^32 − 1.
    qint64 maxFrameBytes = kMaxFrameBuffer;
    StreamControl control;
    /// Threads that decrypt frames: 0 = QThread::idealThreadCount(), 1 = all on the calling
    /// thread. Frames are parsed, hashed (0x0578) and written in order on the calling thread
    /// whatever the count; a batch of a few MiB bounds memory.
    int threads = 0;
};

struct DecryptResult {
    MessageHeader header; ///< authenticated
    qint64 plaintextBytes = 0;
    qint64 messageBytes = 0;
};

class MessageDecryptor
{
public:
    /// `provider` unwraps the data key; it must outlive this object.
    explicit MessageDecryptor(DataKeyProvider &provider);

    /// Decrypts the message `in` delivers and writes its plaintext to `out`. Order of checks:
    /// header syntax; the provider unwraps the data key; the commit key (constant time) — before
    /// anything else is trusted; the header tag; then frames in order (sequence 1, 2, 3…, one
    /// final frame, last), each written once authenticated — the final frame is held back until
    /// the signature (0x0578) verified and nothing follows the message. IVs are used as stored.
    /// Errors: errors::InvalidCiphertext naming the problem ("key commitment does not match",
    /// "header authentication failed", "frame 3 failed authentication", "frame sequence number 4
    /// out of order, expected 3", "truncated frame 2", "signature does not verify", "trailing
    /// data after the end of the message", the header errors of readHeader), the provider's
    /// errors, errors::Storage (read/write), errors::Cancelled. On any error `out` may already hold
    /// plaintext of authenticated frames: discard it.
    [[nodiscard]] Result<DecryptResult> decrypt(QIODevice &in, QIODevice &out, const DecryptOptions &options = {});

private:
    DataKeyProvider &m_provider;
};

} // namespace qkms::envelope
