// The SQLCipher wrapper: keying and refusal of wrong keys, real encryption on disk, file modes,
// binding, error reports, transactions, migrations and two processes sharing a vault.

#include "store/Database.h"

#include "TestMain.h"

#include <QElapsedTimer>
#include <QFile>
#include <QRandomGenerator>
#include <QTemporaryDir>

#include <sys/stat.h>

#include <array>
#include <limits>

using namespace Qt::StringLiterals;
using namespace qkms;
using namespace qkms::store;

namespace {

QCA::SecureArray testKey(char seed)
{
    QCA::SecureArray key(32);
    for (int i = 0; i < key.size(); ++i)
        key[i] = static_cast<char>(seed + 7 * i);
    return key;
}

QByteArray fileBytes(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

bool writeFile(const QString &path, const QByteArray &bytes)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly | QIODevice::Truncate) && file.write(bytes) == bytes.size();
}

int fileMode(const QString &path)
{
    struct stat info{};
    return ::stat(QFile::encodeName(path).constData(), &info) == 0 ? static_cast<int>(info.st_mode & 07777) : -1;
}

// Reads one integer, failing the test on any error.
qint64 scalar(Database &db, const QString &sql)
{
    auto statement = db.prepare(sql);
    if (!statement)
        qFatal("%s", qPrintable(statement.error().toString()));
    auto row = statement->step();
    if (!row || !*row)
        qFatal("no row for %s", qPrintable(sql));
    return statement->columnInt(0);
}

const auto kMarker = "QKMS-PLAINTEXT-MARKER-4f1c9a"_ba;

constexpr std::array kMigrations{
    Migration{1, "accounts", "CREATE TABLE account (id INTEGER PRIMARY KEY, name TEXT NOT NULL);"},
    Migration{2, "first account", "INSERT INTO account (name) VALUES ('default');\n"
                                  "CREATE TABLE region (account INTEGER REFERENCES account(id), name TEXT);"},
    Migration{3, "account note", "ALTER TABLE account ADD COLUMN note TEXT; UPDATE account SET note = 'v3';"},
};

} // namespace

class TestDatabase : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

    QString pathOf(const QString &name) const { return m_dir.filePath(name); }

    std::unique_ptr<Database> openOrDie(const QString &path, char seed = 1,
                                        Database::OpenMode mode = Database::OpenMode::CreateIfMissing)
    {
        auto db = Database::open(path, testKey(seed), mode);
        if (!db)
            qFatal("open failed: %s", qPrintable(db.error().toString()));
        return std::move(*db);
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void createAndReopen()
    {
        const QString path = pathOf(u"reopen.db"_s);
        {
            auto db = openOrDie(path);
            QVERIFY(db->exec(u"CREATE TABLE t (v TEXT)"_s));
            auto insert = db->prepare(u"INSERT INTO t (v) VALUES (:v)"_s);
            QVERIFY(insert);
            QVERIFY(insert->bind(":v", u"kept"_s).run());
            QCOMPARE(db->lastInsertRowId(), 1);
            QCOMPARE(db->changes(), 1);
        }
        auto db = openOrDie(path, 1, Database::OpenMode::MustExist);
        auto select = db->prepare(u"SELECT v FROM t"_s);
        QVERIFY(select);
        QCOMPARE(select->step(), true);
        QCOMPARE(select->columnText(0), u"kept"_s);
        QCOMPARE(select->step(), false);
        QCOMPARE(scalar(*db, u"PRAGMA foreign_keys"_s), 1);
        QCOMPARE(scalar(*db, u"PRAGMA secure_delete"_s), 1);
        QCOMPARE(scalar(*db, u"PRAGMA synchronous"_s), 2); // FULL
    }

    void wrongKeyIsRefusedAndChangesNothing()
    {
        const QString path = pathOf(u"wrongkey.db"_s);
        {
            auto db = openOrDie(path, 1);
            QVERIFY(db->exec(u"CREATE TABLE t (v)"_s));
        }
        const QByteArray before = fileBytes(path);
        QVERIFY(!before.isEmpty());
        auto wrong = Database::open(path, testKey(2), Database::OpenMode::MustExist);
        QVERIFY(!wrong);
        QCOMPARE(wrong.error().type, errors::Vault);
        QVERIFY2(wrong.error().message.startsWith(u"wrong passphrase, or not a qkms vault: "_s),
                 qPrintable(wrong.error().message));
        QVERIFY(wrong.error().message.contains(u"wrongkey.db"_s));
        QCOMPARE(fileBytes(path), before);
        QVERIFY(Database::open(path, testKey(1), Database::OpenMode::MustExist)); // still fine with the right key
    }

    void notAVault_data()
    {
        QTest::addColumn<QByteArray>("content");
        QByteArray random(8192, Qt::Uninitialized);
        QRandomGenerator::global()->fillRange(reinterpret_cast<quint32 *>(random.data()), random.size() / 4);
        QTest::newRow("random bytes") << random;
        QTest::newRow("plain text") << "These are my notes, not a database.\n"_ba;
        QTest::newRow("unencrypted SQLite header") << ("SQLite format 3"_ba + QByteArray(4081, '\0'));
    }

    void notAVault()
    {
        QFETCH(QByteArray, content);
        const QString path = pathOf(u"notavault-%1"_s.arg(QString::fromLatin1(QTest::currentDataTag())));
        QVERIFY(writeFile(path, content));
        auto db = Database::open(path, testKey(1), Database::OpenMode::CreateIfMissing);
        QVERIFY(!db);
        QCOMPARE(db.error().type, errors::Vault);
        QVERIFY(db.error().message.contains(QFileInfo(path).fileName()));
        QCOMPARE(fileBytes(path), content);
    }

    void mustExistRefusesMissingFile()
    {
        const QString path = pathOf(u"missing.db"_s);
        auto db = Database::open(path, testKey(1), Database::OpenMode::MustExist);
        QVERIFY(!db);
        QCOMPARE(db.error(), (KmsError{errors::Vault, u"no such vault file: "_s + path}));
        QVERIFY(!QFileInfo::exists(path));
    }

    void wrongKeySizeIsRefused()
    {
        auto db = Database::open(pathOf(u"shortkey.db"_s), QCA::SecureArray(16), Database::OpenMode::CreateIfMissing);
        QVERIFY(!db);
        QCOMPARE(db.error().type, errors::Storage);
    }

    void fileIsEncrypted()
    {
        const QString path = pathOf(u"encrypted.db"_s);
        auto db = openOrDie(path);
        QVERIFY(db->exec(u"CREATE TABLE t (v TEXT, b BLOB)"_s));
        auto insert = db->prepare(u"INSERT INTO t VALUES (:v, :b)"_s);
        QVERIFY(insert);
        for (int i = 0; i < 50; ++i) {
            QVERIFY(insert->bind(":v", QString::fromLatin1(kMarker)).bind(":b", kMarker).run());
        }
        const QByteArray wal = fileBytes(path + u"-wal"_s);
        QVERIFY(wal.size() > 4096); // the rows are in the WAL, not yet in the main file
        QVERIFY(!wal.contains(kMarker));
        QVERIFY(db->exec(u"PRAGMA wal_checkpoint(FULL)"_s));
        const QByteArray main = fileBytes(path);
        QVERIFY(main.size() >= 4096);
        QVERIFY(!main.startsWith("SQLite format 3"));
        QVERIFY(!main.contains(kMarker));
        QVERIFY(!fileBytes(path + u"-wal"_s).contains(kMarker));
        // The check above would see a plaintext marker: it is stored as these very bytes.
        QCOMPARE(scalar(*db, u"SELECT count(*) FROM t WHERE CAST(b AS TEXT) = v"_s), 50);
    }

    void filesAreOwnerOnly_data()
    {
        QTest::addColumn<int>("umaskValue");
        QTest::newRow("umask 000 (too loose)") << 0;
        QTest::newRow("umask 277 (too strict)") << 0277;
    }

    void filesAreOwnerOnly()
    {
        QFETCH(int, umaskValue);
        const QString path = pathOf(u"mode-%1.db"_s.arg(umaskValue, 0, 8));
        const mode_t previous = ::umask(static_cast<mode_t>(umaskValue));
        auto db = Database::open(path, testKey(1), Database::OpenMode::CreateIfMissing);
        ::umask(previous);
        QVERIFY2(db, db ? "" : qPrintable(db.error().toString()));
        QVERIFY((*db)->exec(u"CREATE TABLE t (v)"_s));
        QCOMPARE(fileMode(path), 0600);
        QCOMPARE(fileMode(path + u"-wal"_s), 0600);
        QCOMPARE(fileMode(path + u"-shm"_s), 0600);
    }

    void bindingsRoundTrip()
    {
        auto db = openOrDie(pathOf(u"bind.db"_s));
        QVERIFY(db->exec(u"CREATE TABLE t (i INTEGER, s TEXT, b BLOB, n)"_s));
        const QString text = u"Grüße, 鍵 🔑 ключ"_s;
        const QByteArray blob("\0\x01\xff\0secret\0", 11);
        for (const qint64 value : {qint64{0}, qint64{-1}, std::numeric_limits<qint64>::min(),
                                   std::numeric_limits<qint64>::max()}) {
            auto insert = db->prepare(u"INSERT INTO t VALUES (:i, :s, :b, :n)"_s);
            QVERIFY(insert);
            QVERIFY(insert->bind(":i", value).bind(":s", text).bind(":b", blob).bindNull(":n").run());
            auto select = db->prepare(u"SELECT i, s, b, n, typeof(b) FROM t WHERE rowid = :r"_s);
            QVERIFY(select);
            QCOMPARE(select->bind(":r", db->lastInsertRowId()).step(), true);
            QCOMPARE(select->columnInt(0), value);
            QCOMPARE(select->columnText(1), text);
            QCOMPARE(select->columnBlob(2), blob);
            QCOMPARE(select->columnBlob(2).size(), 11);
            QVERIFY(select->columnIsNull(3));
            QVERIFY(!select->columnIsNull(2));
            QCOMPARE(select->columnText(4), u"blob"_s);
        }
        // A null QByteArray is an empty blob, not NULL; a null QString is empty text.
        auto insert = db->prepare(u"INSERT INTO t (b, s) VALUES (:b, :s)"_s);
        QVERIFY(insert);
        QVERIFY(insert->bind(":b", QByteArray()).bind(":s", QString()).run());
        auto select = db->prepare(u"SELECT b, typeof(b), length(b), typeof(s) FROM t WHERE rowid = :r"_s);
        QVERIFY(select);
        QCOMPARE(select->bind(":r", db->lastInsertRowId()).step(), true);
        QVERIFY(!select->columnIsNull(0));
        QCOMPARE(select->columnText(1), u"blob"_s);
        QCOMPARE(select->columnInt(2), 0);
        QCOMPARE(select->columnText(3), u"text"_s);
        QVERIFY(!select->columnBlob(0).isNull());
        QVERIFY(select->columnBlob(0).isEmpty());
    }

    void unknownParameterIsReported()
    {
        auto db = openOrDie(pathOf(u"params.db"_s));
        auto select = db->prepare(u"SELECT :known"_s);
        QVERIFY(select);
        auto row = select->bind(":known", qint64{1}).bind(":nope", qint64{2}).step();
        QVERIFY(!row);
        QCOMPARE(row.error().type, errors::Storage);
        QVERIFY2(row.error().message.contains(u"unknown parameter :nope"_s), qPrintable(row.error().message));
        QVERIFY(row.error().message.contains(u"SELECT :known"_s));
        // Clearing the bindings clears the mistake.
        select->reset(true);
        QCOMPARE(select->bind(":known", qint64{5}).step(), true);
        QCOMPARE(select->columnInt(0), 5);
    }

    void syntaxErrorNamesSqlAndCallSite()
    {
        auto db = openOrDie(pathOf(u"syntax.db"_s));
        const int line = __LINE__ + 1;
        auto bad = db->prepare(u"SELEC 1 FROM nowhere"_s);
        QVERIFY(!bad);
        QCOMPARE(bad.error().type, errors::Storage);
        const QString message = bad.error().message;
        QVERIFY2(message.contains(u"SELEC 1 FROM nowhere"_s), qPrintable(message));
        QVERIFY2(message.contains(u"tst_database.cpp:%1"_s.arg(line)), qPrintable(message));
        QVERIFY(message.contains(u"syntax error"_s));
        auto execFailure = db->exec(u"DROP TABLE nowhere"_s);
        QVERIFY(!execFailure);
        QVERIFY(execFailure.error().message.contains(u"tst_database.cpp"_s));
    }

    void errorsNameParametersNeverValues()
    {
        auto db = openOrDie(pathOf(u"novalues.db"_s));
        QVERIFY(db->exec(u"CREATE TABLE k (id TEXT PRIMARY KEY, material BLOB NOT NULL)"_s));
        auto insert = db->prepare(u"INSERT INTO k VALUES (:id, :material)"_s);
        QVERIFY(insert);
        QVERIFY(insert->bind(":id", u"key-1"_s).bind(":material", "TOP-SECRET-BYTES"_ba).run());
        auto again = insert->run(); // same primary key
        QVERIFY(!again);
        const QString message = again.error().message;
        QVERIFY2(message.contains(u":id"_s) && message.contains(u":material"_s), qPrintable(message));
        QVERIFY(message.contains(u"UNIQUE"_s));
        QVERIFY(!message.contains(u"TOP-SECRET"_s));
        QVERIFY(!message.contains(u"key-1"_s));
    }

    void prepareTakesOneStatement()
    {
        auto db = openOrDie(pathOf(u"onestatement.db"_s));
        QVERIFY(!db->prepare(u"CREATE TABLE a (x); CREATE TABLE b (x)"_s));
        QVERIFY(!db->prepare(u"  -- only a comment"_s));
        QVERIFY(db->prepare(u"SELECT 1; -- trailing comment"_s));
        QVERIFY(db->execScript(u"CREATE TABLE a (x); CREATE TABLE b (x); -- done"_s));
        QCOMPARE(scalar(*db, u"SELECT count(*) FROM sqlite_master WHERE name IN ('a', 'b')"_s), 2);
    }

    void transactionRollsBackUnlessCommitted()
    {
        auto db = openOrDie(pathOf(u"transaction.db"_s));
        QVERIFY(db->exec(u"CREATE TABLE t (v)"_s));
        {
            auto tx = Transaction::begin(*db);
            QVERIFY(tx);
            QVERIFY(db->inTransaction());
            QVERIFY(db->exec(u"INSERT INTO t VALUES (1)"_s));
        }
        QVERIFY(!db->inTransaction());
        QCOMPARE(scalar(*db, u"SELECT count(*) FROM t"_s), 0);
        {
            auto tx = Transaction::begin(*db, Transaction::Kind::Deferred);
            QVERIFY(tx);
            QVERIFY(db->exec(u"INSERT INTO t VALUES (2)"_s));
            Transaction moved(std::move(*tx)); // the moved-from one must not roll back
            QVERIFY(moved.commit());
            QVERIFY(!moved.commit()); // already finished
        }
        QCOMPARE(scalar(*db, u"SELECT count(*) FROM t"_s), 1);
    }

    void migrationsApplyInOrderOnce()
    {
        auto db = openOrDie(pathOf(u"migrate.db"_s));
        QCOMPARE(db->userVersion(), 0);
        QVERIFY(migrate(*db, std::span(kMigrations).first(2)));
        QCOMPARE(db->userVersion(), 2);
        QVERIFY(migrate(*db, kMigrations));
        QCOMPARE(db->userVersion(), 3);
        QCOMPARE(scalar(*db, u"SELECT count(*) FROM account WHERE note = 'v3'"_s), 1);
        QVERIFY(migrate(*db, kMigrations)); // idempotent: step 2's INSERT does not run again
        QCOMPARE(scalar(*db, u"SELECT count(*) FROM account"_s), 1);
        QCOMPARE(db->userVersion(), 3);
    }

    void failingMigrationRollsBack()
    {
        auto db = openOrDie(pathOf(u"migrate-fail.db"_s));
        const std::array broken{kMigrations[0], kMigrations[1],
                                Migration{3, "broken", "CREATE TABLE extra (x); INSERT INTO missing VALUES (1);"}};
        auto result = migrate(*db, broken);
        QVERIFY(!result);
        QCOMPARE(result.error().type, errors::Storage);
        QVERIFY2(result.error().message.contains(u"migration 3 (broken)"_s), qPrintable(result.error().message));
        QVERIFY(result.error().message.contains(u"INSERT INTO missing VALUES (1)"_s));
        QCOMPARE(db->userVersion(), 2);
        QCOMPARE(scalar(*db, u"SELECT count(*) FROM sqlite_master WHERE name = 'extra'"_s), 0);
        QVERIFY(!db->inTransaction());
        QVERIFY(migrate(*db, kMigrations)); // the fixed step applies afterwards
        QCOMPARE(db->userVersion(), 3);
    }

    void newerFileIsRefused()
    {
        const QString path = pathOf(u"newer.db"_s);
        auto db = openOrDie(path);
        QVERIFY(db->exec(u"PRAGMA user_version = 7"_s));
        auto result = migrate(*db, kMigrations);
        QVERIFY(!result);
        QCOMPARE(result.error(),
                 (KmsError{errors::Storage, path + u" was written by a newer qkms (schema 7, this build knows 3)"_s}));
        QCOMPARE(db->userVersion(), 7);
    }

    void misnumberedMigrationsAreRefused()
    {
        auto db = openOrDie(pathOf(u"misnumbered.db"_s));
        const std::array gap{kMigrations[0], kMigrations[2]};
        QVERIFY(!migrate(*db, gap));
        QCOMPARE(db->userVersion(), 0);
    }

    void twoHandlesShareTheFile()
    {
        const QString path = pathOf(u"shared.db"_s);
        auto first = openOrDie(path);
        auto second = openOrDie(path, 1, Database::OpenMode::MustExist);
        QVERIFY(first->exec(u"CREATE TABLE t (v)"_s));
        QVERIFY(first->exec(u"INSERT INTO t VALUES (42)"_s));
        QCOMPARE(scalar(*second, u"SELECT v FROM t"_s), 42);

        auto held = Transaction::begin(*first, Transaction::Kind::Immediate);
        QVERIFY(held);
        constexpr int timeoutMs = 300;
        second->setBusyTimeout(timeoutMs);
        QElapsedTimer timer;
        timer.start();
        auto blocked = Transaction::begin(*second, Transaction::Kind::Immediate);
        const qint64 waited = timer.elapsed();
        QVERIFY(!blocked);
        QCOMPARE(blocked.error().type, errors::Storage);
        QVERIFY2(blocked.error().message.contains(u"database is locked by another qkms process"_s),
                 qPrintable(blocked.error().message));
        QVERIFY2(waited >= timeoutMs - 50, qPrintable(u"gave up after %1 ms"_s.arg(waited)));
        QCOMPARE(scalar(*second, u"SELECT v FROM t"_s), 42); // readers are not blocked (WAL)

        QVERIFY(held->commit());
        QVERIFY(Transaction::begin(*second, Transaction::Kind::Immediate));
    }

    void rekeyChangesTheKey()
    {
        const QString path = pathOf(u"rekey.db"_s);
        {
            auto db = openOrDie(path, 1);
            QVERIFY(db->exec(u"CREATE TABLE t (v)"_s));
            QVERIFY(db->exec(u"INSERT INTO t VALUES (7)"_s));
            QVERIFY(!db->rekey(QCA::SecureArray(5)));
            QVERIFY(db->rekey(testKey(9)));
            QCOMPARE(scalar(*db, u"SELECT v FROM t"_s), 7);
        }
        auto old = Database::open(path, testKey(1), Database::OpenMode::MustExist);
        QVERIFY(!old);
        QCOMPARE(old.error().type, errors::Vault);
        auto db = openOrDie(path, 9, Database::OpenMode::MustExist);
        QCOMPARE(scalar(*db, u"SELECT v FROM t"_s), 7);
    }
};

QKMS_TEST_MAIN(TestDatabase)
#include "tst_database.moc"
