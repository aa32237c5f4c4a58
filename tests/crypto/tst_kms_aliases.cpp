// Aliases: CreateAlias, UpdateAlias, DeleteAlias with AWS's name rules, targets, limits, state
// rules (footnote 10), authorization and audit. Listing and resolution: tst_kms_alias_lists.cpp.

#include "EngineTest.h"
#include "TestMain.h"
#include "kms/AuditLog.h"
#include "kms/KmsService.h"

using namespace qkms;
using namespace qkms::kms;
using namespace qkms::test;
using namespace Qt::StringLiterals;

class TestKmsAliases : public QObject, protected test::EngineTest
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void aliasNames_data();
    void aliasNames();
    void aliasTargets_data();
    void aliasTargets();
    void namesAreUniqueAndCaseSensitive();
    void fiftyAliasesPerKey();
    void updateNeedsSameTypeAndUsage_data();
    void updateNeedsSameTypeAndUsage();
    void updateStateRules();
    void updateErrors_data();
    void updateErrors();
    void deleteAlias();
    void authorization();
};

void TestKmsAliases::init()
{
    QVERIFY(openEngine());
}

void TestKmsAliases::cleanup()
{
    closeEngine();
}

void TestKmsAliases::aliasNames_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("error");
    QTest::newRow("AWS docs example") << u"alias/ExampleAlias"_s << QString();
    QTest::newRow("every allowed character") << u"alias/aZ09:/_-"_s << QString();
    QTest::newRow("256 characters") << u"alias/"_s + QString(250, u'x') << QString();
    QTest::newRow("alias/aws without the slash") << u"alias/awsome"_s << QString();
    QTest::newRow("257 characters") << u"alias/"_s + QString(251, u'x') << errors::Validation;
    QTest::newRow("empty") << QString() << errors::Validation;
    QTest::newRow("space") << u"alias/my key"_s << errors::Validation;
    QTest::newRow("non-ASCII") << u"alias/schl\u00fcssel"_s << errors::Validation;
    QTest::newRow("no prefix") << u"my-key"_s << errors::InvalidAliasName;
    QTest::newRow("prefix is case-sensitive") << u"Alias/my-key"_s << errors::InvalidAliasName;
    QTest::newRow("alias ARN instead of name") << u"arn:aws:kms:us-east-1:111122223333:alias/x"_s
                                               << errors::InvalidAliasName;
    QTest::newRow("reserved alias/aws/") << u"alias/aws/s3"_s << errors::InvalidAliasName;
}

void TestKmsAliases::aliasNames()
{
    QFETCH(QString, name);
    QFETCH(QString, error);
    const KeyRecord key = create();
    const qsizetype before = eventCount();
    auto st = m_svc->createAlias(m_root, name, key.keyId);
    checkAudited(before, u"CreateAlias"_s, error);
    if (error.isEmpty()) {
        QVERIFY2(st, qPrintable(st ? QString() : st.error().toString()));
        auto found = m_svc->describeKey(m_root, name);
        QVERIFY(found);
        QCOMPARE(found->keyId, key.keyId);
        return;
    }
    QVERIFY(!st);
    QCOMPARE(st.error().type, error);
    if (name.startsWith(u"alias/aws/"))
        QVERIFY2(st.error().message.contains(u"alias/aws/"), qPrintable(st.error().message));
    if (error == errors::InvalidAliasName && !name.startsWith(u"alias/aws/"))
        QVERIFY2(st.error().message.contains(u"\"alias/\""), qPrintable(st.error().message));
}

void TestKmsAliases::aliasTargets_data()
{
    QTest::addColumn<QString>("target");
    QTest::addColumn<QString>("error");
    QTest::newRow("key id") << u"id"_s << QString();
    QTest::newRow("key ARN") << u"arn"_s << QString();
    QTest::newRow("disabled key") << u"disabled"_s << QString();
    QTest::newRow("PendingImport key") << u"pendingImport"_s << QString();
    QTest::newRow("alias name") << u"aliasName"_s << errors::NotFound;
    QTest::newRow("alias ARN") << u"aliasArn"_s << errors::NotFound;
    QTest::newRow("unknown key id") << u"unknown"_s << errors::NotFound;
    QTest::newRow("AWS managed key") << u"awsManaged"_s << errors::UnsupportedOperation;
    QTest::newRow("PendingDeletion key (footnote 3)") << u"pendingDeletion"_s << errors::InvalidState;
}

void TestKmsAliases::aliasTargets()
{
    QFETCH(QString, target);
    QFETCH(QString, error);
    KeyRecord key = create(u"SYMMETRIC_DEFAULT"_s, {}, target == u"pendingImport" ? u"EXTERNAL"_s : u"AWS_KMS"_s);
    QVERIFY(m_svc->createAlias(m_root, u"alias/existing"_s, key.keyId));
    QString id = key.keyId;
    if (target == u"arn")
        id = key.arn;
    else if (target == u"disabled")
        QVERIFY(m_svc->disableKey(m_root, key.keyId));
    else if (target == u"aliasName")
        id = u"alias/existing"_s;
    else if (target == u"aliasArn")
        id = aliasArn(u"alias/existing"_s);
    else if (target == u"unknown")
        id = u"00000000-1111-4222-8333-444444444444"_s;
    else if (target == u"awsManaged")
        id = m_svc->awsManagedKey(m_root, u"ebs"_s).value_or(KeyRecord{}).keyId;
    else if (target == u"pendingDeletion")
        QVERIFY(m_svc->scheduleKeyDeletion(m_root, key.keyId, 7));
    const qsizetype before = eventCount();
    auto st = m_svc->createAlias(m_root, u"alias/new"_s, id);
    checkAudited(before, u"CreateAlias"_s, error);
    if (error.isEmpty()) {
        QVERIFY2(st, qPrintable(st ? QString() : st.error().toString()));
        QCOMPARE(m_svc->describeKey(m_root, u"alias/new"_s).value_or(KeyRecord{}).keyId, key.keyId);
    } else {
        QVERIFY(!st);
        QCOMPARE(st.error().type, error);
        QCOMPARE(m_svc->describeKey(m_root, u"alias/new"_s).error().type, errors::NotFound);
    }
}

void TestKmsAliases::namesAreUniqueAndCaseSensitive()
{
    const KeyRecord a = create();
    const KeyRecord b = create();
    QVERIFY(m_svc->createAlias(m_root, u"alias/app"_s, a.keyId));
    auto dup = m_svc->createAlias(m_root, u"alias/app"_s, b.keyId);
    QVERIFY(!dup);
    QCOMPARE(dup.error().type, errors::AlreadyExists);
    QCOMPARE(dup.error().message, u"An alias with the name %1 already exists"_s.arg(aliasArn(u"alias/app"_s)));
    QVERIFY(m_svc->createAlias(m_root, u"alias/App"_s, b.keyId));
    QCOMPARE(m_svc->describeKey(m_root, u"alias/app"_s)->keyId, a.keyId);
    QCOMPARE(m_svc->describeKey(m_root, u"alias/App"_s)->keyId, b.keyId);
}

void TestKmsAliases::fiftyAliasesPerKey()
{
    const KeyRecord a = create();
    const KeyRecord b = create();
    for (int i = 0; i < 50; ++i)
        QVERIFY(m_svc->createAlias(m_root, u"alias/a%1"_s.arg(i), a.keyId));
    auto st = m_svc->createAlias(m_root, u"alias/a50"_s, a.keyId);
    QVERIFY(!st);
    QCOMPARE(st.error().type, errors::LimitExceeded);
    QVERIFY(m_svc->createAlias(m_root, u"alias/b0"_s, b.keyId));
    st = m_svc->updateAlias(m_root, u"alias/b0"_s, a.keyId);
    QVERIFY(!st);
    QCOMPARE(st.error().type, errors::LimitExceeded);
    QVERIFY(m_svc->updateAlias(m_root, u"alias/a0"_s, a.keyId)); // already one of the fifty
    QCOMPARE(m_svc->listAliases(m_root, a.keyId)->aliases.size(), 50);
}

void TestKmsAliases::updateNeedsSameTypeAndUsage_data()
{
    QTest::addColumn<QString>("fromSpec");
    QTest::addColumn<QString>("fromUsage");
    QTest::addColumn<QString>("toSpec");
    QTest::addColumn<QString>("toUsage");
    QTest::addColumn<bool>("ok");
    const QString enc = u"ENCRYPT_DECRYPT"_s, sign = u"SIGN_VERIFY"_s, mac = u"GENERATE_VERIFY_MAC"_s;
    const QString sym = u"SYMMETRIC_DEFAULT"_s, rsa = u"RSA_2048"_s;
    QTest::newRow("symmetric to symmetric") << sym << enc << sym << enc << true;
    QTest::newRow("RSA sign to ECC sign") << rsa << sign << u"ECC_NIST_P256"_s << sign << true;
    QTest::newRow("HMAC_256 to HMAC_512") << u"HMAC_256"_s << mac << u"HMAC_512"_s << mac << true;
    QTest::newRow("symmetric to RSA encrypt (type)") << sym << enc << rsa << enc << false;
    QTest::newRow("RSA encrypt to symmetric (type)") << rsa << enc << sym << enc << false;
    QTest::newRow("symmetric to HMAC") << sym << enc << u"HMAC_256"_s << mac << false;
    QTest::newRow("RSA sign to RSA encrypt (usage)") << rsa << sign << rsa << enc << false;
}

void TestKmsAliases::updateNeedsSameTypeAndUsage()
{
    QFETCH(QString, fromSpec);
    QFETCH(QString, fromUsage);
    QFETCH(QString, toSpec);
    QFETCH(QString, toUsage);
    QFETCH(bool, ok);
    const KeyRecord from = create(fromSpec, fromUsage);
    const KeyRecord to = create(toSpec, toUsage);
    QVERIFY(m_svc->createAlias(m_root, u"alias/app"_s, from.keyId));
    m_fixture->clock().advanceDays(1);
    const qsizetype before = eventCount();
    auto st = m_svc->updateAlias(m_root, u"alias/app"_s, to.arn);
    checkAudited(before, u"UpdateAlias"_s, ok ? QString() : errors::Validation);
    auto entry = m_svc->listAliases(m_root, {}, 100)->aliases.value(0);
    QCOMPARE(st.has_value(), ok);
    if (ok) {
        QCOMPARE(entry.targetKeyId, to.keyId);
        QCOMPARE(entry.lastUpdatedDate, entry.creationDate.addDays(1));
    } else {
        QCOMPARE(st.error().type, errors::Validation);
        QVERIFY2(st.error().message.contains(from.arn) && st.error().message.contains(to.arn),
                 qPrintable(st.error().message));
        QCOMPARE(entry.targetKeyId, from.keyId);
        QCOMPARE(entry.lastUpdatedDate, entry.creationDate);
    }
}

void TestKmsAliases::updateStateRules()
{
    // Footnote 10: a PendingDeletion source is fine, a PendingDeletion destination is not.
    const KeyRecord a = create();
    const KeyRecord b = create();
    QVERIFY(m_svc->createAlias(m_root, u"alias/app"_s, a.keyId));
    QVERIFY(m_svc->scheduleKeyDeletion(m_root, a.keyId, 7));
    QVERIFY(m_svc->updateAlias(m_root, u"alias/app"_s, b.keyId));
    QVERIFY(m_svc->disableKey(m_root, b.keyId));
    auto st = m_svc->updateAlias(m_root, u"alias/app"_s, a.keyId);
    QVERIFY(!st);
    QCOMPARE(st.error().type, errors::InvalidState);
    QCOMPARE(st.error().message, u"%1 is pending deletion."_s.arg(a.arn));
    QCOMPARE(m_svc->describeKey(m_root, u"alias/app"_s)->keyId, b.keyId); // Disabled source is fine too
}

void TestKmsAliases::updateErrors_data()
{
    QTest::addColumn<QString>("alias");
    QTest::addColumn<QString>("target");
    QTest::addColumn<QString>("error");
    QTest::newRow("unknown alias") << u"alias/nope"_s << u"key"_s << errors::NotFound;
    QTest::newRow("bad alias name") << u"alias/a b"_s << u"key"_s << errors::Validation;
    QTest::newRow("reserved alias/aws/") << u"alias/aws/ebs"_s << u"key"_s << errors::InvalidAliasName;
    QTest::newRow("target is an alias") << u"alias/app"_s << u"alias/other"_s << errors::NotFound;
    QTest::newRow("target unknown") << u"alias/app"_s << u"00000000-1111-4222-8333-444444444444"_s
                                    << errors::NotFound;
    QTest::newRow("target AWS managed") << u"alias/app"_s << u"aws"_s << errors::UnsupportedOperation;
}

void TestKmsAliases::updateErrors()
{
    QFETCH(QString, alias);
    QFETCH(QString, target);
    QFETCH(QString, error);
    const KeyRecord a = create();
    const KeyRecord b = create();
    const KeyRecord aws = m_svc->awsManagedKey(m_root, u"ebs"_s).value_or(KeyRecord{});
    QVERIFY(m_svc->createAlias(m_root, u"alias/app"_s, a.keyId));
    QVERIFY(m_svc->createAlias(m_root, u"alias/other"_s, b.keyId));
    const QString id = target == u"key" ? b.keyId : target == u"aws" ? aws.keyId : target;
    const qsizetype before = eventCount();
    auto st = m_svc->updateAlias(m_root, alias, id);
    checkAudited(before, u"UpdateAlias"_s, error);
    QVERIFY(!st);
    QCOMPARE(st.error().type, error);
    QCOMPARE(m_svc->describeKey(m_root, u"alias/app"_s)->keyId, a.keyId);
    QCOMPARE(m_svc->describeKey(m_root, u"alias/aws/ebs"_s)->keyId, aws.keyId);
}

void TestKmsAliases::deleteAlias()
{
    const KeyRecord a = create();
    QVERIFY(m_svc->createAlias(m_root, u"alias/one"_s, a.keyId));
    QVERIFY(m_svc->createAlias(m_root, u"alias/two"_s, a.keyId));
    QVERIFY(m_svc->awsManagedKey(m_root, u"ebs"_s));
    QVERIFY(m_svc->disableKey(m_root, a.keyId));
    QVERIFY(m_svc->deleteAlias(m_root, u"alias/one"_s));
    QVERIFY(m_svc->scheduleKeyDeletion(m_root, a.keyId, 7)); // any state
    qsizetype before = eventCount();
    QVERIFY(m_svc->deleteAlias(m_root, u"alias/two"_s));
    checkAudited(before, u"DeleteAlias"_s, {});
    QCOMPARE(m_svc->describeKey(m_root, u"alias/two"_s).error().type, errors::NotFound);
    QVERIFY(m_svc->describeKey(m_root, a.keyId)); // the key stays
    before = eventCount();
    auto st = m_svc->deleteAlias(m_root, u"alias/two"_s);
    checkAudited(before, u"DeleteAlias"_s, errors::NotFound);
    QCOMPARE(st.error().message, u"Alias %1 is not found."_s.arg(aliasArn(u"alias/two"_s)));
    st = m_svc->deleteAlias(m_root, u"alias/aws/ebs"_s);
    QVERIFY(!st);
    QCOMPARE(st.error().type, errors::InvalidAliasName);
    QVERIFY(m_svc->describeKey(m_root, u"alias/aws/ebs"_s));
}

void TestKmsAliases::authorization()
{
    const KeyRecord a = create();
    const KeyRecord b = create();
    QStringList asked;
    QString denyOn;
    m_svc->setAuthorizer([&](const AuthRequest &r) -> Status {
        asked << r.action + u' ' + (r.key ? r.key->keyId : u"*"_s);
        if (r.key && r.key->keyId == denyOn)
            return fail(errors::AccessDenied, u"denied"_s);
        return {};
    });
    QVERIFY(m_svc->createAlias(m_root, u"alias/app"_s, a.keyId));
    QVERIFY(m_svc->updateAlias(m_root, u"alias/app"_s, b.keyId));
    QVERIFY(m_svc->listAliases(m_root));
    QVERIFY(m_svc->deleteAlias(m_root, u"alias/app"_s));
    QCOMPARE(asked, (QStringList{u"kms:CreateAlias "_s + a.keyId, u"kms:UpdateAlias "_s + a.keyId,
                                 u"kms:UpdateAlias "_s + b.keyId, u"kms:ListAliases *"_s,
                                 u"kms:DeleteAlias "_s + b.keyId}));
    // UpdateAlias needs permission on both the old and the new key.
    QVERIFY(m_svc->createAlias(m_root, u"alias/app"_s, a.keyId));
    for (const QString &deny : {a.keyId, b.keyId}) {
        denyOn = deny;
        const qsizetype before = eventCount();
        auto st = m_svc->updateAlias(m_root, u"alias/app"_s, b.keyId);
        checkAudited(before, u"UpdateAlias"_s, errors::AccessDenied);
        QCOMPARE(st.error().type, errors::AccessDenied);
        denyOn.clear();
        QCOMPARE(m_svc->describeKey(m_root, u"alias/app"_s)->keyId, a.keyId);
    }
}

QKMS_TEST_MAIN(TestKmsAliases)
#include "tst_kms_aliases.moc"
