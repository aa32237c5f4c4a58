#pragma once

#include <QString>
#include <QStringList>

namespace qkms::policy {

/// Every action a KMS policy may name, without the "kms:" prefix: the 54 API operations of
/// the KMS API model plus the permission-only actions (ReEncryptFrom, ReEncryptTo,
/// SynchronizeMultiRegionKey). Sorted.
[[nodiscard]] const QStringList &kmsActionNames();

/// The canonical spelling ("kms:Encrypt") of an action written in any case ("KMS:encrypt"), or
/// an empty string when it names no KMS action. Wildcards are not expanded here.
[[nodiscard]] QString canonicalKmsAction(const QString &action);

/// True for the actions that have no key resource and are decided by identity policies alone.
[[nodiscard]] bool isAccountLevelAction(const QString &action);

} // namespace qkms::policy
