#pragma once

// Small wrappers over QCA and OpenSSL. Only QCA::SecureArray crosses this boundary: no QCA or
// OpenSSL type appears here. Secrets (keys, plaintext data keys, passphrases) travel only in
// SecureArray; public values (nonces, salts, ciphertext, digests) in QByteArray.

#include "core/KmsError.h"

#include <QByteArray>
#include <QtCrypto>

#include <memory>

namespace qkms::crypto {

enum class HashAlg { Sha1, Sha224, Sha256, Sha384, Sha512 };

/// Digest length in bytes.
[[nodiscard]] int hashLength(HashAlg alg);

/// Cryptographically strong random bytes (QCA's provider), for secrets.
[[nodiscard]] QCA::SecureArray randomSecret(int bytes);
/// Random bytes for public values (nonces, salts, ids).
[[nodiscard]] QByteArray randomBytes(int bytes);

/// Message digest of `data`.
[[nodiscard]] QByteArray digest(HashAlg alg, const QByteArray &data);

/// HMAC of `message` under `key`. Fails only when the provider lacks the hash.
[[nodiscard]] Result<QByteArray> hmac(HashAlg alg, const QCA::SecureArray &key, const QByteArray &message);

/// Constant-time comparison of two byte strings of any length.
[[nodiscard]] bool constantTimeEquals(const QByteArray &a, const QByteArray &b);

/// HKDF (RFC 5869) extract-and-expand to `length` bytes. SHA-256 goes through QCA; SHA-384 and
/// SHA-512 through OpenSSL (qca-ossl offers HKDF with SHA-256 only).
[[nodiscard]] Result<QCA::SecureArray> hkdf(HashAlg alg, const QCA::SecureArray &ikm, const QByteArray &salt,
                                            const QByteArray &info, int length);

/// PBKDF2-HMAC-SHA512 through OpenSSL (qca-ossl offers PBKDF2-SHA1 only).
[[nodiscard]] Result<QCA::SecureArray> pbkdf2Sha512(const QCA::SecureArray &passphrase, const QByteArray &salt,
                                                    int iterations, int length);

/// One AES-256-GCM encryption result: 12-byte nonce, ciphertext, 16-byte tag.
struct GcmSealed {
    QByteArray nonce;
    QByteArray ciphertext;
    QByteArray tag;
};

/// AES-256-GCM with additional authenticated data (OpenSSL EVP: QCA cannot feed AAD).
/// `key` must be 32 bytes. A fresh random nonce is used unless `nonce` (12 bytes) is given.
[[nodiscard]] Result<GcmSealed> aesGcmSeal(const QCA::SecureArray &key, const QCA::SecureArray &plaintext,
                                           const QByteArray &aad, const QByteArray &nonce = {});

/// aesGcmSeal into the caller's buffer, for formats that carry ciphertext and tag side by side
/// (CiphertextBlob): writes plaintext.size() ciphertext bytes and then the 16-byte tag at `out`,
/// which must hold plaintext.size() + 16 bytes. `nonce` must be 12 bytes (no random default).
/// errors::Crypto on a wrong key or nonce size, or an OpenSSL failure.
[[nodiscard]] Status aesGcmSealInto(const QCA::SecureArray &key, const QCA::SecureArray &plaintext, QByteArrayView aad,
                                    QByteArrayView nonce, char *out);

/// Opens what aesGcmSeal sealed. A wrong key, nonce, tag, AAD or a changed byte gives an error
/// of type errors::InvalidCiphertext and no plaintext. Views, so a caller can pass the parts of
/// one buffer without copying them.
[[nodiscard]] Result<QCA::SecureArray> aesGcmOpen(const QCA::SecureArray &key, QByteArrayView nonce,
                                                  QByteArrayView ciphertext, QByteArrayView tag, QByteArrayView aad);

/// A reusable AES-256-GCM context for bulk data (one OpenSSL EVP context, no locked-memory
/// round trips per call). Used for file frames: init once per key, then start() per frame.
class GcmStream
{
public:
    enum class Direction { Encrypt, Decrypt };
    GcmStream(Direction dir, const QCA::SecureArray &key);
    ~GcmStream();
    GcmStream(const GcmStream &) = delete;
    GcmStream &operator=(const GcmStream &) = delete;

    [[nodiscard]] bool isValid() const;
    /// Begins one message with a 12-byte IV and its AAD.
    [[nodiscard]] Status start(const QByteArray &iv, const QByteArray &aad);
    /// Processes `len` bytes from `in` into `out` (same length; may alias).
    [[nodiscard]] Status update(const char *in, char *out, qsizetype len);
    /// Encrypt: returns the 16-byte tag.
    [[nodiscard]] Result<QByteArray> finishEncrypt();
    /// Decrypt: checks the tag; errors::InvalidCiphertext when it does not match.
    [[nodiscard]] Status finishDecrypt(const QByteArray &tag);

private:
    struct Impl;
    std::unique_ptr<Impl> d;
};

} // namespace qkms::crypto
