// IncrementalHash: EVP_DigestUpdate straight on the caller's buffer.
//
// The message layer hashed signed messages through QCA::Hash first (470 MB/s for SHA-384 on the
// build machine, against 132 MB/s for QCryptographicHash, Qt's own code). Going to OpenSSL
// directly gives the same primitive without QCA's provider indirection, and a sticky error
// state checked once, at result().

#include "primitives/IncrementalHash.h"

#include "primitives/PrimitivesDetail.h"

#include <openssl/evp.h>

#include <algorithm>

namespace qkms::crypto {

struct IncrementalHash::Impl {
    EVP_MD_CTX *ctx = nullptr;
    HashAlg alg = HashAlg::Sha256;
    bool ok = false;
    ~Impl() { EVP_MD_CTX_free(ctx); }
};

IncrementalHash::IncrementalHash(HashAlg alg) : d(std::make_unique<Impl>())
{
    d->alg = alg;
    d->ctx = EVP_MD_CTX_new();
    const EVP_MD *md = detail::evpDigest(alg);
    d->ok = d->ctx != nullptr && md != nullptr && EVP_DigestInit_ex2(d->ctx, md, nullptr) == 1;
    if (!d->ok)
        (void)detail::takeOpensslError();
}

IncrementalHash::~IncrementalHash() = default;

bool IncrementalHash::isValid() const
{
    return d->ok;
}

void IncrementalHash::add(const char *data, qint64 n)
{
    // EVP takes size_t, but a bounded chunk keeps the loop honest on 32-bit size_t too.
    constexpr qint64 kChunk = qint64(1) << 30;
    for (qint64 done = 0; d->ok && done < n;) {
        const qint64 chunk = std::min(n - done, kChunk);
        if (EVP_DigestUpdate(d->ctx, data + done, size_t(chunk)) != 1) {
            (void)detail::takeOpensslError();
            d->ok = false;
        }
        done += chunk;
    }
}

QByteArray IncrementalHash::result()
{
    if (!d->ok)
        return {};
    QByteArray out(hashLength(d->alg), Qt::Uninitialized);
    unsigned int len = 0;
    const bool done = EVP_DigestFinal_ex(d->ctx, detail::bytes(out.data()), &len) == 1;
    d->ok = false; // spent: EVP_DigestFinal_ex leaves the context unusable for updates
    if (!done || int(len) != out.size()) {
        (void)detail::takeOpensslError();
        return {};
    }
    return out;
}

} // namespace qkms::crypto
