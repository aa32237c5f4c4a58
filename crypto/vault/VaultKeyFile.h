#pragma once

// vault.key: the only unencrypted file of a vault. It holds the vault master key wrapped
// (AES-256-GCM) under a key derived from the passphrase. Every SQLCipher file's raw key is
// derived from the master key, so unlocking costs one KDF however many regions exist, and a
// passphrase change rewrites this one file atomically (write, fsync, rename): a change killed at
// any point leaves either the old or the new file, so the vault opens with one of the two
// passphrases, never neither. Format: docs/vault-format.md.

#include "core/KmsError.h"

#include <QString>
#include <QtCrypto>

namespace qkms::vault {

/// PBKDF2-HMAC-SHA512 work factor. 256,000 is SQLCipher 4's default; tests may use less.
struct KdfCost {
    int iterations = 256000;
};

/// Where a passphrase change may be made to stop, so tests can show the vault survives.
enum class CrashPoint { None, AfterTempWritten, AfterRename };

/// Reads `path` and unwraps the master key with `passphrase`.
/// errors::Vault: missing file, unreadable or malformed file (naming it), or
/// "wrong passphrase, or not a qkms vault" when the key does not unwrap.
[[nodiscard]] Result<QCA::SecureArray> readVaultKey(const QString &path, const QCA::SecureArray &passphrase);

/// Writes `masterKey` wrapped under `passphrase` to `path` atomically, with a fresh salt and
/// nonce, file mode 0600. With a crash point other than None, returns errors::Vault after that
/// point (test seam; the process is then expected to behave as if killed there).
[[nodiscard]] Status writeVaultKey(const QString &path, const QCA::SecureArray &masterKey,
                                   const QCA::SecureArray &passphrase, KdfCost cost = {},
                                   CrashPoint crash = CrashPoint::None);

} // namespace qkms::vault
