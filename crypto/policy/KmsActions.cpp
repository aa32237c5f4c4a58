#include "policy/KmsActions.h"

#include <QHash>

using namespace Qt::StringLiterals;

namespace qkms::policy {

const QStringList &kmsActionNames()
{
    static const QStringList names = [] {
        QStringList list{
            // API operations (botocore kms 2014-11-01), one per line group by area.
            u"CancelKeyDeletion"_s, u"ConnectCustomKeyStore"_s, u"CreateAlias"_s,
            u"CreateCustomKeyStore"_s, u"CreateGrant"_s, u"CreateKey"_s, u"Decrypt"_s,
            u"DeleteAlias"_s, u"DeleteCustomKeyStore"_s, u"DeleteImportedKeyMaterial"_s,
            u"DeriveSharedSecret"_s, u"DescribeCustomKeyStores"_s, u"DescribeKey"_s, u"DisableKey"_s,
            u"DisableKeyRotation"_s, u"DisconnectCustomKeyStore"_s, u"EnableKey"_s,
            u"EnableKeyRotation"_s, u"Encrypt"_s, u"GenerateDataKey"_s, u"GenerateDataKeyPair"_s,
            u"GenerateDataKeyPairWithoutPlaintext"_s, u"GenerateDataKeyWithoutPlaintext"_s,
            u"GenerateMac"_s, u"GenerateRandom"_s, u"GetKeyLastUsage"_s, u"GetKeyPolicy"_s,
            u"GetKeyRotationStatus"_s, u"GetParametersForImport"_s, u"GetPublicKey"_s,
            u"ImportKeyMaterial"_s, u"ListAliases"_s, u"ListGrants"_s, u"ListKeyPolicies"_s,
            u"ListKeyRotations"_s, u"ListKeys"_s, u"ListResourceTags"_s, u"ListRetirableGrants"_s,
            u"PutKeyPolicy"_s, u"ReEncrypt"_s, u"ReplicateKey"_s, u"RetireGrant"_s, u"RevokeGrant"_s,
            u"RotateKeyOnDemand"_s, u"ScheduleKeyDeletion"_s, u"Sign"_s, u"TagResource"_s,
            u"UntagResource"_s, u"UpdateAlias"_s, u"UpdateCustomKeyStore"_s, u"UpdateKeyDescription"_s,
            u"UpdatePrimaryRegion"_s, u"Verify"_s, u"VerifyMac"_s,
            // Permission-only actions: ReEncrypt is authorized as ReEncryptFrom on the source
            // key and ReEncryptTo on the destination key.
            u"ReEncryptFrom"_s, u"ReEncryptTo"_s, u"SynchronizeMultiRegionKey"_s};
        list.sort();
        return list;
    }();
    return names;
}

QString canonicalKmsAction(const QString &action)
{
    static const QHash<QString, QString> byLower = [] {
        QHash<QString, QString> map;
        for (const QString &name : kmsActionNames())
            map.insert(name.toLower(), QStringLiteral("kms:") + name);
        return map;
    }();
    if (!action.startsWith(QLatin1String("kms:"), Qt::CaseInsensitive))
        return {};
    return byLower.value(action.mid(4).toLower());
}

bool isAccountLevelAction(const QString &action)
{
    const QString canonical = canonicalKmsAction(action);
    return canonical == u"kms:CreateKey" || canonical == u"kms:ListKeys" || canonical == u"kms:ListAliases"
        || canonical == u"kms:GenerateRandom" || canonical == u"kms:CreateCustomKeyStore"
        || canonical == u"kms:DescribeCustomKeyStores";
}

} // namespace qkms::policy
