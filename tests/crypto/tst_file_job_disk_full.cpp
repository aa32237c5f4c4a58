// File jobs whose output the system refuses part-way: a real write(2) failure, made by lowering
// this process's file size limit (RLIMIT_FSIZE) below the output's size, so every write past it
// fails with EFBIG — the same path a full disk (ENOSPC, tested on a real tmpfs by
// tst_cli_disk_full) or a quota (EDQUOT) takes, and one that works without privileges in any CI.
// Each job must fail with the reason in plain words naming the target, leave neither output nor
// temporary file, keep the input as it was and an existing target (overwrite on) untouched.

#include "FileJobTest.h"
#include "FileSizeLimit.h"
#include "TestMain.h"
#include "envelope/FileJob.h"

#include <QFileInfo>
#include <QTest>

using namespace qkms;
using namespace qkms::envelope;
using namespace Qt::StringLiterals;
using test::why;

namespace {

/// The limit: well above the test vault (whose writes must still succeed), below the outputs.
constexpr rlim_t kLimit = 3 * 1024 * 1024;
constexpr qint64 kInputSize = 5 * 1024 * 1024;

} // namespace

class TestFileJobDiskFull : public QObject, protected test::FileJobTest
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void refusedWrite_data();
    void refusedWrite();
    void fitsUnderTheLimit();
};

void TestFileJobDiskFull::init()
{
    QVERIFY(openFileJob());
}

void TestFileJobDiskFull::cleanup()
{
    closeFileJob();
}

void TestFileJobDiskFull::refusedWrite_data()
{
    QTest::addColumn<bool>("decrypting");
    QTest::addColumn<int>("suite");
    QTest::addColumn<bool>("existingTarget");
    QTest::newRow("encrypt 0x0478") << false << int(AlgorithmSuite::AesGcmHkdfSha512Commit) << false;
    QTest::newRow("encrypt 0x0578") << false << int(AlgorithmSuite::AesGcmHkdfSha512CommitEcdsaP384) << false;
    QTest::newRow("decrypt 0x0478") << true << int(AlgorithmSuite::AesGcmHkdfSha512Commit) << false;
    QTest::newRow("decrypt 0x0578") << true << int(AlgorithmSuite::AesGcmHkdfSha512CommitEcdsaP384) << false;
    QTest::newRow("encrypt over an existing target") << false << int(AlgorithmSuite::AesGcmHkdfSha512Commit) << true;
    QTest::newRow("decrypt over an existing target") << true << int(AlgorithmSuite::AesGcmHkdfSha512Commit) << true;
}

void TestFileJobDiskFull::refusedWrite()
{
    QFETCH(bool, decrypting);
    QFETCH(int, suite);
    QFETCH(bool, existingTarget);
    const QByteArray plain = pattern(kInputSize);
    QVERIFY(writeFile(path(u"big.bin"_s), plain));
    EncryptOptions message;
    message.suite = AlgorithmSuite(quint16(suite));
    message.frameLength = 4096;
    auto enc = encryptFile(*m_keyring, path(u"big.bin"_s), path(u"big.msg"_s), message);
    QVERIFY2(enc, qPrintable(why(enc)));
    const QByteArray messageBytes = readFile(path(u"big.msg"_s));
    if (existingTarget)
        QVERIFY(writeFile(path(u"out"_s), "the old version"_ba));
    const QStringList before = names();

    FileJobOptions options;
    options.overwrite = existingTarget;
    Result<FileJobResult> r;
    {
        FileSizeLimit limit(kLimit);
        QVERIFY(limit.ok());
        r = decrypting ? decryptFile(*m_keyring, path(u"big.msg"_s), path(u"out"_s), options)
                       : encryptFile(*m_keyring, path(u"big.bin"_s), path(u"out"_s), message, options);
    }
    QVERIFY(!r);
    QCOMPARE(r.error().type, errors::Storage);
    QCOMPARE(r.error().message, u"File too large while writing %1 (the system's file size limit); nothing was written"_s
                                    .arg(QFileInfo(path(u"out"_s)).absoluteFilePath()));
    QCOMPARE(names(), before); // no output, no temporary file
    QCOMPARE(readFile(path(u"big.bin"_s)), plain);
    QCOMPARE(readFile(path(u"big.msg"_s)), messageBytes);
    if (existingTarget)
        QCOMPARE(readFile(path(u"out"_s)), "the old version"_ba);
}

void TestFileJobDiskFull::fitsUnderTheLimit()
{
    // The control: under the same limit a smaller file goes through, so the failures above are
    // the limit's and not the set-up's.
    const QByteArray plain = pattern(kLimit / 2);
    QVERIFY(writeFile(path(u"small.bin"_s), plain));
    FileSizeLimit limit(kLimit);
    QVERIFY(limit.ok());
    auto enc = encryptFile(*m_keyring, path(u"small.bin"_s), path(u"small.msg"_s), {});
    QVERIFY2(enc, qPrintable(why(enc)));
    auto dec = decryptFile(*m_keyring, path(u"small.msg"_s), path(u"small.out"_s));
    QVERIFY2(dec, qPrintable(why(dec)));
    QCOMPARE(readFile(path(u"small.out"_s)), plain);
}

QKMS_TEST_MAIN(TestFileJobDiskFull)
#include "tst_file_job_disk_full.moc"
