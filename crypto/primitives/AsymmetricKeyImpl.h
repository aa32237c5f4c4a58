#pragma once

// Private to AsymmetricKey*.cpp and KeyWrap.cpp: the OpenSSL side of AsymmetricKey. No other
// directory includes it, so OpenSSL types stay out of the library's interface.

#include "primitives/AsymmetricKey.h"
#include "primitives/PrimitivesDetail.h"

#include <openssl/evp.h>

#include <memory>

namespace qkms::crypto {

namespace asym {

struct PkeyFree {
    void operator()(EVP_PKEY *p) const { EVP_PKEY_free(p); }
};
struct PkeyCtxFree {
    void operator()(EVP_PKEY_CTX *p) const { EVP_PKEY_CTX_free(p); }
};
struct MdCtxFree {
    void operator()(EVP_MD_CTX *p) const { EVP_MD_CTX_free(p); }
};
struct CipherCtxFree {
    void operator()(EVP_CIPHER_CTX *p) const { EVP_CIPHER_CTX_free(p); }
};
struct CipherFree {
    void operator()(EVP_CIPHER *p) const { EVP_CIPHER_free(p); }
};

using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;
using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;
using CipherCtxPtr = std::unique_ptr<EVP_CIPHER_CTX, CipherCtxFree>;
using CipherPtr = std::unique_ptr<EVP_CIPHER, CipherFree>;

/// errors::Crypto naming the step that failed plus OpenSSL's reason for it (reason strings name
/// the failing check, never key bytes). Empties the thread's OpenSSL error queue.
[[nodiscard]] KmsError opensslFailure(const QString &step);

/// Empties the error queue after an expected failure (a bad signature, a wrong padding), so a
/// later, unrelated error report does not pick up a stale reason.
void clearOpensslErrors();

/// The EVP digest for a HashAlg (never null): the one fetched-once table in PrimitivesDetail.h.
using detail::evpDigest;

/// reinterpret_cast spelled once: OpenSSL takes unsigned char, Qt and QCA hand out char.
[[nodiscard]] inline const unsigned char *uchars(const char *p)
{
    return reinterpret_cast<const unsigned char *>(p);
}
[[nodiscard]] inline unsigned char *uchars(char *p)
{
    return reinterpret_cast<unsigned char *>(p);
}

} // namespace asym

struct AsymmetricKey::Impl {
    Impl(asym::PkeyPtr key, KeyKind k, bool priv)
        : pkey(std::move(key))
        , kind(k)
        , hasPrivate(priv)
    {
    }
    asym::PkeyPtr pkey;   ///< never null
    KeyKind kind;         ///< derived from the key itself when it was made or loaded
    bool hasPrivate;      ///< true when made by generate() or fromPrivateDer()
};

} // namespace qkms::crypto
