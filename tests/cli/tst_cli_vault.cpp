// The command line's vault commands, run as a user would run them: the real executable.

#include "CliRunner.h"
#include "TestMain.h"
#include "VaultFixture.h"
#include "core/MemoryLock.h"
#include "vault/Vault.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStandardPaths>
#include <QTemporaryDir>

using namespace qkms;
using namespace qkms::test;

class TestCliVault : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void version();
    void initCreatesVault();
    void initRefusesExistingVault();
    void passphraseFromFile();
    void changePassphrase();
    void killedPassphraseChangeLeavesOldPassphrase_data();
    void killedPassphraseChangeLeavesOldPassphrase();
    void usageErrors();
    void warnsWhenMemoryCannotBeLocked();

private:
    QTemporaryDir m_tmp;
    QString vaultDir(const QString &name) const { return m_tmp.path() + u'/' + name; }
};

void TestCliVault::version()
{
    const CliResult r = runProgram(binaryPath(QStringLiteral("qkms")), {QStringLiteral("--version")});
    QCOMPARE(r.exitCode, 0);
    QVERIFY(r.outText().startsWith(QStringLiteral("qkms 0.")));
}

void TestCliVault::initCreatesVault()
{
    const QString dir = vaultDir(QStringLiteral("init"));
    const CliResult r = runQkms(dir, {QStringLiteral("init")}, kPassphrase);
    QVERIFY2(r.exitCode == 0, r.err.constData());
    const QJsonObject o = QJsonDocument::fromJson(r.out).object();
    QCOMPARE(o.value(u"AccountId").toString().size(), 12);
    ManualClock clock(QDateTime::currentDateTimeUtc());
    auto v = vault::Vault::open(dir, QCA::SecureArray(kPassphrase), clock);
    QVERIFY(v);
    QCOMPARE((*v)->accountId(), o.value(u"AccountId").toString());
}

void TestCliVault::initRefusesExistingVault()
{
    const QString dir = vaultDir(QStringLiteral("twice"));
    QCOMPARE(runQkms(dir, {QStringLiteral("init")}, kPassphrase).exitCode, 0);
    const QByteArray before = treeDigest(dir);
    const CliResult r = runQkms(dir, {QStringLiteral("init")}, QByteArrayLiteral("another passphrase"));
    QCOMPARE(r.exitCode, 254);
    QVERIFY2(r.errText().contains(QStringLiteral("An error occurred (AlreadyExistsException) when calling the Init operation")),
             r.err.constData());
    QCOMPARE(treeDigest(dir), before);
}

void TestCliVault::passphraseFromFile()
{
    const QString dir = vaultDir(QStringLiteral("pfile"));
    const QString file = m_tmp.path() + QStringLiteral("/pass.txt");
    QFile f(file);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(kPassphrase + '\n');
    f.close();
    const CliResult r = runProgram(binaryPath(QStringLiteral("qkms")),
                                   {QStringLiteral("--vault"), dir, QStringLiteral("--passphrase-file"), file, QStringLiteral("init")});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    ManualClock clock(QDateTime::currentDateTimeUtc());
    QVERIFY(vault::Vault::open(dir, QCA::SecureArray(kPassphrase), clock)); // the newline is not part of it
}

void TestCliVault::changePassphrase()
{
    const QString dir = vaultDir(QStringLiteral("change"));
    QCOMPARE(runQkms(dir, {QStringLiteral("init")}, kPassphrase).exitCode, 0);
    QProcessEnvironment env;
    env.insert(QStringLiteral("QKMS_NEW_PASSPHRASE"), QStringLiteral("my new passphrase"));
    const CliResult wrong = runQkms(dir, {QStringLiteral("change-passphrase")}, QByteArrayLiteral("wrong wrong wrong"), env);
    QCOMPARE(wrong.exitCode, 254);
    QVERIFY2(wrong.errText().contains(QStringLiteral("wrong passphrase")), wrong.err.constData());
    const CliResult r = runQkms(dir, {QStringLiteral("change-passphrase")}, kPassphrase, env);
    QVERIFY2(r.exitCode == 0, r.err.constData());
    ManualClock clock(QDateTime::currentDateTimeUtc());
    QVERIFY(!vault::Vault::open(dir, QCA::SecureArray(kPassphrase), clock));
    QVERIFY(vault::Vault::open(dir, QCA::SecureArray(QByteArrayLiteral("my new passphrase")), clock));
}

void TestCliVault::killedPassphraseChangeLeavesOldPassphrase_data()
{
    QTest::addColumn<QString>("crashAt");
    QTest::addColumn<bool>("newWorks");
    QTest::newRow("killed before the rename") << QStringLiteral("after-temp") << false;
    QTest::newRow("killed after the rename") << QStringLiteral("after-rename") << true;
}

void TestCliVault::killedPassphraseChangeLeavesOldPassphrase()
{
    QFETCH(QString, crashAt);
    QFETCH(bool, newWorks);
    const QString dir = vaultDir(QStringLiteral("killed-") + crashAt);
    QCOMPARE(runQkms(dir, {QStringLiteral("init")}, kPassphrase).exitCode, 0);
    QProcessEnvironment env;
    env.insert(QStringLiteral("QKMS_NEW_PASSPHRASE"), QStringLiteral("next passphrase!"));
    env.insert(QStringLiteral("QKMS_TEST_CRASH_AT"), crashAt);
    const CliResult r = runQkms(dir, {QStringLiteral("change-passphrase")}, kPassphrase, env);
    QCOMPARE(r.exitCode, 137);
    ManualClock clock(QDateTime::currentDateTimeUtc());
    QCOMPARE(bool(vault::Vault::open(dir, QCA::SecureArray(QByteArrayLiteral("next passphrase!")), clock)), newWorks);
    QCOMPARE(bool(vault::Vault::open(dir, QCA::SecureArray(kPassphrase), clock)), !newWorks);
}

void TestCliVault::usageErrors()
{
    const CliResult unknown = runProgram(binaryPath(QStringLiteral("qkms")), {QStringLiteral("frobnicate")});
    QCOMPARE(unknown.exitCode, 252);
    QVERIFY(unknown.errText().contains(QStringLiteral("invalid choice")));
    const CliResult region = runProgram(binaryPath(QStringLiteral("qkms")),
                                        {QStringLiteral("--region"), QStringLiteral("moon-1"), QStringLiteral("init")});
    QCOMPARE(region.exitCode, 252);
    QVERIFY(region.errText().contains(QStringLiteral("moon-1")));
    const CliResult noVault = runQkms(vaultDir(QStringLiteral("none")), {QStringLiteral("change-passphrase")}, kPassphrase);
    QCOMPARE(noVault.exitCode, 254);
    QVERIFY2(noVault.errText().contains(QStringLiteral("vault")), noVault.err.constData());
}

void TestCliVault::warnsWhenMemoryCannotBeLocked()
{
    const QString prlimit = QStandardPaths::findExecutable(QStringLiteral("prlimit"));
    if (prlimit.isEmpty())
        QSKIP("prlimit (util-linux) is not installed");
    const QString dir = vaultDir(QStringLiteral("memlock"));
    QProcessEnvironment env;
    env.insert(QStringLiteral("QKMS_PASSPHRASE"), QString::fromUtf8(kPassphrase));
    const CliResult low = runProgram(prlimit, {QStringLiteral("--memlock=0:0"), binaryPath(QStringLiteral("qkms")),
                                               QStringLiteral("--vault"), dir, QStringLiteral("init")}, env);
    QVERIFY2(low.exitCode == 0, low.err.constData());
    QVERIFY2(low.errText().contains(QStringLiteral("RLIMIT_MEMLOCK")), low.err.constData());
    // With this process's own limit (enough on these machines) there is no warning.
    if (!memoryLockWarning().isEmpty())
        QSKIP("this machine's own RLIMIT_MEMLOCK is low; the no-warning case cannot be shown here");
    const CliResult ample = runQkms(vaultDir(QStringLiteral("memlock2")), {QStringLiteral("init")}, kPassphrase);
    QVERIFY2(ample.exitCode == 0, ample.err.constData());
    QVERIFY2(!ample.errText().contains(QStringLiteral("RLIMIT_MEMLOCK")), ample.err.constData());
}

QKMS_TEST_MAIN(TestCliVault)
#include "tst_cli_vault.moc"
