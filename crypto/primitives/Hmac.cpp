// HMAC through OpenSSL's one-shot HMAC() with the digest fetched once per process. QCA's
// "hmac(shaN)" set itself up on every call (~55k instructions, measured with callgrind in the
// endpoint, which computes five HMACs per request for SigV4), for the same qca-ossl code
// underneath — the reason bulk AES-GCM and digests go to EVP directly too (DESIGN §1). The key
// is read through a pointer into its SecureArray; OpenSSL cleanses its own copy on free.

#include "primitives/Primitives.h"
#include "primitives/PrimitivesDetail.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

namespace qkms::crypto {

Result<QByteArray> hmac(HashAlg alg, const QCA::SecureArray &key, const QByteArray &message)
{
    const EVP_MD *md = detail::evpDigest(alg);
    if (md == nullptr)
        return fail(errors::Crypto, QStringLiteral("OpenSSL offers no HMAC with %1")
                                        .arg(detail::qcaHashName(alg)));
    // OpenSSL's HMAC functions read a null key as "reuse the previous key": an empty key is
    // passed as a valid pointer with length 0.
    static const unsigned char emptyKey = 0;
    const unsigned char *keyData = key.isEmpty() ? &emptyKey : detail::bytes(key.constData());
    QByteArray out(EVP_MAX_MD_SIZE, Qt::Uninitialized);
    unsigned int outLen = 0;
    static const unsigned char emptyMessage = 0;
    const unsigned char *msgData = message.isEmpty() ? &emptyMessage : detail::bytes(message.constData());
    if (HMAC(md, keyData, key.size(), msgData, size_t(message.size()), detail::bytes(out.data()), &outLen) == nullptr)
        return fail(errors::Crypto, QStringLiteral("HMAC failed: %1").arg(detail::takeOpensslError()));
    out.truncate(int(outLen));
    return out;
}

} // namespace qkms::crypto
