#pragma once

// Private to crypto/primitives/*.cpp: helpers shared by the wrappers. Not part of the library's
// interface (no other directory includes it). It names OpenSSL's EVP_MD and EVP_CIPHER through
// <openssl/types.h> (declarations only), so every wrapper finds its digest in one place.
//
// What QCA 2.3.10 + qca-ossl (OpenSSL 3.5) offers, measured with a probe on the build machine:
//   supported:   random, sha1, sha224, sha256, sha384, sha512, hmac(sha1|sha224|sha256|sha384|sha512),
//                hkdf(sha256), aes256-gcm, aes256-ccm, pbkdf2(sha1), pkey, rsa, dsa, cert
//   unsupported: hkdf(sha384), hkdf(sha512), pbkdf2(sha256), pbkdf2(sha512), ec,
//                aes256-gcm-nopadding (GCM is "aes256-gcm"; QCA::Cipher offers no way to feed AAD)
// Hence: random, digests, HMAC and HKDF-SHA256 go through QCA (with an OpenSSL fallback should a
// provider lack one); HKDF-SHA384/512, PBKDF2-SHA512 and AES-GCM with AAD go through OpenSSL EVP.

#include "primitives/Primitives.h"

#include <QString>

#include <openssl/types.h>

namespace qkms::crypto::detail {

/// QCA::isSupported(name), remembering positive answers: the lookup costs ~6 us (measured), more
/// than the HMAC it guards. Negative answers are asked again, so a call made before the
/// QCA::Initializer existed does not pin the OpenSSL fallback for the rest of the process.
[[nodiscard]] bool qcaOffers(const char *name);

/// QCA's name of the hash ("sha256").
[[nodiscard]] QString qcaHashName(HashAlg alg);

/// OpenSSL's name of the hash ("SHA256"), for EVP_get_digestbyname and OSSL_PARAM digest names.
[[nodiscard]] const char *opensslDigestName(HashAlg alg);

/// The EVP digest for a HashAlg, fetched from the default provider once per process and kept
/// (an implicit fetch by name costs more than hashing a short message); EVP_sha256() and its
/// siblings when the fetch fails. Never null.
[[nodiscard]] const EVP_MD *evpDigest(HashAlg alg);

/// AES-256-GCM, fetched once and kept, for the same reason. Never null.
[[nodiscard]] const EVP_CIPHER *aes256Gcm();

/// Drains OpenSSL's thread-local error queue and returns its last reason string, or a fixed
/// text when the queue is empty. OpenSSL reasons name the failing step, never key material.
[[nodiscard]] QString takeOpensslError();

/// reinterpret_cast spelled once: OpenSSL wants unsigned char, Qt and QCA hand out char.
[[nodiscard]] inline const unsigned char *bytes(const char *p)
{
    return reinterpret_cast<const unsigned char *>(p);
}
[[nodiscard]] inline unsigned char *bytes(char *p)
{
    return reinterpret_cast<unsigned char *>(p);
}

} // namespace qkms::crypto::detail
