// HMAC through QCA's "hmac(shaN)" (qca-ossl offers all of SHA-1 and SHA-2), with OpenSSL's
// one-shot HMAC() as the fallback for a provider that lacks one. The key stays in SecureArray
// memory on both paths: QCA copies it into a SymmetricKey (also SecureArray), OpenSSL reads it
// through a pointer.

#include "primitives/Primitives.h"
#include "primitives/PrimitivesDetail.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

namespace qkms::crypto {

namespace {

Result<QByteArray> opensslHmac(HashAlg alg, const QCA::SecureArray &key, const QByteArray &message)
{
    const EVP_MD *md = EVP_get_digestbyname(detail::opensslDigestName(alg));
    if (md == nullptr)
        return fail(errors::Crypto, QStringLiteral("Neither QCA nor OpenSSL offers HMAC with %1")
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

} // namespace

Result<QByteArray> hmac(HashAlg alg, const QCA::SecureArray &key, const QByteArray &message)
{
    const QString type = QStringLiteral("hmac(%1)").arg(detail::qcaHashName(alg));
    // qca-ossl passes key.data() to HMAC_Init_ex unchecked; for an empty SecureArray that can be
    // a null pointer, which OpenSSL 3 refuses when the digest is new, and qca-ossl then returns
    // a MAC from an uninitialised context (measured: a wrong answer for the empty-key example in
    // tst_primitives). Empty keys therefore take the checked OpenSSL path.
    if (key.isEmpty() || !detail::qcaOffers(type.toLatin1().constData()))
        return opensslHmac(alg, key, message);

    QCA::MessageAuthenticationCode mac(type, QCA::SymmetricKey(key));
    mac.update(message);
    QByteArray out = mac.final().toByteArray();
    if (out.size() != hashLength(alg))
        return fail(errors::Crypto, QStringLiteral("QCA %1 returned %2 bytes").arg(type).arg(out.size()));
    return out;
}

} // namespace qkms::crypto
