// Key lifecycle through the engine: CreateKey for every spec/usage pair, DescribeKey, ListKeys
// paging, description, enable/disable, deletion windows (scheduled, cancelled, carried out),
// AWS-managed keys, and the operation × state table.

#include "EngineTest.h"
#include "TestMain.h"
#include "iam/PrincipalStore.h"
#include "kms/AuditLog.h"
#include "kms/KeyStateRules.h"
#include "kms/KmsService.h"
#include "store/Database.h"

#include <QJsonArray>
#include <QRegularExpression>

using namespace qkms;
using namespace qkms::kms;
using namespace qkms::test;

class TestKmsKeys : public QObject, protected test::EngineTest
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void createEverySpec_data();
    void createEverySpec();
    void createRefusesBadCombinations_data();
    void createRefusesBadCombinations();
    void describeAndList();
    void enableDisableAndDescription();
    void deletionWindow();
    void awsManagedKey();
    void stateTable_data();
    void stateTable();
    void nonRootNeedsAnIdentityPolicy();

};

void TestKmsKeys::init()
{
    QVERIFY(openEngine());
}

void TestKmsKeys::cleanup()
{
    closeEngine();
}

void TestKmsKeys::createEverySpec_data()
{
    QTest::addColumn<QString>("spec");
    QTest::addColumn<QString>("usage");
    QTest::addColumn<QString>("algorithmsField");
    auto row = [](const char *name, const char *spec, const char *usage, const char *field) {
        QTest::newRow(name) << QString::fromLatin1(spec) << QString::fromLatin1(usage) << QString::fromLatin1(field);
    };
    row("SYMMETRIC_DEFAULT", "SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT", "EncryptionAlgorithms");
    row("RSA_2048 encrypt", "RSA_2048", "ENCRYPT_DECRYPT", "EncryptionAlgorithms");
    row("RSA_2048 sign", "RSA_2048", "SIGN_VERIFY", "SigningAlgorithms");
    row("RSA_3072 sign", "RSA_3072", "SIGN_VERIFY", "SigningAlgorithms");
    row("ECC_NIST_P256", "ECC_NIST_P256", "SIGN_VERIFY", "SigningAlgorithms");
    row("ECC_NIST_P384", "ECC_NIST_P384", "SIGN_VERIFY", "SigningAlgorithms");
    row("ECC_NIST_P521", "ECC_NIST_P521", "SIGN_VERIFY", "SigningAlgorithms");
    row("ECC_SECG_P256K1", "ECC_SECG_P256K1", "SIGN_VERIFY", "SigningAlgorithms");
    row("HMAC_224", "HMAC_224", "GENERATE_VERIFY_MAC", "MacAlgorithms");
    row("HMAC_512", "HMAC_512", "GENERATE_VERIFY_MAC", "MacAlgorithms");
}

void TestKmsKeys::createEverySpec()
{
    QFETCH(QString, spec);
    QFETCH(QString, usage);
    QFETCH(QString, algorithmsField);
    const KeyRecord k = create(spec, usage);
    QVERIFY(QRegularExpression(QStringLiteral("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"))
                .match(k.keyId)
                .hasMatch());
    QCOMPARE(k.arn, QStringLiteral("arn:aws:kms:us-east-1:%1:key/%2").arg(m_svc->accountId(), k.keyId));
    const QJsonObject md = k.toKeyMetadata(m_svc->accountId());
    QCOMPARE(md.value(u"KeySpec").toString(), spec);
    QCOMPARE(md.value(u"KeyUsage").toString(), usage);
    QCOMPARE(md.value(u"KeyState").toString(), QStringLiteral("Enabled"));
    QCOMPARE(md.value(u"Origin").toString(), QStringLiteral("AWS_KMS"));
    QCOMPARE(md.value(u"KeyManager").toString(), QStringLiteral("CUSTOMER"));
    QVERIFY(!md.value(algorithmsField).toArray().isEmpty());
    QCOMPARE(md.value(u"CurrentKeyMaterialId").toString().size(), 64);
    QCOMPARE(md.value(u"CreationDate").toDouble(), awsTimestamp(m_fixture->clock().now()));
    auto described = m_svc->describeKey(m_root, k.keyId);
    QVERIFY(described);
    QCOMPARE(described->toKeyMetadata(m_svc->accountId()), md);
}

void TestKmsKeys::createRefusesBadCombinations_data()
{
    QTest::addColumn<QString>("spec");
    QTest::addColumn<QString>("usage");
    QTest::addColumn<QString>("origin");
    QTest::addColumn<QString>("error");
    auto row = [](const char *name, const char *spec, const char *usage, const char *origin, const QString &e) {
        QTest::newRow(name) << QString::fromLatin1(spec) << QString::fromLatin1(usage) << QString::fromLatin1(origin) << e;
    };
    row("EC for encryption", "ECC_NIST_P256", "ENCRYPT_DECRYPT", "AWS_KMS", errors::Validation);
    row("EC with the default usage", "ECC_NIST_P256", "", "AWS_KMS", errors::Validation);
    row("HMAC without a usage", "HMAC_256", "", "AWS_KMS", errors::Validation);
    row("symmetric for signing", "SYMMETRIC_DEFAULT", "SIGN_VERIFY", "AWS_KMS", errors::Validation);
    row("unknown spec", "AES_512", "", "AWS_KMS", errors::Validation);
    row("unknown usage", "SYMMETRIC_DEFAULT", "SHRED", "AWS_KMS", errors::Validation);
    row("imported RSA", "RSA_2048", "SIGN_VERIFY", "EXTERNAL", errors::UnsupportedOperation);
    row("unknown origin", "SYMMETRIC_DEFAULT", "", "AWS_CLOUDHSM", errors::UnsupportedOperation);
}

void TestKmsKeys::createRefusesBadCombinations()
{
    QFETCH(QString, spec);
    QFETCH(QString, usage);
    QFETCH(QString, origin);
    QFETCH(QString, error);
    CreateKeyRequest r;
    r.keySpec = spec;
    if (!usage.isEmpty())
        r.keyUsage = usage;
    r.origin = origin;
    auto k = m_svc->createKey(m_root, r);
    QVERIFY(!k);
    QCOMPARE(k.error().type, error);
    auto list = m_svc->listKeys(m_root);
    QVERIFY(list);
    QVERIFY(list->keys.isEmpty());
}

void TestKmsKeys::describeAndList()
{
    QStringList ids;
    for (int i = 0; i < 5; ++i)
        ids.append(create().keyId);
    auto byArn = m_svc->describeKey(m_root, QStringLiteral("arn:aws:kms:us-east-1:%1:key/%2").arg(m_svc->accountId(), ids[2]));
    QVERIFY(byArn);
    QCOMPARE(byArn->keyId, ids[2]);
    auto missing = m_svc->describeKey(m_root, QStringLiteral("11111111-2222-4333-8444-555555555555"));
    QVERIFY(!missing);
    QCOMPARE(missing.error().type, errors::NotFound);
    auto otherRegion = m_svc->describeKey(m_root, QStringLiteral("arn:aws:kms:eu-west-1:%1:key/%2").arg(m_svc->accountId(), ids[0]));
    QVERIFY(!otherRegion);
    QCOMPARE(otherRegion.error().type, errors::NotFound);

    QStringList seen;
    QString marker;
    int pages = 0;
    do {
        auto page = m_svc->listKeys(m_root, 2, marker);
        QVERIFY(page);
        QVERIFY(page->keys.size() <= 2);
        for (const auto &[id, arn] : page->keys)
            seen.append(id);
        marker = page->nextMarker.value_or(QString());
        ++pages;
    } while (!marker.isEmpty() && pages < 10);
    QCOMPARE(pages, 3);
    QCOMPARE(seen, ids);
    auto badMarker = m_svc->listKeys(m_root, 2, QStringLiteral("nonsense"));
    QVERIFY(!badMarker);
    QCOMPARE(badMarker.error().type, errors::InvalidMarker);
    auto badLimit = m_svc->listKeys(m_root, 1001);
    QVERIFY(!badLimit);
    QCOMPARE(badLimit.error().type, errors::Validation);
}

void TestKmsKeys::enableDisableAndDescription()
{
    const KeyRecord k = create();
    QVERIFY(m_svc->disableKey(m_root, k.keyId));
    QCOMPARE(int(m_svc->describeKey(m_root, k.keyId)->keyState), int(KeyState::Disabled));
    QVERIFY(m_svc->enableKey(m_root, k.arn));
    QCOMPARE(int(m_svc->describeKey(m_root, k.keyId)->keyState), int(KeyState::Enabled));
    QVERIFY(m_svc->updateKeyDescription(m_root, k.keyId, QStringLiteral("payroll — März")));
    QCOMPARE(m_svc->describeKey(m_root, k.keyId)->description, QStringLiteral("payroll — März"));
    auto tooLong = m_svc->updateKeyDescription(m_root, k.keyId, QString(8193, u'x'));
    QVERIFY(!tooLong);
    QCOMPARE(tooLong.error().type, errors::Validation);
    QVERIFY(m_svc->updateKeyDescription(m_root, k.keyId, QString(8192, u'x')));
}

void TestKmsKeys::deletionWindow()
{
    const KeyRecord k = create();
    for (int bad : {6, 31}) {
        auto r = m_svc->scheduleKeyDeletion(m_root, k.keyId, bad);
        QVERIFY(!r);
        QCOMPARE(r.error().type, errors::Validation);
    }
    auto scheduled = m_svc->scheduleKeyDeletion(m_root, k.keyId);
    QVERIFY(scheduled);
    QCOMPARE(int(scheduled->keyState), int(KeyState::PendingDeletion));
    QCOMPARE(*scheduled->pendingDeletionWindowInDays, 30);
    QCOMPARE(*scheduled->deletionDate, m_fixture->clock().now().addDays(30));
    auto again = m_svc->scheduleKeyDeletion(m_root, k.keyId, 7);
    QCOMPARE(again.error().type, errors::InvalidState);

    // Cancelling leaves the key Disabled (AWS), with its material intact.
    auto cancelled = m_svc->cancelKeyDeletion(m_root, k.keyId);
    QVERIFY(cancelled);
    QCOMPARE(int(cancelled->keyState), int(KeyState::Disabled));
    QVERIFY(!cancelled->deletionDate);
    QVERIFY(m_svc->material(*cancelled));
    auto notPending = m_svc->cancelKeyDeletion(m_root, k.keyId);
    QCOMPARE(notPending.error().type, errors::InvalidState);
    QVERIFY(notPending.error().message.contains(QStringLiteral("is not pending deletion")));

    // The end of the window destroys the key and its material; not a day before.
    QVERIFY(m_svc->scheduleKeyDeletion(m_root, k.keyId, 7));
    m_fixture->clock().advanceDays(6);
    QCOMPARE(m_svc->runDueDeletions().value_or(-1), 0);
    QVERIFY(m_svc->describeKey(m_root, k.keyId));
    m_fixture->clock().advanceDays(1);
    QCOMPARE(m_svc->runDueDeletions().value_or(-1), 1);
    auto gone = m_svc->describeKey(m_root, k.keyId);
    QVERIFY(!gone);
    QCOMPARE(gone.error().type, errors::NotFound);
    auto q = m_svc->database().prepare(QStringLiteral("SELECT count(*) FROM key_material WHERE key_id = :id"));
    QVERIFY(q && q->bind(":id", k.keyId).step().value_or(false));
    QCOMPARE(q->columnInt(0), 0);
}

void TestKmsKeys::awsManagedKey()
{
    auto k = m_svc->awsManagedKey(m_root, QStringLiteral("files"));
    QVERIFY(k);
    QCOMPARE(int(k->keyManager), int(KeyManager::Aws));
    auto same = m_svc->awsManagedKey(m_root, QStringLiteral("files"));
    QCOMPARE(same->keyId, k->keyId);
    auto viaAlias = m_svc->describeKey(m_root, QStringLiteral("alias/aws/files"));
    QVERIFY(viaAlias);
    QCOMPARE(viaAlias->keyId, k->keyId);
    QCOMPARE(m_svc->disableKey(m_root, k->keyId).error().type, errors::UnsupportedOperation);
    QCOMPARE(m_svc->scheduleKeyDeletion(m_root, k->keyId).error().type, errors::UnsupportedOperation);
    QCOMPARE(int(m_svc->describeKey(m_root, k->keyId)->keyState), int(KeyState::Enabled));
}

void TestKmsKeys::stateTable_data()
{
    // Rows of the AWS table (reference/kms-semantics.md §3) for the states qkms has.
    QTest::addColumn<int>("group");
    QTest::addColumn<int>("state");
    QTest::addColumn<QString>("error"); // empty: allowed
    using G = OperationGroup;
    using S = KeyState;
    const QString ok;
    const QString dis = errors::Disabled;
    const QString inv = errors::InvalidState;
    const QString uns = errors::UnsupportedOperation;
    auto row = [](const char *name, G g, S s, const QString &e) { QTest::newRow(name) << int(g) << int(s) << e; };
    row("crypto Enabled", G::Cryptographic, S::Enabled, ok);
    row("crypto Disabled", G::Cryptographic, S::Disabled, dis);
    row("crypto PendingDeletion", G::Cryptographic, S::PendingDeletion, inv);
    row("crypto PendingImport", G::Cryptographic, S::PendingImport, inv);
    row("grant Disabled", G::CreateGrant, S::Disabled, dis);
    row("describe PendingDeletion", G::ReadOnly, S::PendingDeletion, ok);
    row("describe PendingImport", G::ReadOnly, S::PendingImport, ok);
    row("metadata Disabled", G::Metadata, S::Disabled, ok);
    row("metadata PendingDeletion", G::Metadata, S::PendingDeletion, inv);
    row("metadata PendingImport", G::Metadata, S::PendingImport, ok);
    row("enable Disabled", G::EnableDisable, S::Disabled, ok);
    row("enable PendingDeletion", G::EnableDisable, S::PendingDeletion, inv);
    row("enable PendingImport", G::EnableDisable, S::PendingImport, inv);
    row("schedule Disabled", G::ScheduleDeletion, S::Disabled, ok);
    row("schedule PendingImport", G::ScheduleDeletion, S::PendingImport, ok);
    row("schedule PendingDeletion", G::ScheduleDeletion, S::PendingDeletion, inv);
    row("cancel Enabled", G::CancelDeletion, S::Enabled, inv);
    row("cancel Disabled", G::CancelDeletion, S::Disabled, inv);
    row("cancel PendingDeletion", G::CancelDeletion, S::PendingDeletion, ok);
    row("rotation Enabled", G::Rotation, S::Enabled, ok);
    row("rotation Disabled", G::Rotation, S::Disabled, dis);
    row("rotation PendingDeletion", G::Rotation, S::PendingDeletion, inv);
    row("rotation status Disabled", G::RotationStatus, S::Disabled, ok);
    row("import on AWS_KMS key", G::Import, S::Enabled, uns);
}

void TestKmsKeys::stateTable()
{
    QFETCH(int, group);
    QFETCH(int, state);
    QFETCH(QString, error);
    KeyRecord k;
    k.arn = QStringLiteral("arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab");
    k.keyState = static_cast<KeyState>(state);
    const Status st = checkKeyState(k, static_cast<OperationGroup>(group));
    if (error.isEmpty()) {
        QVERIFY2(st.has_value(), qPrintable(st ? QString() : st.error().toString()));
        return;
    }
    QVERIFY(!st);
    QCOMPARE(st.error().type, error);
    QVERIFY2(st.error().message.startsWith(k.arn), qPrintable(st.error().message));
}

void TestKmsKeys::nonRootNeedsAnIdentityPolicy()
{
    // The default key policy trusts the account root, which delegates to IAM: an IAM user with
    // no identity policy is denied (and audited), one whose identity policy allows is not.
    const KeyRecord k = create();
    const Caller alice{QStringLiteral("arn:aws:iam::%1:user/alice").arg(m_svc->accountId()), QStringLiteral("cli"), {}};
    QVERIFY(m_svc->principals().createUser(m_root.principalArn, QStringLiteral("alice")));
    auto denied = m_svc->describeKey(alice, k.keyId);
    QVERIFY(!denied);
    QCOMPARE(denied.error().type, errors::AccessDenied);
    QCOMPARE(denied.error().message, QStringLiteral("User: %1 is not authorized to perform: kms:DescribeKey on resource: %2 "
                                                    "because no identity-based policy allows the kms:DescribeKey action")
                                         .arg(alice.principalArn, k.arn));
    auto events = m_svc->audit().events();
    QVERIFY(events);
    QCOMPARE(events->last().value(u"errorCode").toString(), errors::AccessDenied);
    QCOMPARE(events->last().value(u"userIdentity").toObject().value(u"arn").toString(), alice.principalArn);
    QVERIFY(m_svc->principals().putPolicy(
        m_root.principalArn, iam::PrincipalKind::User, QStringLiteral("alice"), QStringLiteral("Describe"),
        QStringLiteral(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:DescribeKey","Resource":"*"}]})")));
    QVERIFY(m_svc->describeKey(alice, k.keyId));
    QCOMPARE(m_svc->disableKey(alice, k.keyId).error().type, errors::AccessDenied);
    QVERIFY(m_svc->audit().verify()->intact());
}

QKMS_TEST_MAIN(TestKmsKeys)
#include "tst_kms_keys.moc"
