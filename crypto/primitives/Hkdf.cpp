// HKDF (RFC 5869). SHA-256 goes through QCA's "hkdf(sha256)"; SHA-1/224/384/512 through
// OpenSSL's EVP_KDF "HKDF" (qca-ossl registers HKDF with SHA-256 only).
//
// qca-ossl's HKDF context ignores every OpenSSL return code and hands back a zero-filled buffer
// when a step fails. An all-zero QCA result is therefore recomputed on the checked OpenSSL path,
// which either confirms it (a 2^-8L event) or reports the real error.

#include "primitives/Primitives.h"
#include "primitives/PrimitivesDetail.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>

#include <memory>

namespace qkms::crypto {

namespace {

struct KdfCtxFree {
    void operator()(EVP_KDF_CTX *c) const { EVP_KDF_CTX_free(c); }
};

bool allZero(const QCA::SecureArray &a)
{
    unsigned char acc = 0;
    for (int i = 0; i < a.size(); ++i)
        acc |= static_cast<unsigned char>(a[i]);
    return acc == 0;
}

// OSSL_PARAM octet strings take a non-const void*; OpenSSL copies and never writes through it.
void *paramData(const char *p)
{
    static char empty = 0;
    return p != nullptr ? const_cast<char *>(p) : &empty;
}

Result<QCA::SecureArray> opensslHkdf(HashAlg alg, const QCA::SecureArray &ikm, const QByteArray &salt,
                                     const QByteArray &info, int length)
{
    EVP_KDF *kdf = EVP_KDF_fetch(nullptr, OSSL_KDF_NAME_HKDF, nullptr);
    if (kdf == nullptr)
        return fail(errors::Crypto, QStringLiteral("OpenSSL offers no HKDF: %1").arg(detail::takeOpensslError()));
    std::unique_ptr<EVP_KDF_CTX, KdfCtxFree> ctx(EVP_KDF_CTX_new(kdf));
    EVP_KDF_free(kdf);
    if (!ctx)
        return fail(errors::Crypto, QStringLiteral("HKDF context: %1").arg(detail::takeOpensslError()));

    OSSL_PARAM params[5];
    int n = 0;
    params[n++] = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST,
                                                   const_cast<char *>(detail::opensslDigestName(alg)), 0);
    params[n++] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, paramData(ikm.constData()), size_t(ikm.size()));
    // An absent salt is HashLen zero bytes (RFC 5869 2.2); OpenSSL applies that when none is set.
    if (!salt.isEmpty())
        params[n++] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, paramData(salt.constData()),
                                                        size_t(salt.size()));
    if (!info.isEmpty())
        params[n++] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, paramData(info.constData()),
                                                        size_t(info.size()));
    params[n] = OSSL_PARAM_construct_end();

    QCA::SecureArray okm(length);
    if (EVP_KDF_derive(ctx.get(), detail::bytes(okm.data()), size_t(length), params) != 1) {
        okm.fill(0);
        return fail(errors::Crypto, QStringLiteral("HKDF-%1 failed: %2")
                                        .arg(detail::qcaHashName(alg).toUpper(), detail::takeOpensslError()));
    }
    return okm;
}

} // namespace

Result<QCA::SecureArray> hkdf(HashAlg alg, const QCA::SecureArray &ikm, const QByteArray &salt,
                              const QByteArray &info, int length)
{
    // RFC 5869 2.3: L <= 255 * HashLen.
    const int maxLength = 255 * hashLength(alg);
    if (length < 1 || length > maxLength)
        return fail(errors::Crypto, QStringLiteral("HKDF-%1 output length must be 1..%2 bytes, not %3")
                                        .arg(detail::qcaHashName(alg).toUpper())
                                        .arg(maxLength)
                                        .arg(length));

    if (alg == HashAlg::Sha256 && detail::qcaOffers("hkdf(sha256)")) {
        QCA::HKDF kdf(QStringLiteral("sha256"));
        const QCA::SecureArray okm =
            kdf.makeKey(ikm, QCA::InitializationVector(salt), QCA::InitializationVector(info), unsigned(length));
        if (okm.size() == length && !allZero(okm))
            return okm;
        // Fall through: QCA's result is unchecked (see the top of this file).
    }
    return opensslHkdf(alg, ikm, salt, info, length);
}

} // namespace qkms::crypto
