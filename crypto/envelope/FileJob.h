#pragma once

// Encrypting and decrypting whole files, as the console's drop zone and `qkms encrypt-file` /
// `decrypt-file` do: output goes to a temporary file in the target's directory, is fsynced, and
// is renamed into place only when complete — for decryption only once the whole message (and
// its signature) has been authenticated. A failed or cancelled job leaves neither a partial
// output nor its temporary file, and an existing target is replaced only when asked.

#include "core/KmsError.h"
#include "envelope/DataKeyProvider.h"
#include "envelope/MessageEncryptor.h"
#include "envelope/MessageHeader.h"

#include <QIODevice>
#include <QString>

#include <atomic>
#include <functional>

namespace qkms::envelope {

/// Default suffix of encrypted files, as the AWS Encryption CLI writes them.
inline constexpr QLatin1StringView kEncryptedSuffix{".encrypted"};

/// What the job does besides its data: replace an existing target or not, report, stop.
struct FileJobOptions {
    /// Replace an existing target. Without it the job fails with AlreadyExistsException before
    /// any work, and again at the final rename should the target have appeared meanwhile.
    bool overwrite = false;
    /// Called on the job's thread with the input bytes consumed so far and the input's size
    /// (-1 when unknown, e.g. a pipe): every 256 KiB or so, and once at the end.
    std::function<void(qint64 done, qint64 total)> progress;
    /// When it reads true the job stops before its next frame with errors::Cancelled.
    const std::atomic<bool> *cancel = nullptr;
    /// Threads that encrypt or decrypt frames at once; 0 keeps the message layer's choice (for
    /// encryption, whatever the EncryptOptions say; else one per core).
    int threads = 0;
};

/// What a finished job produced.
struct FileJobResult {
    QString outputPath;    ///< absolute path of the file now in place
    MessageHeader header;  ///< as written (encrypt) or authenticated (decrypt)
    qint64 plaintextBytes = 0;
    qint64 messageBytes = 0;
};

/// How the console treats a dropped path.
enum class FileKind {
    Plaintext, ///< anything that does not start like an SDK message: encrypt it
    Encrypted, ///< starts like an SDK message (either format version): decrypt it
    Directory,
    Unreadable, ///< missing, or cannot be opened
};

/// Classifies `path` by its first bytes, never by its name (a damaged message is still
/// Encrypted: decrypting it reports the damage, re-encrypting it would hide it).
[[nodiscard]] FileKind classifyFile(const QString &path);

/// `input` + ".encrypted".
[[nodiscard]] QString defaultEncryptedPath(const QString &input);
/// `input` without its ".encrypted" suffix, else `input` + ".decrypted".
[[nodiscard]] QString defaultDecryptedPath(const QString &input);

/// Encrypts the file `inputPath` to `outputPath` with `provider`'s data key. `message` gives the
/// suite, frame length and encryption context (its control is replaced by `options`).
/// Errors: AlreadyExistsException ("<path> exists; pass --overwrite"), errors::Storage naming the
/// file and the system's reason (missing input, unwritable directory; a full disk, quota or file
/// size limit as "No space left on device while writing <target>; nothing was written" etc.),
/// errors::Validation (reserved context key, bad frame length, input and output the same file),
/// the provider's errors, errors::Cancelled.
[[nodiscard]] Result<FileJobResult> encryptFile(DataKeyProvider &provider, const QString &inputPath,
                                                const QString &outputPath, const EncryptOptions &message,
                                                const FileJobOptions &options = {});
/// The same with the plaintext from an open device (stdin: the CLI's `-`), `inputSize` its size
/// for progress (-1 when unknown).
[[nodiscard]] Result<FileJobResult> encryptToFile(DataKeyProvider &provider, QIODevice &input, qint64 inputSize,
                                                  const QString &outputPath, const EncryptOptions &message,
                                                  const FileJobOptions &options = {});

/// Decrypts the message in `inputPath` to `outputPath`: the file appears only once every frame
/// (and, for 0x0578, the signature) authenticated. Errors as encryptFile, and the decryptor's
/// InvalidCiphertextException naming the damage ("frame 3 failed authentication", …).
[[nodiscard]] Result<FileJobResult> decryptFile(DataKeyProvider &provider, const QString &inputPath,
                                                const QString &outputPath, const FileJobOptions &options = {});
/// The same with the message from an open device.
[[nodiscard]] Result<FileJobResult> decryptToFile(DataKeyProvider &provider, QIODevice &input, qint64 inputSize,
                                                  const QString &outputPath, const FileJobOptions &options = {});

/// The header of the message in `path`, read without decrypting (nothing is authenticated: for
/// display). errors::Storage when the file cannot be read; the header errors of readHeader.
[[nodiscard]] Result<MessageHeader> inspectFile(const QString &path);

} // namespace qkms::envelope
