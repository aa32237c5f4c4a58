#include "vault/Schema.h"

namespace qkms::vault {

namespace {

// Every column says why it exists. Never edit a released step: add a new one.
const store::Migration kRegionMigrations[] = {
    {1, "region identity",
     R"sql(
CREATE TABLE region (
    id INTEGER PRIMARY KEY CHECK (id = 1),  -- exactly one row
    name TEXT NOT NULL,                     -- region code; checked on open so a renamed file is refused
    created_at TEXT NOT NULL                -- ISO 8601 UTC
);
)sql"},
    {2, "keys, key material versions, aliases, tags, audit",
     R"sql(
CREATE TABLE keys (
    key_id TEXT PRIMARY KEY,                -- UUID v4, the KeyId
    arn TEXT NOT NULL UNIQUE,               -- arn:aws:kms:<region>:<account>:key/<id>, fixed at creation
    created_at TEXT NOT NULL,               -- ISO 8601 UTC (CreationDate)
    description TEXT NOT NULL DEFAULT '',   -- Description, 0..8192 characters
    key_spec TEXT NOT NULL,                 -- KeySpec, AWS spelling
    key_usage TEXT NOT NULL,                -- KeyUsage, AWS spelling
    key_state TEXT NOT NULL,                -- Enabled | Disabled | PendingDeletion | PendingImport
    origin TEXT NOT NULL,                   -- AWS_KMS | EXTERNAL
    key_manager TEXT NOT NULL,              -- CUSTOMER | AWS
    aws_service TEXT,                       -- for AWS-managed keys: the service that owns it ("files")
    deletion_date TEXT,                     -- set while PendingDeletion: when the scheduler destroys it
    pending_window_days INTEGER,            -- PendingDeletionWindowInDays, 7..30
    state_before_deletion TEXT,             -- unused by AWS semantics (Cancel → Disabled); kept for audit
    valid_to TEXT,                          -- imported material that expires
    expiration_model TEXT,                  -- imported: KEY_MATERIAL_EXPIRES | KEY_MATERIAL_DOES_NOT_EXPIRE
    current_version INTEGER NOT NULL DEFAULT 0, -- newest material version (0: none yet, PendingImport)
    policy TEXT NOT NULL,                   -- the key policy document (only name: default)
    rotation_enabled INTEGER NOT NULL DEFAULT 0,  -- automatic rotation on?
    rotation_period_days INTEGER,           -- RotationPeriodInDays, 90..2560
    next_rotation TEXT                      -- when the scheduler rotates next (ISO 8601 UTC)
);
CREATE TABLE key_material (
    key_id TEXT NOT NULL REFERENCES keys(key_id) ON DELETE CASCADE,
    version INTEGER NOT NULL,               -- 1, 2, …: named in every ciphertext blob
    material_id TEXT NOT NULL,              -- KeyMaterialId, 64 hex characters
    wrapped BLOB NOT NULL,                  -- AES-256-GCM under the domain key, AAD = arn|version
    public_key BLOB,                        -- SubjectPublicKeyInfo DER for asymmetric keys (not secret)
    created_at TEXT NOT NULL,               -- when this version came to be (RotationDate)
    rotation_type TEXT,                     -- NULL for the first version; AUTOMATIC | ON_DEMAND | IMPORT
    PRIMARY KEY (key_id, version)
);
CREATE TABLE aliases (
    alias_name TEXT PRIMARY KEY,            -- alias/…, case-sensitive, unique per region
    key_id TEXT NOT NULL REFERENCES keys(key_id) ON DELETE CASCADE, -- deleting a key deletes its aliases
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX aliases_by_key ON aliases(key_id);
CREATE TABLE tags (
    key_id TEXT NOT NULL REFERENCES keys(key_id) ON DELETE CASCADE,
    tag_key TEXT NOT NULL,                  -- 1..128, case-sensitive
    tag_value TEXT NOT NULL,                -- 0..256
    PRIMARY KEY (key_id, tag_key)
);
CREATE TABLE audit (
    seq INTEGER PRIMARY KEY,                -- 1, 2, … in append order; a gap is detected by verify
    event TEXT NOT NULL,                    -- CloudTrail-shaped JSON, never secrets
    prev_hash BLOB NOT NULL,                -- hash of the previous event (32 zero bytes for the first)
    hash BLOB NOT NULL                      -- SHA-256(prev_hash ‖ seq ‖ event): the chain
);
)sql"},
    {3, "grants",
     R"sql(
CREATE TABLE grants (
    grant_id TEXT PRIMARY KEY,              -- GrantId, 64 hex characters
    key_id TEXT NOT NULL REFERENCES keys(key_id) ON DELETE CASCADE, -- deleting a key deletes its grants
    name TEXT,                              -- Name, for CreateGrant idempotency; NULL when not given
    grantee_principal TEXT NOT NULL,        -- GranteePrincipal ARN: who the grant lets act
    retiring_principal TEXT,                -- RetiringPrincipal ARN: who may retire it besides the account
    issuing_account TEXT NOT NULL,          -- IssuingAccount, arn:aws:iam::<acct>:root
    operations TEXT NOT NULL,               -- JSON array of operation names ("Encrypt", "Decrypt", …)
    constraint_type TEXT,                   -- EncryptionContextEquals | EncryptionContextSubset | NULL
    constraint_context TEXT,                -- JSON object of the constraint's context pairs
    created_at TEXT NOT NULL                -- ISO 8601 UTC (CreationDate); also the listing order
);
CREATE INDEX grants_by_key ON grants(key_id, grantee_principal); -- the authorizer's lookup, and ListGrants
CREATE INDEX grants_by_retiring ON grants(retiring_principal);
)sql"},
    {4, "key material import",
     R"sql(
CREATE TABLE import_parameters (
    token_id TEXT PRIMARY KEY,              -- 32 hex characters; the sealed ImportToken names this row
    key_id TEXT NOT NULL REFERENCES keys(key_id) ON DELETE CASCADE, -- the one key the token is for
    wrapping_algorithm TEXT NOT NULL,       -- WrappingAlgorithm the material must be wrapped with
    wrapping_key_spec TEXT NOT NULL,        -- RSA_2048 | RSA_3072 | RSA_4096
    wrapped_private BLOB NOT NULL,          -- PKCS#8 of the wrapping key, AES-256-GCM under the domain key
    public_key BLOB NOT NULL,               -- SubjectPublicKeyInfo DER, as GetParametersForImport returned it
    created_at TEXT NOT NULL,               -- ISO 8601 UTC
    valid_to TEXT NOT NULL                  -- ParametersValidTo (created_at + 24 h); expired rows are purged
);
CREATE INDEX import_parameters_by_key ON import_parameters(key_id);
CREATE TABLE imported_material (
    key_id TEXT PRIMARY KEY REFERENCES keys(key_id) ON DELETE CASCADE,
    material_id TEXT NOT NULL,              -- KeyMaterialId; the same again when the same material returns
    fingerprint BLOB NOT NULL               -- HMAC-SHA256 keyed by the material, wrapped under the domain
                                            -- key: survives DeleteImportedKeyMaterial so a re-import can be
                                            -- checked (IncorrectKeyMaterial) without keeping the material
);
)sql"},
};

} // namespace

std::span<const store::Migration> regionMigrations()
{
    return kRegionMigrations;
}

} // namespace qkms::vault
