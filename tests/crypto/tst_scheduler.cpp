// The scheduler with a mock clock: rotations on their date, the documented catch-up after qkms
// was closed (several missed dates → one rotation dated at the run, next one a period later),
// disabled keys, AWS-managed keys yearly, the end of a deletion window, two vault handles racing
// on the same due events, and the forecast.

#include "EngineTest.h"
#include "TestMain.h"
#include "kms/AuditLog.h"
#include "kms/KmsService.h"
#include "kms/Scheduler.h"
#include "store/Database.h"

#include <QJsonArray>

#include <latch>
#include <thread>

using namespace qkms;
using namespace qkms::kms;
using namespace qkms::test;
using namespace Qt::StringLiterals;

using Kind = ScheduledEvent::Kind;

class TestScheduler : public QObject, protected test::EngineTest
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void rotatesOnItsDate();
    void catchUpCollapsesMissedRotations();
    void disabledKeyRotatesWhenEnabledAgain();
    void awsManagedKeysRotateYearly();
    void deletionWindowEnds();
    void twoHandlesRotateOnce();
    void twoHandlesRacingInThreads();
    void forecast();
    void keySchedules();

private:
    QDateTime m_t0;

    SchedulerReport runDue(KmsService *svc = nullptr)
    {
        auto r = Scheduler(svc ? *svc : *m_svc).runDue();
        if (!r)
            qFatal("runDue: %s", qPrintable(r.error().toString()));
        if (!r->failures.isEmpty())
            qWarning("runDue failure: %s", qPrintable(r->failures.first().second.toString()));
        return *r;
    }
    QList<QJsonObject> events(const QString &name, const QString &keyArn = {})
    {
        QList<QJsonObject> out;
        for (const QJsonObject &e : m_svc->audit().events().value_or(QList<QJsonObject>{})) {
            const QString arn = e.value(u"resources").toArray().at(0).toObject().value(u"ARN").toString();
            if (e.value(u"eventName").toString() == name && (keyArn.isEmpty() || arn == keyArn))
                out.append(e);
        }
        return out;
    }
    qint64 count(const QString &sql, const QString &keyId)
    {
        auto q = m_svc->database().prepare(sql);
        if (!q)
            return -1;
        q->bind(":id", keyId);
        return q->step().value_or(false) ? q->columnInt(0) : -1;
    }
};

void TestScheduler::init()
{
    QVERIFY(openEngine());
    m_t0 = m_fixture->clock().now();
}

void TestScheduler::cleanup()
{
    closeEngine();
}

void TestScheduler::rotatesOnItsDate()
{
    const KeyRecord k = create();
    QVERIFY(m_svc->enableKeyRotation(m_root, k.keyId, 90));
    m_fixture->clock().advanceDays(90);
    m_fixture->clock().advanceSecs(-1);
    QCOMPARE(runDue().done.size(), 0); // one second early
    m_fixture->clock().advanceSecs(1);
    const SchedulerReport r = runDue();
    QCOMPARE(r.done.size(), 1);
    QCOMPARE(r.done[0].kind, Kind::Rotation);
    QCOMPARE(r.done[0].keyId, k.keyId);
    QCOMPARE(r.done[0].dueAt, m_t0.addDays(90));
    QCOMPARE(r.done[0].ranAt, m_t0.addDays(90));
    QCOMPARE(r.done[0].newVersion, 2);
    QCOMPARE(r.done[0].missedPeriods, 0);
    QCOMPARE(*m_svc->getKeyRotationStatus(m_root, k.keyId)->nextRotationDate, m_t0.addDays(180));
    QCOMPARE(runDue().done.size(), 0); // done once
    auto list = m_svc->listKeyRotations(m_root, k.keyId);
    QCOMPARE(list->rotations.size(), 1);
    QCOMPARE(list->rotations[0].rotationType, u"AUTOMATIC"_s);
    QCOMPARE(list->rotations[0].rotationDate, m_t0.addDays(90));
    QVERIFY(list->rotations[0].current);
}

void TestScheduler::catchUpCollapsesMissedRotations()
{
    const KeyRecord k = create();
    const QByteArray v1 = encrypt(k.keyId, "before");
    QVERIFY(m_svc->enableKeyRotation(m_root, k.keyId, 90));
    m_fixture->clock().advanceDays(90);
    QCOMPARE(runDue().done.size(), 1);

    // qkms is closed for 400 days: the dates t0+180, +270, +360 and +450 all pass unseen.
    m_svc.reset();
    m_fixture->close();
    m_fixture->clock().advanceDays(400);
    const QDateTime reopened = m_fixture->clock().now();
    auto svc = KmsService::open(m_fixture->vault(), u"us-east-1"_s);
    QVERIFY(svc);
    m_svc = std::move(*svc);
    const SchedulerReport r = runDue();
    // Documented choice (docs/rotation.md): ONE rotation, dated at the run; the next a full
    // period after the run.
    QCOMPARE(r.done.size(), 1);
    QCOMPARE(r.done[0].dueAt, m_t0.addDays(180));
    QCOMPARE(r.done[0].ranAt, reopened);
    QCOMPARE(r.done[0].missedPeriods, 3); // +270, +360, +450 collapsed into this one
    QCOMPARE(r.done[0].newVersion, 3);
    QCOMPARE(*m_svc->getKeyRotationStatus(m_root, k.keyId)->nextRotationDate, reopened.addDays(90));
    QCOMPARE(runDue().done.size(), 0);
    auto list = m_svc->listKeyRotations(m_root, k.keyId);
    QCOMPARE(list->rotations.size(), 2);
    QCOMPARE(list->rotations[1].rotationDate, reopened);
    QCOMPARE(list->rotations[1].rotationType, u"AUTOMATIC"_s);

    // The audit says when it was due and when it ran, and that the time was simulated.
    const QList<QJsonObject> audited = events(u"RotateKey"_s, k.arn);
    QCOMPARE(audited.size(), 2);
    const QJsonObject p = audited[1].value(u"requestParameters").toObject();
    QCOMPARE(p.value(u"dueAt").toString(), m_t0.addDays(180).toString(Qt::ISODate));
    QCOMPARE(p.value(u"ranAt").toString(), reopened.toString(Qt::ISODate));
    QCOMPARE(p.value(u"missedPeriodsCollapsed").toInt(), 3);
    QCOMPARE(p.value(u"rotationType").toString(), u"AUTOMATIC"_s);
    QCOMPARE(audited[1].value(u"eventTime").toString(), reopened.toString(Qt::ISODate));
    const QJsonObject extra = audited[1].value(u"additionalEventData").toObject();
    QCOMPARE(extra.value(u"frontEnd").toString(), u"scheduler"_s);
    QVERIFY(extra.value(u"simulatedTime").toBool());
    QCOMPARE(m_svc->decrypt(m_root, v1)->plaintext.toByteArray(), QByteArray("before"));
}

void TestScheduler::disabledKeyRotatesWhenEnabledAgain()
{
    const KeyRecord k = create();
    QVERIFY(m_svc->enableKeyRotation(m_root, k.keyId, 90));
    QVERIFY(m_svc->disableKey(m_root, k.keyId));
    m_fixture->clock().advanceDays(100);
    QCOMPARE(runDue().done.size(), 0); // AWS does not rotate disabled keys
    QVERIFY(m_svc->enableKey(m_root, k.keyId));
    m_fixture->clock().advanceDays(1);
    const SchedulerReport r = runDue(); // ...and rotates them once enabled if the date has passed
    QCOMPARE(r.done.size(), 1);
    QCOMPARE(r.done[0].dueAt, m_t0.addDays(90));
    QCOMPARE(*m_svc->getKeyRotationStatus(m_root, k.keyId)->nextRotationDate, m_t0.addDays(191));
}

void TestScheduler::awsManagedKeysRotateYearly()
{
    auto k = m_svc->awsManagedKey(m_root, u"files"_s);
    QVERIFY(k);
    m_fixture->clock().advanceDays(364);
    QCOMPARE(runDue().done.size(), 0);
    m_fixture->clock().advanceDays(1);
    SchedulerReport r = runDue();
    QCOMPARE(r.done.size(), 1);
    QCOMPARE(r.done[0].keyId, k->keyId);
    QCOMPARE(r.done[0].dueAt, m_t0.addDays(365));
    auto status = m_svc->getKeyRotationStatus(m_root, k->keyId);
    QVERIFY(status->enabled);
    QCOMPARE(*status->nextRotationDate, m_t0.addDays(730));
    m_fixture->clock().advanceDays(365);
    r = runDue();
    QCOMPARE(r.done.size(), 1);
    QCOMPARE(r.done[0].newVersion, 3);
    QCOMPARE(m_svc->listKeyRotations(m_root, k->keyId)->rotations.size(), 2);
}

void TestScheduler::deletionWindowEnds()
{
    const KeyRecord k = create();
    QVERIFY(m_svc->createAlias(m_root, u"alias/doomed"_s, k.keyId));
    const QByteArray v1 = encrypt(k.keyId, "one");
    QVERIFY(m_svc->rotateKeyOnDemand(m_root, k.keyId));
    const QByteArray v2 = encrypt(k.keyId, "two");

    // Cancelled before the end: Disabled, material intact.
    QVERIFY(m_svc->scheduleKeyDeletion(m_root, k.keyId, 7));
    m_fixture->clock().advanceDays(6);
    QCOMPARE(runDue().done.size(), 0);
    auto cancelled = m_svc->cancelKeyDeletion(m_root, k.keyId);
    QVERIFY(cancelled);
    QCOMPARE(toString(cancelled->keyState), u"Disabled"_s);
    m_fixture->clock().advanceDays(30);
    QCOMPARE(runDue().done.size(), 0);
    QVERIFY(m_svc->enableKey(m_root, k.keyId));
    QCOMPARE(m_svc->decrypt(m_root, v1)->plaintext.toByteArray(), QByteArray("one"));
    QCOMPARE(m_svc->decrypt(m_root, v2)->plaintext.toByteArray(), QByteArray("two"));

    // Carried out at the end of the window: key, versions and aliases go.
    auto scheduled = m_svc->scheduleKeyDeletion(m_root, k.keyId, 7);
    QVERIFY(scheduled);
    const QDateTime due = *scheduled->deletionDate;
    m_fixture->clock().advanceDays(7);
    const SchedulerReport r = runDue();
    QCOMPARE(r.done.size(), 1);
    QCOMPARE(r.done[0].kind, Kind::Deletion);
    QCOMPARE(r.done[0].dueAt, due);
    QCOMPARE(m_svc->describeKey(m_root, k.keyId).error().type, errors::NotFound);
    QCOMPARE(m_svc->describeKey(m_root, u"alias/doomed"_s).error().type, errors::NotFound);
    QCOMPARE(count(u"SELECT COUNT(*) FROM key_material WHERE key_id = :id"_s, k.keyId), 0);
    QCOMPARE(count(u"SELECT COUNT(*) FROM aliases WHERE key_id = :id"_s, k.keyId), 0);
    // As AWS: a ciphertext of a deleted key is an InvalidCiphertextException.
    QCOMPARE(m_svc->decrypt(m_root, v1).error().type, errors::InvalidCiphertext);
    QCOMPARE(m_svc->decrypt(m_root, v2).error().type, errors::InvalidCiphertext);
    const QList<QJsonObject> deleted = events(u"DeleteKey"_s, k.arn);
    QCOMPARE(deleted.size(), 1);
    QCOMPARE(deleted[0].value(u"requestParameters").toObject().value(u"dueAt").toString(), due.toString(Qt::ISODate));
    QCOMPARE(runDue().done.size(), 0);
}

void TestScheduler::twoHandlesRotateOnce()
{
    // A second vault handle, as the console and a CLI command would hold.
    auto other = m_fixture->openAgain();
    QVERIFY(other);
    auto svcB = KmsService::open(*other, u"us-east-1"_s);
    QVERIFY(svcB);
    const KeyRecord k = create();
    QVERIFY(m_svc->enableKeyRotation(m_root, k.keyId, 90));
    m_fixture->clock().advanceDays(90);
    // Both saw it due; B rotates first, then A's own attempt finds the schedule moved.
    QCOMPARE(runDue(svcB->get()).done.size(), 1);
    auto again = m_svc->rotateIfDue(k.keyId);
    QVERIFY(again);
    QVERIFY(!again->has_value());
    QCOMPARE(runDue().done.size(), 0);
    QCOMPARE(m_svc->describeKey(m_root, k.keyId)->currentVersion, 2);
    QCOMPARE(events(u"RotateKey"_s, k.arn).size(), 1);
}

void TestScheduler::twoHandlesRacingInThreads()
{
    auto other = m_fixture->openAgain();
    QVERIFY(other);
    auto opened = KmsService::open(*other, u"us-east-1"_s);
    QVERIFY(opened);
    std::unique_ptr<KmsService> svcB = std::move(*opened);
    QList<KeyRecord> keys;
    for (int i = 0; i < 6; ++i) {
        keys.append(create());
        QVERIFY(m_svc->enableKeyRotation(m_root, keys.last().keyId, 90));
    }
    const KeyRecord doomed = create();
    QVERIFY(m_svc->scheduleKeyDeletion(m_root, doomed.keyId, 7));
    m_fixture->clock().advanceDays(90);

    for (int round = 0; round < 3; ++round) {
        std::latch start(2);
        Result<SchedulerReport> a = fail(errors::Internal, u"not run"_s);
        Result<SchedulerReport> b = fail(errors::Internal, u"not run"_s);
        std::thread ta([&] {
            start.arrive_and_wait();
            a = Scheduler(*m_svc).runDue();
        });
        std::thread tb([&] {
            start.arrive_and_wait();
            b = Scheduler(*svcB).runDue();
        });
        ta.join();
        tb.join();
        const QString why = !a ? a.error().toString() : !b ? b.error().toString() : QString();
        QVERIFY2(a && b, qPrintable(why));
        QVERIFY(a->failures.isEmpty() && b->failures.isEmpty());
        const int expectedDeletions = round == 0 ? 1 : 0;
        QCOMPARE(a->count(Kind::Rotation) + b->count(Kind::Rotation), int(keys.size()));
        QCOMPARE(a->count(Kind::Deletion) + b->count(Kind::Deletion), expectedDeletions);
        for (const KeyRecord &k : keys) {
            QCOMPARE(m_svc->describeKey(m_root, k.keyId)->currentVersion, round + 2);
            QCOMPARE(events(u"RotateKey"_s, k.arn).size(), round + 1);
        }
        m_fixture->clock().advanceDays(90);
    }
    QCOMPARE(events(u"DeleteKey"_s, doomed.arn).size(), 1);
    auto verified = m_svc->audit().verify();
    QVERIFY(verified && verified->intact()); // two writers, one unbroken chain
}

void TestScheduler::forecast()
{
    const KeyRecord a = create();
    QVERIFY(m_svc->enableKeyRotation(m_root, a.keyId, 90));
    const KeyRecord b = create();
    QVERIFY(m_svc->scheduleKeyDeletion(m_root, b.keyId, 7));
    auto c = m_svc->awsManagedKey(m_root, u"files"_s);
    QVERIFY(c);
    const KeyRecord disabled = create();
    QVERIFY(m_svc->enableKeyRotation(m_root, disabled.keyId, 90));
    QVERIFY(m_svc->disableKey(m_root, disabled.keyId));
    const KeyRecord e = create();
    QVERIFY(m_svc->enableKeyRotation(m_root, e.keyId, 90));
    QVERIFY(m_svc->scheduleKeyDeletion(m_root, e.keyId, 30));
    create(); // nothing scheduled

    // One readable line per event, so a failed comparison shows what differs.
    auto line = [](Kind kind, const QString &keyId, const QDateTime &at, int daysLeft) {
        return u"%1 %2 %3 %4"_s.arg(kind == Kind::Rotation ? u"rotation"_s : u"deletion"_s, keyId,
                                     at.toString(Qt::ISODate))
            .arg(daysLeft);
    };
    auto lines = [&](int days) {
        QStringList out;
        for (const ScheduledEvent &ev : Scheduler(*m_svc).forecast(days).value_or(QList<ScheduledEvent>{}))
            out.append(line(ev.kind, ev.keyId, ev.dueAt, ev.daysLeft));
        return out;
    };
    QCOMPARE(lines(100), (QStringList{line(Kind::Deletion, b.keyId, m_t0.addDays(7), 7),
                                      line(Kind::Deletion, e.keyId, m_t0.addDays(30), 30),
                                      line(Kind::Rotation, a.keyId, m_t0.addDays(90), 90)}));
    QCOMPARE(lines(400), (QStringList{line(Kind::Deletion, b.keyId, m_t0.addDays(7), 7),
                                      line(Kind::Deletion, e.keyId, m_t0.addDays(30), 30),
                                      line(Kind::Rotation, a.keyId, m_t0.addDays(90), 90),
                                      line(Kind::Rotation, a.keyId, m_t0.addDays(180), 180),
                                      line(Kind::Rotation, a.keyId, m_t0.addDays(270), 270),
                                      line(Kind::Rotation, a.keyId, m_t0.addDays(360), 360),
                                      line(Kind::Rotation, c->keyId, m_t0.addDays(365), 365)}));
    QVERIFY(lines(6).isEmpty());
    QCOMPARE(Scheduler(*m_svc).forecast(-1).error().type, errors::Validation);
    const auto aws = Scheduler(*m_svc).forecast(365).value_or(QList<ScheduledEvent>{});
    QVERIFY(aws.last().awsManaged && aws.last().keyId == c->keyId);

    // Half a day later, whole days round up.
    m_fixture->clock().advanceSecs(12 * 3600);
    QVERIFY(lines(10).first().endsWith(u" 7"_s));

    // Overdue events (qkms closed) are listed as due now; the next rotation counts from the run.
    m_fixture->clock().set(m_t0.addDays(95));
    const QDateTime now = m_fixture->clock().now();
    QCOMPARE(lines(90), (QStringList{line(Kind::Deletion, b.keyId, m_t0.addDays(7), 0),
                                      line(Kind::Deletion, e.keyId, m_t0.addDays(30), 0),
                                      line(Kind::Rotation, a.keyId, m_t0.addDays(90), 0),
                                      line(Kind::Rotation, a.keyId, now.addDays(90), 90)}));
    const SchedulerReport r = runDue();
    QCOMPARE(r.count(Kind::Deletion), 2);
    QCOMPARE(r.count(Kind::Rotation), 1);
    // What the forecast said is what happened.
    QCOMPARE(lines(90), (QStringList{line(Kind::Rotation, a.keyId, now.addDays(90), 90)}));
}

void TestScheduler::keySchedules()
{
    const KeyRecord a = create();
    QVERIFY(m_svc->enableKeyRotation(m_root, a.keyId, 120));
    m_fixture->clock().advanceDays(120);
    QCOMPARE(runDue().done.size(), 1);
    const KeyRecord b = create();
    QVERIFY(m_svc->scheduleKeyDeletion(m_root, b.keyId, 10));
    auto c = m_svc->awsManagedKey(m_root, u"files"_s);
    QVERIFY(c);
    const KeyRecord plain = create();

    auto view = Scheduler(*m_svc).keySchedules();
    QVERIFY(view);
    QCOMPARE(view->size(), 3); // the plain key has nothing scheduled
    const KeySchedule &sa = view->at(0);
    QCOMPARE(sa.keyId, a.keyId);
    QVERIFY(sa.rotatable && sa.rotationEnabled);
    QCOMPARE(*sa.periodDays, 120);
    QCOMPARE(*sa.lastRotation, m_t0.addDays(120));
    QCOMPARE(*sa.nextRotation, m_t0.addDays(240));
    QVERIFY(!sa.deletionDate && !sa.daysLeft);
    const KeySchedule &sb = view->at(1);
    QCOMPARE(sb.keyId, b.keyId);
    QVERIFY(!sb.rotationEnabled && !sb.nextRotation && !sb.lastRotation);
    QCOMPARE(*sb.deletionDate, m_t0.addDays(130));
    QCOMPARE(*sb.daysLeft, 10);
    QCOMPARE(toString(sb.keyState), u"PendingDeletion"_s);
    const KeySchedule &sc = view->at(2);
    QCOMPARE(toString(sc.keyManager), u"AWS"_s);
    QVERIFY(sc.rotationEnabled);
    QCOMPARE(*sc.periodDays, 365);
    QCOMPARE(*sc.nextRotation, m_t0.addDays(120 + 365));

    auto every = Scheduler(*m_svc).keySchedules(true);
    QCOMPARE(every->size(), 4);
    QCOMPARE(every->last().keyId, plain.keyId);
    QVERIFY(every->last().rotatable && !every->last().rotationEnabled);
}

QKMS_TEST_MAIN(TestScheduler)
#include "tst_scheduler.moc"
