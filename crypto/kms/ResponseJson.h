#pragma once

// The AWS response shapes that both front ends print: the endpoint answers them as JSON 1.1 and
// the CLI prints them as `aws kms` does, so one builder per shape keeps the two byte-identical.
// Only public members: secrets (Plaintext, PrivateKeyPlaintext) are added by each front end in its
// own way, never through a QJsonObject here.

#include "kms/Requests.h"

#include <QJsonObject>

#include <optional>

namespace qkms::kms {
struct KeyRotationStatus;
struct ListKeyRotationsResponse;
} // namespace qkms::kms

namespace qkms::kms::json {

/// Adds {"Truncated": …} and, when there is a next page, {"NextMarker": …} to `o`.
void addPaging(QJsonObject &o, const std::optional<QString> &nextMarker);

/// Encrypt: CiphertextBlob, KeyId, EncryptionAlgorithm.
[[nodiscard]] QJsonObject encrypt(const EncryptResponse &r);
/// ReEncrypt: CiphertextBlob, SourceKeyId, KeyId and both algorithms.
[[nodiscard]] QJsonObject reEncrypt(const ReEncryptResponse &r);
/// GenerateDataKey(WithoutPlaintext) without its Plaintext: CiphertextBlob, KeyId.
[[nodiscard]] QJsonObject dataKey(const DataKeyResponse &r);
/// GenerateDataKeyPair(WithoutPlaintext) without PrivateKeyPlaintext.
[[nodiscard]] QJsonObject dataKeyPair(const DataKeyPairResponse &r);
/// Sign: KeyId, Signature, SigningAlgorithm.
[[nodiscard]] QJsonObject sign(const SignResponse &r);
/// GetPublicKey: the DER key, spec, usage and the algorithms the key allows.
[[nodiscard]] QJsonObject publicKey(const PublicKeyResponse &r);

/// ListKeys: Keys [{KeyId, KeyArn}] and paging.
[[nodiscard]] QJsonObject keyList(const ListKeysResponse &r);
/// ScheduleKeyDeletion: KeyId (the ARN), KeyState, DeletionDate, PendingWindowInDays.
[[nodiscard]] QJsonObject keyDeletion(const KeyRecord &key);
/// ListAliases: Aliases and paging; an alias with no key has no TargetKeyId, as in AWS.
[[nodiscard]] QJsonObject aliasList(const ListAliasesResponse &r);
/// ListResourceTags: Tags [{TagKey, TagValue}] and paging.
[[nodiscard]] QJsonObject tagList(const ListTagsResponse &r);

/// GetKeyRotationStatus: the period and dates only while they are set.
[[nodiscard]] QJsonObject rotationStatus(const KeyRotationStatus &status);
/// ListKeyRotations: Rotations and paging.
[[nodiscard]] QJsonObject rotationList(const ListKeyRotationsResponse &r);

} // namespace qkms::kms::json
