#include "Session.h"

#include "core/MemoryLock.h"
#include "core/Regions.h"
#include "kms/KmsService.h"
#include "vault/Vault.h"

#include <mutex>

namespace qkms::cli {

namespace {

void registerAll()
{
    static std::once_flag once;
    std::call_once(once, [] {
        registerVaultCommands();
        registerKeyCommands();
        registerCryptoCommands();
        registerAliasCommands();
        registerTagCommands();
        registerAuditCommands();
        registerRotationCommands();
        registerPolicyCommands();
        registerGrantCommands();
        registerIamCommands();
        registerFileCommands();
        registerAccessKeyCommands();
        registerServeCommands();
        registerImportCommands();
    });
}

QString usage()
{
    QString text = QStringLiteral(
        "usage: qkms [--vault DIR] [--region R] [--principal ARN] [--output json|text] [--query FIELD]\n"
        "            [--passphrase-file FILE] [--debug] <command> [options]\n"
        "       qkms --version\n\n"
        "The passphrase comes from QKMS_PASSPHRASE, --passphrase-file, or a prompt.\n\ncommands:\n");
    for (const Command &c : commandTable())
        text += QStringLiteral("  %1%2\n").arg(c.name.leftJustified(44), c.summary);
    return text;
}

} // namespace

int run(const QStringList &args, QIODevice &out, QIODevice &err)
{
    registerAll();
    GlobalOptions g;
    g.vaultDir = vault::Vault::defaultDirectory();
    g.region = defaultRegion();
    g.principal = qEnvironmentVariable("QKMS_PRINCIPAL");
    qsizetype i = 0;
    auto usageError = [&err](const QString &msg) {
        err.write(QStringLiteral("qkms: error: %1\n").arg(msg).toUtf8());
        return 252;
    };
    for (; i < args.size() && args[i].startsWith(QStringLiteral("--")); ++i) {
        const QString opt = args[i];
        if (opt == QStringLiteral("--version")) {
            out.write(QStringLiteral("qkms %1 (Qt %2)\n").arg(QStringLiteral(QKMS_VERSION), QString::fromLatin1(qVersion())).toUtf8());
            return 0;
        }
        if (opt == QStringLiteral("--help")) {
            out.write(usage().toUtf8());
            return 0;
        }
        if (opt == QStringLiteral("--debug")) {
            g.debug = true;
            continue;
        }
        if (i + 1 >= args.size())
            return usageError(QStringLiteral("argument %1: expected one argument").arg(opt));
        const QString value = args[++i];
        if (opt == QStringLiteral("--vault"))
            g.vaultDir = value;
        else if (opt == QStringLiteral("--region"))
            g.region = value;
        else if (opt == QStringLiteral("--principal"))
            g.principal = value;
        else if (opt == QStringLiteral("--output"))
            g.output = value;
        else if (opt == QStringLiteral("--query"))
            g.query = value;
        else if (opt == QStringLiteral("--passphrase-file"))
            g.passphraseFile = value;
        else
            return usageError(QStringLiteral("unknown global option %1").arg(opt));
    }
    if (i >= args.size()) {
        err.write(usage().toUtf8());
        return 252;
    }
    if (!isValidRegion(g.region))
        return usageError(QStringLiteral("'%1' is not an AWS region code").arg(g.region));
    if (g.output != QStringLiteral("json") && g.output != QStringLiteral("text"))
        return usageError(QStringLiteral("--output must be json or text"));

    const QString name = args[i];
    const QStringList words = args.mid(i + 1);
    const Command *command = nullptr;
    for (const Command &c : commandTable())
        if (c.name == name)
            command = &c;
    if (!command)
        return usageError(QStringLiteral("invalid choice: '%1' (qkms --help lists the commands)").arg(name));

    Session session(g, out, err);
    if (auto st = session.clockStatus(); !st)
        return usageError(st.error().message);
    if (const QString warning = memoryLockWarning(); !warning.isEmpty())
        session.warn(QStringLiteral("warning: ") + warning);

    auto result = command->run(session, words);
    if (!result) {
        if (result.error().type == kUsageError)
            return usageError(result.error().message);
        err.write(QStringLiteral("\nAn error occurred (%1) when calling the %2 operation: %3\n")
                      .arg(result.error().type, command->operation, result.error().message)
                      .toUtf8());
        // --debug: why the policies said no (the message itself stays AWS's).
        if (g.debug && result.error().type == errors::AccessDenied) {
            if (auto svc = session.service(); svc && !(*svc)->lastDecisionTrace().isEmpty())
                err.write(QStringLiteral("\nPolicy evaluation:\n%1\n").arg((*svc)->lastDecisionTrace()).toUtf8());
        }
        return 254;
    }
    session.print(*result);
    return 0;
}

} // namespace qkms::cli
