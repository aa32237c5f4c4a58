// init, change-passphrase: the vault itself.

#include "Passphrase.h"
#include "Session.h"
#include "vault/Vault.h"

#include <QJsonObject>

#include <unistd.h>

namespace qkms::cli {

namespace {

Result<QJsonObject> initVault(Session &s, const QStringList &words)
{
    auto args = Args::parse(words);
    if (!args)
        return std::unexpected(args.error());
    if (auto st = args->allowOnly({}); !st)
        return std::unexpected(st.error());
    const QString dir = s.options().vaultDir;
    if (vault::Vault::exists(dir))
        return fail(errors::AlreadyExists, QStringLiteral("a qkms vault already exists in %1").arg(dir));
    auto pass = readPassphrase("QKMS_PASSPHRASE", s.options().passphraseFile,
                               QStringLiteral("New passphrase for %1: ").arg(dir), true);
    if (!pass)
        return std::unexpected(pass.error());
    auto v = vault::Vault::create(dir, *pass, s.clock());
    if (!v)
        return std::unexpected(v.error());
    QJsonObject o;
    o.insert(u"VaultDirectory", (*v)->directory());
    o.insert(u"AccountId", (*v)->accountId());
    o.insert(u"Region", s.options().region);
    return o;
}

vault::CrashPoint crashPointFromEnvironment()
{
    // Test seam, documented in docs/vault-format.md: makes the process die at that point, as a
    // kill would, so tests can show the vault still opens.
    const QString at = qEnvironmentVariable("QKMS_TEST_CRASH_AT");
    if (at == QStringLiteral("after-temp"))
        return vault::CrashPoint::AfterTempWritten;
    if (at == QStringLiteral("after-rename"))
        return vault::CrashPoint::AfterRename;
    return vault::CrashPoint::None;
}

Result<QJsonObject> changePassphrase(Session &s, const QStringList &words)
{
    auto args = Args::parse(words);
    if (!args)
        return std::unexpected(args.error());
    if (auto st = args->allowOnly({QStringLiteral("new-passphrase-file")}); !st)
        return std::unexpected(st.error());
    if (!vault::Vault::exists(s.options().vaultDir))
        return fail(errors::Vault, QStringLiteral("no qkms vault in %1 (create one with: qkms init)").arg(s.options().vaultDir));
    auto pass = readPassphrase("QKMS_PASSPHRASE", s.options().passphraseFile,
                               QStringLiteral("Current passphrase: "), false);
    if (!pass)
        return std::unexpected(pass.error());
    auto next = readPassphrase("QKMS_NEW_PASSPHRASE", args->value(QStringLiteral("new-passphrase-file")).value_or(QString()),
                               QStringLiteral("New passphrase: "), true);
    if (!next)
        return std::unexpected(next.error());
    auto v = vault::Vault::open(s.options().vaultDir, *pass, s.clock());
    if (!v)
        return std::unexpected(v.error());
    const vault::CrashPoint crash = crashPointFromEnvironment();
    auto st = (*v)->changePassphrase(*pass, *next, {}, crash);
    if (!st && crash != vault::CrashPoint::None)
        ::_exit(137);
    if (!st)
        return std::unexpected(st.error());
    s.warn(QStringLiteral("The passphrase of %1 was changed.").arg((*v)->directory()));
    return QJsonObject{};
}

} // namespace

void registerVaultCommands()
{
    registerCommand({QStringLiteral("init"), QStringLiteral("Init"), QStringLiteral("create a new vault (passphrase asked twice)"), initVault});
    registerCommand({QStringLiteral("change-passphrase"), QStringLiteral("ChangePassphrase"),
                     QStringLiteral("re-wrap the vault key under a new passphrase"), changePassphrase});
}

} // namespace qkms::cli
