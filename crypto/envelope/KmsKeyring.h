#pragma once

// The data-key provider of qkms's own files: the AWS KMS keyring of the Encryption SDK, backed by
// the engine of one region. Encrypted data keys have the shape the SDK's KMS keyring writes —
// provider id "aws-kms", provider info the key ARN (UTF-8), ciphertext the KMS ciphertext blob —
// so files open in the official SDKs given a keyring that reaches qkms, and the reverse.

#include "envelope/DataKeyProvider.h"
#include "kms/Requests.h"

#include <QStringList>

#include <optional>

namespace qkms::kms {
class KmsService;
}

namespace qkms::envelope {

/// Provider id of KMS-wrapped data keys.
inline constexpr QLatin1StringView kKmsProviderId{"aws-kms"};

/// Whether the acting principal could unwrap one encrypted data key, found without unwrapping it.
struct DataKeyAccess {
    QString providerId;          ///< "aws-kms", or another keyring's id
    QString keyArn;              ///< provider info as text, for aws-kms EDKs
    bool usable = false;         ///< Decrypt would be allowed now
    std::optional<KmsError> why; ///< when not usable: the error Decrypt would give
};

class KmsKeyring final : public DataKeyProvider
{
public:
    /// A keyring acting as `caller` on `service` (which must outlive it). `keyIds` — key ids,
    /// ARNs, alias names or alias ARNs — are the keys new messages are encrypted under: the first
    /// generates the data key, each further one wraps the same data key again. Decryption needs
    /// none: it tries every EDK of a key in the service's region (the SDK's discovery mode).
    KmsKeyring(kms::KmsService &service, kms::Caller caller, QStringList keyIds = {});

    /// GenerateDataKey (32 bytes) under the first key with the message's context, then Encrypt
    /// of that data key under every further key: one EDK per distinct key ARN. Errors are the
    /// engine's (NotFoundException, AccessDeniedException, DisabledException…) for the first key
    /// that fails; errors::Validation when the keyring has no key.
    [[nodiscard]] Result<GeneratedDataKey> generate(const EncryptionContext &ctx) override;

    /// Decrypt with KeyId = the EDK's ARN and the message's context, for each aws-kms EDK of a key
    /// in this region, in header order; the first data key the caller may use wins. When none
    /// does, the most telling error: AccessDeniedException (AWS's message) before a key state or
    /// ciphertext error before NotFoundException; NotFoundException naming the regions when no
    /// EDK is for a key of this region. The data keys of failed attempts are wiped.
    [[nodiscard]] Result<QCA::SecureArray> decrypt(const QList<EncryptedDataKey> &edks,
                                                   const EncryptionContext &ctx) override;

    /// The ARN of the key whose EDK the last successful decrypt() opened (empty before one).
    [[nodiscard]] QString lastKeyArn() const { return m_lastKeyArn; }

    /// A DryRun of Decrypt for one EDK: resolves the key named by its ARN and asks the engine's
    /// authorizer about kms:Decrypt with `ctx`, then checks key usage and state — nothing is
    /// decrypted. Audited as a Decrypt with dryRun, as AWS records DryRun calls.
    [[nodiscard]] DataKeyAccess checkAccess(const EncryptedDataKey &edk, const EncryptionContext &ctx);

    /// The region of a key ARN ("arn:aws:kms:<region>:<account>:key/<id>"), nothing when `arn`
    /// is not a KMS key ARN (an alias ARN included: the SDK stores key ARNs only).
    [[nodiscard]] static std::optional<QString> regionOfKeyArn(const QString &arn);

private:
    kms::KmsService &m_service;
    kms::Caller m_caller;
    QStringList m_keyIds;
    QString m_lastKeyArn;
};

} // namespace qkms::envelope
