// FileJobModel under QAbstractItemModelTester: adding jobs, progress, finishing, clearing the
// finished ones (in runs that are not contiguous), lookups by id, and the summary line.

#include "FileJobModel.h"
#include "TestMain.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace qkms;
using model::FileJob;
using model::FileJobModel;

class TestFileJobModel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void addProgressFinish();
    void finishedJobsIgnoreLaterReports();
    void removeFinishedKeepsActiveJobs();
    void summaryLine();
    void formatBytes_data();
    void formatBytes();
};

void TestFileJobModel::addProgressFinish()
{
    QTemporaryDir dir;
    const QString in = dir.filePath(QStringLiteral("report.pdf"));
    {
        QFile f(in);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QByteArray(2000, 'x'));
    }
    FileJobModel m;
    QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy inserted(&m, &QAbstractItemModel::rowsInserted);
    QSignalSpy changed(&m, &QAbstractItemModel::dataChanged);
    QSignalSpy summary(&m, &FileJobModel::summaryChanged);

    const quint64 id = m.addJob(in, in + QStringLiteral(".encrypted"), FileJob::Direction::Encrypt);
    QCOMPARE(inserted.size(), 1);
    QCOMPARE(m.rowCount(), 1);
    QCOMPARE(m.indexOf(id), 0);
    QCOMPARE(m.job(id)->bytesTotal, 2000);
    QCOMPARE(m.index(0, FileJobModel::FileColumn).data().toString(), QStringLiteral("report.pdf"));
    QCOMPARE(m.index(0, FileJobModel::DirectionColumn).data().toString(), QStringLiteral("Encrypt"));
    QCOMPARE(m.index(0, FileJobModel::StateColumn).data().toString(), QStringLiteral("Queued"));
    QCOMPARE(m.index(0, 0).data(FileJobModel::JobIdRole).value<quint64>(), id);

    m.setRunning(id);
    QCOMPARE(m.index(0, 0).data(FileJobModel::StateRole).toInt(), int(FileJob::State::Running));
    m.setProgress(id, 500, 2000, 3.0 * 1024 * 1024);
    QCOMPARE(changed.size(), 2);
    QCOMPARE(changed.last().at(0).toModelIndex(), m.index(0, 0));
    QCOMPARE(changed.last().at(1).toModelIndex(), m.index(0, FileJobModel::ColumnCount - 1));
    QCOMPARE(m.index(0, FileJobModel::ProgressColumn).data(FileJobModel::ProgressRole).toInt(), 25);
    QCOMPARE(m.index(0, FileJobModel::SpeedColumn).data().toString(), QStringLiteral("3.0 MiB/s"));

    m.finishJob(id, FileJob::State::Done, QStringLiteral("Encrypted."), {}, QStringLiteral("/abs/report.pdf.encrypted"));
    QCOMPARE(m.index(0, FileJobModel::ProgressColumn).data(FileJobModel::ProgressRole).toInt(), 100);
    QCOMPARE(m.index(0, FileJobModel::SpeedColumn).data().toString(), QString()); // only while running
    QCOMPARE(m.index(0, FileJobModel::MessageColumn).data().toString(), QStringLiteral("Encrypted."));
    QCOMPARE(m.job(id)->outputPath, QStringLiteral("/abs/report.pdf.encrypted"));
    QCOMPARE(summary.size(), 4);
    QVERIFY(!m.job(id + 1));
    QCOMPARE(m.indexOf(id + 1), -1);
    QVERIFY(!m.jobAt(1));
    QVERIFY(!m.jobAt(-1));
}

void TestFileJobModel::finishedJobsIgnoreLaterReports()
{
    FileJobModel m;
    QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
    const quint64 id = m.addJob(QStringLiteral("/nonexistent/a"), {}, FileJob::Direction::Decrypt);
    QCOMPARE(m.job(id)->bytesTotal, 0); // QFileInfo of a missing file
    m.finishJob(id, FileJob::State::Cancelled, QStringLiteral("Cancelled."));
    QSignalSpy changed(&m, &QAbstractItemModel::dataChanged);
    // A progress report or a second ending that raced the cancel must not revive the row.
    m.setRunning(id);
    m.setProgress(id, 10, 20, 1);
    m.finishJob(id, FileJob::State::Done, QStringLiteral("late"));
    QCOMPARE(changed.size(), 0);
    QCOMPARE(int(m.job(id)->state), int(FileJob::State::Cancelled));
    QCOMPARE(m.job(id)->message, QStringLiteral("Cancelled."));
    QCOMPARE(m.index(0, FileJobModel::ProgressColumn).data(FileJobModel::ProgressRole).toInt(), 0);

    const quint64 failed = m.addFailedJob(QStringLiteral("/nonexistent/b"), FileJob::Direction::Encrypt,
                                          QStringLiteral("Cannot read b."), QStringLiteral("StorageException"));
    QCOMPARE(int(m.job(failed)->state), int(FileJob::State::Failed));
    QCOMPARE(m.job(failed)->errorType, QStringLiteral("StorageException"));
}

void TestFileJobModel::removeFinishedKeepsActiveJobs()
{
    FileJobModel m;
    QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QList<quint64> ids;
    for (int i = 0; i < 7; ++i)
        ids.append(m.addJob(QStringLiteral("/x/%1").arg(i), {}, FileJob::Direction::Encrypt));
    // Finished: 0, 1, 3, 5, 6 — three separate runs; 2 runs, 4 is queued.
    for (int i : {0, 1, 3, 5, 6})
        m.finishJob(ids[i], i == 3 ? FileJob::State::Failed : FileJob::State::Done, {});
    m.setRunning(ids[2]);
    QSignalSpy removed(&m, &QAbstractItemModel::rowsRemoved);
    m.removeFinished();
    QCOMPARE(removed.size(), 3);
    QCOMPARE(m.rowCount(), 2);
    QCOMPARE(m.indexOf(ids[2]), 0);
    QCOMPARE(m.indexOf(ids[4]), 1);
    QCOMPARE(m.indexOf(ids[0]), -1);
    // Ids stay unique after removals.
    const quint64 next = m.addJob(QStringLiteral("/x/7"), {}, FileJob::Direction::Encrypt);
    QVERIFY(!ids.contains(next));
    removed.clear();
    m.removeFinished(); // nothing finished: no signal
    QCOMPARE(removed.size(), 0);
}

void TestFileJobModel::summaryLine()
{
    FileJobModel m;
    QCOMPARE(FileJobModel::summaryText(m.summary()), QString());
    const quint64 a = m.addJob(QStringLiteral("/x/a"), {}, FileJob::Direction::Encrypt);
    const quint64 b = m.addJob(QStringLiteral("/x/b"), {}, FileJob::Direction::Decrypt);
    const quint64 c = m.addJob(QStringLiteral("/x/c"), {}, FileJob::Direction::Decrypt);
    m.addJob(QStringLiteral("/x/d"), {}, FileJob::Direction::Decrypt);
    m.setRunning(a);
    m.setProgress(a, 1024 * 1024, 4 * 1024 * 1024, 0);
    m.finishJob(b, FileJob::State::Done, {});
    m.finishJob(c, FileJob::State::Failed, {});
    const model::FileJobSummary s = m.summary();
    QCOMPARE(s.total(), 4);
    QCOMPARE(s.active(), 2);
    QCOMPARE(s.failed, 1);
    QCOMPARE(FileJobModel::summaryText(s),
             QStringLiteral("1 of 4 files done, 1 failed, 1 running, 1 queued — 1.0 MiB processed"));
}

void TestFileJobModel::formatBytes_data()
{
    QTest::addColumn<double>("bytes");
    QTest::addColumn<QString>("text");
    QTest::newRow("zero") << 0.0 << QStringLiteral("0 B");
    QTest::newRow("below a KiB") << 1023.0 << QStringLiteral("1023 B");
    QTest::newRow("one KiB") << 1024.0 << QStringLiteral("1.0 KiB");
    QTest::newRow("1.5 GiB") << 1.5 * 1024 * 1024 * 1024 << QStringLiteral("1.5 GiB");
}

void TestFileJobModel::formatBytes()
{
    QFETCH(double, bytes);
    QFETCH(QString, text);
    QCOMPARE(FileJobModel::formatBytes(bytes), text);
}

QKMS_TEST_MAIN(TestFileJobModel)
#include "tst_file_job_model.moc"
