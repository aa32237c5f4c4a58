// Aliases seen from outside: ListAliases (paging, KeyId filter, fields, errors), alias names and
// alias ARNs resolving keys in DescribeKey and the cryptographic operations, per-region
// isolation, and aliases destroyed with their key.

#include "EngineTest.h"
#include "TestMain.h"
#include "kms/AuditLog.h"
#include "kms/KmsService.h"

using namespace qkms;
using namespace qkms::kms;
using namespace qkms::test;
using namespace Qt::StringLiterals;

class TestKmsAliasLists : public QObject, protected test::EngineTest
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void listPaging();
    void listFilterAndFields();
    void listErrors_data();
    void listErrors();
    void aliasesResolveKeys();
    void otherRegionIsInvisible();
    void deletingKeyRemovesAliases();
};

void TestKmsAliasLists::init()
{
    QVERIFY(openEngine());
}

void TestKmsAliasLists::cleanup()
{
    closeEngine();
}

void TestKmsAliasLists::listPaging()
{
    const KeyRecord a = create();
    const QStringList names{u"alias/c"_s, u"alias/a"_s, u"alias/e"_s, u"alias/B"_s, u"alias/d"_s};
    for (const QString &n : names)
        QVERIFY(m_svc->createAlias(m_root, n, a.keyId));
    // Sorted by name, case-sensitively ("B" before "a"), in pages of two.
    auto page = m_svc->listAliases(m_root, {}, 2);
    QVERIFY(page && page->nextMarker);
    QCOMPARE(page->aliases.size(), 2);
    QCOMPARE(page->aliases[0].aliasName, u"alias/B"_s);
    QCOMPARE(page->aliases[1].aliasName, u"alias/a"_s);
    QVERIFY(m_svc->deleteAlias(m_root, u"alias/a"_s)); // the marker's alias may vanish between pages
    page = m_svc->listAliases(m_root, {}, 2, *page->nextMarker);
    QVERIFY(page && page->nextMarker);
    QCOMPARE(page->aliases[0].aliasName, u"alias/c"_s);
    QCOMPARE(page->aliases[1].aliasName, u"alias/d"_s);
    page = m_svc->listAliases(m_root, {}, 2, *page->nextMarker);
    QVERIFY(page);
    QCOMPARE(page->aliases.size(), 1);
    QCOMPARE(page->aliases[0].aliasName, u"alias/e"_s);
    QVERIFY(!page->nextMarker);
    page = m_svc->listAliases(m_root, {}, 4); // exactly all: no marker
    QCOMPARE(page->aliases.size(), 4);
    QVERIFY(!page->nextMarker);
}

void TestKmsAliasLists::listFilterAndFields()
{
    const KeyRecord a = create();
    const KeyRecord b = create();
    const KeyRecord aws = m_svc->awsManagedKey(m_root, u"ebs"_s).value_or(KeyRecord{});
    QVERIFY(m_svc->createAlias(m_root, u"alias/a2"_s, a.keyId));
    QVERIFY(m_svc->createAlias(m_root, u"alias/a1"_s, a.arn));
    QVERIFY(m_svc->createAlias(m_root, u"alias/b1"_s, b.keyId));
    auto all = m_svc->listAliases(m_root);
    QVERIFY(all);
    QStringList names;
    for (const AliasEntry &e : all->aliases)
        names << e.aliasName;
    QCOMPARE(names, (QStringList{u"alias/a1"_s, u"alias/a2"_s, u"alias/aws/ebs"_s, u"alias/b1"_s}));
    QCOMPARE(all->aliases[2].targetKeyId, aws.keyId);
    const AliasEntry &first = all->aliases[0];
    QCOMPARE(first.aliasArn, aliasArn(u"alias/a1"_s));
    QCOMPARE(first.targetKeyId, a.keyId);
    QCOMPARE(first.creationDate, m_fixture->clock().now());
    QCOMPARE(first.lastUpdatedDate, m_fixture->clock().now());
    const qsizetype before = eventCount();
    auto byId = m_svc->listAliases(m_root, a.keyId);
    checkAudited(before, u"ListAliases"_s, {});
    QCOMPARE(byId->aliases.size(), 2);
    auto byArn = m_svc->listAliases(m_root, b.arn);
    QCOMPARE(byArn->aliases.size(), 1);
    QCOMPARE(byArn->aliases[0].aliasName, u"alias/b1"_s);
    QCOMPARE(m_svc->listAliases(m_root, aws.keyId)->aliases.size(), 1);
}

void TestKmsAliasLists::listErrors_data()
{
    QTest::addColumn<QString>("keyId");
    QTest::addColumn<int>("limit");
    QTest::addColumn<QString>("marker");
    QTest::addColumn<QString>("error");
    QTest::newRow("limit 1") << QString() << 1 << QString() << QString();
    QTest::newRow("limit 100") << QString() << 100 << QString() << QString();
    QTest::newRow("limit 0") << QString() << 0 << QString() << errors::Validation;
    QTest::newRow("limit 101") << QString() << 101 << QString() << errors::Validation;
    QTest::newRow("marker not base64") << QString() << 10 << u"not a marker!"_s << errors::InvalidMarker;
    QTest::newRow("marker not ours") << QString() << 10 << u"YWxpYXMvYQ"_s << errors::InvalidMarker;
    QTest::newRow("unknown key") << u"00000000-1111-4222-8333-444444444444"_s << 10 << QString() << errors::NotFound;
    QTest::newRow("key given by alias") << u"alias/a"_s << 10 << QString() << errors::NotFound;
}

void TestKmsAliasLists::listErrors()
{
    QFETCH(QString, keyId);
    QFETCH(int, limit);
    QFETCH(QString, marker);
    QFETCH(QString, error);
    QVERIFY(m_svc->createAlias(m_root, u"alias/a"_s, create().keyId));
    const qsizetype before = eventCount();
    auto r = m_svc->listAliases(m_root, keyId, limit, marker);
    checkAudited(before, u"ListAliases"_s, error);
    QCOMPARE(r.has_value(), error.isEmpty());
    if (r)
        QCOMPARE(r->aliases.size(), 1);
    else
        QCOMPARE(r.error().type, error);
}

void TestKmsAliasLists::aliasesResolveKeys()
{
    const KeyRecord a = create();
    const KeyRecord b = create();
    QVERIFY(m_svc->createAlias(m_root, u"alias/app"_s, a.keyId));
    QCOMPARE(m_svc->describeKey(m_root, u"alias/app"_s)->keyId, a.keyId);
    QCOMPARE(m_svc->describeKey(m_root, aliasArn(u"alias/app"_s))->keyId, a.keyId);
    QVERIFY(m_svc->updateAlias(m_root, u"alias/app"_s, b.keyId));
    QCOMPARE(m_svc->describeKey(m_root, u"alias/app"_s)->keyId, b.keyId);
    QCOMPARE(m_svc->describeKey(m_root, aliasArn(u"alias/app"_s))->keyId, b.keyId);
    // Cryptographic operations take both forms too; a blob names its key, so once the alias
    // moves on, naming the alias for an old blob is naming the wrong key.
    const QCA::SecureArray plaintext(QByteArrayLiteral("alias test"));
    auto blob = m_svc->encrypt(m_root, aliasArn(u"alias/app"_s), plaintext);
    QVERIFY2(blob, qPrintable(blob ? QString() : blob.error().toString()));
    QCOMPARE(blob->keyArn, b.arn);
    auto back = m_svc->decrypt(m_root, blob->ciphertextBlob, {}, u"alias/app"_s);
    QVERIFY2(back, qPrintable(back ? QString() : back.error().toString()));
    QCOMPARE(back->plaintext.toByteArray(), plaintext.toByteArray());
    QVERIFY(m_svc->updateAlias(m_root, u"alias/app"_s, a.keyId));
    QCOMPARE(m_svc->decrypt(m_root, blob->ciphertextBlob, {}, u"alias/app"_s).error().type, errors::IncorrectKey);
    QCOMPARE(m_svc->encrypt(m_root, u"alias/app"_s, plaintext)->keyArn, a.arn);
    // Names are case-sensitive; management operations take no aliases.
    QCOMPARE(m_svc->describeKey(m_root, u"alias/APP"_s).error().type, errors::NotFound);
    QCOMPARE(m_svc->disableKey(m_root, u"alias/app"_s).error().type, errors::NotFound);
}

void TestKmsAliasLists::otherRegionIsInvisible()
{
    auto eu = KmsService::open(m_fixture->vault(), u"eu-west-1"_s);
    QVERIFY(eu);
    const Caller euRoot{(*eu)->rootArn(), u"cli"_s, {}};
    auto euKey = (*eu)->createKey(euRoot, {});
    QVERIFY(euKey);
    QVERIFY((*eu)->createAlias(euRoot, u"alias/shared"_s, euKey->keyId));
    QCOMPARE((*eu)->describeKey(euRoot, u"alias/shared"_s)->keyId, euKey->keyId);
    QCOMPARE(m_svc->describeKey(m_root, u"alias/shared"_s).error().type, errors::NotFound);
    const QString euArn = u"arn:aws:kms:eu-west-1:%1:alias/shared"_s.arg(m_svc->accountId());
    QCOMPARE(m_svc->describeKey(m_root, euArn).error().type, errors::NotFound);
    QVERIFY(m_svc->listAliases(m_root)->aliases.isEmpty());
    // Unique per region only: the same name is free here.
    const KeyRecord local = create();
    QVERIFY(m_svc->createAlias(m_root, u"alias/shared"_s, local.keyId));
    QCOMPARE(m_svc->describeKey(m_root, u"alias/shared"_s)->keyId, local.keyId);
    QCOMPARE((*eu)->describeKey(euRoot, u"alias/shared"_s)->keyId, euKey->keyId);
}

void TestKmsAliasLists::deletingKeyRemovesAliases()
{
    const KeyRecord a = create();
    const KeyRecord b = create();
    QVERIFY(m_svc->createAlias(m_root, u"alias/one"_s, a.keyId));
    QVERIFY(m_svc->createAlias(m_root, u"alias/two"_s, a.keyId));
    QVERIFY(m_svc->createAlias(m_root, u"alias/keep"_s, b.keyId));
    QVERIFY(m_svc->scheduleKeyDeletion(m_root, a.keyId, 7));
    m_fixture->clock().advanceDays(7);
    m_fixture->clock().advanceSecs(1);
    QCOMPARE(m_svc->runDueDeletions().value_or(-1), 1);
    auto left = m_svc->listAliases(m_root);
    QCOMPARE(left->aliases.size(), 1);
    QCOMPARE(left->aliases[0].aliasName, u"alias/keep"_s);
    QCOMPARE(m_svc->describeKey(m_root, u"alias/one"_s).error().type, errors::NotFound);
    QVERIFY(m_svc->createAlias(m_root, u"alias/one"_s, b.keyId)); // the name is free again
}

QKMS_TEST_MAIN(TestKmsAliasLists)
#include "tst_kms_alias_lists.moc"
