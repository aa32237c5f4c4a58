// Rotation through the engine: EnableKeyRotation / DisableKeyRotation / GetKeyRotationStatus /
// RotateKeyOnDemand / ListKeyRotations, which keys may rotate, ciphertexts across 1, 2 and 26
// rotations, ReEncrypt onto the newest version, the 25 on-demand limit, AWS-managed keys, the
// authorization request and the audit of every call.

#include "EngineTest.h"
#include "TestMain.h"
#include "kms/AuditLog.h"
#include "kms/CiphertextBlob.h"
#include "kms/KmsService.h"
#include "kms/Scheduler.h"

using namespace qkms;
using namespace qkms::kms;
using namespace qkms::test;
using namespace Qt::StringLiterals;

class TestKmsRotation : public QObject, protected test::EngineTest
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void enableValidatesPeriod_data();
    void enableValidatesPeriod();
    void enableSetsSchedule();
    void unrotatableKeys_data();
    void unrotatableKeys();
    void keyStates();
    void awsManagedKeys();
    void ciphertextsSurviveRotations();
    void onDemandLimit();
    void onDemandLeavesScheduleAndConflicts();
    void disablingKeepsVersions();
    void listKeyRotationsPaging();
    void authorizationAndAudit();

private:
    static quint32 blobVersion(const QByteArray &blob)
    {
        auto b = CiphertextBlob::parse(blob);
        return b ? b->materialVersion() : 0;
    }
    int events(const QString &name)
    {
        int n = 0;
        for (const QJsonObject &e : m_svc->audit().events().value_or(QList<QJsonObject>{}))
            n += e.value(u"eventName").toString() == name ? 1 : 0;
        return n;
    }
};

void TestKmsRotation::init()
{
    QVERIFY(openEngine());
}

void TestKmsRotation::cleanup()
{
    closeEngine();
}

void TestKmsRotation::enableValidatesPeriod_data()
{
    QTest::addColumn<int>("days");
    QTest::addColumn<bool>("accepted");
    QTest::newRow("AWS minimum 90") << 90 << true;
    QTest::newRow("AWS maximum 2560") << 2560 << true;
    QTest::newRow("89 (below AWS minimum)") << 89 << false;
    QTest::newRow("2561 (above AWS maximum)") << 2561 << false;
    QTest::newRow("0") << 0 << false;
    QTest::newRow("negative") << -365 << false;
}

void TestKmsRotation::enableValidatesPeriod()
{
    QFETCH(int, days);
    QFETCH(bool, accepted);
    const KeyRecord k = create();
    auto st = m_svc->enableKeyRotation(m_root, k.keyId, days);
    QCOMPARE(bool(st), accepted);
    if (!accepted) {
        QCOMPARE(st.error().type, errors::Validation);
        QVERIFY(st.error().message.contains(u"between 90 and 2560"_s));
        QVERIFY(!m_svc->getKeyRotationStatus(m_root, k.keyId)->enabled);
    } else {
        QCOMPARE(*m_svc->getKeyRotationStatus(m_root, k.keyId)->periodDays, days);
    }
}

void TestKmsRotation::enableSetsSchedule()
{
    const KeyRecord k = create();
    auto off = m_svc->getKeyRotationStatus(m_root, k.arn);
    QVERIFY(off);
    QVERIFY(!off->enabled); // customer keys: off by default
    QVERIFY(!off->periodDays && !off->nextRotationDate && !off->onDemandRotationStartDate);
    QCOMPARE(off->keyArn, k.arn);

    const QDateTime t0 = m_fixture->clock().now();
    QVERIFY(m_svc->enableKeyRotation(m_root, k.keyId)); // default 365 days
    auto on = m_svc->getKeyRotationStatus(m_root, k.keyId);
    QVERIFY(on->enabled);
    QCOMPARE(*on->periodDays, 365);
    QCOMPARE(*on->nextRotationDate, t0.addDays(365));

    // Enabling again restarts the period from that call.
    m_fixture->clock().advanceDays(10);
    QVERIFY(m_svc->enableKeyRotation(m_root, k.keyId, 180));
    on = m_svc->getKeyRotationStatus(m_root, k.keyId);
    QCOMPARE(*on->periodDays, 180);
    QCOMPARE(*on->nextRotationDate, t0.addDays(190));

    QVERIFY(m_svc->disableKeyRotation(m_root, k.keyId));
    off = m_svc->getKeyRotationStatus(m_root, k.keyId);
    QVERIFY(!off->enabled);
    QVERIFY(!off->nextRotationDate);

    // Aliases are not accepted as KeyId by these operations, as in AWS.
    QVERIFY(m_svc->createAlias(m_root, u"alias/rot"_s, k.keyId));
    QCOMPARE(m_svc->enableKeyRotation(m_root, u"alias/rot"_s).error().type, errors::NotFound);
}

void TestKmsRotation::unrotatableKeys_data()
{
    QTest::addColumn<QString>("spec");
    QTest::addColumn<QString>("usage");
    QTest::addColumn<QString>("origin");
    QTest::addColumn<QString>("message");
    QTest::newRow("RSA_2048") << u"RSA_2048"_s << u"ENCRYPT_DECRYPT"_s << u"AWS_KMS"_s << u"key spec RSA_2048"_s;
    QTest::newRow("ECC_NIST_P256") << u"ECC_NIST_P256"_s << u"SIGN_VERIFY"_s << u"AWS_KMS"_s << u"key spec ECC_NIST_P256"_s;
    QTest::newRow("HMAC_256") << u"HMAC_256"_s << u"GENERATE_VERIFY_MAC"_s << u"AWS_KMS"_s << u"key spec HMAC_256"_s;
    QTest::newRow("EXTERNAL origin") << u"SYMMETRIC_DEFAULT"_s << QString() << u"EXTERNAL"_s << u"origin is EXTERNAL"_s;
}

void TestKmsRotation::unrotatableKeys()
{
    QFETCH(QString, spec);
    QFETCH(QString, usage);
    QFETCH(QString, origin);
    QFETCH(QString, message);
    const KeyRecord k = create(spec, usage, origin);
    for (const auto &st : {m_svc->enableKeyRotation(m_root, k.keyId), m_svc->disableKeyRotation(m_root, k.keyId),
                           Status(m_svc->rotateKeyOnDemand(m_root, k.keyId).transform([](const QString &) {}))}) {
        QVERIFY(!st);
        QCOMPARE(st.error().type, errors::UnsupportedOperation);
        QVERIFY2(st.error().message.contains(message), qPrintable(st.error().message));
    }
    if (origin == u"AWS_KMS") {
        // AWS now answers false rather than an exception; ListKeyRotations still refuses.
        auto status = m_svc->getKeyRotationStatus(m_root, k.keyId);
        QVERIFY(status);
        QVERIFY(!status->enabled);
        QCOMPARE(m_svc->listKeyRotations(m_root, k.keyId).error().type, errors::UnsupportedOperation);
    } else {
        // Imported key still waiting for its material.
        QCOMPARE(m_svc->getKeyRotationStatus(m_root, k.keyId).error().type, errors::UnsupportedOperation);
    }
    QCOMPARE(m_svc->describeKey(m_root, k.keyId)->currentVersion, k.currentVersion); // nothing was added
}

void TestKmsRotation::keyStates()
{
    const KeyRecord k = create();
    QVERIFY(m_svc->enableKeyRotation(m_root, k.keyId, 90));
    QVERIFY(m_svc->disableKey(m_root, k.keyId));
    QCOMPARE(m_svc->rotateKeyOnDemand(m_root, k.keyId).error().type, errors::Disabled);
    QCOMPARE(m_svc->enableKeyRotation(m_root, k.keyId).error().type, errors::Disabled);
    // Disabling the key leaves its rotation status as it was.
    QVERIFY(m_svc->getKeyRotationStatus(m_root, k.keyId)->enabled);

    QVERIFY(m_svc->scheduleKeyDeletion(m_root, k.keyId, 7));
    QCOMPARE(m_svc->disableKeyRotation(m_root, k.keyId).error().type, errors::InvalidState);
    QCOMPARE(m_svc->rotateKeyOnDemand(m_root, k.keyId).error().type, errors::InvalidState);
    // Pending deletion: false, and the setting comes back when the deletion is cancelled.
    QVERIFY(!m_svc->getKeyRotationStatus(m_root, k.keyId)->enabled);
    QVERIFY(m_svc->listKeyRotations(m_root, k.keyId));
    QVERIFY(m_svc->cancelKeyDeletion(m_root, k.keyId));
    auto status = m_svc->getKeyRotationStatus(m_root, k.keyId);
    QVERIFY(status->enabled);
    QCOMPARE(*status->periodDays, 90);
}

void TestKmsRotation::awsManagedKeys()
{
    const QDateTime created = m_fixture->clock().now();
    auto k = m_svc->awsManagedKey(m_root, u"files"_s);
    QVERIFY(k);
    auto status = m_svc->getKeyRotationStatus(m_root, k->keyId);
    QVERIFY(status);
    QVERIFY(status->enabled); // always true
    QCOMPARE(*status->periodDays, KmsService::AwsManagedRotationPeriodDays);
    QCOMPARE(*status->nextRotationDate, created.addDays(365));
    for (const auto &st : {m_svc->enableKeyRotation(m_root, k->keyId), m_svc->disableKeyRotation(m_root, k->keyId),
                           Status(m_svc->rotateKeyOnDemand(m_root, k->keyId).transform([](const QString &) {}))}) {
        QVERIFY(!st);
        QCOMPARE(st.error().type, errors::UnsupportedOperation);
    }
    QVERIFY(m_svc->getKeyRotationStatus(m_root, k->keyId)->enabled);
}

void TestKmsRotation::ciphertextsSurviveRotations()
{
    const KeyRecord k = create();
    QCOMPARE(k.currentVersion, 1);
    const QByteArray before1 = encrypt(k.keyId, "made before rotation 1");
    // Rotation 1 is automatic, 2..26 on demand: 26 rotations in all, 27 versions.
    QVERIFY(m_svc->enableKeyRotation(m_root, k.keyId, 90));
    m_fixture->clock().advanceDays(90);
    auto report = Scheduler(*m_svc).runDue();
    QVERIFY(report);
    QCOMPARE(report->count(ScheduledEvent::Kind::Rotation), 1);
    const QByteArray before2 = encrypt(k.keyId, "made before rotation 2");
    QByteArray before26;
    for (int i = 2; i <= 26; ++i) {
        if (i == 26)
            before26 = encrypt(k.keyId, "made before rotation 26");
        auto r = m_svc->rotateKeyOnDemand(m_root, k.keyId);
        QVERIFY2(r, qPrintable(r ? QString() : r.error().toString()));
        QCOMPARE(*r, k.keyId);
    }
    QCOMPARE(blobVersion(before1), 1u);
    QCOMPARE(blobVersion(before2), 2u);
    QCOMPARE(blobVersion(before26), 26u);
    const auto now = m_svc->describeKey(m_root, k.keyId);
    QCOMPARE(now->currentVersion, 27);
    QVERIFY(now->currentMaterialId != k.currentMaterialId);
    QCOMPARE(now->keyId, k.keyId); // id, ARN, state unchanged
    QCOMPARE(now->arn, k.arn);

    const QList<QPair<QByteArray, QByteArray>> made{{before1, "made before rotation 1"},
                                                    {before2, "made before rotation 2"},
                                                    {before26, "made before rotation 26"}};
    for (const auto &[blob, text] : made) {
        auto d = m_svc->decrypt(m_root, blob);
        QVERIFY2(d, qPrintable(d ? QString() : d.error().toString()));
        QCOMPARE(d->plaintext.toByteArray(), text);
    }
    const QByteArray after = encrypt(k.keyId, "made after");
    QCOMPARE(blobVersion(after), 27u);

    // ReEncrypt onto the same key moves the oldest ciphertext to the newest version.
    auto re = m_svc->reEncrypt(m_root, before1, k.keyId);
    QVERIFY2(re, qPrintable(re ? QString() : re.error().toString()));
    QCOMPARE(blobVersion(re->ciphertextBlob), 27u);
    QCOMPARE(m_svc->decrypt(m_root, re->ciphertextBlob)->plaintext.toByteArray(), QByteArray("made before rotation 1"));
}

void TestKmsRotation::onDemandLimit()
{
    const KeyRecord k = create();
    for (int i = 1; i <= 25; ++i)
        QVERIFY(m_svc->rotateKeyOnDemand(m_root, k.keyId));
    auto r26 = m_svc->rotateKeyOnDemand(m_root, k.keyId);
    QVERIFY(!r26);
    QCOMPARE(r26.error().type, errors::LimitExceeded);
    QVERIFY(r26.error().message.contains(u"25"_s));
    QCOMPARE(m_svc->describeKey(m_root, k.keyId)->currentVersion, 26);
    QCOMPARE(events(u"RotateKeyOnDemand"_s), 26); // every attempt audited once, the refusal too
    // The limit is per key.
    QVERIFY(m_svc->rotateKeyOnDemand(m_root, create().keyId));
}

void TestKmsRotation::onDemandLeavesScheduleAndConflicts()
{
    const KeyRecord k = create();
    const QDateTime t0 = m_fixture->clock().now();
    QVERIFY(m_svc->enableKeyRotation(m_root, k.keyId, 90));
    m_fixture->clock().advanceDays(10);
    QVERIFY(m_svc->rotateKeyOnDemand(m_root, k.keyId));
    QCOMPARE(*m_svc->getKeyRotationStatus(m_root, k.keyId)->nextRotationDate, t0.addDays(90));
    // AWS refuses an on-demand rotation when an automatic one is due within 20 minutes.
    m_fixture->clock().set(t0.addDays(90).addSecs(-19 * 60));
    auto r = m_svc->rotateKeyOnDemand(m_root, k.keyId);
    QVERIFY(!r);
    QCOMPARE(r.error().type, errors::Conflict);
    m_fixture->clock().set(t0.addDays(90).addSecs(-21 * 60));
    QVERIFY(m_svc->rotateKeyOnDemand(m_root, k.keyId));
    auto list = m_svc->listKeyRotations(m_root, k.keyId);
    QCOMPARE(list->rotations.size(), 2);
    QCOMPARE(list->rotations[0].rotationType, u"ON_DEMAND"_s);
    QCOMPARE(list->rotations[0].rotationDate, t0.addDays(10));
}

void TestKmsRotation::disablingKeepsVersions()
{
    const KeyRecord k = create();
    QVERIFY(m_svc->enableKeyRotation(m_root, k.keyId, 90));
    QList<QByteArray> blobs{encrypt(k.keyId, "v1")};
    m_fixture->clock().advanceDays(90);
    QVERIFY(Scheduler(*m_svc).runDue());
    blobs.append(encrypt(k.keyId, "v2"));
    QVERIFY(m_svc->disableKeyRotation(m_root, k.keyId));
    m_fixture->clock().advanceDays(400);
    auto report = Scheduler(*m_svc).runDue();
    QCOMPARE(report->done.size(), 0); // off: nothing more rotates
    QCOMPARE(m_svc->describeKey(m_root, k.keyId)->currentVersion, 2);
    QCOMPARE(blobVersion(blobs[0]), 1u);
    QCOMPARE(blobVersion(blobs[1]), 2u);
    QCOMPARE(m_svc->decrypt(m_root, blobs[0])->plaintext.toByteArray(), QByteArray("v1"));
    QCOMPARE(m_svc->decrypt(m_root, blobs[1])->plaintext.toByteArray(), QByteArray("v2"));
    QCOMPARE(m_svc->listKeyRotations(m_root, k.keyId)->rotations.size(), 1);
}

void TestKmsRotation::listKeyRotationsPaging()
{
    const KeyRecord k = create();
    QCOMPARE(m_svc->listKeyRotations(m_root, k.keyId)->rotations.size(), 0); // the first material is no rotation
    QStringList materials;
    for (int i = 0; i < 3; ++i) {
        m_fixture->clock().advanceDays(1);
        QVERIFY(m_svc->rotateKeyOnDemand(m_root, k.keyId));
        materials.append(m_svc->describeKey(m_root, k.keyId)->currentMaterialId);
    }
    auto page1 = m_svc->listKeyRotations(m_root, k.keyId, 2);
    QVERIFY(page1);
    QCOMPARE(page1->rotations.size(), 2);
    QVERIFY(page1->nextMarker);
    QCOMPARE(page1->rotations[0].keyMaterialId, materials[0]);
    QCOMPARE(page1->rotations[0].keyMaterialId.size(), 64);
    QCOMPARE(page1->rotations[0].keyId, k.keyId);
    QVERIFY(!page1->rotations[0].current);
    QVERIFY(page1->rotations[0].rotationDate < page1->rotations[1].rotationDate);
    auto page2 = m_svc->listKeyRotations(m_root, k.keyId, 2, *page1->nextMarker);
    QVERIFY(page2);
    QCOMPARE(page2->rotations.size(), 1);
    QVERIFY(!page2->nextMarker);
    QCOMPARE(page2->rotations[0].keyMaterialId, materials[2]);
    QVERIFY(page2->rotations[0].current);
    QCOMPARE(m_svc->listKeyRotations(m_root, k.keyId, 2, u"99"_s).error().type, errors::InvalidMarker);
    QCOMPARE(m_svc->listKeyRotations(m_root, k.keyId, 2, u"nonsense"_s).error().type, errors::InvalidMarker);
    QCOMPARE(m_svc->listKeyRotations(m_root, k.keyId, 0).error().type, errors::Validation);
    QCOMPARE(m_svc->listKeyRotations(m_root, k.keyId, 1001).error().type, errors::Validation);
}

void TestKmsRotation::authorizationAndAudit()
{
    const KeyRecord k = create();
    QList<AuthRequest> seen;
    m_svc->setAuthorizer([&](const AuthRequest &r) -> Status {
        seen.append(r);
        if (r.caller->principalArn.endsWith(u":user/mallory"_s))
            return fail(errors::AccessDenied, u"no"_s);
        return {};
    });
    QVERIFY(m_svc->enableKeyRotation(m_root, k.keyId, 120));
    QCOMPARE(seen.size(), 1);
    QCOMPARE(seen[0].action, u"kms:EnableKeyRotation"_s);
    QCOMPARE(seen[0].key->keyId, k.keyId);
    QCOMPARE(seen[0].conditions.value(u"kms:RotationPeriodInDays"_s), QStringList{u"120"_s});
    QVERIFY(m_svc->getKeyRotationStatus(m_root, k.keyId));
    QVERIFY(m_svc->rotateKeyOnDemand(m_root, k.keyId));
    QVERIFY(m_svc->listKeyRotations(m_root, k.keyId));
    QVERIFY(m_svc->disableKeyRotation(m_root, k.keyId));
    QStringList actions;
    for (const AuthRequest &r : seen)
        actions.append(r.action);
    QCOMPARE(actions, (QStringList{u"kms:EnableKeyRotation"_s, u"kms:GetKeyRotationStatus"_s, u"kms:RotateKeyOnDemand"_s,
                                   u"kms:ListKeyRotations"_s, u"kms:DisableKeyRotation"_s}));

    const Caller mallory{u"arn:aws:iam::%1:user/mallory"_s.arg(m_svc->accountId()), u"cli"_s, {}};
    QCOMPARE(m_svc->rotateKeyOnDemand(mallory, k.keyId).error().type, errors::AccessDenied);
    QCOMPARE(m_svc->describeKey(m_root, k.keyId)->currentVersion, 2); // refused: no version added

    for (const QString &op : {u"EnableKeyRotation"_s, u"GetKeyRotationStatus"_s, u"ListKeyRotations"_s,
                              u"DisableKeyRotation"_s})
        QCOMPARE(events(op), 1);
    QCOMPARE(events(u"RotateKeyOnDemand"_s), 2);
    QJsonObject last;
    for (const QJsonObject &e : m_svc->audit().events().value_or(QList<QJsonObject>{}))
        if (e.value(u"eventName").toString() == u"RotateKeyOnDemand")
            last = e;
    QCOMPARE(last.value(u"userIdentity").toObject().value(u"arn").toString(), mallory.principalArn);
    QCOMPARE(last.value(u"errorCode").toString(), errors::AccessDenied);
    QVERIFY(last.value(u"additionalEventData").toObject().value(u"simulatedTime").toBool());
}

QKMS_TEST_MAIN(TestKmsRotation)
#include "tst_kms_rotation.moc"
