// Tags: TagResource, UntagResource, ListResourceTags with AWS's limits (key 1..128, value 0..256,
// aws: reserved, 50 per key), customer-managed keys only, state rules, paging, authorization,
// audit, and tags destroyed with their key.

#include "EngineTest.h"
#include "TestMain.h"
#include "kms/AuditLog.h"
#include "kms/KmsService.h"
#include "store/Database.h"

using namespace qkms;
using namespace qkms::kms;
using namespace qkms::test;
using namespace Qt::StringLiterals;

class TestKmsTags : public QObject, protected test::EngineTest
{
    Q_OBJECT
private:
    KeyRecord m_key;

    Tags tagsOf(const QString &keyId);

private Q_SLOTS:
    void init();
    void cleanup();
    void tagLimits_data();
    void tagLimits();
    void replaceAndCaseSensitivity();
    void fiftyTagsPerKey();
    void untag();
    void keyStatesAndKinds_data();
    void keyStatesAndKinds();
    void listPaging();
    void listErrors_data();
    void listErrors();
    void createKeyTagsAreListed();
    void deletingKeyRemovesTags();
    void authorization();
};

void TestKmsTags::init()
{
    QVERIFY(openEngine());
    auto key = m_svc->createKey(m_root, {});
    QVERIFY(key);
    m_key = *key;
}

void TestKmsTags::cleanup()
{
    closeEngine();
}

Tags TestKmsTags::tagsOf(const QString &keyId)
{
    auto r = m_svc->listResourceTags(m_root, keyId);
    return r ? r->tags : Tags{{u"<error>"_s, r.error().toString()}};
}

void TestKmsTags::tagLimits_data()
{
    QTest::addColumn<QString>("tagKey");
    QTest::addColumn<QString>("tagValue");
    QTest::addColumn<QString>("error");
    QTest::newRow("AWS docs example") << u"Purpose"_s << u"Test"_s << QString();
    QTest::newRow("empty value") << u"Project"_s << QString() << QString();
    QTest::newRow("key 128 characters") << QString(128, u'k') << u"v"_s << QString();
    QTest::newRow("value 256 characters") << u"k"_s << QString(256, u'v') << QString();
    QTest::newRow("Unicode") << u"Abteilung"_s << u"K\u00fcche"_s << QString();
    QTest::newRow("AWS: is not aws:") << u"AWS:team"_s << u"x"_s << QString();
    QTest::newRow("empty key") << QString() << u"v"_s << errors::Tag;
    QTest::newRow("key 129 characters") << QString(129, u'k') << u"v"_s << errors::Tag;
    QTest::newRow("value 257 characters") << u"k"_s << QString(257, u'v') << errors::Tag;
    QTest::newRow("reserved aws: prefix") << u"aws:cloudformation:stack-name"_s << u"x"_s << errors::Tag;
}

void TestKmsTags::tagLimits()
{
    QFETCH(QString, tagKey);
    QFETCH(QString, tagValue);
    QFETCH(QString, error);
    const qsizetype before = eventCount();
    auto st = m_svc->tagResource(m_root, m_key.keyId, {{u"Existing"_s, u"1"_s}, {tagKey, tagValue}});
    checkAudited(before, u"TagResource"_s, error);
    if (error.isEmpty()) {
        QVERIFY2(st, qPrintable(st ? QString() : st.error().toString()));
        QCOMPARE(tagsOf(m_key.keyId), (Tags{{u"Existing"_s, u"1"_s}, {tagKey, tagValue}}));
    } else {
        QVERIFY(!st);
        QCOMPARE(st.error().type, error);
        QCOMPARE(tagsOf(m_key.keyId), Tags{}); // all or nothing
    }
    // An untag of the same key name is held to the same key rules.
    const bool keyOk = error.isEmpty() || tagValue.size() > 256;
    auto un = m_svc->untagResource(m_root, m_key.keyId, {tagKey});
    QCOMPARE(un ? QString() : un.error().type, keyOk ? QString() : errors::Tag);
}

void TestKmsTags::replaceAndCaseSensitivity()
{
    QVERIFY(m_svc->tagResource(m_root, m_key.keyId, {{u"Env"_s, u"test"_s}}));
    QVERIFY(m_svc->tagResource(m_root, m_key.arn, {{u"Env"_s, u"prod"_s}, {u"env"_s, u"lower"_s}}));
    QCOMPARE(tagsOf(m_key.keyId), (Tags{{u"Env"_s, u"prod"_s}, {u"env"_s, u"lower"_s}}));
    QVERIFY(m_svc->tagResource(m_root, m_key.keyId, {})); // nothing to do
    QCOMPARE(tagsOf(m_key.arn).size(), 2);
}

void TestKmsTags::fiftyTagsPerKey()
{
    Tags fifty;
    for (int i = 0; i < 50; ++i)
        fifty.insert(u"t%1"_s.arg(i), u"v"_s);
    Tags fiftyOne = fifty;
    fiftyOne.insert(u"t50"_s, u"v"_s);
    auto st = m_svc->tagResource(m_root, m_key.keyId, fiftyOne);
    QVERIFY(!st);
    QCOMPARE(st.error().type, errors::LimitExceeded);
    QVERIFY(m_svc->tagResource(m_root, m_key.keyId, fifty));
    st = m_svc->tagResource(m_root, m_key.keyId, {{u"one-more"_s, u"v"_s}});
    QVERIFY(!st);
    QCOMPARE(st.error().type, errors::LimitExceeded);
    QVERIFY(m_svc->tagResource(m_root, m_key.keyId, {{u"t7"_s, u"replaced"_s}})); // replacing is fine
    QVERIFY(m_svc->untagResource(m_root, m_key.keyId, {u"t0"_s}));
    QVERIFY(m_svc->tagResource(m_root, m_key.keyId, {{u"one-more"_s, u"v"_s}}));
    const Tags now = tagsOf(m_key.keyId);
    QCOMPARE(now.size(), 50);
    QCOMPARE(now.value(u"t7"_s), u"replaced"_s);
}

void TestKmsTags::untag()
{
    QVERIFY(m_svc->tagResource(m_root, m_key.keyId, {{u"a"_s, u"1"_s}, {u"b"_s, u"2"_s}, {u"c"_s, u"3"_s}}));
    const qsizetype before = eventCount();
    QVERIFY(m_svc->untagResource(m_root, m_key.arn, {u"a"_s, u"C"_s, u"absent"_s})); // unknown keys ignored
    checkAudited(before, u"UntagResource"_s, {});
    QCOMPARE(tagsOf(m_key.keyId), (Tags{{u"b"_s, u"2"_s}, {u"c"_s, u"3"_s}}));
    auto st = m_svc->untagResource(m_root, m_key.keyId, {u"b"_s, u"aws:x"_s});
    QCOMPARE(st.error().type, errors::Tag);
    QCOMPARE(tagsOf(m_key.keyId).size(), 2);
}

void TestKmsTags::keyStatesAndKinds_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("tagError");
    QTest::addColumn<QString>("listError");
    QTest::newRow("Enabled") << u"enabled"_s << QString() << QString();
    QTest::newRow("Disabled") << u"disabled"_s << QString() << QString();
    QTest::newRow("PendingImport") << u"pendingImport"_s << QString() << QString();
    QTest::newRow("PendingDeletion (footnote 3)") << u"pendingDeletion"_s << errors::InvalidState << QString();
    QTest::newRow("AWS managed key") << u"aws"_s << errors::UnsupportedOperation << QString();
    QTest::newRow("by alias name") << u"aliasName"_s << errors::NotFound << errors::NotFound;
    QTest::newRow("by alias ARN") << u"aliasArn"_s << errors::InvalidArn << errors::InvalidArn;
    QTest::newRow("unknown key") << u"unknown"_s << errors::NotFound << errors::NotFound;
    QTest::newRow("another region's key ARN") << u"otherRegion"_s << errors::NotFound << errors::NotFound;
}

void TestKmsTags::keyStatesAndKinds()
{
    QFETCH(QString, kind);
    QFETCH(QString, tagError);
    QFETCH(QString, listError);
    CreateKeyRequest r;
    r.origin = kind == u"pendingImport" ? u"EXTERNAL"_s : u"AWS_KMS"_s;
    r.tags = {{u"before"_s, u"x"_s}};
    const KeyRecord key = m_svc->createKey(m_root, r).value_or(KeyRecord{});
    QVERIFY(m_svc->createAlias(m_root, u"alias/k"_s, key.keyId));
    QString id = key.keyId;
    if (kind == u"disabled")
        QVERIFY(m_svc->disableKey(m_root, id));
    else if (kind == u"pendingDeletion")
        QVERIFY(m_svc->scheduleKeyDeletion(m_root, id, 7));
    else if (kind == u"aws")
        id = m_svc->awsManagedKey(m_root, u"ebs"_s).value_or(KeyRecord{}).keyId;
    else if (kind == u"aliasName")
        id = u"alias/k"_s;
    else if (kind == u"aliasArn")
        id = u"arn:aws:kms:us-east-1:%1:alias/k"_s.arg(m_svc->accountId());
    else if (kind == u"unknown")
        id = u"00000000-1111-4222-8333-444444444444"_s;
    else if (kind == u"otherRegion")
        id = QString(key.arn).replace(u"us-east-1"_s, u"eu-west-1"_s);
    qsizetype before = eventCount();
    auto tag = m_svc->tagResource(m_root, id, {{u"after"_s, u"y"_s}});
    checkAudited(before, u"TagResource"_s, tagError);
    before = eventCount();
    auto untag = m_svc->untagResource(m_root, id, {u"before"_s});
    checkAudited(before, u"UntagResource"_s, tagError);
    before = eventCount();
    auto list = m_svc->listResourceTags(m_root, id);
    checkAudited(before, u"ListResourceTags"_s, listError);
    QCOMPARE(tag ? QString() : tag.error().type, tagError);
    QCOMPARE(untag ? QString() : untag.error().type, tagError);
    QCOMPARE(list ? QString() : list.error().type, listError);
    if (tagError.isEmpty())
        QCOMPARE(tagsOf(id), (Tags{{u"after"_s, u"y"_s}}));
    else if (kind != u"aws")
        QCOMPARE(tagsOf(key.keyId), (Tags{{u"before"_s, u"x"_s}}));
}

void TestKmsTags::listPaging()
{
    QVERIFY(m_svc->tagResource(m_root, m_key.keyId,
                               {{u"d"_s, u"4"_s}, {u"B"_s, u"2"_s}, {u"a"_s, u"1"_s}, {u"e"_s, u"5"_s}, {u"c"_s, u"3"_s}}));
    QStringList seen;
    std::optional<QString> marker;
    int pages = 0;
    do {
        auto page = m_svc->listResourceTags(m_root, m_key.keyId, 2, marker.value_or(QString()));
        QVERIFY(page);
        QVERIFY(page->tags.size() <= 2);
        seen << page->tags.keys();
        marker = page->nextMarker;
        ++pages;
    } while (marker && pages < 10);
    QCOMPARE(pages, 3);
    QCOMPARE(seen, (QStringList{u"B"_s, u"a"_s, u"c"_s, u"d"_s, u"e"_s}));
    auto whole = m_svc->listResourceTags(m_root, m_key.keyId, 5);
    QCOMPARE(whole->tags.size(), 5);
    QVERIFY(!whole->nextMarker);
}

void TestKmsTags::listErrors_data()
{
    QTest::addColumn<int>("limit");
    QTest::addColumn<QString>("marker");
    QTest::addColumn<QString>("error");
    QTest::newRow("limit 1") << 1 << QString() << QString();
    QTest::newRow("limit 50") << 50 << QString() << QString();
    QTest::newRow("limit 0") << 0 << QString() << errors::Validation;
    QTest::newRow("limit 51") << 51 << QString() << errors::Validation;
    QTest::newRow("marker not base64") << 10 << u"%%%"_s << errors::InvalidMarker;
    QTest::newRow("marker not ours") << 10 << u"YQ"_s << errors::InvalidMarker;
}

void TestKmsTags::listErrors()
{
    QFETCH(int, limit);
    QFETCH(QString, marker);
    QFETCH(QString, error);
    QVERIFY(m_svc->tagResource(m_root, m_key.keyId, {{u"a"_s, u"1"_s}}));
    const qsizetype before = eventCount();
    auto r = m_svc->listResourceTags(m_root, m_key.keyId, limit, marker);
    checkAudited(before, u"ListResourceTags"_s, error);
    QCOMPARE(r.has_value(), error.isEmpty());
    if (!r)
        QCOMPARE(r.error().type, error);
}

void TestKmsTags::createKeyTagsAreListed()
{
    CreateKeyRequest r;
    r.tags = {{u"CreatedBy"_s, u"test"_s}};
    auto key = m_svc->createKey(m_root, r);
    QVERIFY(key);
    QVERIFY(m_svc->tagResource(m_root, key->keyId, {{u"CreatedBy"_s, u"changed"_s}}));
    QCOMPARE(tagsOf(key->keyId), (Tags{{u"CreatedBy"_s, u"changed"_s}}));
    QCOMPARE(tagsOf(m_key.keyId), Tags{}); // tags belong to one key
}

void TestKmsTags::deletingKeyRemovesTags()
{
    QVERIFY(m_svc->tagResource(m_root, m_key.keyId, {{u"a"_s, u"1"_s}, {u"b"_s, u"2"_s}}));
    QVERIFY(m_svc->scheduleKeyDeletion(m_root, m_key.keyId, 7));
    QCOMPARE(tagsOf(m_key.keyId).size(), 2); // still listed while pending deletion
    m_fixture->clock().advanceDays(7);
    m_fixture->clock().advanceSecs(1);
    QCOMPARE(m_svc->runDueDeletions().value_or(-1), 1);
    QCOMPARE(m_svc->listResourceTags(m_root, m_key.keyId).error().type, errors::NotFound);
    auto q = m_svc->database().prepare(u"SELECT COUNT(*) FROM tags WHERE key_id = :id"_s);
    QVERIFY(q);
    q->bind(":id", m_key.keyId);
    QVERIFY(q->step().value_or(false));
    QCOMPARE(q->columnInt(0), 0);
}

void TestKmsTags::authorization()
{
    QStringList asked;
    m_svc->setAuthorizer([&](const AuthRequest &r) -> Status {
        asked << r.action + u' ' + (r.key ? r.key->keyId : u"*"_s);
        return r.action == u"kms:UntagResource" ? Status(fail(errors::AccessDenied, u"denied"_s)) : Status{};
    });
    QVERIFY(m_svc->tagResource(m_root, m_key.keyId, {{u"a"_s, u"1"_s}}));
    auto st = m_svc->untagResource(m_root, m_key.keyId, {u"a"_s});
    QCOMPARE(st.error().type, errors::AccessDenied);
    QVERIFY(m_svc->listResourceTags(m_root, m_key.keyId));
    QCOMPARE(asked, (QStringList{u"kms:TagResource "_s + m_key.keyId, u"kms:UntagResource "_s + m_key.keyId,
                                 u"kms:ListResourceTags "_s + m_key.keyId}));
    QCOMPARE(tagsOf(m_key.keyId).size(), 1);
    // The default authorizer refuses anyone but the account root.
    auto fresh = KmsService::open(m_fixture->vault(), u"us-east-1"_s);
    QVERIFY(fresh);
    const Caller alice{u"arn:aws:iam::%1:user/alice"_s.arg(m_svc->accountId()), u"cli"_s, {}};
    QCOMPARE((*fresh)->tagResource(alice, m_key.keyId, {{u"b"_s, u"2"_s}}).error().type, errors::AccessDenied);
}

QKMS_TEST_MAIN(TestKmsTags)
#include "tst_kms_tags.moc"
