#pragma once

// The engine of one region: AWS KMS operations with AWS names, parameters, limits and exception
// names. Every call names its caller, passes through one authorization hook and is audited.
// Implementation is split by concern: KmsService.cpp (resolution, state rules, audit plumbing),
// KeyLifecycle.cpp, SymmetricOps.cpp, DataKeyOps.cpp, SigningOps.cpp, Aliases.cpp, Tags.cpp.

#include "core/KmsError.h"
#include "kms/Requests.h"

#include <QJsonObject>

#include <functional>
#include <memory>

namespace qkms::vault {
class Vault;
}
namespace qkms::store {
class Database;
}

namespace qkms::kms {

class AuditLog;

/// What the authorization hook is asked: may `caller` perform `action` ("kms:Encrypt") on `key`
/// (absent for CreateKey, ListKeys, ListAliases), with these condition values?
struct AuthRequest {
    const Caller *caller = nullptr;
    QString action;
    const KeyRecord *key = nullptr;
    EncryptionContext encryptionContext;
    QMap<QString, QStringList> conditions; ///< other condition keys, e.g. kms:EncryptionAlgorithm
};
/// Returns success to allow, or AccessDeniedException with AWS's message to deny.
using Authorizer = std::function<Status(const AuthRequest &)>;

class KmsService
{
public:
    /// The service of `region` in an unlocked vault (its file is created on first use). The
    /// vault must outlive the service. errors::Vault when locked, Validation for a bad region.
    [[nodiscard]] static Result<std::unique_ptr<KmsService>> open(vault::Vault &vault, const QString &region);
    ~KmsService();
    KmsService(const KmsService &) = delete;
    KmsService &operator=(const KmsService &) = delete;

    [[nodiscard]] QString region() const { return m_region; }
    [[nodiscard]] QString accountId() const;
    [[nodiscard]] QString rootArn() const;
    /// Replaces the authorization hook. Until policies exist (step 3) the default allows the
    /// account root everything and refuses other principals with AccessDeniedException.
    void setAuthorizer(Authorizer authorizer);

    // Keys
    [[nodiscard]] Result<KeyRecord> createKey(const Caller &c, const CreateKeyRequest &r);
    [[nodiscard]] Result<KeyRecord> describeKey(const Caller &c, const QString &keyId);
    [[nodiscard]] Result<ListKeysResponse> listKeys(const Caller &c, int limit = 1000, const QString &marker = {});
    [[nodiscard]] Status updateKeyDescription(const Caller &c, const QString &keyId, const QString &description);
    [[nodiscard]] Status enableKey(const Caller &c, const QString &keyId);
    [[nodiscard]] Status disableKey(const Caller &c, const QString &keyId);
    [[nodiscard]] Result<KeyRecord> scheduleKeyDeletion(const Caller &c, const QString &keyId, int pendingWindowInDays = 30);
    [[nodiscard]] Result<KeyRecord> cancelKeyDeletion(const Caller &c, const QString &keyId);
    /// The AWS-managed key of `service` (alias/aws/<service>), created on first use.
    [[nodiscard]] Result<KeyRecord> awsManagedKey(const Caller &c, const QString &service);
    /// Destroys every key whose deletion date has passed; returns how many. Run by the scheduler.
    [[nodiscard]] Result<int> runDueDeletions();

    // Symmetric and RSA encryption, data keys, random
    [[nodiscard]] Result<EncryptResponse> encrypt(const Caller &c, const QString &keyId, const QCA::SecureArray &plaintext,
                                                  const EncryptionContext &context = {},
                                                  const QString &algorithm = QStringLiteral("SYMMETRIC_DEFAULT"));
    [[nodiscard]] Result<DecryptResponse> decrypt(const Caller &c, const QByteArray &ciphertextBlob,
                                                  const EncryptionContext &context = {}, const QString &keyId = {},
                                                  const QString &algorithm = QStringLiteral("SYMMETRIC_DEFAULT"));
    [[nodiscard]] Result<ReEncryptResponse> reEncrypt(const Caller &c, const QByteArray &ciphertextBlob,
                                                      const QString &destinationKeyId,
                                                      const EncryptionContext &sourceContext = {},
                                                      const EncryptionContext &destinationContext = {},
                                                      const QString &sourceKeyId = {});
    /// Exactly one of keySpec ("AES_128" | "AES_256") and numberOfBytes (1..1024).
    [[nodiscard]] Result<DataKeyResponse> generateDataKey(const Caller &c, const QString &keyId,
                                                          const EncryptionContext &context,
                                                          const std::optional<QString> &keySpec,
                                                          const std::optional<int> &numberOfBytes,
                                                          bool withPlaintext = true);
    [[nodiscard]] Result<DataKeyPairResponse> generateDataKeyPair(const Caller &c, const QString &keyId,
                                                                  const QString &keyPairSpec,
                                                                  const EncryptionContext &context,
                                                                  bool withPlaintext = true);
    [[nodiscard]] Result<QCA::SecureArray> generateRandom(const Caller &c, int numberOfBytes);

    // Signing, MACs, public keys
    [[nodiscard]] Result<SignResponse> sign(const Caller &c, const QString &keyId, const QByteArray &message,
                                            const QString &messageType, const QString &signingAlgorithm);
    [[nodiscard]] Result<bool> verify(const Caller &c, const QString &keyId, const QByteArray &message,
                                      const QString &messageType, const QByteArray &signature,
                                      const QString &signingAlgorithm);
    [[nodiscard]] Result<QByteArray> generateMac(const Caller &c, const QString &keyId, const QByteArray &message,
                                                 const QString &macAlgorithm);
    [[nodiscard]] Result<bool> verifyMac(const Caller &c, const QString &keyId, const QByteArray &message,
                                         const QByteArray &mac, const QString &macAlgorithm);
    [[nodiscard]] Result<PublicKeyResponse> getPublicKey(const Caller &c, const QString &keyId);

    // Aliases
    [[nodiscard]] Status createAlias(const Caller &c, const QString &aliasName, const QString &targetKeyId);
    [[nodiscard]] Status updateAlias(const Caller &c, const QString &aliasName, const QString &targetKeyId);
    [[nodiscard]] Status deleteAlias(const Caller &c, const QString &aliasName);
    [[nodiscard]] Result<ListAliasesResponse> listAliases(const Caller &c, const QString &keyId = {}, int limit = 100,
                                                          const QString &marker = {});

    // Tags
    [[nodiscard]] Status tagResource(const Caller &c, const QString &keyId, const Tags &tags);
    [[nodiscard]] Status untagResource(const Caller &c, const QString &keyId, const QStringList &tagKeys);
    [[nodiscard]] Result<ListTagsResponse> listResourceTags(const Caller &c, const QString &keyId, int limit = 50,
                                                            const QString &marker = {});

    // Key policy (the document; evaluation is the authorizer's)
    [[nodiscard]] Result<QString> getKeyPolicy(const Caller &c, const QString &keyId);

    /// The audit log of this region.
    [[nodiscard]] AuditLog &audit();
    /// The region's database (for the audit log and tests).
    [[nodiscard]] store::Database &database();

    // ---- internals shared by the implementation files ----
    /// Finds a key by id, ARN, alias name or alias ARN (aliases only when allowAlias).
    /// NotFoundException / InvalidArnException as AWS words them.
    [[nodiscard]] Result<KeyRecord> resolveKey(const QString &keyId, bool allowAlias);
    /// Loads and unwraps material `version` of `key` (0 = current).
    [[nodiscard]] Result<QCA::SecureArray> material(const KeyRecord &key, int version = 0);
    /// Authorizes `action` on `key` for `c`.
    [[nodiscard]] Status authorize(const Caller &c, const QString &action, const KeyRecord *key,
                                   const EncryptionContext &context = {},
                                   const QMap<QString, QStringList> &conditions = {});
    /// Records one operation in the audit log. `params` never holds secrets.
    void record(const Caller &c, const QString &operation, const QString &keyArn, const QJsonObject &params,
                const std::optional<KmsError> &error);
    /// Saves key metadata (state, description, deletion date…).
    [[nodiscard]] Status saveKey(const KeyRecord &key);
    [[nodiscard]] vault::Vault &vault() { return m_vault; }

private:
    KmsService(vault::Vault &vault, QString region, store::Database *db);

    vault::Vault &m_vault;
    QString m_region;
    store::Database *m_db = nullptr;
    Authorizer m_authorizer;
    std::unique_ptr<AuditLog> m_audit;
};

} // namespace qkms::kms
