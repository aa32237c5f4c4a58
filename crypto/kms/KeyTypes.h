#pragma once

// The vocabulary of AWS KMS keys: specs, usages, states, origins, algorithms, with the exact AWS
// spellings used in requests, responses, errors and the audit.

#include <QString>
#include <QStringList>

#include <optional>

namespace qkms::kms {

enum class KeySpec {
    SymmetricDefault,
    Rsa2048, Rsa3072, Rsa4096,
    EccNistP256, EccNistP384, EccNistP521, EccSecgP256k1,
    Hmac224, Hmac256, Hmac384, Hmac512,
};
enum class KeyUsage { EncryptDecrypt, SignVerify, GenerateVerifyMac };
enum class KeyState { Enabled, Disabled, PendingDeletion, PendingImport };
enum class Origin { AwsKms, External };
enum class KeyManager { Aws, Customer };
/// The three kinds UpdateAlias compares ("same type").
enum class KeyClass { Symmetric, Asymmetric, Hmac };

[[nodiscard]] QString toString(KeySpec v);
[[nodiscard]] QString toString(KeyUsage v);
[[nodiscard]] QString toString(KeyState v);
[[nodiscard]] QString toString(Origin v);
[[nodiscard]] QString toString(KeyManager v);
[[nodiscard]] std::optional<KeySpec> keySpecFromString(const QString &s);
[[nodiscard]] std::optional<KeyUsage> keyUsageFromString(const QString &s);
[[nodiscard]] std::optional<KeyState> keyStateFromString(const QString &s);
[[nodiscard]] std::optional<Origin> originFromString(const QString &s);
[[nodiscard]] std::optional<KeyManager> keyManagerFromString(const QString &s);

[[nodiscard]] const QStringList &allKeySpecNames();
[[nodiscard]] KeyClass keyClass(KeySpec spec);
/// Usages AWS allows for a spec (RSA: encrypt or sign; EC: sign; HMAC: MAC; symmetric: encrypt).
[[nodiscard]] QList<KeyUsage> allowedUsages(KeySpec spec);
/// The usage CreateKey picks when none is given (ENCRYPT_DECRYPT; HMAC specs must name theirs).
[[nodiscard]] std::optional<KeyUsage> defaultUsage(KeySpec spec);

/// EncryptionAlgorithms / SigningAlgorithms / MacAlgorithms of DescribeKey for a spec and usage.
[[nodiscard]] QStringList encryptionAlgorithms(KeySpec spec, KeyUsage usage);
[[nodiscard]] QStringList signingAlgorithms(KeySpec spec, KeyUsage usage);
[[nodiscard]] QStringList macAlgorithms(KeySpec spec, KeyUsage usage);

/// Length in bytes of an HMAC key of this spec (28/32/48/64), 32 for symmetric, 0 otherwise.
[[nodiscard]] int secretKeyLength(KeySpec spec);

} // namespace qkms::kms
