// Random bytes from OpenSSL's RAND_bytes (seeded by the kernel), the generator qca-ossl's
// random provider calls, with QCA's provider as the fallback. QCA's static Random functions take
// QCA's global RNG mutex and RAND_bytes is thread-safe, so both paths are.
// QCA silently falls back to its non-cryptographic "default" provider when no plugin offers
// "random"; the start-up self-test refuses to run in that case (QCA::haveSecureRandom()).

#include "primitives/Primitives.h"
#include "primitives/PrimitivesDetail.h"

#include <openssl/err.h>
#include <openssl/rand.h>

namespace qkms::crypto {

QCA::SecureArray randomSecret(int bytes)
{
    if (bytes <= 0)
        return {};
    // Written by RAND_bytes straight into locked SecureArray memory: never passes through a
    // QByteArray, and skips QCA's global RNG mutex and provider lookup (a GenerateDataKey's
    // worth of key cost ~4k instructions that way). QCA is the fallback.
    QCA::SecureArray out(bytes);
    if (RAND_bytes(detail::bytes(out.data()), bytes) == 1)
        return out;
    ERR_clear_error();
    return QCA::Random::randomArray(bytes);
}

QByteArray randomBytes(int bytes)
{
    if (bytes <= 0)
        return {};
    // Public values (nonces, salts, ids) come from OpenSSL's RAND_bytes directly, the generator
    // qca-ossl itself calls: QCA's path takes a global mutex and a locked-memory SecureArray,
    // about 5k instructions for a 12-byte nonce. QCA stays the fallback and the source of secrets.
    QByteArray out(bytes, Qt::Uninitialized);
    if (RAND_bytes(detail::bytes(out.data()), bytes) == 1)
        return out;
    ERR_clear_error();
    return QCA::Random::randomArray(bytes).toByteArray();
}

} // namespace qkms::crypto
