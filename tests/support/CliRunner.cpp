#include "CliRunner.h"

#include <QProcess>
#include <QTest>

namespace qkms::test {

QString binaryPath(const QString &name)
{
    const QString dir = qEnvironmentVariable("QKMS_BIN_DIR");
    if (dir.isEmpty())
        qFatal("QKMS_BIN_DIR is not set (ctest sets it)");
    return dir + u'/' + name;
}

CliResult runProgram(const QString &program, const QStringList &args, const QProcessEnvironment &env,
                     const QByteArray &input)
{
    QProcess p;
    QProcessEnvironment e = QProcessEnvironment::systemEnvironment();
    e.remove(QStringLiteral("QKMS_PASSPHRASE"));
    e.remove(QStringLiteral("QKMS_VAULT"));
    e.remove(QStringLiteral("QKMS_NOW"));
    for (const QString &k : env.keys())
        e.insert(k, env.value(k));
    p.setProcessEnvironment(e);
    p.start(program, args);
    if (!p.waitForStarted(10000))
        return {};
    if (!input.isEmpty())
        p.write(input);
    p.closeWriteChannel();
    p.waitForFinished(120000);
    CliResult r;
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = p.readAllStandardOutput();
    r.err = p.readAllStandardError();
    return r;
}

CliResult runQkms(const QString &vaultDir, const QStringList &args, const QByteArray &passphrase,
                  const QProcessEnvironment &extraEnv)
{
    QProcessEnvironment env = extraEnv;
    if (!passphrase.isEmpty())
        env.insert(QStringLiteral("QKMS_PASSPHRASE"), QString::fromUtf8(passphrase));
    return runProgram(binaryPath(QStringLiteral("qkms")), QStringList{QStringLiteral("--vault"), vaultDir} + args, env);
}

} // namespace qkms::test
