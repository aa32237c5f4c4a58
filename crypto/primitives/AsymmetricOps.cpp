// Signatures (RSASSA-PKCS1-v1_5, RSASSA-PSS, ECDSA) and RSAES-OAEP through OpenSSL 3 EVP.
// Raw messages go through EVP_DigestSign/Verify, precomputed digests through EVP_PKEY_sign/verify
// with the digest named, so both produce and accept the same signatures.

#include "primitives/AsymmetricKeyImpl.h"

#include <openssl/rsa.h>

namespace qkms::crypto {

using namespace asym;

namespace {

QString schemeName(SignatureScheme scheme)
{
    switch (scheme) {
    case SignatureScheme::RsaPkcs1v15:
        return QStringLiteral("RSASSA-PKCS1-v1_5");
    case SignatureScheme::RsaPss:
        return QStringLiteral("RSASSA-PSS");
    case SignatureScheme::Ecdsa:
        return QStringLiteral("ECDSA");
    }
    return {};
}

/// Misuse checks shared by sign() and verify(): the scheme must fit the key, and a digest must
/// have the hash's length.
Status checkRequest(bool rsaKey, SignatureScheme scheme, HashAlg hash, MessageKind kind, const QByteArray &message)
{
    if (rsaKey == (scheme == SignatureScheme::Ecdsa))
        return fail(errors::InvalidKeyUsage, QStringLiteral("%1 cannot be used with an %2 key")
                                                 .arg(schemeName(scheme), rsaKey ? QStringLiteral("RSA")
                                                                                 : QStringLiteral("elliptic-curve")));
    const int digestLength = EVP_MD_get_size(evpDigest(hash));
    if (kind == MessageKind::Digest && message.size() != digestLength)
        return fail(errors::Validation, QStringLiteral("A %1 digest is %2 bytes; the message given is %3 bytes")
                                            .arg(QString::fromLatin1(EVP_MD_get0_name(evpDigest(hash))))
                                            .arg(digestLength)
                                            .arg(message.size()));
    return {};
}

/// Padding for the RSA schemes. PSS: salt length = digest length and MGF1 with the same digest,
/// as AWS KMS's RSASSA_PSS_SHA_*; verification insists on exactly that salt length.
bool configureSignature(EVP_PKEY_CTX *ctx, SignatureScheme scheme, const EVP_MD *md)
{
    switch (scheme) {
    case SignatureScheme::RsaPkcs1v15:
        return EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) == 1;
    case SignatureScheme::RsaPss:
        return EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PSS_PADDING) == 1
            && EVP_PKEY_CTX_set_rsa_pss_saltlen(ctx, RSA_PSS_SALTLEN_DIGEST) == 1
            && EVP_PKEY_CTX_set_rsa_mgf1_md(ctx, md) == 1;
    case SignatureScheme::Ecdsa:
        return true;
    }
    return false;
}

/// OAEP with MGF1 over the same hash and an empty label.
bool configureOaep(EVP_PKEY_CTX *ctx, const EVP_MD *md)
{
    return EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_OAEP_PADDING) == 1
        && EVP_PKEY_CTX_set_rsa_oaep_md(ctx, md) == 1 && EVP_PKEY_CTX_set_rsa_mgf1_md(ctx, md) == 1;
}

/// OpenSSL may be handed a null pointer by an empty QByteArray; give it a real one.
const unsigned char *inputBytes(const char *data)
{
    static const unsigned char empty = 0;
    return data ? uchars(data) : &empty;
}

} // namespace

Result<QByteArray> AsymmetricKey::sign(SignatureScheme scheme, HashAlg hash, MessageKind kind,
                                       const QByteArray &message) const
{
    if (auto ok = checkRequest(isRsa(), scheme, hash, kind, message); !ok)
        return std::unexpected(ok.error());
    if (!d->hasPrivate)
        return fail(errors::InvalidKeyUsage, QStringLiteral("A public key cannot sign"));
    const EVP_MD *md = evpDigest(hash);
    const unsigned char *in = inputBytes(message.constData());
    const auto inLen = static_cast<size_t>(message.size());
    QByteArray signature;
    size_t sigLen = 0;

    if (kind == MessageKind::Raw) {
        MdCtxPtr mctx(EVP_MD_CTX_new());
        EVP_PKEY_CTX *pctx = nullptr; // owned by mctx
        if (!mctx || EVP_DigestSignInit(mctx.get(), &pctx, md, nullptr, d->pkey.get()) != 1
            || !configureSignature(pctx, scheme, md))
            return std::unexpected(opensslFailure(QStringLiteral("%1 signing setup failed").arg(schemeName(scheme))));
        if (EVP_DigestSign(mctx.get(), nullptr, &sigLen, in, inLen) != 1)
            return std::unexpected(opensslFailure(QStringLiteral("%1 signing failed").arg(schemeName(scheme))));
        signature.resize(static_cast<qsizetype>(sigLen));
        if (EVP_DigestSign(mctx.get(), uchars(signature.data()), &sigLen, in, inLen) != 1)
            return std::unexpected(opensslFailure(QStringLiteral("%1 signing failed").arg(schemeName(scheme))));
    } else {
        PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, d->pkey.get(), nullptr));
        if (!ctx || EVP_PKEY_sign_init(ctx.get()) != 1 || !configureSignature(ctx.get(), scheme, md)
            || EVP_PKEY_CTX_set_signature_md(ctx.get(), md) != 1)
            return std::unexpected(opensslFailure(QStringLiteral("%1 signing setup failed").arg(schemeName(scheme))));
        if (EVP_PKEY_sign(ctx.get(), nullptr, &sigLen, in, inLen) != 1)
            return std::unexpected(opensslFailure(QStringLiteral("%1 signing failed").arg(schemeName(scheme))));
        signature.resize(static_cast<qsizetype>(sigLen));
        if (EVP_PKEY_sign(ctx.get(), uchars(signature.data()), &sigLen, in, inLen) != 1)
            return std::unexpected(opensslFailure(QStringLiteral("%1 signing failed").arg(schemeName(scheme))));
    }
    signature.resize(static_cast<qsizetype>(sigLen)); // DER ECDSA signatures vary in length
    return signature;
}

Result<bool> AsymmetricKey::verify(SignatureScheme scheme, HashAlg hash, MessageKind kind, const QByteArray &message,
                                   const QByteArray &signature) const
{
    if (auto ok = checkRequest(isRsa(), scheme, hash, kind, message); !ok)
        return std::unexpected(ok.error());
    if (signature.isEmpty())
        return false;
    const EVP_MD *md = evpDigest(hash);
    const unsigned char *in = inputBytes(message.constData());
    const auto inLen = static_cast<size_t>(message.size());
    const unsigned char *sig = uchars(signature.constData());
    const auto sigLen = static_cast<size_t>(signature.size());
    int rc = 0;

    if (kind == MessageKind::Raw) {
        MdCtxPtr mctx(EVP_MD_CTX_new());
        EVP_PKEY_CTX *pctx = nullptr; // owned by mctx
        if (!mctx || EVP_DigestVerifyInit(mctx.get(), &pctx, md, nullptr, d->pkey.get()) != 1
            || !configureSignature(pctx, scheme, md))
            return std::unexpected(
                opensslFailure(QStringLiteral("%1 verification setup failed").arg(schemeName(scheme))));
        rc = EVP_DigestVerify(mctx.get(), sig, sigLen, in, inLen);
    } else {
        PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, d->pkey.get(), nullptr));
        if (!ctx || EVP_PKEY_verify_init(ctx.get()) != 1 || !configureSignature(ctx.get(), scheme, md)
            || EVP_PKEY_CTX_set_signature_md(ctx.get(), md) != 1)
            return std::unexpected(
                opensslFailure(QStringLiteral("%1 verification setup failed").arg(schemeName(scheme))));
        rc = EVP_PKEY_verify(ctx.get(), sig, sigLen, in, inLen);
    }
    // 0 is "does not verify", a negative value a malformed signature: both are a plain "no".
    clearOpensslErrors();
    return rc == 1;
}

int AsymmetricKey::oaepMaxPlaintext(HashAlg hash) const
{
    if (!isRsa())
        return 0;
    return EVP_PKEY_get_size(d->pkey.get()) - 2 * EVP_MD_get_size(evpDigest(hash)) - 2;
}

Result<QByteArray> AsymmetricKey::oaepEncrypt(HashAlg hash, const QCA::SecureArray &plaintext) const
{
    if (!isRsa())
        return fail(errors::InvalidKeyUsage, QStringLiteral("RSAES-OAEP needs an RSA key"));
    const int max = oaepMaxPlaintext(hash);
    if (plaintext.size() > max)
        return fail(errors::Validation, QStringLiteral("Plaintext is %1 bytes; this key and hash take at most %2")
                                            .arg(plaintext.size())
                                            .arg(max));
    const EVP_MD *md = evpDigest(hash);
    PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, d->pkey.get(), nullptr));
    if (!ctx || EVP_PKEY_encrypt_init(ctx.get()) != 1 || !configureOaep(ctx.get(), md))
        return std::unexpected(opensslFailure(QStringLiteral("RSAES-OAEP setup failed")));
    const unsigned char *in = inputBytes(plaintext.constData());
    const auto inLen = static_cast<size_t>(plaintext.size());
    size_t outLen = 0;
    if (EVP_PKEY_encrypt(ctx.get(), nullptr, &outLen, in, inLen) != 1)
        return std::unexpected(opensslFailure(QStringLiteral("RSAES-OAEP encryption failed")));
    QByteArray ciphertext(static_cast<qsizetype>(outLen), Qt::Uninitialized);
    if (EVP_PKEY_encrypt(ctx.get(), uchars(ciphertext.data()), &outLen, in, inLen) != 1)
        return std::unexpected(opensslFailure(QStringLiteral("RSAES-OAEP encryption failed")));
    ciphertext.resize(static_cast<qsizetype>(outLen));
    return ciphertext;
}

Result<QCA::SecureArray> AsymmetricKey::oaepDecrypt(HashAlg hash, const QByteArray &ciphertext) const
{
    if (!isRsa())
        return fail(errors::InvalidKeyUsage, QStringLiteral("RSAES-OAEP needs an RSA key"));
    if (!d->hasPrivate)
        return fail(errors::InvalidKeyUsage, QStringLiteral("A public key cannot decrypt"));
    const EVP_MD *md = evpDigest(hash);
    PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, d->pkey.get(), nullptr));
    if (!ctx || EVP_PKEY_decrypt_init(ctx.get()) != 1 || !configureOaep(ctx.get(), md))
        return std::unexpected(opensslFailure(QStringLiteral("RSAES-OAEP setup failed")));
    // Decrypt straight into locked memory; the modulus size bounds the plaintext.
    size_t outLen = static_cast<size_t>(EVP_PKEY_get_size(d->pkey.get()));
    QCA::SecureArray plaintext(static_cast<int>(outLen));
    if (ciphertext.isEmpty()
        || EVP_PKEY_decrypt(ctx.get(), uchars(plaintext.data()), &outLen, uchars(ciphertext.constData()),
                            static_cast<size_t>(ciphertext.size()))
               != 1) {
        // One message for every cause: which check failed is nobody's business (padding oracles).
        clearOpensslErrors();
        return fail(errors::InvalidCiphertext,
                    QStringLiteral("The ciphertext could not be decrypted with this key and algorithm"));
    }
    plaintext.resize(static_cast<int>(outLen));
    return plaintext;
}

} // namespace qkms::crypto
