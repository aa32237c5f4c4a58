// ScheduleModel, ScheduleFilterProxyModel and ForecastModel against the real engine and a manual
// clock: each key's rotation schedule and deletion date, refreshes as minimal row signals, the
// proxy's choice of keys, and the forecast of rotations and deletions. Every model runs under
// QAbstractItemModelTester.

#include "ForecastModel.h"
#include "KeyText.h"
#include "ScheduleFilterProxyModel.h"
#include "ScheduleModel.h"
#include "RunnerTest.h"
#include "TestMain.h"
#include "kms/Scheduler.h"

#include <QAbstractItemModelTester>
#include <QColor>
#include <QSignalSpy>

using namespace qkms;
using Tester = QAbstractItemModelTester;
using Column = model::ScheduleModel::Column;

class TestScheduleModel : public QObject, protected test::RunnerTest
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void daysUntilRoundsUp_data();
    void daysUntilRoundsUp();
    void schedulesOfEachKind();
    void refreshSignalsInsertsChangesAndRemovals();
    void proxyListsRotatableAndPendingDeletion();
    void forecastListsRotationsAndDeletions();

private:
    QString cell(const model::ScheduleModel &m, const QString &keyId, int column)
    {
        return m.data(m.index(m.indexOf(keyId), column)).toString();
    }
};

void TestScheduleModel::init()
{
    QVERIFY(openRunner());
}

void TestScheduleModel::cleanup()
{
    closeRunner();
}

void TestScheduleModel::daysUntilRoundsUp_data()
{
    QTest::addColumn<qint64>("seconds");
    QTest::addColumn<int>("days");
    QTest::newRow("past") << qint64(-3600) << 0;
    QTest::newRow("now") << qint64(0) << 0;
    QTest::newRow("one second") << qint64(1) << 1;
    QTest::newRow("exactly a day") << qint64(86400) << 1;
    QTest::newRow("a day and a second") << qint64(86401) << 2;
    QTest::newRow("365 days") << qint64(365) * 86400 << 365;
}

void TestScheduleModel::daysUntilRoundsUp()
{
    QFETCH(qint64, seconds);
    QFETCH(int, days);
    const QDateTime now(QDate(2026, 1, 15), QTime(9, 0), QTimeZone::UTC);
    QCOMPARE(model::schedules::daysUntil(now, now.addSecs(seconds)), days);
}

void TestScheduleModel::schedulesOfEachKind()
{
    const QDateTime now = m_fx->clock().now();
    const QString off = createKey(QStringLiteral("rotation off"));
    const QString on = createKey(QStringLiteral("rotation on"));
    QVERIFY(engine().enableKeyRotation(root(), on, 180).has_value());
    QVERIFY(engine().createAlias(root(), QStringLiteral("alias/payroll"), on).has_value());
    const QString rsa = createKey(QStringLiteral("signing"), QStringLiteral("RSA_2048"), QStringLiteral("SIGN_VERIFY"));
    const QString aws = engine().awsManagedKey(root(), QStringLiteral("files")).value().keyId;
    const QString doomed = createKey(QStringLiteral("to delete"));
    QVERIFY(engine().scheduleKeyDeletion(root(), doomed, 7).has_value());

    model::ScheduleModel m(m_runner.get());
    Tester tester(&m, Tester::FailureReportingMode::QtTest);
    attach();
    QTRY_VERIFY(m.isLoaded());
    QCOMPARE(m.rowCount(), 5);
    QVERIFY(m.errorText().isEmpty());

    const model::ScheduleEntry &e = m.entryAt(m.indexOf(on));
    QVERIFY(e.schedule.rotatable && e.schedule.rotationEnabled);
    QCOMPARE(e.schedule.periodDays, 180);
    QCOMPARE(e.schedule.nextRotation, now.addDays(180));
    QCOMPARE(e.daysToRotation, 180);
    QCOMPARE(e.label(), QStringLiteral("alias/payroll"));
    QCOMPARE(cell(m, on, Column::KeyColumn), QStringLiteral("alias/payroll"));
    QCOMPARE(cell(m, on, Column::KeyIdColumn), on);
    QCOMPARE(cell(m, on, Column::RotationColumn), QStringLiteral("On"));
    QCOMPARE(cell(m, on, Column::PeriodColumn), QStringLiteral("180 days"));
    QCOMPARE(cell(m, on, Column::LastRotationColumn), QStringLiteral("Never"));
    QCOMPARE(cell(m, on, Column::NextRotationColumn), model::text::dateTime(now.addDays(180)));
    QCOMPARE(cell(m, on, Column::DaysLeftColumn), QStringLiteral("180 days"));
    QCOMPARE(cell(m, on, Column::DeletionColumn), QStringLiteral("—"));

    QCOMPARE(cell(m, off, Column::RotationColumn), QStringLiteral("Off"));
    QCOMPARE(cell(m, off, Column::NextRotationColumn), QStringLiteral("—"));
    QCOMPARE(cell(m, off, Column::KeyColumn), off); // no alias: the key id

    QVERIFY(!m.entryAt(m.indexOf(rsa)).schedule.rotatable);
    QCOMPARE(cell(m, rsa, Column::RotationColumn), QStringLiteral("Not supported"));

    // AWS managed keys: always on, 365 days from creation.
    QCOMPARE(cell(m, aws, Column::RotationColumn), QStringLiteral("On (AWS managed)"));
    QCOMPARE(cell(m, aws, Column::PeriodColumn), QStringLiteral("365 days"));
    QCOMPARE(m.entryAt(m.indexOf(aws)).schedule.nextRotation, now.addDays(365));
    QVERIFY(m.entryAt(m.indexOf(aws)).awsManaged());

    // Pending deletion: the date and days left, in red; no rotation while it waits.
    const model::ScheduleEntry &d = m.entryAt(m.indexOf(doomed));
    QCOMPARE(d.schedule.deletionDate, now.addDays(7));
    QCOMPARE(d.schedule.daysLeft, 7);
    QCOMPARE(cell(m, doomed, Column::DeletionColumn),
             QStringLiteral("%1 (7 days left)").arg(model::text::dateTime(now.addDays(7))));
    QCOMPARE(m.data(m.index(m.indexOf(doomed), Column::DeletionColumn), Qt::ForegroundRole).value<QColor>(),
             QColor(0xb0, 0x20, 0x20));
    QVERIFY(m.data(m.index(m.indexOf(doomed), 0), model::ScheduleModel::PendingDeletionRole).toBool());
    QCOMPARE(m.data(m.index(m.indexOf(doomed), 0), model::ScheduleModel::KeyIdRole).toString(), doomed);
    QCOMPARE(m.indexOf(QStringLiteral("no-such-key")), -1);
    QVERIFY(m.entryAt(-1).schedule.keyId.isEmpty());
}

void TestScheduleModel::refreshSignalsInsertsChangesAndRemovals()
{
    const QString a = createKey(QStringLiteral("a"));
    const QString b = createKey(QStringLiteral("b"));
    const QString c = createKey(QStringLiteral("c"));
    model::ScheduleModel m(m_runner.get());
    Tester tester(&m, Tester::FailureReportingMode::QtTest);
    attach();
    QTRY_VERIFY(m.isLoaded());
    QCOMPARE(m.rowCount(), 3);
    QSignalSpy inserted(&m, &QAbstractItemModel::rowsInserted);
    QSignalSpy removed(&m, &QAbstractItemModel::rowsRemoved);
    QSignalSpy changed(&m, &QAbstractItemModel::dataChanged);
    QSignalSpy reset(&m, &QAbstractItemModel::modelReset);
    QSignalSpy loaded(&m, &model::ScheduleModel::loaded);

    // Enabling rotation changes that row only.
    QVERIFY(engine().enableKeyRotation(root(), b, 90).has_value());
    m.refresh();
    QTRY_COMPARE(loaded.count(), 1);
    QCOMPARE(changed.count(), 1);
    QCOMPARE(changed.at(0).at(0).toModelIndex().row(), 1);
    QCOMPARE(changed.at(0).at(1).toModelIndex().row(), 1);
    QCOMPARE(cell(m, b, Column::PeriodColumn), QStringLiteral("90 days"));

    // A rotation on demand moves "last rotation".
    const QDateTime rotatedAt = m_fx->clock().now();
    QVERIFY(engine().rotateKeyOnDemand(root(), b).has_value());
    m.refresh();
    QTRY_COMPARE(loaded.count(), 2);
    QCOMPARE(changed.count(), 2);
    QCOMPARE(m.entryAt(1).schedule.lastRotation, rotatedAt);
    QCOMPARE(cell(m, b, Column::LastRotationColumn), model::text::dateTime(rotatedAt));

    // A new key is one insert at the end.
    const QString d = createKey(QStringLiteral("d"));
    m.refresh();
    QTRY_COMPARE(loaded.count(), 3);
    QCOMPARE(inserted.count(), 1);
    QCOMPARE(inserted.at(0).at(1).toInt(), 3);
    QCOMPARE(m.indexOf(d), 3);

    // A key destroyed when its deletion is due is one removal; the rows after it move up.
    QVERIFY(engine().scheduleKeyDeletion(root(), a, 7).has_value());
    m_fx->clock().advanceDays(8);
    kms::Scheduler scheduler(engine());
    QCOMPARE(scheduler.runDue().value().count(kms::ScheduledEvent::Kind::Deletion), 1);
    m.refresh();
    QTRY_COMPARE(loaded.count(), 4);
    QCOMPARE(removed.count(), 1);
    QCOMPARE(removed.at(0).at(1).toInt(), 0);
    QCOMPARE(m.indexOf(a), -1);
    QCOMPARE(m.indexOf(b), 0);
    QCOMPARE(m.indexOf(c), 1);
    QCOMPARE(m.indexOf(d), 2);
    // Eight days on, b's next rotation is eight days nearer.
    QCOMPARE(m.entryAt(0).daysToRotation, 90 - 8);

    // Nothing changed: a refresh emits nothing but loaded().
    const qsizetype inserts = inserted.count(), removals = removed.count(), changes = changed.count();
    m.refresh();
    QTRY_COMPARE(loaded.count(), 5);
    QCOMPARE(inserted.count(), inserts);
    QCOMPARE(removed.count(), removals);
    QCOMPARE(changed.count(), changes);
    QCOMPARE(reset.count(), 0);
}

void TestScheduleModel::proxyListsRotatableAndPendingDeletion()
{
    const QString sym = createKey(QStringLiteral("sym"));
    QVERIFY(engine().createAlias(root(), QStringLiteral("alias/orders"), sym).has_value());
    const QString rsa = createKey(QStringLiteral("rsa"), QStringLiteral("RSA_2048"), QStringLiteral("SIGN_VERIFY"));
    const QString hmac = createKey(QStringLiteral("hmac"), QStringLiteral("HMAC_256"), QStringLiteral("GENERATE_VERIFY_MAC"));
    QVERIFY(engine().scheduleKeyDeletion(root(), hmac, 30).has_value());

    model::ScheduleModel m(m_runner.get());
    model::ScheduleFilterProxyModel proxy;
    proxy.setSourceModel(&m);
    Tester tester(&proxy, Tester::FailureReportingMode::QtTest);
    attach();
    QTRY_VERIFY(m.isLoaded());
    QCOMPARE(m.rowCount(), 3);
    // By default: keys that can rotate, and keys pending deletion whatever their kind.
    QCOMPARE(proxy.rowCount(), 2);
    QVERIFY(proxy.indexOf(sym) >= 0);
    QVERIFY(proxy.indexOf(hmac) >= 0);
    QCOMPARE(proxy.indexOf(rsa), -1);
    proxy.setShowUnrotatable(true);
    QCOMPARE(proxy.rowCount(), 3);
    QCOMPARE(proxy.entryAt(proxy.indexOf(rsa)).schedule.keyId, rsa);

    proxy.setFilterText(QStringLiteral("ORDERS"));
    QCOMPARE(proxy.rowCount(), 1);
    QCOMPARE(proxy.entryAt(0).schedule.keyId, sym);
    proxy.setFilterText(rsa.left(6));
    QCOMPARE(proxy.rowCount(), 1);
    proxy.setFilterText({});

    // Sorting by deletion date puts keys without one last.
    proxy.sort(Column::DeletionColumn, Qt::AscendingOrder);
    QCOMPARE(proxy.entryAt(0).schedule.keyId, hmac);
    QVERIFY(proxy.entryAt(99).schedule.keyId.isEmpty());
}

void TestScheduleModel::forecastListsRotationsAndDeletions()
{
    const QDateTime now = m_fx->clock().now();
    const QString rotating = createKey(QStringLiteral("rotating"));
    QVERIFY(engine().enableKeyRotation(root(), rotating, 90).has_value());
    const QString doomed = createKey(QStringLiteral("doomed"));
    QVERIFY(engine().createAlias(root(), QStringLiteral("alias/old-exports"), doomed).has_value());
    QVERIFY(engine().scheduleKeyDeletion(root(), doomed, 10).has_value());

    model::ForecastModel f(m_runner.get());
    Tester tester(&f, Tester::FailureReportingMode::QtTest);
    QSignalSpy loaded(&f, &model::ForecastModel::loaded);
    attach();
    QTRY_VERIFY(loaded.count() >= 1 && !f.isBusy());
    QCOMPARE(f.days(), model::ForecastModel::kDefaultDays);
    QCOMPARE(f.from(), now);
    // 90 days: the deletion on day 10, then the rotation on day 90.
    QCOMPARE(f.rowCount(), 2);
    const model::ForecastEntry &del = f.entryAt(0);
    QCOMPARE(del.event.kind, kms::ScheduledEvent::Kind::Deletion);
    QCOMPARE(del.event.keyId, doomed);
    QCOMPARE(del.event.daysLeft, 10);
    QCOMPARE(del.label, QStringLiteral("alias/old-exports"));
    QCOMPARE(f.data(f.index(0, model::ForecastModel::KindColumn)).toString(), QStringLiteral("Deletion"));
    QCOMPARE(f.data(f.index(0, model::ForecastModel::DaysColumn)).toString(), QStringLiteral("in 10 days"));
    QCOMPARE(f.data(f.index(0, model::ForecastModel::DateColumn)).toString(), model::text::dateTime(now.addDays(10)));
    QVERIFY(f.data(f.index(0, 0), model::ForecastModel::IsDeletionRole).toBool());
    QCOMPARE(f.entryAt(1).event.kind, kms::ScheduledEvent::Kind::Rotation);
    QCOMPARE(f.entryAt(1).event.dueAt, now.addDays(90));
    QCOMPARE(f.indexOf(rotating), 1);

    // A shorter forecast leaves the rotation out; a longer one repeats it every period.
    f.setDays(30);
    QTRY_COMPARE(f.days(), 30);
    QCOMPARE(f.rowCount(), 1);
    f.setDays(200);
    QTRY_COMPARE(f.days(), 200);
    QCOMPARE(f.rowCount(), 3);
    QCOMPARE(f.entryAt(2).event.dueAt, now.addDays(180));

    // Cancelling the deletion takes it off the forecast at the next refresh.
    QVERIFY(engine().cancelKeyDeletion(root(), doomed).has_value());
    const qsizetype before = loaded.count();
    f.refresh();
    QTRY_COMPARE(loaded.count(), before + 1);
    QCOMPARE(f.rowCount(), 2);
    QCOMPARE(f.indexOf(doomed), -1);
}

QKMS_TEST_MAIN(TestScheduleModel)
#include "tst_schedule_model.moc"
