#pragma once

// A temporary vault for tests: a fresh directory, a mock clock, and a cheap KDF (the work factor
// is stored in vault.key, so production vaults are unaffected).

#include "core/Clock.h"
#include "vault/Vault.h"

#include <QTemporaryDir>

#include <memory>

namespace qkms::test {

inline const QByteArray kPassphrase = QByteArrayLiteral("correct horse battery staple");
inline constexpr vault::KdfCost kFastKdf{1000};

class VaultFixture
{
public:
    VaultFixture();
    [[nodiscard]] QString dir() const { return m_dir.path() + QStringLiteral("/vault"); }
    [[nodiscard]] ManualClock &clock() { return m_clock; }
    /// Creates the vault (once) and returns it open.
    [[nodiscard]] vault::Vault &vault();
    /// Opens the vault again as a second handle (as a second process would).
    [[nodiscard]] std::unique_ptr<vault::Vault> openAgain(const QByteArray &passphrase = kPassphrase);
    /// Closes the fixture's handle.
    void close() { m_vault.reset(); }

private:
    QTemporaryDir m_dir;
    ManualClock m_clock;
    std::unique_ptr<vault::Vault> m_vault;
};

/// Every byte of every file in `dir` (recursively), for scans of what reached the disk.
[[nodiscard]] QByteArray allFileBytes(const QString &dir);
/// A digest of every file name and content in `dir`, to show that nothing changed.
[[nodiscard]] QByteArray treeDigest(const QString &dir);

} // namespace qkms::test
