#pragma once

#include "Args.h"
#include "core/Clock.h"
#include "core/KmsError.h"

#include <QIODevice>
#include <QJsonObject>
#include <QString>

#include <functional>
#include <memory>

namespace qkms::vault {
class Vault;
}
namespace qkms::kms {
class KmsService;
struct Caller;
}

namespace qkms::cli {

/// The global options, before the command name.
struct GlobalOptions {
    QString vaultDir;
    QString region;
    QString principal;
    QString output = QStringLiteral("json");
    QString query;
    QString passphraseFile;
    bool debug = false;
};

/// One run of the command line: options, clock, the vault (opened on first use), and output.
class Session
{
public:
    Session(GlobalOptions options, QIODevice &out, QIODevice &err);
    ~Session();

    [[nodiscard]] const GlobalOptions &options() const { return m_options; }
    [[nodiscard]] const Clock &clock() const { return *m_clock; }
    /// errors::Validation when QKMS_NOW is set but not an ISO 8601 time.
    [[nodiscard]] Status clockStatus() const { return m_clockStatus; }
    /// Opens the vault with the passphrase from QKMS_PASSPHRASE, --passphrase-file or a prompt.
    [[nodiscard]] Result<vault::Vault *> vault();
    /// The engine of --region in the vault (opened on first use). Deletions that came due while
    /// qkms was closed are carried out here, as at every unlock.
    [[nodiscard]] Result<kms::KmsService *> service();
    /// Who this run acts as: --principal, QKMS_PRINCIPAL, else the account root. Front end "cli".
    [[nodiscard]] Result<kms::Caller> caller();

    [[nodiscard]] QIODevice &out() { return m_out; }
    [[nodiscard]] QIODevice &err() { return m_err; }
    /// Writes a line to stderr.
    void warn(const QString &line);
    /// Prints a command's result as JSON (default) or text, honouring --query.
    void print(const QJsonObject &result);

private:
    GlobalOptions m_options;
    QIODevice &m_out;
    QIODevice &m_err;
    std::unique_ptr<Clock> m_clock;
    Status m_clockStatus;
    std::unique_ptr<vault::Vault> m_vault;
    std::unique_ptr<kms::KmsService> m_service;
};

/// One command: its aws-kms-style name, the AWS operation it calls (for error lines), a one-line
/// summary for --help, and what it does. A command returns the JSON to print (empty: nothing).
struct Command {
    QString name;
    QString operation;
    QString summary;
    std::function<Result<QJsonObject>(Session &, const QStringList &words)> run;
};

/// Every command, in registration order.
[[nodiscard]] QList<Command> &commandTable();
void registerCommand(Command command);

/// Each group of commands registers itself through one of these (cli/commands/*.cpp).
void registerVaultCommands();
void registerKeyCommands();
void registerCryptoCommands();
void registerAliasCommands();
void registerTagCommands();
void registerAuditCommands();
void registerRotationCommands();
void registerPolicyCommands();
void registerGrantCommands();
void registerIamCommands();
void registerFileCommands();
void registerImportCommands();
void registerAccessKeyCommands();
void registerServeCommands();

/// Runs the command line (`args` without the program name). Returns the exit status: 0 on
/// success, 252 for usage errors, 254 for service errors (as the AWS CLI).
int run(const QStringList &args, QIODevice &out, QIODevice &err);

} // namespace qkms::cli
