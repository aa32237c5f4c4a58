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
    {2, "IAM principals, identity policies, access keys",
     R"sql(
CREATE TABLE principals (
    arn TEXT PRIMARY KEY,                   -- arn:aws:iam::<acct>:user/<name> or …:role/<name>; policies name it
    kind TEXT NOT NULL CHECK (kind IN ('user', 'role')), -- the root is implicit and has no row
    name TEXT NOT NULL,                     -- UserName / RoleName as created, [\w+=,.@-]{1,64}
    principal_id TEXT NOT NULL UNIQUE,      -- UserId (AIDA…) / RoleId (AROA…), 21 characters as IAM makes them
    trust_policy TEXT,                      -- roles: the AssumeRolePolicyDocument as given (not evaluated yet)
    created_at TEXT NOT NULL,               -- ISO 8601 UTC (CreateDate)
    UNIQUE (kind, name COLLATE NOCASE)      -- IAM names are unique regardless of case
);
CREATE TABLE identity_policies (
    principal_arn TEXT NOT NULL REFERENCES principals(arn) ON DELETE CASCADE, -- whose inline policy
    policy_name TEXT NOT NULL,              -- PolicyName, [\w+=,.@-]{1,128}
    document TEXT NOT NULL,                 -- the JSON as put; validated by the policy parser first
    updated_at TEXT NOT NULL,               -- ISO 8601 UTC of the last PutUserPolicy / PutRolePolicy
    PRIMARY KEY (principal_arn, policy_name)
);
CREATE TABLE access_keys (
    access_key_id TEXT PRIMARY KEY,         -- AKIA + 16 characters: what a request names
    principal_arn TEXT NOT NULL REFERENCES principals(arn) ON DELETE CASCADE, -- the user it authenticates
    secret_wrapped BLOB NOT NULL,           -- the secret access key, AES-256-GCM under the domain key (never plain)
    status TEXT NOT NULL CHECK (status IN ('Active', 'Inactive')), -- Inactive keys authenticate nobody
    created_at TEXT NOT NULL                -- ISO 8601 UTC (CreateDate)
);
CREATE INDEX access_keys_by_principal ON access_keys(principal_arn);
)sql"},
};

} // namespace

std::span<const store::Migration> accountMigrations()
{
    return kAccountMigrations;
}

} // namespace qkms::vault
