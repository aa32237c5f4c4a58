// PutKeyPolicy, ListKeyPolicies and the lockout safety check (refused, bypassed, and the root
// locking itself out), CreateKey's policy checks, the simulator agreeing with real calls, and
// the policy cache. How calls are decided: tst_kms_policies.

#include "EngineTest.h"
#include "TestMain.h"
#include "iam/PrincipalStore.h"
#include "kms/AuditLog.h"
#include "kms/KmsService.h"
#include "kms/PolicyAuthorizer.h"
#include "policy/DefaultKeyPolicy.h"

#include <QElapsedTimer>
#include <QJsonObject>

using namespace qkms;
using namespace qkms::kms;
using namespace qkms::test;
using namespace Qt::StringLiterals;

class TestKmsKeyPolicies : public QObject, protected test::PolicyEngineTest
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void putKeyPolicyValidation();
    void lockoutRefusedThenBypassed();
    void createKeyLockoutCheck();
    void rootLockedOutByItsOwnPolicy();
    void simulatorMatchesRealCalls();
    void policiesAreParsedOncePerVersion();
};

void TestKmsKeyPolicies::init()
{
    QVERIFY(openEngineWithUsers());
}

void TestKmsKeyPolicies::cleanup()
{
    closeEngine();
}

void TestKmsKeyPolicies::putKeyPolicyValidation()
{
    const KeyRecord k = createKey();
    const QString good = keyPolicy(uR"({"Effect":"Allow","Principal":{"AWS":["ALICE","arn:aws:iam::444455556666:root","arn:aws:iam::444455556666:user/x"]},"Action":"kms:Encrypt","Resource":"*"})"_s);
    QVERIFY(m_svc->putKeyPolicy(m_root, k.keyId, u"default"_s, good));
    QCOMPARE(m_svc->getKeyPolicy(m_root, k.keyId).value_or(QString()), good);
    QCOMPARE(m_svc->listKeyPolicies(m_root, k.keyId).value_or(QStringList()), QStringList{u"default"_s});
    QVERIFY(encryptAs(as(u"alice"_s), k)); // in effect at once
    auto events = m_svc->audit().events();
    const QJsonObject put = events->at(events->size() - 4);
    QCOMPARE(put.value(u"eventName").toString(), u"PutKeyPolicy"_s);
    QCOMPARE(put.value(u"requestParameters").toObject().value(u"policy").toString(), good);

    auto name = m_svc->putKeyPolicy(m_root, k.keyId, u"custom"_s, good);
    QCOMPARE(errorType(name), errors::NotFound);
    auto unknown = m_svc->putKeyPolicy(m_root, k.keyId, u"default"_s,
                                       keyPolicy(uR"({"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::ACCOUNT:user/nobody"},"Action":"kms:*","Resource":"*"})"_s));
    QCOMPARE(errorType(unknown), errors::MalformedPolicy);
    QVERIFY2(unknown.error().message.contains(u"unknown principal 'arn:aws:iam::%1:user/nobody'"_s.arg(m_svc->accountId())),
             qPrintable(unknown.error().message));
    auto json = m_svc->putKeyPolicy(m_root, k.keyId, u"default"_s, u"{\"Version\":"_s);
    QCOMPARE(errorType(json), errors::MalformedPolicy);
    const QString huge = keyPolicy(uR"({"Sid":"%1","Effect":"Allow","Principal":{"AWS":"ALICE"},"Action":"kms:Encrypt","Resource":"*"})"_s
                                       .arg(QString(33000, u'x')));
    QCOMPARE(errorType(m_svc->putKeyPolicy(m_root, k.keyId, u"default"_s, huge)), errors::LimitExceeded);
    QCOMPARE(m_svc->getKeyPolicy(m_root, k.keyId).value_or(QString()), good); // unchanged by the failures

    auto managed = m_svc->awsManagedKey(m_root, u"files"_s);
    QVERIFY(managed);
    QCOMPARE(errorType(m_svc->putKeyPolicy(m_root, managed->keyId, u"default"_s, good)), errors::UnsupportedOperation);
    QCOMPARE(errorType(m_svc->putKeyPolicy(as(u"alice"_s), k.keyId, u"default"_s, good)), errors::AccessDenied);
}

void TestKmsKeyPolicies::lockoutRefusedThenBypassed()
{
    const KeyRecord k = createKey();
    // A policy that trusts only alice would lock the root (the caller) out.
    const QString aliceOnly = keyPolicy(uR"({"Effect":"Allow","Principal":{"AWS":"ALICE"},"Action":"kms:*","Resource":"*"})"_s, false);
    auto refused = m_svc->putKeyPolicy(m_root, k.keyId, u"default"_s, aliceOnly);
    QCOMPARE(errorType(refused), errors::MalformedPolicy);
    QCOMPARE(refused.error().message, u"The new key policy will not allow you to update the key policy in the future."_s);
    QVERIFY(m_svc->putKeyPolicy(m_root, k.keyId, u"default"_s, aliceOnly, true));

    // Alice may restore the default policy only with the bypass: it would lock her out.
    const QString defaultPolicy = policy::DefaultKeyPolicy::forAccount(m_svc->accountId());
    QCOMPARE(errorType(m_svc->putKeyPolicy(as(u"alice"_s), k.keyId, u"default"_s, defaultPolicy)), errors::MalformedPolicy);
    // ... unless an identity policy lets her call PutKeyPolicy through the account delegation.
    putIdentityPolicy(u"alice"_s, u"Admin"_s, uR"({"Effect":"Allow","Action":"kms:PutKeyPolicy","Resource":"*"})"_s);
    QVERIFY(m_svc->putKeyPolicy(as(u"alice"_s), k.keyId, u"default"_s, defaultPolicy));
    QVERIFY(m_svc->describeKey(m_root, k.keyId));
}

void TestKmsKeyPolicies::createKeyLockoutCheck()
{
    CreateKeyRequest r;
    r.policy = keyPolicy(uR"({"Effect":"Allow","Principal":{"AWS":"ALICE"},"Action":"kms:*","Resource":"*"})"_s, false);
    auto refused = m_svc->createKey(m_root, r);
    QCOMPARE(errorType(refused), errors::MalformedPolicy);
    QCOMPARE(refused.error().message, u"The new key policy will not allow you to update the key policy in the future."_s);
    QCOMPARE(m_svc->listKeys(m_root)->keys.size(), 0);
    r.policy = keyPolicy(uR"({"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::ACCOUNT:user/ghost"},"Action":"kms:*","Resource":"*"})"_s);
    QCOMPARE(errorType(m_svc->createKey(m_root, r)), errors::MalformedPolicy);
    r.policy = u"not json"_s;
    QCOMPARE(errorType(m_svc->createKey(m_root, r)), errors::MalformedPolicy);
    r.policy = keyPolicy(uR"({"Effect":"Allow","Principal":{"AWS":"ALICE"},"Action":"kms:*","Resource":"*"})"_s, false);
    r.bypassPolicyLockoutSafetyCheck = true;
    auto created = m_svc->createKey(m_root, r);
    QVERIFY2(created, qPrintable(why(created)));
    QVERIFY(encryptAs(as(u"alice"_s), *created));
}

void TestKmsKeyPolicies::rootLockedOutByItsOwnPolicy()
{
    // The root acting through the console is a principal like any other.
    const KeyRecord k = createKey();
    const Caller console{m_svc->rootArn(), u"console"_s, {}};
    QVERIFY(m_svc->putKeyPolicy(console, k.keyId, u"default"_s,
                                keyPolicy(uR"({"Effect":"Allow","Principal":{"AWS":"ALICE"},"Action":"kms:*","Resource":"*"})"_s, false),
                                true));
    auto describe = m_svc->describeKey(console, k.keyId);
    QCOMPARE(errorType(describe), errors::AccessDenied);
    QCOMPARE(describe.error().message, u"User: %1 is not authorized to perform: kms:DescribeKey on resource: %2 because "
                                       "no resource-based policy allows the kms:DescribeKey action"_s.arg(m_svc->rootArn(), k.arn));
    QCOMPARE(errorType(m_svc->putKeyPolicy(console, k.keyId, u"default"_s,
                                           policy::DefaultKeyPolicy::forAccount(m_svc->accountId()), true)),
             errors::AccessDenied);
    QCOMPARE(errorType(m_svc->scheduleKeyDeletion(console, k.keyId, 7)), errors::AccessDenied);
}

void TestKmsKeyPolicies::simulatorMatchesRealCalls()
{
    const KeyRecord k = createKey(keyPolicy(
        uR"({"Effect":"Allow","Principal":{"AWS":"ALICE"},"Action":"kms:Encrypt","Resource":"*","Condition":{"StringEquals":{"kms:EncryptionContext:Department":"IT"}}},)"
        uR"({"Effect":"Deny","Principal":{"AWS":"BOB"},"Action":"kms:*","Resource":"*"})"_s));
    putIdentityPolicy(u"bob"_s, u"All"_s, uR"({"Effect":"Allow","Action":"kms:*","Resource":"*"})"_s);
    putIdentityPolicy(u"carol"_s, u"Enc"_s, uR"({"Effect":"Allow","Action":"kms:Encrypt","Resource":"*"})"_s);
    struct Case {
        QString user;
        QString context;
    };
    const QList<Case> cases{{u"alice"_s, u"Department=IT"_s}, {u"alice"_s, u"Department=HR"_s}, {u"alice"_s, {}},
                            {u"bob"_s, u"Department=IT"_s},   {u"carol"_s, {}}};
    int events = static_cast<int>(m_svc->audit().events()->size());
    for (const Case &c : cases) {
        auto d = m_svc->simulate(m_root, arn(c.user), u"kms:Encrypt"_s, k.keyId, contextOf(c.context));
        QVERIFY(d);
        const auto real = encryptAs(as(c.user), k, contextOf(c.context));
        QVERIFY2(d->allowed() == bool(real), qPrintable(c.user + u" "_s + c.context + u": "_s + d->explain()));
        events += 2; // SimulatePolicy and Encrypt; the simulation performed nothing else
    }
    QCOMPARE(static_cast<int>(m_svc->audit().events()->size()), events);

    auto bob = m_svc->simulate(m_root, arn(u"bob"_s), u"kms:Decrypt"_s, k.arn, {});
    QCOMPARE(bob->outcome, policy::Outcome::ExplicitDeny);
    QVERIFY(bob->explain().contains(u"key policy 'default' statement 3 (no Sid) Deny: matched"_s));
    // A principal may ask about itself; only the root about others.
    QVERIFY(m_svc->simulate(as(u"alice"_s), arn(u"alice"_s), u"kms:Encrypt"_s, k.keyId, contextOf(u"Department=IT"_s))
                ->allowed());
    QCOMPARE(errorType(m_svc->simulate(as(u"alice"_s), arn(u"bob"_s), u"kms:Encrypt"_s, k.keyId)), errors::AccessDenied);
    QCOMPARE(errorType(m_svc->simulate(m_root, arn(u"alice"_s), u"s3:GetObject"_s, k.keyId)), errors::Validation);
    // Account-level actions take no key.
    QCOMPARE(m_svc->simulate(m_root, arn(u"carol"_s), u"kms:CreateKey"_s, {})->outcome, policy::Outcome::ImplicitDeny);
}

void TestKmsKeyPolicies::policiesAreParsedOncePerVersion()
{
    // The console's policy: a realistic size (four statements, 40-odd actions).
    policy::ConsolePolicyOptions options;
    options.accountId = m_svc->accountId();
    options.administrators = {arn(u"bob"_s)};
    options.users = {arn(u"carol"_s)};
    const QString consolePolicy = policy::DefaultKeyPolicy::console(options);
    const KeyRecord k = createKey(consolePolicy);
    const QString identity = uR"({"Effect":"Allow","Action":"kms:Encrypt","Resource":"*"})"_s;
    putIdentityPolicy(u"alice"_s, u"Enc"_s, identity);
    PolicyAuthorizer &authorizer = m_svc->policyAuthorizer();
    QVERIFY(encryptAs(as(u"alice"_s), k)); // first use parses
    const int keyParses = authorizer.keyPolicyParseCount();
    const int identityParses = m_svc->principals().parseCount();
    constexpr int Calls = 200;
    QElapsedTimer timer;
    timer.start();
    for (int i = 0; i < Calls; ++i)
        QVERIFY(encryptAs(as(u"alice"_s), k));
    const qint64 ms = timer.elapsed();
    QCOMPARE(authorizer.keyPolicyParseCount(), keyParses);
    QCOMPARE(m_svc->principals().parseCount(), identityParses);
    qInfo("%d authorized Encrypt calls as an IAM user in %lld ms (%.2f ms each, audit included)", Calls, ms,
          double(ms) / Calls);
    // What the cache saves on each call: parsing both documents again.
    timer.restart();
    for (int i = 0; i < Calls; ++i) {
        QVERIFY(policy::PolicyDocument::parse(consolePolicy, policy::PolicyKind::KeyPolicy));
        QVERIFY(policy::PolicyDocument::parse(uR"({"Version":"2012-10-17","Statement":[%1]})"_s.arg(identity),
                                              policy::PolicyKind::IdentityPolicy));
    }
    qInfo("parsing them uncached would add %lld ms for the same %d calls", timer.elapsed(), Calls);
    // A new policy version is parsed once, and applies at once.
    QVERIFY(m_svc->putKeyPolicy(m_root, k.keyId, u"default"_s,
                                keyPolicy(uR"({"Effect":"Deny","Principal":{"AWS":"ALICE"},"Action":"kms:Encrypt","Resource":"*"})"_s)));
    QCOMPARE(errorType(encryptAs(as(u"alice"_s), k)), errors::AccessDenied);
    QCOMPARE(errorType(encryptAs(as(u"alice"_s), k)), errors::AccessDenied);
    QCOMPARE(authorizer.keyPolicyParseCount(), keyParses + 1);
}

QKMS_TEST_MAIN(TestKmsKeyPolicies)
#include "tst_kms_key_policies.moc"
