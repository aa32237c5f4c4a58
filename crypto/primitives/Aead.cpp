// One-shot AES-256-GCM with additional authenticated data, through OpenSSL EVP: QCA::Cipher has
// no call that feeds AAD to GCM. Nonce 12 bytes, tag 16 bytes (NIST SP 800-38D's recommended
// sizes, and the AWS Encryption SDK's).
//
// Plaintext is read from and written to SecureArray memory only. On any failure aesGcmOpen wipes
// what it decrypted and reports errors::InvalidCiphertext with a fixed message: which check
// failed is not said, and nothing from the inputs is quoted.

#include "primitives/Primitives.h"
#include "primitives/PrimitivesDetail.h"

#include <openssl/evp.h>

#include <climits>
#include <memory>

namespace qkms::crypto {

namespace {

constexpr int KeyBytes = 32;
constexpr int NonceBytes = 12;
constexpr int TagBytes = 16;

struct CipherCtxFree {
    void operator()(EVP_CIPHER_CTX *c) const { EVP_CIPHER_CTX_free(c); }
};
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, CipherCtxFree>;

auto invalidCiphertext()
{
    return fail(errors::InvalidCiphertext,
                QStringLiteral("The ciphertext failed AES-256-GCM authentication: the key, nonce, additional "
                               "authenticated data, ciphertext or tag does not match."));
}

} // namespace

Status aesGcmSealInto(const QCA::SecureArray &key, const QCA::SecureArray &plaintext, QByteArrayView aad,
                      QByteArrayView nonce, char *out)
{
    if (key.size() != KeyBytes)
        return fail(errors::Crypto, QStringLiteral("AES-256-GCM needs a %1-byte key, not %2 bytes")
                                        .arg(KeyBytes)
                                        .arg(key.size()));
    if (nonce.size() != NonceBytes)
        return fail(errors::Crypto, QStringLiteral("AES-256-GCM needs a %1-byte nonce, not %2 bytes")
                                        .arg(NonceBytes)
                                        .arg(nonce.size()));
    if (aad.size() > INT_MAX)
        return fail(errors::Crypto, QStringLiteral("AES-256-GCM additional data is too large"));

    CipherCtx ctx(EVP_CIPHER_CTX_new());
    int len = 0;
    unsigned char finalBlock[16];
    const bool ok = ctx
        && EVP_EncryptInit_ex2(ctx.get(), detail::aes256Gcm(), detail::bytes(key.constData()),
                               detail::bytes(nonce.data()), nullptr) == 1
        && (aad.isEmpty()
            || EVP_EncryptUpdate(ctx.get(), nullptr, &len, detail::bytes(aad.data()), int(aad.size())) == 1)
        && (plaintext.isEmpty()
            || (EVP_EncryptUpdate(ctx.get(), detail::bytes(out), &len, detail::bytes(plaintext.constData()),
                                  plaintext.size()) == 1
                && len == plaintext.size()))
        && EVP_EncryptFinal_ex(ctx.get(), finalBlock, &len) == 1 && len == 0
        && EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_AEAD_GET_TAG, TagBytes, out + plaintext.size()) == 1;
    if (!ok)
        return fail(errors::Crypto, QStringLiteral("AES-256-GCM encryption failed: %1").arg(detail::takeOpensslError()));
    return {};
}

Result<GcmSealed> aesGcmSeal(const QCA::SecureArray &key, const QCA::SecureArray &plaintext, const QByteArray &aad,
                             const QByteArray &nonce)
{
    if (!nonce.isEmpty() && nonce.size() != NonceBytes)
        return fail(errors::Crypto, QStringLiteral("AES-256-GCM needs a %1-byte nonce, not %2 bytes")
                                        .arg(NonceBytes)
                                        .arg(nonce.size()));
    GcmSealed out;
    out.nonce = nonce.isEmpty() ? randomBytes(NonceBytes) : nonce;
    QByteArray sealed(plaintext.size() + TagBytes, Qt::Uninitialized);
    if (auto st = aesGcmSealInto(key, plaintext, aad, out.nonce, sealed.data()); !st)
        return std::unexpected(st.error());
    out.tag = sealed.right(TagBytes);
    sealed.truncate(plaintext.size());
    out.ciphertext = std::move(sealed);
    return out;
}

Result<QCA::SecureArray> aesGcmOpen(const QCA::SecureArray &key, QByteArrayView nonce, QByteArrayView ciphertext,
                                    QByteArrayView tag, QByteArrayView aad)
{
    // Every refusal is InvalidCiphertext: the blob came from outside, and a caller must not be
    // able to tell a malformed one from a forged one.
    if (key.size() != KeyBytes || nonce.size() != NonceBytes || tag.size() != TagBytes
        || ciphertext.size() > INT_MAX || aad.size() > INT_MAX)
        return invalidCiphertext();

    QCA::SecureArray plaintext(int(ciphertext.size()));
    CipherCtx ctx(EVP_CIPHER_CTX_new());
    int len = 0;
    unsigned char finalBlock[16];
    const bool ok = ctx
        && EVP_DecryptInit_ex2(ctx.get(), detail::aes256Gcm(), detail::bytes(key.constData()),
                               detail::bytes(nonce.data()), nullptr) == 1
        && (aad.isEmpty()
            || EVP_DecryptUpdate(ctx.get(), nullptr, &len, detail::bytes(aad.data()), int(aad.size())) == 1)
        && (ciphertext.isEmpty()
            || (EVP_DecryptUpdate(ctx.get(), detail::bytes(plaintext.data()), &len,
                                  detail::bytes(ciphertext.data()), int(ciphertext.size())) == 1
                && len == ciphertext.size()))
        && EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_AEAD_SET_TAG, TagBytes, const_cast<char *>(tag.data())) == 1
        && EVP_DecryptFinal_ex(ctx.get(), finalBlock, &len) == 1;
    if (!ok) {
        plaintext.fill(0); // unauthenticated plaintext never leaves
        (void)detail::takeOpensslError();
        return invalidCiphertext();
    }
    return plaintext;
}

} // namespace qkms::crypto
