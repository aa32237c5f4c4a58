#pragma once

// A digest computed over data that arrives in pieces (a signed message's bytes as they stream
// through), through one OpenSSL EVP_MD_CTX. Free of OpenSSL types like the rest of primitives/.

#include "primitives/Primitives.h"

#include <QByteArray>

#include <memory>

namespace qkms::crypto {

class IncrementalHash
{
public:
    /// A running digest of `alg`; isValid() is false when OpenSSL cannot provide it.
    explicit IncrementalHash(HashAlg alg);
    ~IncrementalHash();
    IncrementalHash(const IncrementalHash &) = delete;
    IncrementalHash &operator=(const IncrementalHash &) = delete;

    /// False when the digest could not be set up, or an update failed (sticky, like QCA's ok()).
    [[nodiscard]] bool isValid() const;
    /// Feeds `n` bytes. Any length, including more than 2 GiB.
    void add(const char *data, qint64 n);
    void add(const QByteArray &data) { add(data.constData(), data.size()); }
    /// The digest of everything added (hashLength(alg) bytes), or an empty array when invalid.
    /// The object is spent afterwards: further add() or result() calls give an empty result.
    [[nodiscard]] QByteArray result();

private:
    struct Impl;
    std::unique_ptr<Impl> d;
};

} // namespace qkms::crypto
