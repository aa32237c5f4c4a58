#pragma once

// Runs the real qkms executable (from QKMS_BIN_DIR) as a script would, and captures what it did.

#include <QByteArray>
#include <QProcessEnvironment>
#include <QStringList>

namespace qkms::test {

struct CliResult {
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
    [[nodiscard]] QString errText() const { return QString::fromUtf8(err); }
    [[nodiscard]] QString outText() const { return QString::fromUtf8(out); }
};

/// Path of a built executable (qkms, qkms-console).
[[nodiscard]] QString binaryPath(const QString &name);

/// Runs `program args` with `env` added to the test's environment and `input` on stdin.
[[nodiscard]] CliResult runProgram(const QString &program, const QStringList &args,
                                   const QProcessEnvironment &env = {}, const QByteArray &input = {});

/// Runs qkms with `--vault dir` first and QKMS_PASSPHRASE set to `passphrase` (unless empty).
[[nodiscard]] CliResult runQkms(const QString &vaultDir, const QStringList &args, const QByteArray &passphrase,
                                const QProcessEnvironment &extraEnv = {});

} // namespace qkms::test
