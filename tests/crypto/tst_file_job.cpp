// File jobs over the real engine: files that round-trip through encryptFile/decryptFile with
// KMS data keys, outputs that appear only when complete — never after a tampered message, a
// refusal, a cancel or an error, and never with a temporary file left behind — existing targets
// kept unless overwrite is asked (also when one appears while the job runs), progress, the
// classifier and the default names.

#include "FileJobTest.h"
#include "TestMain.h"
#include "envelope/FileJob.h"
#include "envelope/KmsKeyring.h"
#include "iam/PrincipalStore.h"

#include <QBuffer>
#include <QFile>
#include <QFileInfo>
#include <QTest>

using namespace qkms;
using namespace qkms::envelope;
using namespace Qt::StringLiterals;
using test::why;

namespace {

constexpr auto Plain = AlgorithmSuite::AesGcmHkdfSha512Commit;
constexpr auto Signed = AlgorithmSuite::AesGcmHkdfSha512CommitEcdsaP384;

} // namespace

class TestFileJob : public QObject, protected test::FileJobTest
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void roundTrip_data();
    void roundTrip();
    void fromDevice();
    void tamperedWritesNothing_data();
    void tamperedWritesNothing();
    void refusedWritesNothing();
    void cancel_data();
    void cancel();
    void existingTargetKept();
    void targetAppearsDuringJob();
    void fileErrors();
    void classify();
    void defaultNames_data();
    void defaultNames();

private:
    /// Writes `plain` to `name` and encrypts it to `name`.encrypted.
    QString encrypted(const QString &name, const QByteArray &plain, AlgorithmSuite suite = Plain, quint32 frame = 4096)
    {
        if (!writeFile(path(name), plain))
            qFatal("cannot write %s", qPrintable(name));
        EncryptOptions o;
        o.suite = suite;
        o.frameLength = frame;
        o.context = {{u"file"_s, name}};
        auto r = encryptFile(*m_keyring, path(name), path(name + u".encrypted"_s), o);
        if (!r)
            qFatal("encryptFile: %s", qPrintable(why(r)));
        return r->outputPath;
    }
};

void TestFileJob::init()
{
    QVERIFY(openFileJob());
}

void TestFileJob::cleanup()
{
    closeFileJob();
}

void TestFileJob::roundTrip_data()
{
    QTest::addColumn<int>("suite");
    QTest::addColumn<qint64>("size");
    QTest::newRow("0x0478 empty") << int(Plain) << qint64(0);
    QTest::newRow("0x0478 1 byte") << int(Plain) << qint64(1);
    QTest::newRow("0x0478 frame") << int(Plain) << qint64(4096);
    QTest::newRow("0x0478 3 MiB + 1") << int(Plain) << qint64(3 * 1024 * 1024 + 1);
    QTest::newRow("0x0578 frame + 1") << int(Signed) << qint64(4097);
    QTest::newRow("0x0578 1 MiB") << int(Signed) << qint64(1024 * 1024);
}

void TestFileJob::roundTrip()
{
    QFETCH(int, suite);
    QFETCH(qint64, size);
    const QByteArray plain = pattern(size);
    QList<std::pair<qint64, qint64>> reports;
    QVERIFY(writeFile(path(u"report.pdf"_s), plain));
    EncryptOptions o;
    o.suite = AlgorithmSuite(suite);
    o.frameLength = 4096;
    o.context = {{u"purpose"_s, u"roundtrip"_s}};
    FileJobOptions job;
    job.progress = [&reports](qint64 done, qint64 total) { reports.append({done, total}); };
    auto enc = encryptFile(*m_keyring, path(u"report.pdf"_s), path(u"report.pdf.encrypted"_s), o, job);
    QVERIFY2(enc, qPrintable(why(enc)));
    QCOMPARE(enc->outputPath, path(u"report.pdf.encrypted"_s));
    QCOMPARE(enc->plaintextBytes, size);
    QCOMPARE(QFileInfo(enc->outputPath).size(), enc->messageBytes);
    QVERIFY(!reports.isEmpty());
    QCOMPARE(reports.last(), std::make_pair(size, size)); // the total is the file's size
    QCOMPARE(classifyFile(enc->outputPath), FileKind::Encrypted);
    auto header = inspectFile(enc->outputPath);
    QVERIFY2(header, qPrintable(why(header)));
    QCOMPARE(header->encryptedDataKeys.first().providerInfo, m_keyArn.toUtf8());
    QCOMPARE(header->context.value(u"purpose"_s), u"roundtrip"_s);

    QVERIFY(QFile::remove(path(u"report.pdf"_s)));
    KmsKeyring reader(*m_svc, m_root);
    auto dec = decryptFile(reader, enc->outputPath, defaultDecryptedPath(enc->outputPath));
    QVERIFY2(dec, qPrintable(why(dec)));
    QCOMPARE(dec->outputPath, path(u"report.pdf"_s));
    QCOMPARE(dec->plaintextBytes, size);
    QVERIFY(readFile(dec->outputPath) == plain);
    // Decrypted output is readable by its owner only.
    QCOMPARE(QFileInfo(dec->outputPath).permissions() & (QFile::ReadGroup | QFile::ReadOther), QFile::Permissions());
    QCOMPARE(names(), (QStringList{u"report.pdf"_s, u"report.pdf.encrypted"_s}));
}

void TestFileJob::fromDevice()
{
    // A source of unknown size (stdin in the CLI): progress totals are -1.
    QBuffer in;
    in.setData(pattern(10000));
    in.open(QIODevice::ReadOnly);
    qint64 lastTotal = 0;
    FileJobOptions job;
    job.progress = [&lastTotal](qint64, qint64 total) { lastTotal = total; };
    auto enc = encryptToFile(*m_keyring, in, -1, path(u"piped.encrypted"_s), {}, job);
    QVERIFY2(enc, qPrintable(why(enc)));
    QCOMPARE(lastTotal, qint64(-1));
    QFile message(enc->outputPath);
    QVERIFY(message.open(QIODevice::ReadOnly));
    auto dec = decryptToFile(*m_keyring, message, -1, path(u"piped"_s));
    QVERIFY2(dec, qPrintable(why(dec)));
    QCOMPARE(readFile(path(u"piped"_s)), pattern(10000));
}

void TestFileJob::tamperedWritesNothing_data()
{
    QTest::addColumn<int>("suite");
    QTest::addColumn<int>("where"); // byte offset to flip; negative: from the end; 0: truncate by 100
    QTest::newRow("header (suite data)") << int(Plain) << 40;
    QTest::newRow("first frame") << int(Plain) << 2000;
    QTest::newRow("last frame") << int(Plain) << -5;
    QTest::newRow("truncated") << int(Plain) << 0;
    QTest::newRow("0x0578 footer") << int(Signed) << -3;
    QTest::newRow("0x0578 last frame") << int(Signed) << -150;
}

void TestFileJob::tamperedWritesNothing()
{
    QFETCH(int, suite);
    QFETCH(int, where);
    // Several frames, so the damaged one comes after authenticated plaintext went to the
    // temporary file.
    const QString message = encrypted(u"ledger.csv"_s, pattern(5 * 4096 + 77), AlgorithmSuite(suite));
    QByteArray bytes = readFile(message);
    if (where == 0)
        bytes.chop(100);
    else
        bytes[where > 0 ? where : bytes.size() + where] ^= 0x01;
    QVERIFY(writeFile(message, bytes));
    QVERIFY(QFile::remove(path(u"ledger.csv"_s)));
    const QStringList before = names();

    auto r = decryptFile(*m_keyring, message, path(u"ledger.csv"_s));
    QVERIFY(!r);
    QCOMPARE(r.error().type, errors::InvalidCiphertext);
    QCOMPARE(names(), before); // no output, no temporary file
}

void TestFileJob::refusedWritesNothing()
{
    const QString message = encrypted(u"memo.txt"_s, pattern(9000));
    QVERIFY(m_svc->principals().createUser(m_root.principalArn, u"eve"_s));
    KmsKeyring eve(*m_svc, kms::Caller{u"arn:aws:iam::%1:user/eve"_s.arg(m_svc->accountId()), u"console"_s, {}});
    const QStringList before = names();
    auto r = decryptFile(eve, message, path(u"memo.out"_s));
    QCOMPARE(r.error().type, errors::AccessDenied);
    QCOMPARE(names(), before);
}

void TestFileJob::cancel_data()
{
    QTest::addColumn<bool>("decrypting");
    QTest::newRow("encrypt") << false;
    QTest::newRow("decrypt") << true;
}

void TestFileJob::cancel()
{
    QFETCH(bool, decrypting);
    const QByteArray plain = pattern(4 * 1024 * 1024);
    const QString message = encrypted(u"big.bin"_s, plain);
    const QStringList before = names();
    // Cancelled from the progress callback after the first report: frames were already written.
    std::atomic<bool> cancelled{false};
    int reports = 0;
    FileJobOptions job;
    job.cancel = &cancelled;
    job.progress = [&](qint64, qint64) {
        ++reports;
        cancelled = true;
    };
    auto r = decrypting ? decryptFile(*m_keyring, message, path(u"big.out"_s), job)
                        : encryptFile(*m_keyring, path(u"big.bin"_s), path(u"big.out"_s), {}, job);
    QVERIFY(!r);
    QCOMPARE(r.error().type, errors::Cancelled);
    QVERIFY(reports >= 1);
    QCOMPARE(names(), before);
}

void TestFileJob::existingTargetKept()
{
    const QString message = encrypted(u"notes.txt"_s, pattern(5000));
    QVERIFY(writeFile(path(u"notes.out"_s), "precious"_ba));
    const QStringList before = names();
    auto r = decryptFile(*m_keyring, message, path(u"notes.out"_s));
    QCOMPARE(r.error().type, errors::AlreadyExists);
    QVERIFY2(r.error().message.contains(u"--overwrite"_s), qPrintable(r.error().message));
    QCOMPARE(readFile(path(u"notes.out"_s)), "precious"_ba);
    QCOMPARE(names(), before);
    auto e = encryptFile(*m_keyring, path(u"notes.txt"_s), path(u"notes.out"_s), {});
    QCOMPARE(e.error().type, errors::AlreadyExists);
    QCOMPARE(readFile(path(u"notes.out"_s)), "precious"_ba);

    FileJobOptions overwrite;
    overwrite.overwrite = true;
    auto again = decryptFile(*m_keyring, message, path(u"notes.out"_s), overwrite);
    QVERIFY2(again, qPrintable(why(again)));
    QCOMPARE(readFile(path(u"notes.out"_s)), pattern(5000));
    QCOMPARE(names(), (QStringList{u"notes.out"_s, u"notes.txt"_s, u"notes.txt.encrypted"_s}));
}

void TestFileJob::targetAppearsDuringJob()
{
    // Someone else creates the target while the job runs: the final rename must not clobber it.
    const QString message = encrypted(u"race.bin"_s, pattern(2 * 1024 * 1024));
    FileJobOptions job;
    job.progress = [this](qint64, qint64) {
        if (!QFile::exists(path(u"race.out"_s)))
            writeFile(path(u"race.out"_s), "theirs"_ba);
    };
    auto r = decryptFile(*m_keyring, message, path(u"race.out"_s), job);
    QCOMPARE(r.error().type, errors::AlreadyExists);
    QCOMPARE(readFile(path(u"race.out"_s)), "theirs"_ba);
    QCOMPARE(names(), (QStringList{u"race.bin"_s, u"race.bin.encrypted"_s, u"race.out"_s}));
}

void TestFileJob::fileErrors()
{
    QCOMPARE(encryptFile(*m_keyring, path(u"missing"_s), path(u"missing.encrypted"_s), {}).error().type, errors::Storage);
    QVERIFY(writeFile(path(u"in.txt"_s), "x"_ba));
    QCOMPARE(encryptFile(*m_keyring, path(u"in.txt"_s), path(u"no/such/dir/out"_s), {}).error().type, errors::Storage);
    QCOMPARE(encryptFile(*m_keyring, m_dir->path(), path(u"dir.encrypted"_s), {}).error().type, errors::Storage);
    FileJobOptions overwrite;
    overwrite.overwrite = true;
    QCOMPARE(encryptFile(*m_keyring, path(u"in.txt"_s), path(u"in.txt"_s), {}, overwrite).error().type, errors::Validation);
    QCOMPARE(encryptFile(*m_keyring, path(u"in.txt"_s), m_dir->path(), {}, overwrite).error().type, errors::Storage);
    // A reserved context key is refused before anything is written.
    EncryptOptions reserved;
    reserved.context = {{u"aws-crypto-public-key"_s, u"x"_s}};
    QCOMPARE(encryptFile(*m_keyring, path(u"in.txt"_s), path(u"in.enc"_s), reserved).error().type, errors::Validation);
    QCOMPARE(names(), QStringList{u"in.txt"_s});
}

void TestFileJob::classify()
{
    const QString message = encrypted(u"a.txt"_s, "hello"_ba);
    QCOMPARE(classifyFile(message), FileKind::Encrypted);
    QCOMPARE(classifyFile(path(u"a.txt"_s)), FileKind::Plaintext);
    // By content, not by name.
    QVERIFY(QFile::rename(message, path(u"renamed.txt"_s)));
    QCOMPARE(classifyFile(path(u"renamed.txt"_s)), FileKind::Encrypted);
    QVERIFY(writeFile(path(u"fake.encrypted"_s), "not a message"_ba));
    QCOMPARE(classifyFile(path(u"fake.encrypted"_s)), FileKind::Plaintext);
    QVERIFY(writeFile(path(u"empty"_s), {}));
    QCOMPARE(classifyFile(path(u"empty"_s)), FileKind::Plaintext);
    QCOMPARE(classifyFile(m_dir->path()), FileKind::Directory);
    QCOMPARE(classifyFile(path(u"missing"_s)), FileKind::Unreadable);
}

void TestFileJob::defaultNames_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<QString>("encrypted");
    QTest::addColumn<QString>("decrypted");
    QTest::newRow("plain name") << u"/d/a.txt"_s << u"/d/a.txt.encrypted"_s << u"/d/a.txt.decrypted"_s;
    QTest::newRow(".encrypted") << u"/d/a.txt.encrypted"_s << u"/d/a.txt.encrypted.encrypted"_s << u"/d/a.txt"_s;
    QTest::newRow("only the suffix") << u"/d/.encrypted"_s << u"/d/.encrypted.encrypted"_s << u"/d/.encrypted.decrypted"_s;
}

void TestFileJob::defaultNames()
{
    QFETCH(QString, input);
    QFETCH(QString, encrypted);
    QFETCH(QString, decrypted);
    QCOMPARE(defaultEncryptedPath(input), encrypted);
    QCOMPARE(defaultDecryptedPath(input), decrypted);
}

QKMS_TEST_MAIN(TestFileJob)
#include "tst_file_job.moc"
