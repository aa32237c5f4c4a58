#pragma once

#include "store/Database.h"

#include <span>

namespace qkms::vault {

/// Numbered migrations of account.db (account id, domain key, principals, policies, settings).
[[nodiscard]] std::span<const store::Migration> accountMigrations();
/// Numbered migrations of each <region>.db (keys, material, aliases, tags, grants, audit).
[[nodiscard]] std::span<const store::Migration> regionMigrations();

} // namespace qkms::vault
