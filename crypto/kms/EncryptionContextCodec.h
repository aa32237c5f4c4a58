#pragma once

// The one byte form of an encryption context that gets authenticated (DESIGN §3, docs/ciphertext-blob.md).
// Pairs sorted by the UTF-8 bytes of their keys, each written `u32 len(key) key u32 len(value) value`
// (lengths big-endian, text UTF-8). The length prefixes make the form injective: {"ab":"c"} and
// {"a":"bc"} give different bytes, where a plain concatenation would give "abc" for both.

#include "core/KmsError.h"
#include "kms/Requests.h"

#include <QByteArray>
#include <QJsonObject>

namespace qkms::kms {

class EncryptionContextCodec
{
public:
    EncryptionContextCodec() = delete;

    /// Largest canonical form accepted (AWS documents no limit; 8 KiB is Alibaba KMS's cap and
    /// far above any real use, while keeping one request's AAD bounded).
    static constexpr int MaxCanonicalBytes = 8192;

    /// The canonical bytes of `context`; empty for an empty context (so an omitted context and an
    /// empty one are the same, as in AWS). ValidationException when a key or value is not valid
    /// Unicode (an unpaired surrogate would make two different strings encode alike) or when the
    /// form exceeds MaxCanonicalBytes.
    [[nodiscard]] static Result<QByteArray> encode(const EncryptionContext &context);

    /// Reverses encode(). Refuses (ValidationException) truncated input, trailing bytes, invalid
    /// UTF-8, and pairs that are out of order or repeated, so every context has exactly one form.
    [[nodiscard]] static Result<EncryptionContext> decode(const QByteArray &canonical);

    /// The context as a JSON object, for the audit (CloudTrail logs the context: it is not secret)
    /// and for policy conditions.
    [[nodiscard]] static QJsonObject toJson(const EncryptionContext &context);
};

} // namespace qkms::kms
