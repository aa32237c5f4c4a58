#pragma once

// A vault is a directory: vault.key (the wrapped master key), account.db and one <region>.db per
// region used, all SQLCipher but vault.key. Directory 0700, files 0600. While unlocked the vault
// holds the master key and the domain key in QCA::SecureArray; lock() wipes both and closes
// every file.

#include "core/Clock.h"
#include "core/KmsError.h"
#include "vault/VaultKeyFile.h"

#include <QHash>
#include <QString>
#include <QtCrypto>

#include <memory>

namespace qkms::store {
class Database;
}

namespace qkms::vault {

class Vault
{
public:
    ~Vault();
    Vault(const Vault &) = delete;
    Vault &operator=(const Vault &) = delete;

    /// The vault directory used when none is given: $QKMS_VAULT, else the application data
    /// location (~/.local/share/qkms/vault).
    [[nodiscard]] static QString defaultDirectory();
    /// True when `dir` holds a vault (its vault.key exists).
    [[nodiscard]] static bool exists(const QString &dir);

    /// Creates a new vault in `dir` (created 0700 if missing; must not already hold a vault:
    /// errors::AlreadyExists). Passphrases shorter than 8 characters are refused
    /// (errors::Validation). Makes a 12-digit account id and a random 256-bit domain key.
    [[nodiscard]] static Result<std::unique_ptr<Vault>> create(const QString &dir, const QCA::SecureArray &passphrase,
                                                               const Clock &clock, KdfCost cost = {});
    /// Opens the vault in `dir`. Runs the crypto self-test first. errors::Vault for a missing
    /// vault, a wrong passphrase or a corrupt file (naming it); nothing on disk is changed then.
    [[nodiscard]] static Result<std::unique_ptr<Vault>> open(const QString &dir, const QCA::SecureArray &passphrase,
                                                             const Clock &clock);

    /// Re-wraps the master key under a new passphrase (atomic; see VaultKeyFile.h). The old
    /// passphrase must be right. Open database files are unaffected.
    [[nodiscard]] Status changePassphrase(const QCA::SecureArray &oldPassphrase, const QCA::SecureArray &newPassphrase,
                                          KdfCost cost = {}, CrashPoint crash = CrashPoint::None);

    /// A second, independent handle on this unlocked vault, with database connections of its own,
    /// for a component that runs on another thread (the console's local endpoint). Locking this
    /// handle does not lock the other. errors::Vault when this handle is locked.
    [[nodiscard]] Result<std::unique_ptr<Vault>> openAnotherHandle() const;

    /// Closes every file and wipes every secret held in memory. Idempotent.
    void lock();
    [[nodiscard]] bool isLocked() const;

    [[nodiscard]] QString directory() const { return m_dir; }
    [[nodiscard]] QString accountId() const { return m_accountId; }
    [[nodiscard]] const Clock &clock() const { return m_clock; }

    /// account.db. errors::Vault when locked.
    [[nodiscard]] Result<store::Database *> accountDb();
    /// <region>.db, created and migrated on first use. errors::Validation for an unknown region
    /// code; errors::Vault when locked.
    [[nodiscard]] Result<store::Database *> regionDb(const QString &region);
    /// Regions that have a file in this vault.
    [[nodiscard]] QStringList regionsOnDisk() const;

    /// Wraps key material (AES-256-GCM under the domain key) with `binding` (key ARN and material
    /// version) authenticated, so a wrapped blob moved to another key or version fails to unwrap.
    [[nodiscard]] Result<QByteArray> wrapMaterial(const QCA::SecureArray &material, const QByteArray &binding) const;
    /// Reverses wrapMaterial; errors::Internal when the blob does not unwrap (tampered vault).
    [[nodiscard]] Result<QCA::SecureArray> unwrapMaterial(const QByteArray &wrapped, const QByteArray &binding) const;

    /// Test seam: whether the master and domain keys are held (false after lock()).
    [[nodiscard]] bool holdsSecrets() const;

private:
    Vault(QString dir, const Clock &clock);
    [[nodiscard]] Status unlockWith(QCA::SecureArray masterKey);
    [[nodiscard]] Result<QCA::SecureArray> fileKey(const QString &fileName) const;

    QString m_dir;
    const Clock &m_clock;
    QString m_accountId;
    QCA::SecureArray m_masterKey;
    QCA::SecureArray m_domainKey;
    std::unique_ptr<store::Database> m_account;
    QHash<QString, std::shared_ptr<store::Database>> m_regions;
};

} // namespace qkms::vault
