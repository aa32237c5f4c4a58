// Digests, constant-time comparison and the helpers shared by the other wrappers.
//
// Digests go through QCA (qca-ossl offers sha1..sha512). OpenSSL is only the fallback for a
// provider that lacks one, so the function keeps its "cannot fail" signature.

#include "primitives/Primitives.h"
#include "primitives/PrimitivesDetail.h"

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>

#include <QSet>

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
    const QString name = detail::qcaHashName(alg);
    if (detail::qcaOffers(name.toLatin1().constData())) {
        QCA::Hash hash(name);
        hash.update(data);
        return hash.final().toByteArray();
    }
    // Fallback: the running QCA has no provider for this hash (the self-test reports that).
    QByteArray out(EVP_MAX_MD_SIZE, Qt::Uninitialized);
    unsigned int outLen = 0;
    const EVP_MD *md = EVP_get_digestbyname(detail::opensslDigestName(alg));
    if (md == nullptr
        || EVP_Digest(data.constData(), size_t(data.size()), detail::bytes(out.data()), &outLen, md, nullptr) != 1) {
        // Only reachable when both QCA and OpenSSL lack a SHA-1/SHA-2 hash, which the
        // start-up self-test refuses to run with; an empty digest never matches anything.
        (void)detail::takeOpensslError();
        return {};
    }
    out.truncate(int(outLen));
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
