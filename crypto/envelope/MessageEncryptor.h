#pragma once

// Writes AWS Encryption SDK messages, format version 2, framed, streaming: constant memory (two
// batches of a few MiB of plaintext and ciphertext) whatever the input size; the frames of a
// batch may be encrypted on several threads while the calling thread reads and writes.

#include "core/KmsError.h"
#include "envelope/DataKeyProvider.h"
#include "envelope/MessageFormat.h"
#include "envelope/MessageHeader.h"

#include <QIODevice>

namespace qkms::envelope {

/// Largest frame length the encryptor and (by default) the decryptor handle: a frame is held in
/// memory until its tag is checked, so this bounds memory per job.
inline constexpr qint64 kMaxFrameBuffer = 256 * 1024 * 1024;

struct EncryptOptions {
    AlgorithmSuite suite = AlgorithmSuite::AesGcmHkdfSha512Commit;
    quint32 frameLength = kDefaultFrameLength; ///< 1..kMaxFrameBuffer
    EncryptionContext context;                 ///< the caller's pairs; "aws-crypto-*" keys are refused
    StreamControl control;
    /// Threads that encrypt frames: 0 = QThread::idealThreadCount(), 1 = all on the calling
    /// thread. The output is byte-identical for any count (frames depend only on the key, the
    /// message id and their sequence number); a batch of a few MiB bounds memory.
    int threads = 0;
};

struct EncryptResult {
    MessageHeader header;   ///< as written (context includes "aws-crypto-public-key" for 0x0578)
    qint64 plaintextBytes = 0;
    qint64 messageBytes = 0;
};

class MessageEncryptor
{
public:
    /// `provider` supplies the data key; it must outlive this object.
    explicit MessageEncryptor(DataKeyProvider &provider);

    /// Encrypts everything `in` delivers until its end and writes the message to `out`: header
    /// (random 32-byte message id, the context, the provider's EDKs, frame length, commit key),
    /// header tag, frames with IV = 8 zero bytes ‖ u32 seq, the final frame, and for 0x0578 the
    /// footer (ECDSA P-384 over SHA-384 of everything before it, with a fresh key whose
    /// compressed point is the context's "aws-crypto-public-key").
    /// Errors: errors::Validation (reserved context key, context too large, frame length out of
    /// range), the provider's errors, errors::Storage (read/write failure), errors::Cancelled, and
    /// errors::Crypto. On error `out` holds a partial message, which the caller must discard.
    [[nodiscard]] Result<EncryptResult> encrypt(QIODevice &in, QIODevice &out, const EncryptOptions &options = {});

private:
    DataKeyProvider &m_provider;
};

} // namespace qkms::envelope
