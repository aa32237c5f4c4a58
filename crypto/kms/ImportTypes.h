#pragma once

// Key material import as the AWS KMS API shapes it: GetParametersForImport's response,
// ImportKeyMaterial's request and response (ImportOps.cpp).

#include <QByteArray>
#include <QDateTime>
#include <QString>

#include <optional>

namespace qkms::kms {

/// GetParametersForImport's response. The token and the public key are not secret: the token is
/// sealed under the domain key and names a wrapping key that never leaves the vault.
struct ImportParameters {
    QString keyArn;               ///< KeyId (AWS returns the ARN)
    QByteArray importToken;       ///< ImportToken, opaque, valid for this key only
    QByteArray publicKey;         ///< PublicKey, SubjectPublicKeyInfo DER of the RSA wrapping key
    QDateTime parametersValidTo;  ///< ParametersValidTo: 24 hours after the call
};

/// ImportKeyMaterial's request.
struct ImportKeyMaterialRequest {
    QString keyId;                          ///< key id or ARN (no aliases, as AWS)
    QByteArray encryptedKeyMaterial;        ///< EncryptedKeyMaterial, 1..6144 bytes
    QByteArray importToken;                 ///< ImportToken, 1..6144 bytes
    std::optional<QString> expirationModel; ///< KEY_MATERIAL_EXPIRES | KEY_MATERIAL_DOES_NOT_EXPIRE
    std::optional<QDateTime> validTo;       ///< required with KEY_MATERIAL_EXPIRES, refused otherwise
};

/// ImportKeyMaterial's response.
struct ImportKeyMaterialResponse {
    QString keyArn;         ///< KeyId
    QString keyMaterialId;  ///< KeyMaterialId, the same on every import of the same material
};

} // namespace qkms::kms
