#pragma once

// The engine of one region: AWS KMS operations with AWS names, parameters, limits and exception
// names. Every call names its caller, passes through one authorization hook and is audited.
// Implementation is split by concern: KmsService.cpp (resolution, state rules, audit plumbing),
// KeyLifecycle.cpp, SymmetricOps.cpp, DataKeyOps.cpp, SigningOps.cpp, Aliases.cpp, Tags.cpp.

#include "core/KmsError.h"
#include "kms/GrantTypes.h"
#include "kms/ImportTypes.h"
#include "kms/Requests.h"
#include "policy/PolicyEvaluator.h"

#include <QJsonObject>

#include <functional>
#include <memory>

namespace qkms::vault {
class Vault;
}
namespace qkms::store {
class Database;
}
namespace qkms::iam {
class PrincipalStore;
}

namespace qkms::kms {

class AuditLog;
class PolicyAuthorizer;
class RegionCache;

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

// ---- Rotation: shapes (Rotation.cpp, Scheduler.h) ----
/// GetKeyRotationStatus.
struct KeyRotationStatus {
    QString keyArn;
    bool enabled = false;                                ///< KeyRotationEnabled
    std::optional<int> periodDays;                       ///< RotationPeriodInDays, while enabled
    std::optional<QDateTime> nextRotationDate;           ///< NextRotationDate, while enabled
    std::optional<QDateTime> onDemandRotationStartDate;  ///< never set: qkms rotates synchronously
};
/// One entry of ListKeyRotations: a completed rotation.
struct KeyRotationEntry {
    QString keyId;
    QString keyMaterialId;   ///< 64 hex characters
    QDateTime rotationDate;  ///< when the material came into use
    QString rotationType;    ///< AUTOMATIC | ON_DEMAND
    bool current = false;    ///< KeyMaterialState CURRENT (else NON_CURRENT)
};
struct ListKeyRotationsResponse {
    QList<KeyRotationEntry> rotations;
    std::optional<QString> nextMarker;
};
/// What one automatic rotation did, for the scheduler's report.
struct AutomaticRotation {
    QString keyId;
    QString keyArn;
    QDateTime dueAt;        ///< the scheduled date (the oldest missed one when several were missed)
    QDateTime ranAt;        ///< when it ran: the RotationDate of the new material
    int newVersion = 0;
    int missedPeriods = 0;  ///< due dates collapsed into this one rotation, beyond the first
};

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
    /// Replaces the authorization hook. The default is the PolicyAuthorizer: key policies,
    /// identity policies and grants, decided as AWS KMS decides.
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
                                                      const QString &sourceKeyId = {},
                                                      const QString &sourceEncryptionAlgorithm = QStringLiteral("SYMMETRIC_DEFAULT"),
                                                      const QString &destinationEncryptionAlgorithm = QStringLiteral("SYMMETRIC_DEFAULT"));
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

    // ---- Key material import (ImportOps.cpp) ----
    /// GetParametersForImport: a fresh RSA wrapping key (`wrappingKeySpec` RSA_2048|3072|4096) and
    /// an import token for EXTERNAL key `keyId`, both valid 24 hours. `wrappingAlgorithm`
    /// RSAES_OAEP_SHA_1|256 or RSA_AES_KEY_WRAP_SHA_1|256. ValidationException for other names;
    /// UnsupportedOperationException for RSAES_PKCS1_V1_5, SM2 and keys whose origin is not
    /// EXTERNAL; KMSInvalidStateException while pending deletion.
    [[nodiscard]] Result<ImportParameters> getParametersForImport(const Caller &c, const QString &keyId,
                                                                  const QString &wrappingAlgorithm,
                                                                  const QString &wrappingKeySpec = QStringLiteral("RSA_2048"));
    /// ImportKeyMaterial: unwraps the material with the token's wrapping key and installs it
    /// (PendingImport → Enabled). InvalidImportTokenException for a token not made here or for
    /// another key, ExpiredImportTokenException after its 24 hours, InvalidCiphertextException when
    /// the material does not unwrap, IncorrectKeyMaterialException for the wrong length or for
    /// material other than what the key had before; ValidationException for a bad expiration model
    /// or ValidTo; the Import state rules otherwise.
    [[nodiscard]] Result<ImportKeyMaterialResponse> importKeyMaterial(const Caller &c, const ImportKeyMaterialRequest &r);
    /// DeleteImportedKeyMaterial: destroys the material; the key becomes PendingImport (a key
    /// pending deletion keeps its state). UnsupportedOperationException unless origin EXTERNAL.
    [[nodiscard]] Status deleteImportedKeyMaterial(const Caller &c, const QString &keyId);
    /// Deletes imported material whose ValidTo has passed (audited as DeleteExpiredKeyMaterial);
    /// returns the key ids. Run by the scheduler; a key that fails does not stop the others.
    [[nodiscard]] Result<QStringList> expireImportedMaterial(QList<QPair<QString, KmsError>> *failures = nullptr);

    /// The audit log of this region.
    [[nodiscard]] AuditLog &audit();
    /// The region's database (for the audit log and tests).
    [[nodiscard]] store::Database &database();

    // ---- Rotation (Rotation.cpp; the schedule runs in Scheduler.h) ----
    /// AWS-managed keys rotate this often, from creation, and cannot be switched off (AWS's rule
    /// since May 2022; it was about three years before).
    static constexpr int AwsManagedRotationPeriodDays = 365;
    /// Turns automatic rotation on: the next rotation is `rotationPeriodInDays` (90..2560, else
    /// ValidationException) from now, also when it was on already. UnsupportedOperationException
    /// for keys that are not SYMMETRIC_DEFAULT with AWS_KMS origin, and for AWS-managed keys;
    /// Disabled/KMSInvalidState by key state.
    [[nodiscard]] Status enableKeyRotation(const Caller &c, const QString &keyId, int rotationPeriodInDays = 365);
    /// Turns automatic rotation off; existing material versions stay usable. Errors as enable.
    [[nodiscard]] Status disableKeyRotation(const Caller &c, const QString &keyId);
    /// Whether and when the key rotates. Always enabled (365 days) for AWS-managed keys; false
    /// for keys that cannot rotate and while the key is pending deletion.
    [[nodiscard]] Result<KeyRotationStatus> getKeyRotationStatus(const Caller &c, const QString &keyId);
    /// Adds a material version now, leaving the automatic schedule as it is; returns the key id.
    /// LimitExceededException after 25 on-demand rotations; ConflictException when an automatic
    /// rotation is due within 20 minutes; errors as enable otherwise.
    [[nodiscard]] Result<QString> rotateKeyOnDemand(const Caller &c, const QString &keyId);
    /// Completed rotations, oldest first; `limit` 1..1000, `marker` from a previous page
    /// (InvalidMarkerException otherwise). UnsupportedOperationException for keys that cannot rotate.
    [[nodiscard]] Result<ListKeyRotationsResponse> listKeyRotations(const Caller &c, const QString &keyId,
                                                                    int limit = 100, const QString &marker = {});
    /// The scheduler's step for one key: if its automatic rotation is due now, adds a version
    /// inside one IMMEDIATE transaction that re-reads the schedule, so two processes never make
    /// the same rotation twice. std::nullopt when nothing was due (or another process did it).
    [[nodiscard]] Result<std::optional<AutomaticRotation>> rotateIfDue(const QString &keyId);

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
    /// The same with requestParameters already written as JSON (AuditParams::take()), for the
    /// operations that run thousands of times a second.
    void recordJson(const Caller &c, const QString &operation, const QString &keyArn, QByteArray paramsJson,
                    const std::optional<KmsError> &error);
    /// Saves key metadata (state, description, deletion date…).
    [[nodiscard]] Status saveKey(const KeyRecord &key);
    /// Key rows, policies, aliases, tags, grants and wrapped material as last read; emptied
    /// whenever the region file changes (RegionCache.h). resolveKey revalidates it.
    [[nodiscard]] RegionCache &cache();
    [[nodiscard]] vault::Vault &vault() { return m_vault; }

private:
    KmsService(vault::Vault &vault, QString region, store::Database *db);
    /// record() and recordJson(): one of `params` / `paramsJson` is empty.
    void append(const Caller &c, const QString &operation, const QString &keyArn, const QJsonObject &params,
                QByteArray paramsJson, const std::optional<KmsError> &error);

    vault::Vault &m_vault;
    QString m_region;
    store::Database *m_db = nullptr;
    Authorizer m_authorizer;
    std::unique_ptr<AuditLog> m_audit;
    std::unique_ptr<RegionCache> m_cache;

    // ======================= Key policies and grants (PolicyOps.cpp, Grants.cpp) =======================
public:
    /// PutKeyPolicy. `policyName` must be "default" (NotFoundException otherwise, as GetKeyPolicy). The document is
    /// parsed as a key policy: LimitExceededException above 32 KB, MalformedPolicyDocumentException
    /// naming the problem (unknown principals included). Unless `bypassPolicyLockoutSafetyCheck`,
    /// the new policy must let the caller call PutKeyPolicy again (MalformedPolicyDocumentException
    /// "The new key policy will not allow you to update the key policy in the future."). AWS-managed
    /// keys refuse it (UnsupportedOperationException). Allowed in every key state.
    [[nodiscard]] Status putKeyPolicy(const Caller &c, const QString &keyId, const QString &policyName,
                                      const QString &policy, bool bypassPolicyLockoutSafetyCheck = false);
    /// ListKeyPolicies: always ["default"].
    [[nodiscard]] Result<QStringList> listKeyPolicies(const Caller &c, const QString &keyId);
    /// The checks CreateKey runs on a given policy (none when `policy` is absent): size, parse,
    /// known principals and, unless `bypass`, the lockout check for `c` on the key `keyArn`.
    [[nodiscard]] Status validateNewKeyPolicy(const Caller &c, const std::optional<QString> &policy, bool bypass,
                                              const QString &keyArn);
    /// The simulator: how `action` ("kms:Encrypt") by `principalArn` on `keyId` (id, ARN or alias;
    /// empty for account-level actions) with `context` and extra condition keys would be decided,
    /// by the same code a real call runs, without performing it. A principal may simulate itself;
    /// only the account root may simulate others (AccessDeniedException). ValidationException for
    /// an action that is not a KMS action. Audited as SimulatePolicy.
    [[nodiscard]] Result<policy::Decision> simulate(const Caller &c, const QString &principalArn, const QString &action,
                                                    const QString &keyId, const EncryptionContext &context = {},
                                                    const QMap<QString, QStringList> &conditions = {});

    /// CreateGrant. ValidationException for no or unknown operations, operations the key cannot
    /// do, a bad Name, an unknown grantee or retiring principal, or a constraint on a key that
    /// takes no encryption context; LimitExceededException past 50,000 grants per key. A retry
    /// with the same Name and parameters returns the same GrantId (with a new token).
    [[nodiscard]] Result<CreateGrantResponse> createGrant(const Caller &c, const CreateGrantRequest &r);
    /// ListGrants of a key, optionally only `grantId` or `granteePrincipal`; limit 1..100.
    /// InvalidMarkerException for a marker this listing did not give.
    [[nodiscard]] Result<ListGrantsResponse> listGrants(const Caller &c, const QString &keyId, int limit = 50,
                                                        const QString &marker = {}, const QString &grantId = {},
                                                        const QString &granteePrincipal = {});
    /// ListRetirableGrants: grants whose retiring principal is `retiringPrincipal` (IAM-only permission).
    [[nodiscard]] Result<ListGrantsResponse> listRetirableGrants(const Caller &c, const QString &retiringPrincipal,
                                                                 int limit = 50, const QString &marker = {});
    /// RetireGrant by `grantToken`, or by `keyId` and `grantId`. Allowed to the grant's retiring
    /// principal, its grantee when it includes RetireGrant, and the account root; AccessDenied
    /// otherwise. InvalidGrantTokenException / InvalidGrantIdException / NotFoundException.
    [[nodiscard]] Status retireGrant(const Caller &c, const QString &grantToken, const QString &keyId = {},
                                     const QString &grantId = {});
    /// RevokeGrant (policy-controlled). InvalidGrantIdException / NotFoundException.
    [[nodiscard]] Status revokeGrant(const Caller &c, const QString &keyId, const QString &grantId);
    /// Checks the GrantTokens of a request: at most 10, each 1..8192 characters and a token this
    /// vault issued (InvalidGrantTokenException). A valid token's grant is already in effect: the
    /// engine has no eventual consistency to bridge.
    [[nodiscard]] Status checkGrantTokens(const QStringList &grantTokens) const;

    /// The account's IAM principals and identity policies.
    [[nodiscard]] iam::PrincipalStore &principals();
    /// The policy authorizer this service was opened with (also when setAuthorizer replaced it).
    [[nodiscard]] PolicyAuthorizer &policyAuthorizer();
    /// The explanation of the last decision the policy authorizer made (summary and one line per
    /// statement), for --debug; empty when it has made none.
    [[nodiscard]] QString lastDecisionTrace() const;

private:
    std::unique_ptr<iam::PrincipalStore> m_principals;
    std::shared_ptr<PolicyAuthorizer> m_policyAuthorizer;
};

} // namespace qkms::kms
