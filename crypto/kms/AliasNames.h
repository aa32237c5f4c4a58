#pragma once

// The AliasName rules every alias operation shares (reference/kms-semantics.md §1), public so
// the console checks a name as it is typed with the engine's own words instead of a copy.

#include "core/KmsError.h"

#include <QString>

namespace qkms::kms {

/// The prefix every alias name starts with.
inline const QString kAliasNamePrefix = QStringLiteral("alias/");
/// The prefix of AWS managed keys' aliases, which users may not create, repoint or delete.
inline const QString kReservedAliasPrefix = QStringLiteral("alias/aws/");

/// Checks `name` as CreateAlias, UpdateAlias and DeleteAlias do, in AWS's order. Pure: it reads
/// nothing and allocates only for the error. Errors: ValidationException (AWS's model
/// constraint message) for an empty name, more than 256 characters or a character outside
/// [a-zA-Z0-9:/_-]; InvalidAliasNameException when it lacks the "alias/" prefix or starts with
/// the reserved "alias/aws/".
[[nodiscard]] Status validateAliasName(const QString &name);

} // namespace qkms::kms
