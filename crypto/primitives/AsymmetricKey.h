#pragma once

// RSA and elliptic-curve keys through OpenSSL EVP (QCA has no EC keys, no RSA-PSS and no
// RSA-OAEP with SHA-256). Private keys cross this boundary only as PKCS#8 DER in a
// QCA::SecureArray; public keys as SubjectPublicKeyInfo DER in a QByteArray.

#include "core/KmsError.h"
#include "primitives/Primitives.h"

#include <QByteArray>
#include <QtCrypto>

#include <memory>

namespace qkms::crypto {

enum class KeyKind {
    Rsa2048, Rsa3072, Rsa4096,
    EcP256, EcP384, EcP521, EcSecp256k1,
};

enum class SignatureScheme { RsaPkcs1v15, RsaPss, Ecdsa };

/// How the message given to sign()/verify() is to be taken.
enum class MessageKind { Raw, Digest };

class AsymmetricKey
{
public:
    ~AsymmetricKey();
    AsymmetricKey(AsymmetricKey &&) noexcept;
    AsymmetricKey &operator=(AsymmetricKey &&) noexcept;
    AsymmetricKey(const AsymmetricKey &) = delete;
    AsymmetricKey &operator=(const AsymmetricKey &) = delete;

    /// A fresh key pair of the given kind.
    [[nodiscard]] static Result<AsymmetricKey> generate(KeyKind kind);
    /// Loads a private key from PKCS#8 DER (what privateKeyDer() wrote). errors::Crypto on bad input.
    [[nodiscard]] static Result<AsymmetricKey> fromPrivateDer(const QCA::SecureArray &pkcs8Der);
    /// Loads a public key from SubjectPublicKeyInfo DER. errors::Crypto on bad input.
    [[nodiscard]] static Result<AsymmetricKey> fromPublicDer(const QByteArray &spkiDer);
    /// Loads an EC public key from a SEC1 point (compressed or not) on the given curve.
    [[nodiscard]] static Result<AsymmetricKey> fromEcPoint(KeyKind curve, const QByteArray &point);

    [[nodiscard]] KeyKind kind() const;
    [[nodiscard]] bool hasPrivate() const;
    [[nodiscard]] bool isRsa() const;
    /// Modulus size in bits (RSA) or field size (EC).
    [[nodiscard]] int bits() const;

    [[nodiscard]] Result<QCA::SecureArray> privateKeyDer() const; ///< PKCS#8 DER
    [[nodiscard]] Result<QByteArray> publicKeyDer() const;        ///< SubjectPublicKeyInfo DER
    /// SEC1 point of an EC public key, compressed (33/49/67 bytes) or uncompressed.
    [[nodiscard]] Result<QByteArray> ecPoint(bool compressed) const;

    /// Signs `message`. Raw: hashes with `hash` first. Digest: `message` is the digest and must
    /// have the hash's length (errors::Validation otherwise). PSS uses salt length = hash length
    /// and MGF1 with the same hash. ECDSA signatures are DER ECDSA-Sig-Value.
    [[nodiscard]] Result<QByteArray> sign(SignatureScheme scheme, HashAlg hash, MessageKind kind,
                                          const QByteArray &message) const;
    /// True when the signature is valid; false when it is not (including malformed DER).
    /// Errors only for misuse (wrong scheme for the key, wrong digest length).
    [[nodiscard]] Result<bool> verify(SignatureScheme scheme, HashAlg hash, MessageKind kind,
                                      const QByteArray &message, const QByteArray &signature) const;

    /// RSAES-OAEP with MGF1 and label empty; `hash` is Sha1 or Sha256 (as AWS's RSAES_OAEP_SHA_1/_256).
    [[nodiscard]] Result<QByteArray> oaepEncrypt(HashAlg hash, const QCA::SecureArray &plaintext) const;
    /// errors::InvalidCiphertext when decryption fails.
    [[nodiscard]] Result<QCA::SecureArray> oaepDecrypt(HashAlg hash, const QByteArray &ciphertext) const;
    /// Largest plaintext oaepEncrypt accepts: k - 2*hLen - 2.
    [[nodiscard]] int oaepMaxPlaintext(HashAlg hash) const;

private:
    struct Impl;
    explicit AsymmetricKey(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> d;
};

/// AES key wrap with padding (RFC 5649, as in AWS's RSA_AES_KEY_WRAP_SHA_* import wrapping).
[[nodiscard]] Result<QCA::SecureArray> aesKeyWrapPadUnwrap(const QCA::SecureArray &kek, const QByteArray &wrapped);
[[nodiscard]] Result<QByteArray> aesKeyWrapPad(const QCA::SecureArray &kek, const QCA::SecureArray &key);

} // namespace qkms::crypto
