#pragma once

// The wrapping keys of key material import: GetParametersForImport makes an RSA key pair per
// call and keeps it (private half wrapped under the domain key) in the region file until its
// token expires; the ImportToken is that row's id sealed under the domain key, so a token cannot
// be forged, moved to another vault, or used for another key. ImportKeyMaterial opens the token
// and unwraps the material with the pair. Engine-internal: only ImportOps.cpp includes this.

#include "core/KmsError.h"
#include "kms/ImportRows.h"
#include "kms/KeyRecord.h"

#include <QByteArray>
#include <QString>
#include <QtCrypto>

namespace qkms::crypto {
enum class KeyKind;
}

namespace qkms::vault {
class Vault;
}

namespace qkms::kms::ops {

/// The WrappingAlgorithm values qkms accepts.
enum class Wrapping { OaepSha1, OaepSha256, AesKeyWrapSha1, AesKeyWrapSha256 };

/// `name` as a wrapping algorithm: ValidationException for a name outside AWS's enum,
/// UnsupportedOperationException for RSAES_PKCS1_V1_5 and SM2PKE.
[[nodiscard]] Result<Wrapping> parseWrapping(const QString &name);
/// `name` as a wrapping key spec: ValidationException outside AWS's enum,
/// UnsupportedOperationException for SM2.
[[nodiscard]] Result<crypto::KeyKind> parseWrappingSpec(const QString &name);

/// A new wrapping key: the row that keeps it and the ImportToken that names the row.
struct WrappingKey {
    rows::ImportParametersRow row;
    QByteArray importToken;
};

/// Generates a `kind` key pair for importing into `key` and seals its token; the row is valid
/// for 24 hours from now (the vault's clock) and not stored yet. Fails when generation or
/// wrapping fails.
[[nodiscard]] Result<WrappingKey> makeWrappingKey(const vault::Vault &vault, const KeyRecord &key, crypto::KeyKind kind,
                                                  const QString &wrappingAlgorithm, const QString &wrappingKeySpec);

/// InvalidImportTokenException for a token that does not belong to the key.
[[nodiscard]] std::unexpected<KmsError> invalidToken();

/// The row an ImportToken names, or InvalidImportTokenException (a forged or foreign token, or
/// one whose row was purged after it expired); store errors as they come.
[[nodiscard]] Result<rows::ImportParametersRow> openImportToken(const vault::Vault &vault, store::Database &db,
                                                                const QByteArray &token);

/// EncryptedKeyMaterial unwrapped with the private key of `p` for key `k`.
/// InvalidCiphertextException when it was not wrapped with that key and algorithm.
[[nodiscard]] Result<QCA::SecureArray> unwrapImportedMaterial(const vault::Vault &vault, const KeyRecord &k,
                                                              const rows::ImportParametersRow &p,
                                                              const QByteArray &encrypted);

} // namespace qkms::kms::ops
