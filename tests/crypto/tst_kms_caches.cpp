// The engine's read cache (RegionCache), policy cache and identity policy cache: repeated calls
// are served from memory, and every change — key policy, tags, aliases, grants, key state,
// rotation, an IAM user's identity policies, the user itself — takes effect on the very next
// call, also when another connection (another process) made it. Audit writes do not empty the
// cache.

#include "EngineTest.h"
#include "TestMain.h"
#include "iam/PrincipalStore.h"
#include "kms/AuditLog.h"
#include "kms/CiphertextBlob.h"
#include "kms/PolicyAuthorizer.h"
#include "kms/RegionCache.h"

using namespace qkms;
using namespace qkms::kms;
using namespace Qt::StringLiterals;

namespace {

QCA::SecureArray plaintext()
{
    return QCA::SecureArray(QByteArrayLiteral("cached secret"));
}

template <typename T>
QString outcome(const Result<T> &r)
{
    return r ? u"ok"_s : r.error().type;
}

} // namespace

class TestKmsCaches : public QObject, protected test::EngineTest
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void repeatedCallsAreServedFromMemory();
    void auditWritesKeepTheCache();
    void keyPolicyChangeAppliesToNextCall();
    void tagChangeAppliesToNextCall();
    void aliasChangeAppliesToNextCall();
    void grantChangeAppliesToNextCall();
    void keyStateChangeAppliesToNextCall();
    void rotationAppliesToNextCall();
    void otherConnectionsChangesApplyToNextCall();
    void rootDecisionsAreRememberedAndForgotten();
    void iamUserCallsAreServedFromMemory();
    void identityPolicyChangeAppliesToNextCall();
    void otherHandlesIdentityChangesApplyToNextCall();

private:
    Caller m_alice;

    /// The root statement plus `extra` (one statement), ALICE replaced.
    QString policyWith(const QString &extra) const
    {
        return uR"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"%1"},"Action":"kms:*","Resource":"*"}%2]})"_s
            .arg(m_root.principalArn, extra.isEmpty() ? QString() : u","_s + extra)
            .replace(u"ALICE"_s, m_alice.principalArn);
    }
    Result<EncryptResponse> encryptAs(const Caller &c, const QString &keyId)
    {
        return m_svc->encrypt(c, keyId, plaintext());
    }
    /// An identity policy of one statement: `effect` `action` on every key.
    static QString identityPolicy(const QString &effect, const QString &action)
    {
        return uR"({"Version":"2012-10-17","Statement":[{"Effect":"%1","Action":"%2","Resource":"*"}]})"_s.arg(
            effect, action);
    }
    /// Encrypts as alice three times: the first call may fill the caches, the other two must be
    /// answered from them (the decision remembered), so a stale cache would show. Returns the
    /// outcome, or "inconsistent" when the calls disagree or were not remembered.
    QString encryptAsAliceRepeatedly(const QString &keyId)
    {
        const QString first = outcome(encryptAs(m_alice, keyId));
        const int remembered = m_svc->policyAuthorizer().rememberedDecisionCount();
        for (int i = 0; i < 2; ++i) {
            if (outcome(encryptAs(m_alice, keyId)) != first)
                return u"inconsistent"_s;
        }
        if (m_svc->policyAuthorizer().rememberedDecisionCount() != remembered + 2)
            return u"not remembered"_s;
        return first;
    }
};

void TestKmsCaches::init()
{
    QVERIFY(openEngine());
    QVERIFY(m_svc->principals().createUser(m_root.principalArn, u"alice"_s));
    m_alice = as(u"alice"_s);
}

void TestKmsCaches::cleanup()
{
    closeEngine();
}

void TestKmsCaches::repeatedCallsAreServedFromMemory()
{
    const KeyRecord k = create();
    QVERIFY(encryptAs(m_root, k.keyId)); // fills the cache
    const int reads = m_svc->cache().reads();
    const int parses = m_svc->policyAuthorizer().keyPolicyParseCount();
    for (int i = 0; i < 20; ++i)
        QVERIFY(encryptAs(m_root, k.keyId));
    QCOMPARE(m_svc->cache().reads(), reads);
    QCOMPARE(m_svc->policyAuthorizer().keyPolicyParseCount(), parses);
}

void TestKmsCaches::auditWritesKeepTheCache()
{
    const KeyRecord k = create();
    QVERIFY(encryptAs(m_root, k.keyId));
    const int reads = m_svc->cache().reads();
    const int invalidations = m_svc->cache().invalidations();
    QVERIFY(m_svc->audit().flush()); // writes the buffered Encrypt events through the same connection
    QVERIFY(encryptAs(m_root, k.keyId));
    QVERIFY(m_svc->audit().flush());
    QVERIFY(encryptAs(m_root, k.keyId));
    QCOMPARE(m_svc->cache().invalidations(), invalidations);
    QCOMPARE(m_svc->cache().reads(), reads);
}

void TestKmsCaches::keyPolicyChangeAppliesToNextCall()
{
    const KeyRecord k = create();
    QCOMPARE(outcome(encryptAs(m_alice, k.keyId)), errors::AccessDenied);
    QCOMPARE(outcome(encryptAs(m_alice, k.keyId)), errors::AccessDenied); // now cached
    const QString allow = uR"({"Effect":"Allow","Principal":{"AWS":"ALICE"},"Action":"kms:Encrypt","Resource":"*"})"_s;
    QVERIFY(m_svc->putKeyPolicy(m_root, k.keyId, u"default"_s, policyWith(allow)));
    QCOMPARE(outcome(encryptAs(m_alice, k.keyId)), u"ok"_s);
    QCOMPARE(outcome(encryptAs(m_alice, k.keyId)), u"ok"_s);
    QVERIFY(m_svc->putKeyPolicy(m_root, k.keyId, u"default"_s, policyWith({})));
    QCOMPARE(outcome(encryptAs(m_alice, k.keyId)), errors::AccessDenied);
}

void TestKmsCaches::tagChangeAppliesToNextCall()
{
    const KeyRecord k = create();
    const QString onlyBlue = uR"({"Effect":"Allow","Principal":{"AWS":"ALICE"},"Action":"kms:Encrypt","Resource":"*",
        "Condition":{"StringEquals":{"aws:ResourceTag/team":"blue"}}})"_s;
    QVERIFY(m_svc->putKeyPolicy(m_root, k.keyId, u"default"_s, policyWith(onlyBlue)));
    QCOMPARE(outcome(encryptAs(m_alice, k.keyId)), errors::AccessDenied);
    QVERIFY(m_svc->tagResource(m_root, k.keyId, {{u"team"_s, u"blue"_s}}));
    QCOMPARE(outcome(encryptAs(m_alice, k.keyId)), u"ok"_s);
    QVERIFY(m_svc->tagResource(m_root, k.keyId, {{u"team"_s, u"red"_s}}));
    QCOMPARE(outcome(encryptAs(m_alice, k.keyId)), errors::AccessDenied);
    QVERIFY(m_svc->tagResource(m_root, k.keyId, {{u"team"_s, u"blue"_s}}));
    QCOMPARE(outcome(encryptAs(m_alice, k.keyId)), u"ok"_s);
    QVERIFY(m_svc->untagResource(m_root, k.keyId, {u"team"_s}));
    QCOMPARE(outcome(encryptAs(m_alice, k.keyId)), errors::AccessDenied);
}

void TestKmsCaches::aliasChangeAppliesToNextCall()
{
    const KeyRecord first = create();
    const KeyRecord second = create();
    QVERIFY(m_svc->createAlias(m_root, u"alias/app"_s, first.keyId));
    auto a = m_svc->encrypt(m_root, u"alias/app"_s, plaintext());
    QVERIFY(a);
    QCOMPARE(a->keyArn, first.arn);
    QVERIFY(m_svc->updateAlias(m_root, u"alias/app"_s, second.keyId));
    auto b = m_svc->encrypt(m_root, u"alias/app"_s, plaintext());
    QVERIFY(b);
    QCOMPARE(b->keyArn, second.arn);
    QVERIFY(m_svc->deleteAlias(m_root, u"alias/app"_s));
    QCOMPARE(outcome(m_svc->encrypt(m_root, u"alias/app"_s, plaintext())), errors::NotFound);

    // kms:ResourceAliases sees the alias as soon as it exists.
    const QString viaAlias = uR"({"Effect":"Allow","Principal":{"AWS":"ALICE"},"Action":"kms:Encrypt","Resource":"*",
        "Condition":{"ForAnyValue:StringEquals":{"kms:ResourceAliases":"alias/granted"}}})"_s;
    QVERIFY(m_svc->putKeyPolicy(m_root, first.keyId, u"default"_s, policyWith(viaAlias)));
    QCOMPARE(outcome(encryptAs(m_alice, first.keyId)), errors::AccessDenied);
    QVERIFY(m_svc->createAlias(m_root, u"alias/granted"_s, first.keyId));
    QCOMPARE(outcome(encryptAs(m_alice, first.keyId)), u"ok"_s);
}

void TestKmsCaches::grantChangeAppliesToNextCall()
{
    const KeyRecord k = create();
    QCOMPARE(outcome(encryptAs(m_alice, k.keyId)), errors::AccessDenied);
    CreateGrantRequest r;
    r.keyId = k.keyId;
    r.granteePrincipal = m_alice.principalArn;
    r.operations = {u"Encrypt"_s};
    auto grant = m_svc->createGrant(m_root, r);
    QVERIFY2(grant, qPrintable(outcome(grant)));
    QCOMPARE(outcome(encryptAs(m_alice, k.keyId)), u"ok"_s);
    QVERIFY(m_svc->revokeGrant(m_root, k.keyId, grant->grantId));
    QCOMPARE(outcome(encryptAs(m_alice, k.keyId)), errors::AccessDenied);
}

void TestKmsCaches::keyStateChangeAppliesToNextCall()
{
    const KeyRecord k = create();
    QVERIFY(encryptAs(m_root, k.keyId));
    QVERIFY(m_svc->disableKey(m_root, k.keyId));
    QCOMPARE(outcome(encryptAs(m_root, k.keyId)), errors::Disabled);
    QVERIFY(m_svc->enableKey(m_root, k.keyId));
    QCOMPARE(outcome(encryptAs(m_root, k.keyId)), u"ok"_s);
    QVERIFY(m_svc->scheduleKeyDeletion(m_root, k.keyId, 7));
    QCOMPARE(outcome(encryptAs(m_root, k.keyId)), errors::InvalidState);
    auto described = m_svc->describeKey(m_root, k.keyId);
    QVERIFY(described);
    QCOMPARE(int(described->keyState), int(KeyState::PendingDeletion));
}

void TestKmsCaches::rotationAppliesToNextCall()
{
    const KeyRecord k = create();
    auto before = encryptAs(m_root, k.keyId);
    QVERIFY(before);
    QVERIFY(m_svc->rotateKeyOnDemand(m_root, k.keyId));
    auto after = encryptAs(m_root, k.keyId);
    QVERIFY(after);
    auto oldBlob = CiphertextBlob::parse(before->ciphertextBlob);
    auto newBlob = CiphertextBlob::parse(after->ciphertextBlob);
    QVERIFY(oldBlob && newBlob);
    QCOMPARE(oldBlob->materialVersion(), 1u);
    QCOMPARE(newBlob->materialVersion(), 2u);
    for (const auto &blob : {before->ciphertextBlob, after->ciphertextBlob}) {
        auto plain = m_svc->decrypt(m_root, blob);
        QVERIFY(plain);
        QCOMPARE(plain->plaintext.toByteArray(), plaintext().toByteArray());
    }
}

void TestKmsCaches::otherConnectionsChangesApplyToNextCall()
{
    const KeyRecord k = create();
    QCOMPARE(outcome(encryptAs(m_alice, k.keyId)), errors::AccessDenied);
    QCOMPARE(outcome(encryptAs(m_root, k.keyId)), u"ok"_s);

    // A second handle on the same vault: its own SQLite connections, as another process has.
    auto other = m_fixture->openAgain();
    QVERIFY(other);
    auto otherSvc = KmsService::open(*other, u"us-east-1"_s);
    QVERIFY(otherSvc);
    const QString allow = uR"({"Effect":"Allow","Principal":{"AWS":"ALICE"},"Action":"kms:Encrypt","Resource":"*"})"_s;
    QVERIFY((*otherSvc)->putKeyPolicy(m_root, k.keyId, u"default"_s, policyWith(allow)));
    QCOMPARE(outcome(encryptAs(m_alice, k.keyId)), u"ok"_s);

    QVERIFY((*otherSvc)->disableKey(m_root, k.keyId));
    QCOMPARE(outcome(encryptAs(m_root, k.keyId)), errors::Disabled);
    QVERIFY((*otherSvc)->enableKey(m_root, k.keyId));
    QCOMPARE(outcome(encryptAs(m_root, k.keyId)), u"ok"_s);

    QVERIFY((*otherSvc)->createAlias(m_root, u"alias/elsewhere"_s, k.keyId));
    auto viaAlias = m_svc->encrypt(m_root, u"alias/elsewhere"_s, plaintext());
    QVERIFY(viaAlias);
    QCOMPARE(viaAlias->keyArn, k.arn);
    QVERIFY((*otherSvc)->deleteAlias(m_root, u"alias/elsewhere"_s));
    QCOMPARE(outcome(m_svc->encrypt(m_root, u"alias/elsewhere"_s, plaintext())), errors::NotFound);
}

void TestKmsCaches::rootDecisionsAreRememberedAndForgotten()
{
    const KeyRecord k = create();
    const EncryptionContext ctx{{u"app"_s, u"payroll"_s}};
    QVERIFY(m_svc->encrypt(m_root, k.keyId, plaintext(), ctx));
    const int remembered = m_svc->policyAuthorizer().rememberedDecisionCount();
    QVERIFY(m_svc->encrypt(m_root, k.keyId, plaintext(), ctx));
    QVERIFY(m_svc->encrypt(m_root, k.keyId, plaintext(), ctx));
    QCOMPARE(m_svc->policyAuthorizer().rememberedDecisionCount(), remembered + 2);
    QVERIFY(m_svc->policyAuthorizer().lastDecision() && m_svc->policyAuthorizer().lastDecision()->allowed());

    // The root denied by the key policy (the lockout check bypassed): the very next call is denied.
    const QString denyPayroll = uR"({"Effect":"Deny","Principal":{"AWS":"%1"},"Action":"kms:Encrypt","Resource":"*",
        "Condition":{"StringEquals":{"kms:EncryptionContext:app":"payroll"}}})"_s.arg(m_root.principalArn);
    QVERIFY(m_svc->putKeyPolicy(m_root, k.keyId, u"default"_s, policyWith(denyPayroll), true));
    auto denied = m_svc->encrypt(m_root, k.keyId, plaintext(), ctx);
    QCOMPARE(outcome(denied), errors::AccessDenied);
    QCOMPARE(outcome(m_svc->encrypt(m_root, k.keyId, plaintext(), ctx)), errors::AccessDenied);
    QCOMPARE(m_svc->encrypt(m_root, k.keyId, plaintext(), ctx).error().message, denied.error().message);
    QVERIFY(!m_svc->policyAuthorizer().lastDecision()->allowed());
    // Another context is another decision.
    QCOMPARE(outcome(m_svc->encrypt(m_root, k.keyId, plaintext(), {{u"app"_s, u"hr"_s}})), u"ok"_s);

    // A tag condition: the decision follows the tag.
    const QString denyFrozen = uR"({"Effect":"Deny","Principal":{"AWS":"%1"},"Action":"kms:Encrypt","Resource":"*",
        "Condition":{"StringEquals":{"aws:ResourceTag/frozen":"yes"}}})"_s.arg(m_root.principalArn);
    QVERIFY(m_svc->putKeyPolicy(m_root, k.keyId, u"default"_s, policyWith(denyFrozen), true));
    QCOMPARE(outcome(m_svc->encrypt(m_root, k.keyId, plaintext(), ctx)), u"ok"_s);
    QVERIFY(m_svc->tagResource(m_root, k.keyId, {{u"frozen"_s, u"yes"_s}}));
    QCOMPARE(outcome(m_svc->encrypt(m_root, k.keyId, plaintext(), ctx)), errors::AccessDenied);
    QVERIFY(m_svc->untagResource(m_root, k.keyId, {u"frozen"_s}));
    QCOMPARE(outcome(m_svc->encrypt(m_root, k.keyId, plaintext(), ctx)), u"ok"_s);

    // aws:CurrentTime: a remembered decision does not outlive the second it was made in.
    const QDateTime cutoff = m_fixture->clock().now().addSecs(60);
    const QString denyAfter = uR"({"Effect":"Deny","Principal":{"AWS":"%1"},"Action":"kms:Encrypt","Resource":"*",
        "Condition":{"DateGreaterThan":{"aws:CurrentTime":"%2"}}})"_s.arg(m_root.principalArn,
                                                                         cutoff.toString(Qt::ISODate));
    QVERIFY(m_svc->putKeyPolicy(m_root, k.keyId, u"default"_s, policyWith(denyAfter), true));
    QCOMPARE(outcome(m_svc->encrypt(m_root, k.keyId, plaintext(), ctx)), u"ok"_s);
    QCOMPARE(outcome(m_svc->encrypt(m_root, k.keyId, plaintext(), ctx)), u"ok"_s);
    m_fixture->clock().advanceSecs(61);
    QCOMPARE(outcome(m_svc->encrypt(m_root, k.keyId, plaintext(), ctx)), errors::AccessDenied);
}

void TestKmsCaches::iamUserCallsAreServedFromMemory()
{
    const KeyRecord k = create(); // the default key policy delegates to IAM
    iam::PrincipalStore &users = m_svc->principals();
    QVERIFY(users.putPolicy(m_root.principalArn, iam::PrincipalKind::User, u"alice"_s, u"use"_s,
                          identityPolicy(u"Allow"_s, u"kms:Encrypt"_s)));
    // bob (no policy) exists before anything is remembered: account.db does not change below.
    QVERIFY(users.createUser(m_root.principalArn, u"bob"_s));
    QCOMPARE(outcome(encryptAs(m_alice, k.keyId)), u"ok"_s); // fills the caches
    const int reads = users.identityPolicyReads();
    const int parses = users.parseCount();
    const int remembered = m_svc->policyAuthorizer().rememberedDecisionCount();
    for (int i = 0; i < 20; ++i)
        QCOMPARE(outcome(encryptAs(m_alice, k.keyId)), u"ok"_s);
    QCOMPARE(users.identityPolicyReads(), reads);
    QCOMPARE(users.parseCount(), parses);
    QCOMPARE(m_svc->policyAuthorizer().rememberedDecisionCount(), remembered + 20);
    // Decisions are the caller's own: another user on the same key and request, with nothing
    // changed in either file, is decided anew (his policies read once), not served alice's answer.
    QCOMPARE(outcome(encryptAs(as(u"bob"_s), k.keyId)), errors::AccessDenied);
    QCOMPARE(users.identityPolicyReads(), reads + 1);
    QCOMPARE(m_svc->policyAuthorizer().rememberedDecisionCount(), remembered + 20);
    QCOMPARE(outcome(encryptAs(m_alice, k.keyId)), u"ok"_s);
    QCOMPARE(m_svc->policyAuthorizer().rememberedDecisionCount(), remembered + 21);
    // A call without a key reads the same cache.
    const Caller alice = m_alice;
    QVERIFY(users.putPolicy(m_root.principalArn, iam::PrincipalKind::User, u"alice"_s, u"list"_s,
                          identityPolicy(u"Allow"_s, u"kms:ListKeys"_s)));
    QVERIFY(m_svc->listKeys(alice));
    const int afterList = users.identityPolicyReads();
    QVERIFY(m_svc->listKeys(alice));
    QCOMPARE(users.identityPolicyReads(), afterList);
}

void TestKmsCaches::identityPolicyChangeAppliesToNextCall()
{
    const KeyRecord k = create();
    iam::PrincipalStore &users = m_svc->principals();
    const auto put = [&](const QString &effect, const QString &action) {
        return bool(users.putPolicy(m_root.principalArn, iam::PrincipalKind::User, u"alice"_s, u"p"_s,
                                  identityPolicy(effect, action)));
    };
    QCOMPARE(encryptAsAliceRepeatedly(k.keyId), errors::AccessDenied);
    QVERIFY(put(u"Allow"_s, u"kms:Encrypt"_s));
    QCOMPARE(encryptAsAliceRepeatedly(k.keyId), u"ok"_s);
    QVERIFY(put(u"Allow"_s, u"kms:Decrypt"_s));
    QCOMPARE(encryptAsAliceRepeatedly(k.keyId), errors::AccessDenied);
    QVERIFY(put(u"Allow"_s, u"kms:*"_s));
    QCOMPARE(encryptAsAliceRepeatedly(k.keyId), u"ok"_s);
    QVERIFY(users.putPolicy(m_root.principalArn, iam::PrincipalKind::User, u"alice"_s, u"deny"_s,
                          identityPolicy(u"Deny"_s, u"kms:Encrypt"_s)));
    QCOMPARE(encryptAsAliceRepeatedly(k.keyId), errors::AccessDenied);
    QVERIFY(users.deletePolicy(m_root.principalArn, iam::PrincipalKind::User, u"alice"_s, u"deny"_s));
    QCOMPARE(encryptAsAliceRepeatedly(k.keyId), u"ok"_s);
    QVERIFY(users.deletePolicy(m_root.principalArn, iam::PrincipalKind::User, u"alice"_s, u"p"_s));
    QCOMPARE(encryptAsAliceRepeatedly(k.keyId), errors::AccessDenied);
}

void TestKmsCaches::otherHandlesIdentityChangesApplyToNextCall()
{
    const KeyRecord k = create();
    // A second handle on the same vault: its own SQLite connections, as another process has.
    auto other = m_fixture->openAgain();
    QVERIFY(other);
    iam::PrincipalStore otherIam(*other);
    const auto put = [&](const QString &action) {
        return bool(otherIam.putPolicy(m_root.principalArn, iam::PrincipalKind::User, u"alice"_s, u"p"_s,
                                       identityPolicy(u"Allow"_s, action)));
    };
    QCOMPARE(encryptAsAliceRepeatedly(k.keyId), errors::AccessDenied);
    QVERIFY(put(u"kms:Encrypt"_s)); // attach
    QCOMPARE(encryptAsAliceRepeatedly(k.keyId), u"ok"_s);
    QVERIFY(put(u"kms:Decrypt"_s)); // change
    QCOMPARE(encryptAsAliceRepeatedly(k.keyId), errors::AccessDenied);
    QVERIFY(put(u"kms:Encrypt"_s));
    QCOMPARE(encryptAsAliceRepeatedly(k.keyId), u"ok"_s);
    QVERIFY(otherIam.deletePolicy(m_root.principalArn, iam::PrincipalKind::User, u"alice"_s, u"p"_s)); // detach
    QCOMPARE(encryptAsAliceRepeatedly(k.keyId), errors::AccessDenied);
    QVERIFY(put(u"kms:Encrypt"_s));
    QCOMPARE(encryptAsAliceRepeatedly(k.keyId), u"ok"_s);

    // The user deleted (its policy first, as IAM requires) and made again under the same name:
    // the new alice has none of the old one's permissions.
    QVERIFY(otherIam.deletePolicy(m_root.principalArn, iam::PrincipalKind::User, u"alice"_s, u"p"_s));
    QVERIFY(otherIam.deletePrincipal(m_root.principalArn, iam::PrincipalKind::User, u"alice"_s));
    QCOMPARE(encryptAsAliceRepeatedly(k.keyId), errors::AccessDenied);
    QVERIFY(otherIam.createUser(m_root.principalArn, u"alice"_s));
    QCOMPARE(encryptAsAliceRepeatedly(k.keyId), errors::AccessDenied);
    QVERIFY(put(u"kms:Encrypt"_s));
    QCOMPARE(encryptAsAliceRepeatedly(k.keyId), u"ok"_s);
}

QKMS_TEST_MAIN(TestKmsCaches)
#include "tst_kms_caches.moc"
