// Random bytes from QCA's random provider (qca-ossl: OpenSSL's RAND_bytes, seeded by the
// kernel). QCA's static Random functions take QCA's global RNG mutex, so these are thread-safe.
// QCA silently falls back to its non-cryptographic "default" provider when no plugin offers
// "random"; the start-up self-test refuses to run in that case (QCA::haveSecureRandom()).

#include "primitives/Primitives.h"

namespace qkms::crypto {

QCA::SecureArray randomSecret(int bytes)
{
    if (bytes <= 0)
        return {};
    // Returned straight from QCA in locked memory: never passes through a QByteArray.
    return QCA::Random::randomArray(bytes);
}

QByteArray randomBytes(int bytes)
{
    if (bytes <= 0)
        return {};
    return QCA::Random::randomArray(bytes).toByteArray();
}

} // namespace qkms::crypto
