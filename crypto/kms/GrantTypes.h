#pragma once

// Grants as the AWS KMS API shapes them: CreateGrant's request and response, GrantListEntry.

#include "kms/Requests.h"

#include <QDateTime>
#include <QJsonObject>
#include <QStringList>

#include <optional>

namespace qkms::kms {

/// GrantConstraints: at most one of the two context constraints. Keys compare case-insensitively,
/// values case-sensitively (AWS GrantConstraints).
struct GrantConstraints {
    enum class Type { None, EncryptionContextEquals, EncryptionContextSubset };
    Type type = Type::None;
    EncryptionContext context;

    [[nodiscard]] bool isEmpty() const { return type == Type::None; }
    /// "EncryptionContextEquals", "EncryptionContextSubset" or "".
    [[nodiscard]] QString typeName() const;
    /// {"EncryptionContextSubset": {...}} or an empty object.
    [[nodiscard]] QJsonObject toJson() const;
    /// Whether a request with `requestContext` satisfies the constraint.
    [[nodiscard]] bool allows(const EncryptionContext &requestContext) const;
};

struct CreateGrantRequest {
    QString keyId;             ///< key id or ARN (no aliases, as AWS)
    QString granteePrincipal;  ///< ARN of the principal the grant lets act
    QString retiringPrincipal; ///< optional
    QStringList operations;    ///< "Encrypt", "Decrypt", "ReEncryptFrom", … (at least one)
    GrantConstraints constraints;
    QString name;              ///< optional; a retry with the same Name and parameters returns the same GrantId
    QStringList grantTokens;
};

struct CreateGrantResponse {
    QString grantId;    ///< 64 hex characters
    QString grantToken; ///< proves the grant; unique on every call, even for an idempotent retry
};

/// One grant, as ListGrants returns it (GrantListEntry).
struct GrantEntry {
    QString keyArn;
    QString grantId;
    QString name;
    QDateTime creationDate;
    QString granteePrincipal;
    QString retiringPrincipal;
    QString issuingAccount;
    QStringList operations;
    GrantConstraints constraints;

    /// The GrantListEntry JSON (AWS field names, CreationDate as epoch seconds).
    [[nodiscard]] QJsonObject toJson() const;
};

struct ListGrantsResponse {
    QList<GrantEntry> grants;
    std::optional<QString> nextMarker; ///< set when Truncated
};

/// The grant operations AWS accepts, sorted.
[[nodiscard]] const QStringList &grantOperationNames();

} // namespace qkms::kms
