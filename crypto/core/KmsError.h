#pragma once

#include <QString>

#include <expected>

namespace qkms {

/// The one error type of the engine: an AWS exception name and a message a person can read.
/// Every front end (console, CLI, endpoint) shows exactly these two strings. Messages never
/// contain key material, data keys or plaintext.
struct KmsError {
    QString type;    ///< AWS exception name, e.g. "NotFoundException", or a qkms one ("VaultException").
    QString message; ///< Human-readable, AWS wording where AWS has one.

    [[nodiscard]] QString toString() const { return type + QStringLiteral(": ") + message; }
    bool operator==(const KmsError &) const = default;
};

/// Every fallible call returns one of these; the caller must look at it.
template <typename T>
using Result = std::expected<T, KmsError>;

/// Result of a call that returns nothing on success.
using Status = std::expected<void, KmsError>;

[[nodiscard]] inline std::unexpected<KmsError> fail(const QString &type, const QString &message)
{
    return std::unexpected(KmsError{type, message});
}

namespace errors {
// AWS KMS exception names, spelled once.
inline const QString NotFound = QStringLiteral("NotFoundException");
inline const QString Disabled = QStringLiteral("DisabledException");
inline const QString InvalidState = QStringLiteral("KMSInvalidStateException");
inline const QString InvalidCiphertext = QStringLiteral("InvalidCiphertextException");
inline const QString IncorrectKey = QStringLiteral("IncorrectKeyException");
inline const QString InvalidKeyUsage = QStringLiteral("InvalidKeyUsageException");
inline const QString AlreadyExists = QStringLiteral("AlreadyExistsException");
inline const QString InvalidAliasName = QStringLiteral("InvalidAliasNameException");
inline const QString InvalidArn = QStringLiteral("InvalidArnException");
inline const QString InvalidMarker = QStringLiteral("InvalidMarkerException");
inline const QString MalformedPolicy = QStringLiteral("MalformedPolicyDocumentException");
inline const QString LimitExceeded = QStringLiteral("LimitExceededException");
inline const QString UnsupportedOperation = QStringLiteral("UnsupportedOperationException");
inline const QString AccessDenied = QStringLiteral("AccessDeniedException");
inline const QString Validation = QStringLiteral("ValidationException");
inline const QString Tag = QStringLiteral("TagException");
inline const QString InvalidSignature = QStringLiteral("KMSInvalidSignatureException");
inline const QString InvalidMac = QStringLiteral("KMSInvalidMacException");
inline const QString InvalidImportToken = QStringLiteral("InvalidImportTokenException");
inline const QString ExpiredImportToken = QStringLiteral("ExpiredImportTokenException");
inline const QString IncorrectKeyMaterial = QStringLiteral("IncorrectKeyMaterialException");
inline const QString InvalidGrantToken = QStringLiteral("InvalidGrantTokenException");
inline const QString InvalidGrantId = QStringLiteral("InvalidGrantIdException");
inline const QString Conflict = QStringLiteral("ConflictException");
inline const QString Internal = QStringLiteral("KMSInternalException");
// qkms's own, for things AWS has no name for.
inline const QString Vault = QStringLiteral("VaultException");           ///< wrong passphrase, corrupt or missing vault
inline const QString Storage = QStringLiteral("StorageException");       ///< SQLCipher / file system failure
inline const QString SelfTest = QStringLiteral("CryptoSelfTestException"); ///< a required algorithm is missing or wrong
inline const QString Crypto = QStringLiteral("CryptoException");         ///< a primitive failed unexpectedly
inline const QString Cancelled = QStringLiteral("CancelledException"); ///< a long operation stopped by its user
} // namespace errors

} // namespace qkms
