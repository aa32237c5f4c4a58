// Digests, constant-time comparison and the helpers shared by the other wrappers.
//
// Digests go straight to OpenSSL's one-shot EVP_Digest with a digest fetched once per process:
// building a QCA::Hash per call (provider lookup, context, SecureArray result) cost ~22k
// instructions per Encrypt's worth of hashing, several times the SHA-256 itself. qca-ossl would
// end in the same OpenSSL code; the start-up self-test checks the digests against FIPS 180 vectors.

#include "primitives/Primitives.h"
#include "primitives/PrimitivesDetail.h"

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>

#include <QSet>

#include <array>
#include <mutex>

namespace qkms::crypto {

namespace detail {

bool qcaOffers(const char *name)
{
    static std::mutex mutex;
    static QSet<QByteArray> offered;
    const QByteArray key(name);
    {
        std::lock_guard lock(mutex);
        if (offered.contains(key))
            return true;
    }
    if (!QCA::isSupported(name))
        return false;
    std::lock_guard lock(mutex);
    offered.insert(key);
    return true;
}

QString qcaHashName(HashAlg alg)
{
    switch (alg) {
    case HashAlg::Sha1: return QStringLiteral("sha1");
    case HashAlg::Sha224: return QStringLiteral("sha224");
    case HashAlg::Sha256: return QStringLiteral("sha256");
    case HashAlg::Sha384: return QStringLiteral("sha384");
    case HashAlg::Sha512: return QStringLiteral("sha512");
    }
    Q_UNREACHABLE_RETURN(QString());
}

const char *opensslDigestName(HashAlg alg)
{
    switch (alg) {
    case HashAlg::Sha1: return "SHA1";
    case HashAlg::Sha224: return "SHA224";
    case HashAlg::Sha256: return "SHA256";
    case HashAlg::Sha384: return "SHA384";
    case HashAlg::Sha512: return "SHA512";
    }
    Q_UNREACHABLE_RETURN(nullptr);
}

const EVP_MD *evpDigest(HashAlg alg)
{
    // Fetched once (thread-safe static initialisation) and kept for the life of the process.
    static const std::array<const EVP_MD *, 5> fetched = [] {
        std::array<const EVP_MD *, 5> mds{};
        const HashAlg all[] = {HashAlg::Sha1, HashAlg::Sha224, HashAlg::Sha256, HashAlg::Sha384, HashAlg::Sha512};
        for (const HashAlg a : all)
            mds[size_t(a)] = EVP_MD_fetch(nullptr, opensslDigestName(a), nullptr);
        ERR_clear_error(); // a missing digest falls back below; its error is not news
        return mds;
    }();
    if (const EVP_MD *md = fetched[size_t(alg)])
        return md;
    switch (alg) {
    case HashAlg::Sha1: return EVP_sha1();
    case HashAlg::Sha224: return EVP_sha224();
    case HashAlg::Sha256: return EVP_sha256();
    case HashAlg::Sha384: return EVP_sha384();
    case HashAlg::Sha512: return EVP_sha512();
    }
    return EVP_sha256();
}

const EVP_CIPHER *aes256Gcm()
{
    static const EVP_CIPHER *const fetched = [] {
        EVP_CIPHER *c = EVP_CIPHER_fetch(nullptr, "AES-256-GCM", nullptr);
        ERR_clear_error();
        return c;
    }();
    return fetched ? fetched : EVP_aes_256_gcm();
}

QString takeOpensslError()
{
    unsigned long last = 0;
    while (const unsigned long e = ERR_get_error())
        last = e;
    if (last == 0)
        return QStringLiteral("OpenSSL reported no reason");
    char text[256] = {};
    ERR_error_string_n(last, text, sizeof text);
    return QString::fromLatin1(text);
}

} // namespace detail

int hashLength(HashAlg alg)
{
    switch (alg) {
    case HashAlg::Sha1: return 20;
    case HashAlg::Sha224: return 28;
    case HashAlg::Sha256: return 32;
    case HashAlg::Sha384: return 48;
    case HashAlg::Sha512: return 64;
    }
    Q_UNREACHABLE_RETURN(0);
}

QByteArray digest(HashAlg alg, const QByteArray &data)
{
    QByteArray out(hashLength(alg), Qt::Uninitialized);
    unsigned int outLen = 0;
    if (EVP_Digest(data.constData(), size_t(data.size()), detail::bytes(out.data()), &outLen, detail::evpDigest(alg),
                   nullptr)
            != 1
        || int(outLen) != out.size()) {
        // Only reachable when OpenSSL lacks a SHA-1/SHA-2 digest, which the start-up self-test
        // refuses to run with; an empty digest never matches anything.
        (void)detail::takeOpensslError();
        return {};
    }
    return out;
}

bool constantTimeEquals(const QByteArray &a, const QByteArray &b)
{
    // The lengths are public (tags and MACs have fixed sizes); only the contents are compared
    // in time independent of where they differ.
    if (a.size() != b.size())
        return false;
    if (a.isEmpty())
        return true;
    return CRYPTO_memcmp(a.constData(), b.constData(), size_t(a.size())) == 0;
}

} // namespace qkms::crypto
