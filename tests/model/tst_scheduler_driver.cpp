// SchedulerDriver against the real engine and a manual clock: it catches up on what came due while
// the region was closed the moment an engine is attached, keeps running on its timer, and never
// queues a second run while one is in flight.

#include "SchedulerDriver.h"
#include "RunnerTest.h"
#include "TestMain.h"

#include <QSignalSpy>

using namespace qkms;
using Kind = kms::ScheduledEvent::Kind;

class TestSchedulerDriver : public QObject, protected test::RunnerTest
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void catchesUpWhenAttached();
    void timerPerformsRotationAndDeletion();
    void runNowWhileInFlightIsOneRun();
    void describeRunNamesWhatHappened();

private:
    kms::Caller root() const { return {m_service->rootArn(), QStringLiteral("console"), {}}; }
    QString createKey()
    {
        auto k = m_service->createKey(root(), {});
        if (!k)
            qFatal("createKey: %s", qPrintable(k.error().toString()));
        return k->keyId;
    }
    int rotations(const QString &keyId)
    {
        m_runner->waitForIdle();
        auto list = m_service->listKeyRotations(root(), keyId);
        return list ? static_cast<int>(list->rotations.size()) : -1;
    }
    void attach() { m_runner->setService(m_service.get(), root()); }
};

void TestSchedulerDriver::init()
{
    QVERIFY(openRunner());
}

void TestSchedulerDriver::cleanup()
{
    closeRunner();
}

void TestSchedulerDriver::catchesUpWhenAttached()
{
    const QString key = createKey();
    QVERIFY(m_service->enableKeyRotation(root(), key, 90));
    m_fx->clock().advanceDays(200); // the console was closed through two due dates

    model::SchedulerDriver driver(m_runner.get(), 3'600'000);
    QSignalSpy ran(&driver, &model::SchedulerDriver::ran);
    QVERIFY(!driver.lastRun().isValid());
    attach();
    QVERIFY(driver.isRunning());
    QVERIFY(ran.wait(10'000));
    const auto report = ran.at(0).at(0).value<kms::SchedulerReport>();
    QCOMPARE(report.count(Kind::Rotation), 1); // missed periods collapse into one (docs/rotation.md)
    QCOMPARE(report.done.at(0).keyId, key);
    QCOMPARE(report.done.at(0).missedPeriods, 1);
    QCOMPARE(rotations(key), 1);
    QCOMPARE(driver.lastRun(), m_fx->clock().now());
    QVERIFY(!driver.isRunning());
}

void TestSchedulerDriver::timerPerformsRotationAndDeletion()
{
    const QString rotating = createKey();
    const QString doomed = createKey();
    QVERIFY(m_service->enableKeyRotation(root(), rotating, 90));
    QVERIFY(m_service->scheduleKeyDeletion(root(), doomed, 7));
    attach();
    model::SchedulerDriver driver(m_runner.get(), 3'600'000);
    QSignalSpy ran(&driver, &model::SchedulerDriver::ran);
    QVERIFY(ran.wait(10'000)); // the run at attach: nothing is due yet
    QVERIFY(ran.at(0).at(0).value<kms::SchedulerReport>().done.isEmpty());
    QCOMPARE(rotations(rotating), 0);

    // Time passes while the console stays open; only the timer can notice.
    m_runner->waitForIdle();
    m_fx->clock().advanceDays(91);
    driver.setInterval(20);
    QVERIFY(ran.wait(10'000));
    const auto report = ran.at(1).at(0).value<kms::SchedulerReport>();
    QCOMPARE(report.count(Kind::Deletion), 1);
    QCOMPARE(report.count(Kind::Rotation), 1);
    QVERIFY(report.failures.isEmpty());
    driver.setInterval(3'600'000);
    QCOMPARE(rotations(rotating), 1);
    auto gone = m_service->describeKey(root(), doomed);
    QVERIFY(!gone.has_value());
    QCOMPARE(gone.error().type, QStringLiteral("NotFoundException"));
}

void TestSchedulerDriver::runNowWhileInFlightIsOneRun()
{
    attach();
    model::SchedulerDriver driver(m_runner.get(), 3'600'000); // queues the first run itself
    QSignalSpy ran(&driver, &model::SchedulerDriver::ran);
    driver.runNow();
    driver.runNow();
    QVERIFY(ran.wait(10'000));
    m_runner->waitForIdle();
    QTest::qWait(50); // any second result would be delivered by now
    QCOMPARE(ran.size(), 1);
    driver.runNow(); // once idle, a new run is queued again
    QVERIFY(ran.wait(10'000));
    QCOMPARE(ran.size(), 2);
}

void TestSchedulerDriver::describeRunNamesWhatHappened()
{
    kms::SchedulerReport report;
    QVERIFY(model::describeRun(report).isEmpty());
    report.done.append({Kind::Rotation, QStringLiteral("k1"), {}, {}, {}, 0, false, 2, 0});
    report.done.append({Kind::Rotation, QStringLiteral("k2"), {}, {}, {}, 0, false, 2, 0});
    report.done.append({Kind::Deletion, QStringLiteral("k3"), {}, {}, {}, 0, false, 0, 0});
    const QString text = model::describeRun(report);
    QVERIFY2(text.contains(QStringLiteral("rotated 2 key")), qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("deleted 1 key")), qPrintable(text));
    report.failures.append({QStringLiteral("k4"), KmsError{QStringLiteral("KMSInternalException"), QStringLiteral("x")}});
    QVERIFY(model::describeRun(report).contains(QStringLiteral("1 scheduled event(s) failed")));
}

QKMS_TEST_MAIN(TestSchedulerDriver)
#include "tst_scheduler_driver.moc"
