#pragma once

// Request and response shapes of the engine's operations, named as in the AWS KMS API.
// Secrets (plaintext, data keys, private keys) are QCA::SecureArray; everything else is public.

#include "kms/KeyRecord.h"

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QMap>
#include <QStringList>
#include <QtCrypto>

#include <optional>

namespace qkms::kms {

/// Who calls, and through which front end. Every operation takes one.
struct Caller {
    QString principalArn;   ///< e.g. arn:aws:iam::<acct>:root or …:user/alice
    QString frontEnd;       ///< "console" | "cli" | "endpoint" | "scheduler"
    QString sourceAddress;  ///< endpoint only
    /// GrantTokens of the request: each must be a token this vault issued (checked in
    /// KmsService::authorize, InvalidGrantTokenException). Grants are in effect at once here, so a
    /// valid token adds no permission a grant does not already give.
    QStringList grantTokens = {};
};

using EncryptionContext = QMap<QString, QString>;
using Tags = QMap<QString, QString>;

struct CreateKeyRequest {
    QString description;
    std::optional<QString> keySpec;   ///< default SYMMETRIC_DEFAULT
    std::optional<QString> keyUsage;  ///< default ENCRYPT_DECRYPT
    QString origin = QStringLiteral("AWS_KMS");
    std::optional<QString> policy;    ///< default key policy when absent
    bool bypassPolicyLockoutSafetyCheck = false;
    Tags tags;
};

struct ListKeysResponse {
    QList<QPair<QString, QString>> keys; ///< (KeyId, KeyArn)
    std::optional<QString> nextMarker;
};

struct EncryptResponse {
    QByteArray ciphertextBlob;
    QString keyArn;
    QString encryptionAlgorithm;
};

struct DecryptResponse {
    QCA::SecureArray plaintext;
    QString keyArn;
    QString encryptionAlgorithm;
};

struct ReEncryptResponse {
    QByteArray ciphertextBlob;
    QString sourceKeyArn;
    QString keyArn;
    QString sourceEncryptionAlgorithm;
    QString destinationEncryptionAlgorithm;
};

struct DataKeyResponse {
    QByteArray ciphertextBlob;
    QCA::SecureArray plaintext; ///< empty for …WithoutPlaintext
    QString keyArn;
};

struct DataKeyPairResponse {
    QByteArray privateKeyCiphertextBlob;
    QCA::SecureArray privateKeyPlaintext; ///< PKCS#8 DER; empty for …WithoutPlaintext
    QByteArray publicKey;                 ///< SubjectPublicKeyInfo DER
    QString keyArn;
    QString keyPairSpec;
};

struct SignResponse {
    QByteArray signature;
    QString keyArn;
    QString signingAlgorithm;
};

struct PublicKeyResponse {
    QByteArray publicKey;
    QString keyArn;
    KeyRecord key;
};

struct AliasEntry {
    QString aliasName;
    QString aliasArn;
    QString targetKeyId;
    QDateTime creationDate;
    QDateTime lastUpdatedDate;
};

struct ListAliasesResponse {
    QList<AliasEntry> aliases;
    std::optional<QString> nextMarker;
};

struct ListTagsResponse {
    Tags tags;
    std::optional<QString> nextMarker;
};

} // namespace qkms::kms
