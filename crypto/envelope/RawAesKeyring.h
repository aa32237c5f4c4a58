#pragma once

// The AWS Encryption SDK's raw AES keyring (SPEC framework/raw-aes-keyring.md): the data key
// wrapped with AES-256-GCM under a local key. qkms files use KMS-wrapped keys; this keyring exists
// so the published vectors 1–2 can be checked end to end, EDK included, and for tests.

#include "envelope/DataKeyProvider.h"

#include <QString>

namespace qkms::envelope {

class RawAesKeyring final : public DataKeyProvider
{
public:
    /// A keyring for `wrappingKey` (32 bytes) named `keyNamespace`/`keyName`. errors::Validation
    /// for a key of another length, an empty name, or a namespace starting with "aws-kms"
    /// (reserved for KMS keyrings).
    [[nodiscard]] static Result<RawAesKeyring> create(const QString &keyNamespace, const QString &keyName,
                                                      const QCA::SecureArray &wrappingKey);

    /// A random data key wrapped once: providerId = namespace, providerInfo = keyName ‖ u32 128
    /// ‖ u32 12 ‖ iv, ciphertext = GCM ciphertext ‖ tag, AAD = the serialized context.
    [[nodiscard]] Result<GeneratedDataKey> generate(const EncryptionContext &ctx) override;
    /// Unwraps the first EDK with this namespace and key name that authenticates under the
    /// context. errors::InvalidCiphertext when none does.
    [[nodiscard]] Result<QCA::SecureArray> decrypt(const QList<EncryptedDataKey> &edks,
                                                   const EncryptionContext &ctx) override;

private:
    RawAesKeyring(QByteArray keyNamespace, QByteArray keyName, QCA::SecureArray wrappingKey);

    QByteArray m_namespace;
    QByteArray m_keyName;
    QCA::SecureArray m_wrappingKey;
};

} // namespace qkms::envelope
