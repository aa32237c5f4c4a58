#pragma once

#include <QJsonObject>
#include <QString>
#include <QStringList>

namespace qkms::policy {

/// What the key is for, which fixes the console's "key users" actions.
enum class KeyUsageProfile {
    SymmetricEncryption,  ///< SYMMETRIC_DEFAULT: Encrypt, Decrypt, ReEncrypt*, GenerateDataKey*, DescribeKey
    AsymmetricEncryption, ///< RSA ENCRYPT_DECRYPT: Encrypt, Decrypt, ReEncrypt*, DescribeKey, GetPublicKey
    Signing,              ///< SIGN_VERIFY: DescribeKey, GetPublicKey, Sign, Verify
    Hmac,                 ///< GENERATE_VERIFY_MAC: DescribeKey, GenerateMac, VerifyMac
    KeyAgreement,         ///< KEY_AGREEMENT: DescribeKey, GetPublicKey, DeriveSharedSecret
};

/// Inputs of the console's default key policy.
struct ConsolePolicyOptions {
    QString accountId;
    QStringList administrators; ///< principal ARNs; no statement when empty
    QStringList users;          ///< principal ARNs; no statements when empty
    KeyUsageProfile usage = KeyUsageProfile::SymmetricEncryption;
    bool externalOrigin = false; ///< adds kms:ImportKeyMaterial for administrators
    bool multiRegion = false;    ///< adds kms:ReplicateKey and kms:UpdatePrimaryRegion
};

/// The default key policies of AWS KMS, as JSON text with AWS's element order.
class DefaultKeyPolicy
{
public:
    /// The policy CreateKey applies when none is given: one statement "Enable IAM User
    /// Permissions" allowing kms:* to the account root, which delegates to identity policies.
    [[nodiscard]] static QString forAccount(const QString &accountId);

    /// The console's default: the root statement, "Allow access for Key Administrators"
    /// (management actions, no cryptographic ones), "Allow use of the key" (per usage) and, for
    /// symmetric encryption keys, "Allow attachment of persistent resources" (CreateGrant,
    /// ListGrants, RevokeGrant when kms:GrantIsForAWSResource is true).
    [[nodiscard]] static QString console(const ConsolePolicyOptions &options);

    /// Serialises a policy object with Version, Id, Statement, Sid, Effect, Principal, Action,
    /// Resource, Condition first (AWS's order) instead of QJsonDocument's alphabetical order.
    [[nodiscard]] static QString toJson(const QJsonObject &policy);
};

} // namespace qkms::policy
