// PBKDF2-HMAC-SHA512 (RFC 8018) through OpenSSL: qca-ossl offers PBKDF2 with SHA-1 only, and
// QCA::PBKDF2("sha256").makeKey() crashes on this machine (QCA 2.3.10, measured). The passphrase is
// read through SecureArray::constData(); the key is written straight into a SecureArray.

#include "primitives/Primitives.h"
#include "primitives/PrimitivesDetail.h"

#include <openssl/evp.h>

namespace qkms::crypto {

Result<QCA::SecureArray> pbkdf2Sha512(const QCA::SecureArray &passphrase, const QByteArray &salt, int iterations,
                                      int length)
{
    if (iterations < 1)
        return fail(errors::Crypto, QStringLiteral("PBKDF2 needs at least one iteration, not %1").arg(iterations));
    if (length < 1)
        return fail(errors::Crypto, QStringLiteral("PBKDF2 output length must be positive, not %1").arg(length));

    // PKCS5_PBKDF2_HMAC accepts a null password only together with length 0; give it a real
    // pointer either way.
    static const char empty = 0;
    const char *pass = passphrase.isEmpty() ? &empty : passphrase.constData();
    const unsigned char *saltData = salt.isEmpty() ? detail::bytes(&empty) : detail::bytes(salt.constData());

    QCA::SecureArray key(length);
    if (PKCS5_PBKDF2_HMAC(pass, passphrase.size(), saltData, int(salt.size()), iterations, EVP_sha512(), length,
                          detail::bytes(key.data()))
        != 1) {
        key.fill(0);
        return fail(errors::Crypto, QStringLiteral("PBKDF2-HMAC-SHA512 failed: %1").arg(detail::takeOpensslError()));
    }
    return key;
}

} // namespace qkms::crypto
