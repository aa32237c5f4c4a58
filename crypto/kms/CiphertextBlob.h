#pragma once

// The ciphertext blob of a symmetric KMS key (format v1, docs/ciphertext-blob.md):
//
//   offset  size  field
//        0     2  magic "qk" (0x71 0x6B)
//        2     1  format version (1)
//        3    16  key id, the UUID's 16 bytes (RFC 4122 order)
//       19     4  material version, u32 big-endian, >= 1
//       23    12  AES-GCM nonce
//       35     n  ciphertext (n = plaintext length, >= 1)
//     35+n    16  AES-GCM tag
//
// The blob names its key and material version, so Decrypt needs no KeyId and rotation only adds
// versions. AES-256-GCM authenticates, as additional data, the 35 header bytes, the region, the
// key ARN (which names the account) and the canonical encryption context; a blob moved to another
// region or vault, or opened with another context, fails the tag check.

#include "core/KmsError.h"

#include <QByteArray>
#include <QString>
#include <QtCrypto>

namespace qkms::kms {

/// AWS's InvalidCiphertextException: it has no message, so a caller learns nothing about which
/// check failed (format, key, version, context, tag).
[[nodiscard]] std::unexpected<KmsError> invalidCiphertext();

/// What a blob is sealed to besides its encryption context.
struct BlobBinding {
    QString keyId;              ///< the key's UUID, lower case
    quint32 materialVersion = 0; ///< >= 1
    QString region;             ///< the region of the service that seals / opens
    QString keyArn;             ///< arn:aws:kms:<region>:<account>:key/<id>
};

class CiphertextBlob
{
public:
    static constexpr quint8 FormatVersion = 1;
    static constexpr int HeaderBytes = 35;
    static constexpr int NonceBytes = 12;
    static constexpr int TagBytes = 16;
    /// Bytes a blob adds to its plaintext.
    static constexpr int OverheadBytes = HeaderBytes + TagBytes;

    /// Splits a v1 blob into its fields. InvalidCiphertextException (no message) for anything else:
    /// wrong magic or version, a truncated blob, an empty ciphertext, a nil key id, version 0.
    [[nodiscard]] static Result<CiphertextBlob> parse(const QByteArray &blob);
    /// True when `bytes` start with the magic and a known version: a cheap sniff for classifiers,
    /// not a validity check.
    [[nodiscard]] static bool looksLikeBlob(const QByteArray &bytes);

    /// Encrypts `plaintext` (>= 1 byte) under `material` (the key's 32-byte AES-256 key) with a
    /// fresh random nonce, bound to `binding` and `canonicalContext` (EncryptionContextCodec).
    /// errors::Crypto / errors::Internal on misuse (bad key id, version 0, empty plaintext).
    [[nodiscard]] static Result<QByteArray> seal(const QCA::SecureArray &material, const QCA::SecureArray &plaintext,
                                                 const BlobBinding &binding, const QByteArray &canonicalContext);

    /// Decrypts with `material`, which must be the material version this blob names; `region` and
    /// `keyArn` are the opener's. InvalidCiphertextException (no message, no plaintext) when
    /// anything differs from what was sealed.
    [[nodiscard]] Result<QCA::SecureArray> open(const QCA::SecureArray &material, const QString &region,
                                                const QString &keyArn, const QByteArray &canonicalContext) const;

    [[nodiscard]] QString keyId() const { return m_keyId; }
    [[nodiscard]] quint32 materialVersion() const { return m_materialVersion; }
    /// The additional authenticated data: header ‖ u32 len ‖ region ‖ u32 len ‖ keyArn ‖ context.
    [[nodiscard]] QByteArray aad(const QString &region, const QString &keyArn,
                                 const QByteArray &canonicalContext) const;
    /// The blob's bytes.
    [[nodiscard]] QByteArray toBytes() const;

private:
    CiphertextBlob() = default;

    QString m_keyId;
    quint32 m_materialVersion = 0;
    QByteArray m_blob; ///< the whole blob as parsed; nonce, ciphertext and tag are read from it
};

} // namespace qkms::kms
