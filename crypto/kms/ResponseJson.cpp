// Response builders shared by the CLI and the endpoint (ResponseJson.h). Member names and which
// members are left out follow the AWS KMS API reference.

#include "kms/ResponseJson.h"

#include "kms/KeyTypes.h"
#include "kms/KmsService.h"

#include <QJsonArray>

using namespace Qt::StringLiterals;

namespace qkms::kms::json {

namespace {

QString base64(const QByteArray &bytes)
{
    return QString::fromLatin1(bytes.toBase64());
}

} // namespace

void addPaging(QJsonObject &o, const std::optional<QString> &nextMarker)
{
    o.insert(u"Truncated", nextMarker.has_value());
    if (nextMarker)
        o.insert(u"NextMarker", *nextMarker);
}

QJsonObject encrypt(const EncryptResponse &r)
{
    return {{u"CiphertextBlob"_s, base64(r.ciphertextBlob)},
            {u"KeyId"_s, r.keyArn},
            {u"EncryptionAlgorithm"_s, r.encryptionAlgorithm}};
}

QJsonObject reEncrypt(const ReEncryptResponse &r)
{
    return {{u"CiphertextBlob"_s, base64(r.ciphertextBlob)},
            {u"SourceKeyId"_s, r.sourceKeyArn},
            {u"KeyId"_s, r.keyArn},
            {u"SourceEncryptionAlgorithm"_s, r.sourceEncryptionAlgorithm},
            {u"DestinationEncryptionAlgorithm"_s, r.destinationEncryptionAlgorithm}};
}

QJsonObject dataKey(const DataKeyResponse &r)
{
    return {{u"CiphertextBlob"_s, base64(r.ciphertextBlob)}, {u"KeyId"_s, r.keyArn}};
}

QJsonObject dataKeyPair(const DataKeyPairResponse &r)
{
    return {{u"PrivateKeyCiphertextBlob"_s, base64(r.privateKeyCiphertextBlob)},
            {u"PublicKey"_s, base64(r.publicKey)},
            {u"KeyId"_s, r.keyArn},
            {u"KeyPairSpec"_s, r.keyPairSpec}};
}

QJsonObject sign(const SignResponse &r)
{
    return {{u"KeyId"_s, r.keyArn}, {u"Signature"_s, base64(r.signature)}, {u"SigningAlgorithm"_s, r.signingAlgorithm}};
}

QJsonObject publicKey(const PublicKeyResponse &r)
{
    const KeyRecord &k = r.key;
    QJsonObject o{{u"KeyId"_s, r.keyArn},
                  {u"PublicKey"_s, base64(r.publicKey)},
                  {u"CustomerMasterKeySpec"_s, toString(k.keySpec)},
                  {u"KeySpec"_s, toString(k.keySpec)},
                  {u"KeyUsage"_s, toString(k.keyUsage)}};
    // AWS leaves out the list that does not apply to the key's usage rather than sending [].
    if (const QStringList algs = encryptionAlgorithms(k.keySpec, k.keyUsage); !algs.isEmpty())
        o.insert(u"EncryptionAlgorithms", QJsonArray::fromStringList(algs));
    if (const QStringList algs = signingAlgorithms(k.keySpec, k.keyUsage); !algs.isEmpty())
        o.insert(u"SigningAlgorithms", QJsonArray::fromStringList(algs));
    return o;
}

QJsonObject keyList(const ListKeysResponse &r)
{
    QJsonArray keys;
    for (const auto &[id, arn] : r.keys)
        keys.append(QJsonObject{{u"KeyId"_s, id}, {u"KeyArn"_s, arn}});
    QJsonObject o{{u"Keys"_s, keys}};
    addPaging(o, r.nextMarker);
    return o;
}

QJsonObject keyDeletion(const KeyRecord &key)
{
    QJsonObject o{{u"KeyId"_s, key.arn}, {u"KeyState"_s, toString(key.keyState)}};
    if (key.deletionDate)
        o.insert(u"DeletionDate", awsTimestamp(*key.deletionDate));
    if (key.pendingDeletionWindowInDays)
        o.insert(u"PendingWindowInDays", *key.pendingDeletionWindowInDays);
    return o;
}

QJsonObject aliasList(const ListAliasesResponse &r)
{
    QJsonArray aliases;
    for (const AliasEntry &alias : r.aliases) {
        QJsonObject o{{u"AliasName"_s, alias.aliasName}, {u"AliasArn"_s, alias.aliasArn}};
        // As AWS: an alias with no key (a predefined aws/ alias not yet used) has no TargetKeyId.
        if (!alias.targetKeyId.isEmpty())
            o.insert(u"TargetKeyId", alias.targetKeyId);
        if (alias.creationDate.isValid())
            o.insert(u"CreationDate", awsTimestamp(alias.creationDate));
        if (alias.lastUpdatedDate.isValid())
            o.insert(u"LastUpdatedDate", awsTimestamp(alias.lastUpdatedDate));
        aliases.append(o);
    }
    QJsonObject o{{u"Aliases"_s, aliases}};
    addPaging(o, r.nextMarker);
    return o;
}

QJsonObject tagList(const ListTagsResponse &r)
{
    QJsonArray tags;
    for (auto it = r.tags.begin(); it != r.tags.end(); ++it)
        tags.append(QJsonObject{{u"TagKey"_s, it.key()}, {u"TagValue"_s, it.value()}});
    QJsonObject o{{u"Tags"_s, tags}};
    addPaging(o, r.nextMarker);
    return o;
}

QJsonObject rotationStatus(const KeyRotationStatus &status)
{
    QJsonObject o{{u"KeyRotationEnabled"_s, status.enabled}, {u"KeyId"_s, status.keyArn}};
    if (status.periodDays)
        o.insert(u"RotationPeriodInDays", *status.periodDays);
    if (status.nextRotationDate)
        o.insert(u"NextRotationDate", awsTimestamp(*status.nextRotationDate));
    if (status.onDemandRotationStartDate)
        o.insert(u"OnDemandRotationStartDate", awsTimestamp(*status.onDemandRotationStartDate));
    return o;
}

QJsonObject rotationList(const ListKeyRotationsResponse &r)
{
    QJsonArray rotations;
    for (const KeyRotationEntry &e : r.rotations)
        rotations.append(QJsonObject{{u"KeyId"_s, e.keyId},
                                     {u"KeyMaterialId"_s, e.keyMaterialId},
                                     {u"KeyMaterialState"_s, e.current ? u"CURRENT"_s : u"NON_CURRENT"_s},
                                     {u"RotationDate"_s, awsTimestamp(e.rotationDate)},
                                     {u"RotationType"_s, e.rotationType}});
    QJsonObject o{{u"Rotations"_s, rotations}};
    addPaging(o, r.nextMarker);
    return o;
}

} // namespace qkms::kms::json
