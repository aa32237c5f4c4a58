#include "vault/Schema.h"

namespace qkms::vault {

namespace {

// Every column says why it exists. Never edit a released step: add a new one.
const store::Migration kAccountMigrations[] = {
    {1, "account, domain key, settings",
     R"sql(
CREATE TABLE account (
    id INTEGER PRIMARY KEY CHECK (id = 1),  -- exactly one row
    account_id TEXT NOT NULL,               -- the 12-digit AWS-style account id in every ARN
    created_at TEXT NOT NULL                -- ISO 8601 UTC, when the vault was made
);
CREATE TABLE domain_key (
    id INTEGER PRIMARY KEY CHECK (id = 1),  -- exactly one domain key per vault
    wrapped BLOB NOT NULL                   -- nonce|ciphertext|tag: AES-256-GCM under HKDF(master, "domain key")
);
CREATE TABLE settings (
    name TEXT PRIMARY KEY,                  -- e.g. "idle_lock_minutes"
    value TEXT NOT NULL                     -- free-form, interpreted by the owner of the name
);
)sql"},
};

} // namespace

std::span<const store::Migration> accountMigrations()
{
    return kAccountMigrations;
}

} // namespace qkms::vault
