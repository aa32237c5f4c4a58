#pragma once

#include "kms/KeyTypes.h"

#include <QDateTime>
#include <QJsonObject>
#include <QString>

#include <optional>

namespace qkms::kms {

/// One key's metadata as stored in its region file: everything DescribeKey returns, plus the
/// bookkeeping the engine needs (current material version, rotation schedule, owning service).
struct KeyRecord {
    QString keyId;  ///< UUID v4
    QString arn;    ///< arn:aws:kms:<region>:<account>:key/<id>
    QDateTime creationDate;
    QString description;
    KeySpec keySpec = KeySpec::SymmetricDefault;
    KeyUsage keyUsage = KeyUsage::EncryptDecrypt;
    KeyState keyState = KeyState::Enabled;
    Origin origin = Origin::AwsKms;
    KeyManager keyManager = KeyManager::Customer;
    std::optional<QDateTime> deletionDate;
    std::optional<int> pendingDeletionWindowInDays;
    std::optional<QDateTime> validTo;       ///< imported material that expires
    QString expirationModel;                ///< KEY_MATERIAL_EXPIRES | KEY_MATERIAL_DOES_NOT_EXPIRE (EXTERNAL)
    int currentVersion = 0;                 ///< newest material version; 0 = no material (PendingImport)
    QString currentMaterialId;              ///< KeyMaterialId of the current version (64 hex)
    QString awsService;                     ///< for AWS-managed keys, the service ("files")

    [[nodiscard]] bool enabled() const { return keyState == KeyState::Enabled; }
    /// KeyMetadata in AWS's shape (dates as epoch seconds with fractions, as the AWS CLI shows).
    [[nodiscard]] QJsonObject toKeyMetadata(const QString &accountId) const;
};

/// AWS's date encoding in JSON responses: seconds since the epoch, fractional.
[[nodiscard]] double awsTimestamp(const QDateTime &t);

} // namespace qkms::kms
