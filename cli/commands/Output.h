#pragma once

// Helpers shared by the aws-kms-shaped commands: option parsing with the AWS CLI's list options,
// the engine and caller of the session, and output of blobs, secrets and AWS timestamps.

#include "Args.h"
#include "Session.h"
#include "kms/Requests.h"
#include "kms/ResponseJson.h"

#include <QJsonObject>
#include <QtCrypto>

namespace qkms::kms {
class KmsService;
}

namespace qkms::cli {

/// A command's options once checked: the scalar options in `args`, and the AWS CLI list options
/// (`--tags A B`, `--tag-keys k1 k2`, `--grant-tokens t1 t2`) with every word they took.
struct CommandArgs {
    Args args;
    QHash<QString, QStringList> lists;
    [[nodiscard]] QStringList list(const QString &name) const { return lists.value(name); }
};

/// Parses `words`: `known` are the accepted option names, `flags` those without a value, `lists`
/// those that take one or more words. Unknown options and stray words are usage errors (252).
[[nodiscard]] Result<CommandArgs> parseCommand(const QStringList &words, const QStringList &known,
                                               const QStringList &flags = {}, const QStringList &lists = {});

/// The engine of the session and the caller every command acts as (--principal, front end "cli").
struct Engine {
    kms::KmsService *service = nullptr;
    kms::Caller caller;
};
[[nodiscard]] Result<Engine> engine(Session &s);

/// A command on one key: its options, the required --key-id, and the engine it calls.
struct KeyCommand {
    CommandArgs parsed;
    QString keyId;
    Engine engine; ///< empty until openEngine() (keyCommand() opens it)
    [[nodiscard]] kms::KmsService &service() const { return *engine.service; }
    [[nodiscard]] const kms::Caller &caller() const { return engine.caller; }
};
/// Parses `words` as parseCommand() does and reads the required --key-id (usage error, 252,
/// when absent). The engine is not opened yet, so the command can check its other options first.
[[nodiscard]] Result<KeyCommand> parseKeyCommand(const QStringList &words, const QStringList &known,
                                                 const QStringList &flags = {}, const QStringList &lists = {});
/// Opens the session's engine for `cmd`; the caller carries --grant-tokens when the command takes
/// them. Fails as engine() does (no vault, wrong passphrase, unknown principal).
[[nodiscard]] Status openEngine(Session &s, KeyCommand &cmd);
/// parseKeyCommand() then openEngine(), for commands whose only required option is --key-id.
[[nodiscard]] Result<KeyCommand> keyCommand(Session &s, const QStringList &words, const QStringList &known,
                                            const QStringList &flags = {}, const QStringList &lists = {});

/// The secret option `name` (a plaintext): `fileb://` files are read straight into a
/// SecureArray; base64 text is decoded and the temporary bytes wiped. std::nullopt when absent.
[[nodiscard]] Result<std::optional<QCA::SecureArray>> secretBlob(const Args &args, const QString &name);
/// A required blob option: usage error (252) when absent.
[[nodiscard]] Result<QByteArray> requiredBlob(const Args &args, const QString &name);
/// `--encryption-context`-style map as the engine takes it (empty when absent).
[[nodiscard]] Result<kms::EncryptionContext> contextOption(const Args &args, const QString &name);
/// An integer option that must fit an int; range checks are the engine's (AWS wording, audited).
[[nodiscard]] Result<std::optional<int>> intOption(const Args &args, const QString &name);
/// AWS CLI tags: `TagKey=k,TagValue=v` words or one JSON list `[{"TagKey":…,"TagValue":…}]`.
[[nodiscard]] Result<kms::Tags> parseTags(const QStringList &values, const QString &option = QStringLiteral("tags"));

/// Base64 text of public bytes (ciphertexts, signatures, public keys).
[[nodiscard]] QString base64(const QByteArray &bytes);
/// Base64 of a secret, computed inside a SecureArray so the encoded secret never sits in a
/// QByteArray or QString.
[[nodiscard]] QCA::SecureArray base64Secret(const QCA::SecureArray &bytes);
/// Prints `result` with field `secretField` set to the base64 of `secret`, honouring --output and
/// --query as Session::print does, without building a QString of the secret. Returns the empty
/// object, so the caller can `return printWithSecret(…)` and Cli.cpp prints nothing more.
[[nodiscard]] QJsonObject printWithSecret(Session &s, QJsonObject result, const QString &secretField,
                                          const QCA::SecureArray &secret);

/// Registers one command: `name` and `operation` in ASCII, `summary` in UTF-8.
void addCommand(const char *name, const char *operation, const char *summary,
                std::function<Result<QJsonObject>(Session &, const QStringList &)> run);
/// sign, verify, generate-mac, verify-mac, get-public-key (SigningCommands.cpp); registered by
/// registerCryptoCommands().
void registerSigningCommands();

/// Turns an engine Status into a command result that prints nothing.
[[nodiscard]] Result<QJsonObject> nothing(const Status &st);

} // namespace qkms::cli
