// AES key wrap with padding (RFC 5649) through OpenSSL's AES-*-WRAP-PAD ciphers. AWS KMS uses it
// with a 256-bit KEK in RSA_AES_KEY_WRAP_SHA_* import wrapping; the cipher follows the KEK length
// so that RFC 5649's own vectors (192-bit KEK) can be checked too.

#include "primitives/AsymmetricKeyImpl.h"

#include <openssl/evp.h>

namespace qkms::crypto {

using namespace asym;

namespace {

/// The wrap-pad cipher for a KEK of this many bytes, or null.
const char *wrapCipherName(int kekBytes)
{
    switch (kekBytes) {
    case 16:
        return "AES-128-WRAP-PAD";
    case 24:
        return "AES-192-WRAP-PAD";
    case 32:
        return "AES-256-WRAP-PAD";
    default:
        return nullptr;
    }
}

/// A context ready to wrap (encrypt) or unwrap under `kek`.
Result<CipherCtxPtr> wrapContext(const QCA::SecureArray &kek, bool wrap)
{
    const char *name = wrapCipherName(kek.size());
    if (!name)
        return fail(errors::Validation,
                    QStringLiteral("A key-encryption key must be 16, 24 or 32 bytes, not %1").arg(kek.size()));
    CipherPtr cipher(EVP_CIPHER_fetch(nullptr, name, nullptr));
    CipherCtxPtr ctx(EVP_CIPHER_CTX_new());
    if (!cipher || !ctx)
        return std::unexpected(opensslFailure(QStringLiteral("AES key wrap is not available")));
    // Wrap modes refuse to run without this flag (they take the whole input in one call).
    EVP_CIPHER_CTX_set_flags(ctx.get(), EVP_CIPHER_CTX_FLAG_WRAP_ALLOW);
    // No IV: RFC 5649's alternative initial value A65959A6 is the cipher's default.
    if (EVP_CipherInit_ex2(ctx.get(), cipher.get(), uchars(kek.constData()), nullptr, wrap ? 1 : 0, nullptr) != 1)
        return std::unexpected(opensslFailure(QStringLiteral("AES key wrap setup failed")));
    return ctx;
}

} // namespace

Result<QByteArray> aesKeyWrapPad(const QCA::SecureArray &kek, const QCA::SecureArray &key)
{
    if (key.isEmpty())
        return fail(errors::Validation, QStringLiteral("There is no key to wrap"));
    auto ctx = wrapContext(kek, true);
    if (!ctx)
        return std::unexpected(ctx.error());
    // RFC 5649: the key padded to whole 64-bit blocks, plus one block of integrity check.
    const int paddedBytes = (key.size() + 7) / 8 * 8;
    QByteArray wrapped(paddedBytes + 8, Qt::Uninitialized);
    int written = 0;
    int finalBytes = 0;
    if (EVP_CipherUpdate(ctx->get(), uchars(wrapped.data()), &written, uchars(key.constData()), key.size()) != 1
        || EVP_CipherFinal_ex(ctx->get(), uchars(wrapped.data()) + written, &finalBytes) != 1)
        return std::unexpected(opensslFailure(QStringLiteral("AES key wrap failed")));
    wrapped.resize(written + finalBytes);
    return wrapped;
}

Result<QCA::SecureArray> aesKeyWrapPadUnwrap(const QCA::SecureArray &kek, const QByteArray &wrapped)
{
    auto ctx = wrapContext(kek, false);
    if (!ctx)
        return std::unexpected(ctx.error());
    const auto refuse = [] {
        return fail(errors::InvalidCiphertext,
                    QStringLiteral("The wrapped key failed its integrity check under this key-encryption key"));
    };
    // At least the integrity block plus one block of key, in whole 64-bit blocks.
    if (wrapped.size() < 16 || wrapped.size() % 8 != 0)
        return refuse();
    // Unwrapped straight into locked memory; OpenSSL wipes its output itself when the check fails.
    QCA::SecureArray key(static_cast<int>(wrapped.size()));
    int written = 0;
    int finalBytes = 0;
    if (EVP_CipherUpdate(ctx->get(), uchars(key.data()), &written, uchars(wrapped.constData()),
                         static_cast<int>(wrapped.size()))
            <= 0
        || EVP_CipherFinal_ex(ctx->get(), uchars(key.data()) + written, &finalBytes) != 1 || written <= 0) {
        clearOpensslErrors();
        return refuse();
    }
    key.resize(written + finalBytes);
    return key;
}

} // namespace qkms::crypto
