#pragma once

// Where a message's data key comes from: the keyring interface of the AWS Encryption SDK, cut to
// what qkms needs. The KMS engine implements it with GenerateDataKey/Decrypt; tests use the
// static provider below or the raw AES keyring.

#include "core/KmsError.h"
#include "envelope/EncryptionContext.h"

#include <QByteArray>
#include <QList>
#include <QtCrypto>

namespace qkms::envelope {

/// Length of every data key the message layer accepts (suites 0x0478/0x0578 use AES-256).
inline constexpr int kDataKeyLength = 32;

/// One wrapped copy of the data key, as stored in the header. For AWS KMS: providerId "aws-kms",
/// providerInfo the key ARN (UTF-8), ciphertext the KMS ciphertext blob.
struct EncryptedDataKey {
    QByteArray providerId;
    QByteArray providerInfo;
    QByteArray ciphertext;
    bool operator==(const EncryptedDataKey &) const = default;
};

/// What DataKeyProvider::generate returns: the plaintext data key and its wrapped copies.
struct GeneratedDataKey {
    QCA::SecureArray plaintextKey;            ///< exactly kDataKeyLength bytes
    QList<EncryptedDataKey> encryptedDataKeys; ///< at least one
};

/// The keyring interface. Both calls receive the message's full encryption context (including
/// "aws-crypto-public-key" for signed messages), which KMS binds to the wrapped key.
class DataKeyProvider
{
public:
    virtual ~DataKeyProvider() = default;

    /// A fresh kDataKeyLength-byte data key and at least one encrypted copy of it. Errors are
    /// the provider's own (e.g. NotFoundException, AccessDeniedException) and pass through.
    [[nodiscard]] virtual Result<GeneratedDataKey> generate(const EncryptionContext &ctx) = 0;

    /// The plaintext data key from the first of `edks` this provider can unwrap. The list and
    /// context come from a header that is not yet authenticated. Errors pass through unchanged.
    [[nodiscard]] virtual Result<QCA::SecureArray> decrypt(const QList<EncryptedDataKey> &edks,
                                                           const EncryptionContext &ctx) = 0;
};

/// A provider that always hands out the same key: for tests, the fuzz target and the published
/// vectors (which carry their plaintext data keys). generate() returns one EDK
/// {"static", "static", ""} unless other EDKs are given.
class StaticDataKeyProvider final : public DataKeyProvider
{
public:
    explicit StaticDataKeyProvider(QCA::SecureArray key, QList<EncryptedDataKey> edks = {});

    /// The fixed key and EDK list; never fails.
    [[nodiscard]] Result<GeneratedDataKey> generate(const EncryptionContext &ctx) override;
    /// The fixed key, whatever the EDKs; never fails.
    [[nodiscard]] Result<QCA::SecureArray> decrypt(const QList<EncryptedDataKey> &edks,
                                                   const EncryptionContext &ctx) override;

private:
    QCA::SecureArray m_key;
    QList<EncryptedDataKey> m_edks;
};

} // namespace qkms::envelope
