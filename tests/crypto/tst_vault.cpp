// The vault: create, open, wrong passphrase, lock, passphrase change (also interrupted),
// region files, encryption at rest, and the self-test refusal path.

#include "TestMain.h"
#include "VaultFixture.h"
#include "primitives/SelfTest.h"
#include "store/Database.h"
#include "vault/Vault.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>

using namespace qkms;
using namespace qkms::test;

class TestVault : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void createMakesPrivateFiles();
    void reopenKeepsAccount();
    void wrongPassphraseChangesNothing();
    void refusesShortPassphraseAndExistingVault();
    void missingAndCorruptVaultsNameTheFile();
    void lockWipesSecrets();
    void anotherHandleIsIndependent();
    void regionFiles();
    void dataAtRestIsEncrypted();
    void changePassphrase();
    void interruptedPassphraseChange_data();
    void interruptedPassphraseChange();
    void materialWrappingIsBound();
    void selfTestFailureRefusesToOpen();
};

void TestVault::createMakesPrivateFiles()
{
    VaultFixture f;
    vault::Vault &v = f.vault();
    QVERIFY(QRegularExpression(QStringLiteral("^[1-9][0-9]{11}$")).match(v.accountId()).hasMatch());
    const QFile::Permissions groupOrOther = QFile::ReadGroup | QFile::WriteGroup | QFile::ExeGroup | QFile::ReadOther
        | QFile::WriteOther | QFile::ExeOther;
    const QFile::Permissions dirPerms = QFileInfo(f.dir()).permissions();
    QCOMPARE(dirPerms & groupOrOther, QFile::Permissions());
    QVERIFY(dirPerms.testFlags(QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner));
    for (const QString &name : {QStringLiteral("vault.key"), QStringLiteral("account.db")}) {
        const QFileInfo fi(QDir(f.dir()).filePath(name));
        QVERIFY2(fi.exists(), qPrintable(name));
        QCOMPARE(fi.permissions() & (QFile::ReadGroup | QFile::ReadOther | QFile::WriteGroup | QFile::WriteOther),
                 QFile::Permissions());
    }
}

void TestVault::reopenKeepsAccount()
{
    VaultFixture f;
    const QString account = f.vault().accountId();
    f.close();
    auto again = f.openAgain();
    QVERIFY(again);
    QCOMPARE(again->accountId(), account);
}

void TestVault::wrongPassphraseChangesNothing()
{
    VaultFixture f;
    QVERIFY(f.vault().regionDb(QStringLiteral("eu-west-1")));
    f.close();
    const QByteArray before = treeDigest(f.dir());
    auto r = vault::Vault::open(f.dir(), QCA::SecureArray(QByteArrayLiteral("not the passphrase")), f.clock());
    QVERIFY(!r);
    QCOMPARE(r.error().type, errors::Vault);
    QVERIFY2(r.error().message.contains(QStringLiteral("wrong passphrase")), qPrintable(r.error().message));
    QCOMPARE(treeDigest(f.dir()), before);
}

void TestVault::refusesShortPassphraseAndExistingVault()
{
    VaultFixture f;
    auto shortPass = vault::Vault::create(f.dir(), QCA::SecureArray(QByteArrayLiteral("short")), f.clock(), kFastKdf);
    QVERIFY(!shortPass);
    QCOMPARE(shortPass.error().type, errors::Validation);
    QVERIFY(!vault::Vault::exists(f.dir()));
    (void)f.vault();
    f.close();
    const QByteArray before = treeDigest(f.dir());
    auto again = vault::Vault::create(f.dir(), QCA::SecureArray(kPassphrase), f.clock(), kFastKdf);
    QVERIFY(!again);
    QCOMPARE(again.error().type, errors::AlreadyExists);
    QCOMPARE(treeDigest(f.dir()), before);
}

void TestVault::missingAndCorruptVaultsNameTheFile()
{
    VaultFixture f;
    auto missing = vault::Vault::open(f.dir(), QCA::SecureArray(kPassphrase), f.clock());
    QVERIFY(!missing);
    QCOMPARE(missing.error().type, errors::Vault);
    QVERIFY(missing.error().message.contains(QStringLiteral("vault.key")));

    (void)f.vault();
    f.close();
    const QString keyPath = QDir(f.dir()).filePath(QStringLiteral("vault.key"));
    QFile::copy(keyPath, keyPath + QStringLiteral(".bak"));
    {
        QFile k(keyPath);
        QVERIFY(k.open(QIODevice::WriteOnly | QIODevice::Truncate));
        k.write("this is not json");
    }
    auto corrupt = vault::Vault::open(f.dir(), QCA::SecureArray(kPassphrase), f.clock());
    QVERIFY(!corrupt);
    QVERIFY2(corrupt.error().message.contains(QStringLiteral("vault.key")), qPrintable(corrupt.error().message));
    QFile::remove(keyPath);
    QFile::rename(keyPath + QStringLiteral(".bak"), keyPath);

    // account.db overwritten with garbage: a clear error that names it.
    const QString dbPath = QDir(f.dir()).filePath(QStringLiteral("account.db"));
    {
        QFile db(dbPath);
        QVERIFY(db.open(QIODevice::ReadWrite));
        db.seek(0);
        db.write(QByteArray(4096, 'x'));
    }
    for (const char *suffix : {"-wal", "-shm"})
        QFile::remove(dbPath + QLatin1String(suffix));
    auto badDb = vault::Vault::open(f.dir(), QCA::SecureArray(kPassphrase), f.clock());
    QVERIFY(!badDb);
    QVERIFY2(badDb.error().message.contains(QStringLiteral("account.db")), qPrintable(badDb.error().message));
}

void TestVault::lockWipesSecrets()
{
    VaultFixture f;
    vault::Vault &v = f.vault();
    QVERIFY(v.holdsSecrets());
    QVERIFY(v.regionDb(QStringLiteral("us-east-1")));
    v.lock();
    QVERIFY(v.isLocked());
    QVERIFY(!v.holdsSecrets());
    auto db = v.regionDb(QStringLiteral("us-east-1"));
    QVERIFY(!db);
    QCOMPARE(db.error().type, errors::Vault);
    QVERIFY(!v.accountDb());
    QVERIFY(!v.wrapMaterial(QCA::SecureArray(QByteArray(32, 'k')), QByteArrayLiteral("b")));
}

void TestVault::anotherHandleIsIndependent()
{
    VaultFixture f;
    vault::Vault &v = f.vault();
    const QCA::SecureArray material(QByteArray(32, 'm'));
    auto wrapped = v.wrapMaterial(material, QByteArrayLiteral("arn|1"));
    QVERIFY(wrapped);
    auto second = v.openAnotherHandle();
    QVERIFY(second);
    QCOMPARE((*second)->accountId(), v.accountId());
    QVERIFY((*second)->regionDb(QStringLiteral("us-east-1")));
    // Same domain key: what one handle wrapped, the other unwraps.
    auto unwrapped = (*second)->unwrapMaterial(*wrapped, QByteArrayLiteral("arn|1"));
    QVERIFY(unwrapped);
    QCOMPARE(unwrapped->toByteArray(), material.toByteArray());
    // Locking the second handle wipes its secrets only.
    (*second)->lock();
    QVERIFY(!(*second)->holdsSecrets());
    QVERIFY(v.holdsSecrets());
    QVERIFY(v.regionDb(QStringLiteral("us-east-1")));
    // A locked handle cannot lend its keys.
    v.lock();
    auto refused = v.openAnotherHandle();
    QVERIFY(!refused);
    QCOMPARE(refused.error().type, errors::Vault);
}

void TestVault::regionFiles()
{
    VaultFixture f;
    vault::Vault &v = f.vault();
    QVERIFY(v.regionsOnDisk().isEmpty());
    QVERIFY(v.regionDb(QStringLiteral("eu-west-1")));
    QVERIFY(v.regionDb(QStringLiteral("us-east-1")));
    QCOMPARE(v.regionsOnDisk(), (QStringList{QStringLiteral("eu-west-1"), QStringLiteral("us-east-1")}));
    auto bad = v.regionDb(QStringLiteral("mars-north-1"));
    QVERIFY(!bad);
    QCOMPARE(bad.error().type, errors::Validation);
    f.close();
    // A region file renamed to another region is refused, not silently used.
    QDir d(f.dir());
    QVERIFY(QFile::rename(d.filePath(QStringLiteral("eu-west-1.db")), d.filePath(QStringLiteral("eu-west-2.db"))));
    auto again = f.openAgain();
    QVERIFY(again);
    auto moved = again->regionDb(QStringLiteral("eu-west-2"));
    QVERIFY(!moved);
}

void TestVault::dataAtRestIsEncrypted()
{
    VaultFixture f;
    const QByteArray marker = QByteArrayLiteral("QKMS-MARKER-7f3a9c-plaintext-should-never-hit-disk");
    {
        vault::Vault &v = f.vault();
        auto account = v.accountDb();
        QVERIFY(account);
        auto st = (*account)->prepare(QStringLiteral("INSERT INTO settings (name, value) VALUES ('m', :v)"));
        QVERIFY(st);
        QVERIFY(st->bind(":v", QString::fromLatin1(marker)).run());
        auto region = v.regionDb(QStringLiteral("us-east-1"));
        QVERIFY(region);
        QVERIFY((*region)->exec(QStringLiteral("CREATE TABLE t (v TEXT)")));
        auto ins = (*region)->prepare(QStringLiteral("INSERT INTO t VALUES (:v)"));
        QVERIFY(ins->bind(":v", QString::fromLatin1(marker)).run());
        // The scan runs while the files are open too: WAL contents count.
        const QByteArray live = allFileBytes(f.dir());
        QVERIFY(!live.contains(marker));
        QVERIFY(!live.contains(QStringLiteral("QKMS-MARKER-7f3a9c").toUtf8()));
    }
    f.close();
    const QByteArray bytes = allFileBytes(f.dir());
    QVERIFY(bytes.size() > 4096);
    QVERIFY(!bytes.contains(marker));
    QVERIFY(!bytes.contains(QByteArrayLiteral("CREATE TABLE")));
    // And the marker really was stored: it reads back through the vault.
    auto again = f.openAgain();
    auto account = again->accountDb();
    auto q = (*account)->prepare(QStringLiteral("SELECT value FROM settings WHERE name = 'm'"));
    QVERIFY(q && q->step().value_or(false));
    QCOMPARE(q->columnText(0).toLatin1(), marker);
}

void TestVault::changePassphrase()
{
    VaultFixture f;
    const QByteArray next = QByteArrayLiteral("a brand new passphrase");
    QVERIFY(f.vault().regionDb(QStringLiteral("us-east-1")));
    auto wrongOld = f.vault().changePassphrase(QCA::SecureArray(QByteArrayLiteral("wrong old one")), QCA::SecureArray(next), kFastKdf);
    QVERIFY(!wrongOld);
    QVERIFY(f.vault().changePassphrase(QCA::SecureArray(kPassphrase), QCA::SecureArray(next), kFastKdf));
    f.close();
    QVERIFY(!f.openAgain(kPassphrase));
    auto v = f.openAgain(next);
    QVERIFY(v);
    QVERIFY(v->regionDb(QStringLiteral("us-east-1")));
}

void TestVault::interruptedPassphraseChange_data()
{
    QTest::addColumn<int>("crash");
    QTest::addColumn<bool>("newWorks");
    QTest::newRow("killed after the new key file was written") << int(vault::CrashPoint::AfterTempWritten) << false;
    QTest::newRow("killed after the rename") << int(vault::CrashPoint::AfterRename) << true;
}

void TestVault::interruptedPassphraseChange()
{
    QFETCH(int, crash);
    QFETCH(bool, newWorks);
    VaultFixture f;
    const QByteArray next = QByteArrayLiteral("the next passphrase");
    QVERIFY(f.vault().regionDb(QStringLiteral("us-east-1")));
    auto st = f.vault().changePassphrase(QCA::SecureArray(kPassphrase), QCA::SecureArray(next), kFastKdf,
                                         static_cast<vault::CrashPoint>(crash));
    QVERIFY(!st);
    f.close();
    // Exactly one of the two passphrases opens it; never neither.
    auto withOld = f.openAgain(kPassphrase);
    auto withNew = f.openAgain(next);
    QCOMPARE(bool(withNew), newWorks);
    QCOMPARE(bool(withOld), !newWorks);
    vault::Vault *v = withNew ? withNew.get() : withOld.get();
    QVERIFY(v->regionDb(QStringLiteral("us-east-1")));
    // A leftover temporary key file is cleaned up by the successful open.
    QVERIFY(!QFile::exists(QDir(f.dir()).filePath(QStringLiteral("vault.key.new"))));
}

void TestVault::materialWrappingIsBound()
{
    VaultFixture f;
    vault::Vault &v = f.vault();
    const QCA::SecureArray material(QByteArray(32, '\x42'));
    auto wrapped = v.wrapMaterial(material, QByteArrayLiteral("arn:aws:kms:us-east-1:1:key/a|1"));
    QVERIFY(wrapped);
    QVERIFY(!wrapped->contains(QByteArray(32, '\x42')));
    auto back = v.unwrapMaterial(*wrapped, QByteArrayLiteral("arn:aws:kms:us-east-1:1:key/a|1"));
    QVERIFY(back);
    QVERIFY(*back == material);
    auto otherBinding = v.unwrapMaterial(*wrapped, QByteArrayLiteral("arn:aws:kms:us-east-1:1:key/a|2"));
    QVERIFY(!otherBinding);
    QByteArray flipped = *wrapped;
    flipped[20] = static_cast<char>(flipped[20] ^ 1);
    QVERIFY(!v.unwrapMaterial(flipped, QByteArrayLiteral("arn:aws:kms:us-east-1:1:key/a|1")));
}

void TestVault::selfTestFailureRefusesToOpen()
{
    VaultFixture f;
    (void)f.vault();
    f.close();
    crypto::simulateMissingAlgorithmForTest(QStringLiteral("hkdf(sha256)"));
    auto r = vault::Vault::open(f.dir(), QCA::SecureArray(kPassphrase), f.clock());
    crypto::simulateMissingAlgorithmForTest(QString());
    QVERIFY(!r);
    QCOMPARE(r.error().type, errors::SelfTest);
    QVERIFY2(r.error().message.contains(QStringLiteral("hkdf(sha256)")), qPrintable(r.error().message));
    QVERIFY(f.openAgain());
}

QKMS_TEST_MAIN(TestVault)
#include "tst_vault.moc"
