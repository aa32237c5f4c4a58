#pragma once

// Checks and helpers shared by the encryption and data-key operations (SymmetricOps.cpp,
// DataKeyOps.cpp). Engine-internal: only KmsService implementation files include this.

#include "core/KmsError.h"
#include "kms/KmsService.h"

#include <optional>

namespace qkms::kms::ops {

inline constexpr int MaxPlaintextBytes = 4096;   ///< Encrypt's Plaintext
inline constexpr int MaxCiphertextBytes = 6144;  ///< Decrypt's and ReEncrypt's CiphertextBlob
inline constexpr int MaxRandomBytes = 1024;      ///< NumberOfBytes of GenerateRandom and GenerateDataKey

/// "SYMMETRIC_DEFAULT", the encryption algorithm of symmetric keys.
[[nodiscard]] const QString &symmetricDefault();

/// The error of a result, for KmsService::record().
template <typename T>
[[nodiscard]] std::optional<KmsError> errorOf(const Result<T> &r)
{
    return r ? std::nullopt : std::optional<KmsError>(r.error());
}

/// ValidationException in AWS's "1 validation error detected: …" shape.
[[nodiscard]] std::unexpected<KmsError> validation(const QString &message);
/// A blob member's length must be 1..max (AWS quotes no value for blobs).
[[nodiscard]] Status checkLength(qsizetype size, const QString &member, int max);
/// An integer member must be 1..max.
[[nodiscard]] Status checkRange(int value, const QString &member, int max);

/// Authorizes `action` on `k` (with `algorithm` as kms:EncryptionAlgorithm when given), then
/// checks key usage ENCRYPT_DECRYPT (InvalidKeyUsageException naming `operation`), the key state
/// (Disabled / KMSInvalidState) and, when given, that `algorithm` suits the key spec
/// (InvalidKeyUsageException) — in the order AWS answers.
[[nodiscard]] Status admit(KmsService &s, const Caller &c, const QString &operation, const QString &action,
                           const KeyRecord &k, const EncryptionContext &context, QMap<QString, QStringList> conditions,
                           const std::optional<QString> &algorithm);

/// Seals `plaintext` into a CiphertextBlob under the current material version of symmetric key `k`.
[[nodiscard]] Result<QByteArray> sealSymmetric(KmsService &s, const KeyRecord &k, const QCA::SecureArray &plaintext,
                                               const QByteArray &canonicalContext);

} // namespace qkms::kms::ops
