#include "kms/KeyRecord.h"

#include <QJsonArray>

namespace qkms::kms {

double awsTimestamp(const QDateTime &t)
{
    return static_cast<double>(t.toMSecsSinceEpoch()) / 1000.0;
}

QJsonObject KeyRecord::toKeyMetadata(const QString &accountId) const
{
    QJsonObject m;
    m.insert(u"AWSAccountId", accountId);
    m.insert(u"KeyId", keyId);
    m.insert(u"Arn", arn);
    m.insert(u"CreationDate", awsTimestamp(creationDate));
    m.insert(u"Enabled", enabled());
    m.insert(u"Description", description);
    m.insert(u"KeyUsage", toString(keyUsage));
    m.insert(u"KeyState", toString(keyState));
    if (deletionDate)
        m.insert(u"DeletionDate", awsTimestamp(*deletionDate));
    if (pendingDeletionWindowInDays)
        m.insert(u"PendingDeletionWindowInDays", *pendingDeletionWindowInDays);
    if (validTo)
        m.insert(u"ValidTo", awsTimestamp(*validTo));
    m.insert(u"Origin", toString(origin));
    if (origin == Origin::External && !expirationModel.isEmpty())
        m.insert(u"ExpirationModel", expirationModel);
    m.insert(u"KeyManager", toString(keyManager));
    m.insert(u"CustomerMasterKeySpec", toString(keySpec));
    m.insert(u"KeySpec", toString(keySpec));
    auto list = [](const QStringList &l) { return QJsonArray::fromStringList(l); };
    if (const QStringList e = encryptionAlgorithms(keySpec, keyUsage); !e.isEmpty())
        m.insert(u"EncryptionAlgorithms", list(e));
    if (const QStringList s = signingAlgorithms(keySpec, keyUsage); !s.isEmpty())
        m.insert(u"SigningAlgorithms", list(s));
    if (const QStringList h = macAlgorithms(keySpec, keyUsage); !h.isEmpty())
        m.insert(u"MacAlgorithms", list(h));
    m.insert(u"MultiRegion", false);
    if (!currentMaterialId.isEmpty())
        m.insert(u"CurrentKeyMaterialId", currentMaterialId);
    return m;
}

} // namespace qkms::kms
