#pragma once

// Constants and small pieces of the AWS Encryption SDK message format version 2 shared by the
// header, the encryptor and the decryptor: algorithm suites, key derivation, body AAD, stream
// control. Byte layout: ../shared/reference/encryption-sdk-format.md.

#include "core/KmsError.h"

#include <QByteArray>
#include <QString>
#include <QtCrypto>

#include <atomic>
#include <functional>
#include <optional>

namespace qkms::envelope {

/// The two committing suites of message format 2.0.
enum class AlgorithmSuite : quint16 {
    AesGcmHkdfSha512Commit = 0x0478,          ///< ALG_AES_256_GCM_HKDF_SHA512_COMMIT_KEY (qkms default)
    AesGcmHkdfSha512CommitEcdsaP384 = 0x0578, ///< …_COMMIT_KEY_ECDSA_P384: adds a signature footer (SDK default)
};

enum class ContentType : quint8 {
    NonFramed = 0x01, ///< legacy single block: read, never written
    Framed = 0x02,
};

inline constexpr quint8 kMessageFormatVersion = 0x02;
inline constexpr int kMessageIdLength = 32;
inline constexpr int kCommitKeyLength = 32;
inline constexpr int kIvLength = 12;
inline constexpr int kTagLength = 16;
/// The SDK's default frame length (SPEC encrypt.md "MUST default to 4096 bytes").
inline constexpr quint32 kSdkDefaultFrameLength = 4096;
/// qkms's default for its own files. Measured (Release, one thread, memory to null device,
/// 256 MiB, 0x0478, best of 3) for 4 KiB / 64 KiB / 1 MiB frames: encrypt 3.7 / 5.2 / 5.3 GB/s,
/// decrypt 2.8 / 5.1 / 5.4 GB/s (on a loaded machine 1.7 / 2.7 / 2.9 and 1.6 / 3.1 / 3.1). At
/// 4 KiB the per-frame cost (AAD, tag, write call) dominates; past 64 KiB the gain is under 10%
/// while each job holds a 16× larger plaintext buffer. 0x0578 is bound by SHA-384 (~0.55 GB/s
/// at any frame length). The SDK reads any frame length: this changes speed, not interop.
inline constexpr quint32 kDefaultFrameLength = 64 * 1024;
/// Frame and content sequence numbers start at 1; 0xFFFFFFFF marks the final frame.
inline constexpr quint32 kFinalFrameMarker = 0xFFFFFFFF;
/// Largest non-framed content the format allows (2^36 − 32).
inline constexpr quint64 kMaxNonFramedContent = (quint64(1) << 36) - 32;

/// True for 0x0578, whose messages end with an ECDSA P-384 footer.
[[nodiscard]] constexpr bool isSigned(AlgorithmSuite suite)
{
    return suite == AlgorithmSuite::AesGcmHkdfSha512CommitEcdsaP384;
}

/// The SDK's name of the suite, e.g. "ALG_AES_256_GCM_HKDF_SHA512_COMMIT_KEY".
[[nodiscard]] QString suiteName(AlgorithmSuite suite);

/// A suite from its id, nothing for ids this layer does not handle.
[[nodiscard]] std::optional<AlgorithmSuite> suiteFromId(quint16 id);

/// Parses a suite as a user may type it: "0x0478", "0478", "478", or the SDK name.
/// errors::Validation for anything else.
[[nodiscard]] Result<AlgorithmSuite> parseSuite(const QString &text);

/// "0x0478": how ids appear in messages and errors.
[[nodiscard]] QString hexId(quint16 id);

/// The two keys HKDF-SHA512 derives from the data key (salt = message id).
struct DerivedKeys {
    QCA::SecureArray encryptionKey; ///< info = u16 suite ‖ "DERIVEKEY"
    QByteArray commitKey;           ///< info = "COMMITKEY"; stored in the header, so not secret
};

/// Derives the content key and the commit key. errors::Crypto when the data key is not 32 bytes
/// or HKDF fails.
[[nodiscard]] Result<DerivedKeys> deriveKeys(AlgorithmSuite suite, const QCA::SecureArray &dataKey,
                                             const QByteArray &messageId);

/// Which body AAD content string a block uses.
enum class BodyBlock { Frame, FinalFrame, SingleBlock };

/// The body AAD: messageId ‖ content string ‖ u32 seq ‖ u64 length.
[[nodiscard]] QByteArray bodyAad(const QByteArray &messageId, BodyBlock block, quint32 seq, quint64 length);

/// Progress and cancellation of one streaming operation.
struct StreamControl {
    /// Called with the number of input bytes consumed so far, after a frame when at least
    /// 256 KiB passed since the last call, and once at the end. Runs on the calling thread.
    std::function<void(qint64 bytesProcessed)> progress;
    /// Checked before each frame; when it reads true the operation stops with errors::Cancelled.
    const std::atomic<bool> *cancel = nullptr;
};

} // namespace qkms::envelope
