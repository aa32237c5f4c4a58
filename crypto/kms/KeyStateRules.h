#pragma once

// Which operation is allowed in which key state, with AWS's exception and message otherwise
// (reference/kms-semantics.md §3).

#include "core/KmsError.h"
#include "kms/KeyRecord.h"

namespace qkms::kms {

enum class OperationGroup {
    Cryptographic,   ///< Encrypt, Decrypt, ReEncrypt, GenerateDataKey*, Sign, Verify, *Mac, GetPublicKey
    CreateGrant,
    ReadOnly,        ///< DescribeKey, GetKeyPolicy, PutKeyPolicy, ListGrants, tags listing, RetireGrant, DeleteAlias…
    Metadata,        ///< CreateAlias, TagResource, UntagResource, UpdateKeyDescription
    EnableDisable,   ///< EnableKey, DisableKey
    ScheduleDeletion,
    CancelDeletion,
    Rotation,        ///< Enable/DisableKeyRotation, RotateKeyOnDemand
    RotationStatus,  ///< GetKeyRotationStatus, ListKeyRotations
    Import,          ///< GetParametersForImport, ImportKeyMaterial
    DeleteImport,    ///< DeleteImportedKeyMaterial: EXTERNAL keys only, every state
};

/// Success when `group` may run on `key` in its current state; otherwise the AWS exception.
[[nodiscard]] Status checkKeyState(const KeyRecord &key, OperationGroup group);

} // namespace qkms::kms
