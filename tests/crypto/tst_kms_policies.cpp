// Key policies wired into the engine: every call is decided by the key policy, the caller's
// identity policies and grants (tst_kms_grants), as AWS KMS decides. AWS's documented cases: the
// default key policy with and without an identity policy, the console's default policy, an
// explicit Deny, encryption context conditions, kms:ViaService, aws:ResourceTag, IAM-only
// actions, and the AccessDenied wording. PutKeyPolicy, lockout, simulator: tst_kms_key_policies.

#include "EngineTest.h"
#include "TestMain.h"
#include "iam/PrincipalStore.h"
#include "kms/AuditLog.h"
#include "kms/KmsService.h"
#include "policy/DefaultKeyPolicy.h"


using namespace qkms;
using namespace qkms::kms;
using namespace qkms::test;
using namespace Qt::StringLiterals;

class TestKmsPolicies : public QObject, protected test::PolicyEngineTest
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void defaultPolicyWithoutIdentityPolicy();
    void defaultPolicyWithIdentityPolicy();
    void consoleDefaultPolicy();
    void explicitDenyBeatsAllow();
    void encryptionContextConditions_data();
    void encryptionContextConditions();
    void viaService();
    void resourceTags();
    void identityOnlyActions();
    void accessDeniedMessages();
};

void TestKmsPolicies::init()
{
    QVERIFY(openEngineWithUsers());
}

void TestKmsPolicies::cleanup()
{
    closeEngine();
}

void TestKmsPolicies::defaultPolicyWithoutIdentityPolicy()
{
    // The default key policy trusts the account, which delegates to IAM: the root may use the
    // key, a user with no identity policy may not.
    const KeyRecord k = createKey();
    QVERIFY(encryptAs(m_root, k));
    auto denied = encryptAs(as(u"alice"_s), k);
    QCOMPARE(errorType(denied), errors::AccessDenied);
    QCOMPARE(denied.error().message,
             u"User: %1 is not authorized to perform: kms:Encrypt on resource: %2 because no identity-based policy "
             "allows the kms:Encrypt action"_s.arg(arn(u"alice"_s), k.arn));
    // The denial is audited, and --debug can say why.
    auto events = m_svc->audit().events();
    QCOMPARE(events->last().value(u"eventName").toString(), u"Encrypt"_s);
    QCOMPARE(events->last().value(u"errorCode").toString(), errors::AccessDenied);
    const QString trace = m_svc->lastDecisionTrace();
    QVERIFY2(trace.startsWith(u"ImplicitDeny: the key policy delegates to IAM"_s), qPrintable(trace));
    QVERIFY2(trace.contains(u"key policy 'default' statement 1 (Sid \"Enable IAM User Permissions\") Allow: matched: "
                            "allows the account"_s),
             qPrintable(trace));
}

void TestKmsPolicies::defaultPolicyWithIdentityPolicy()
{
    // The study notes' "Key Policy + IAM Policy": the key policy delegates, the IAM policy allows.
    const KeyRecord k = createKey();
    const KeyRecord other = createKey();
    putIdentityPolicy(u"alice"_s, u"UseOneKey"_s,
                      uR"({"Effect":"Allow","Action":["kms:Encrypt","kms:DescribeKey"],"Resource":"%1"})"_s.arg(k.arn));
    auto ok = encryptAs(as(u"alice"_s), k);
    QVERIFY2(ok, qPrintable(why(ok)));
    QVERIFY(m_svc->describeKey(as(u"alice"_s), k.keyId));
    // Only what the identity policy names: not Decrypt, not another key.
    QCOMPARE(errorType(m_svc->decrypt(as(u"alice"_s), ok->ciphertextBlob)), errors::AccessDenied);
    QCOMPARE(errorType(encryptAs(as(u"alice"_s), other)), errors::AccessDenied);
    QCOMPARE(errorType(encryptAs(as(u"bob"_s), k)), errors::AccessDenied);
    QVERIFY(m_svc->decrypt(m_root, ok->ciphertextBlob));
}

void TestKmsPolicies::consoleDefaultPolicy()
{
    policy::ConsolePolicyOptions options;
    options.accountId = m_svc->accountId();
    options.administrators = {arn(u"bob"_s)};
    options.users = {arn(u"alice"_s)};
    const KeyRecord k = createKey(policy::DefaultKeyPolicy::console(options));

    // Key users: cryptographic operations, no management.
    auto blob = encryptAs(as(u"alice"_s), k);
    QVERIFY2(blob, qPrintable(why(blob)));
    QVERIFY(m_svc->decrypt(as(u"alice"_s), blob->ciphertextBlob));
    QVERIFY(m_svc->describeKey(as(u"alice"_s), k.keyId));
    QCOMPARE(errorType(m_svc->generateDataKey(as(u"alice"_s), k.keyId, {}, u"AES_256"_s, std::nullopt)), u"<success>"_s);
    auto disable = m_svc->disableKey(as(u"alice"_s), k.keyId);
    QCOMPARE(errorType(disable), errors::AccessDenied);

    // Key administrators: management, no cryptographic operations.
    QVERIFY(m_svc->disableKey(as(u"bob"_s), k.keyId));
    QVERIFY(m_svc->enableKey(as(u"bob"_s), k.keyId));
    QVERIFY(m_svc->getKeyPolicy(as(u"bob"_s), k.keyId));
    QCOMPARE(errorType(encryptAs(as(u"bob"_s), k)), errors::AccessDenied);

    // "Allow attachment of persistent resources": grants only for AWS resources (a service).
    CreateGrantRequest g;
    g.keyId = k.keyId;
    g.granteePrincipal = arn(u"carol"_s);
    g.operations = {u"Decrypt"_s};
    QCOMPARE(errorType(m_svc->createGrant(as(u"alice"_s), g)), errors::AccessDenied);
    QVERIFY(m_svc->createGrant(as(u"alice"_s, u"files.us-east-1.amazonaws.com"_s), g));

    // Neither: nothing.
    QCOMPARE(errorType(m_svc->describeKey(as(u"carol"_s), k.keyId)), errors::AccessDenied);
}

void TestKmsPolicies::explicitDenyBeatsAllow()
{
    const KeyRecord k = createKey(keyPolicy(
        uR"({"Effect":"Allow","Principal":{"AWS":"ALICE"},"Action":"kms:*","Resource":"*"},)"
        uR"({"Sid":"NoDecrypt","Effect":"Deny","Principal":{"AWS":"ALICE"},"Action":"kms:Decrypt","Resource":"*"})"_s));
    auto blob = encryptAs(as(u"alice"_s), k);
    QVERIFY(blob);
    auto denied = m_svc->decrypt(as(u"alice"_s), blob->ciphertextBlob);
    QCOMPARE(errorType(denied), errors::AccessDenied);
    QCOMPARE(denied.error().message, u"User: %1 is not authorized to perform: kms:Decrypt on resource: %2 with an "
                                     "explicit deny in a resource-based policy"_s.arg(arn(u"alice"_s), k.arn));
    QVERIFY(m_svc->lastDecisionTrace().startsWith(u"ExplicitDeny: explicitly denied by key policy 'default' statement 3 (Sid \"NoDecrypt\")"_s));

    // A Deny in an identity policy also beats the key policy's Allow.
    putIdentityPolicy(u"alice"_s, u"NoEncrypt"_s, uR"({"Effect":"Deny","Action":"kms:Encrypt","Resource":"*"})"_s);
    auto identityDenied = encryptAs(as(u"alice"_s), k);
    QCOMPARE(errorType(identityDenied), errors::AccessDenied);
    QCOMPARE(identityDenied.error().message, u"User: %1 is not authorized to perform: kms:Encrypt on resource: %2 "
                                             "with an explicit deny in an identity-based policy"_s.arg(arn(u"alice"_s), k.arn));
    // The Deny names alice only: the root still decrypts.
    QVERIFY(m_svc->decrypt(m_root, blob->ciphertextBlob));
}

void TestKmsPolicies::encryptionContextConditions_data()
{
    QTest::addColumn<QString>("condition");
    QTest::addColumn<QString>("context");
    QTest::addColumn<bool>("allowed");
    const QString equals = uR"({"StringEquals":{"kms:EncryptionContext:Department":"IT"}})"_s;
    const QString any = uR"({"ForAnyValue:StringEquals":{"kms:EncryptionContextKeys":["Department","Project"]}})"_s;
    const QString all = uR"({"ForAllValues:StringEquals":{"kms:EncryptionContextKeys":["Department","Project"]}})"_s;
    const QString allNotNull = uR"({"ForAllValues:StringEquals":{"kms:EncryptionContextKeys":["Department"]},"Null":{"kms:EncryptionContextKeys":"false"}})"_s;
    QTest::newRow("conditions-kms: StringEquals kms:EncryptionContext:Department, match") << equals << u"Department=IT"_s << true;
    QTest::newRow("conditions-kms: StringEquals, extra pairs allowed") << equals << u"Department=IT;Project=Alpha"_s << true;
    QTest::newRow("conditions-kms: StringEquals, other value") << equals << u"Department=HR"_s << false;
    QTest::newRow("conditions-kms: StringEquals, context key case differs") << equals << u"department=IT"_s << false;
    QTest::newRow("conditions-kms: StringEquals, no context") << equals << QString() << false;
    QTest::newRow("conditions-kms: ForAnyValue keys, one listed") << any << u"Project=Alpha;Other=1"_s << true;
    QTest::newRow("conditions-kms: ForAnyValue keys, none listed") << any << u"Other=1"_s << false;
    QTest::newRow("conditions-kms: ForAnyValue keys, empty context fails") << any << QString() << false;
    QTest::newRow("conditions-kms: ForAllValues keys, all listed") << all << u"Department=IT;Project=Alpha"_s << true;
    QTest::newRow("conditions-kms: ForAllValues keys, one not listed") << all << u"Department=IT;Other=1"_s << false;
    QTest::newRow("conditions-kms: ForAllValues keys, empty context passes") << all << QString() << true;
    QTest::newRow("conditions-kms: ForAllValues with Null false, empty context") << allNotNull << QString() << false;
    QTest::newRow("conditions-kms: ForAllValues with Null false, listed key") << allNotNull << u"Department=IT"_s << true;
    QTest::newRow("conditions-kms: StringLike on a value")
        << uR"({"StringLike":{"kms:EncryptionContext:AppName":"ExampleApp-*"}})"_s << u"AppName=ExampleApp-7"_s << true;
}

void TestKmsPolicies::encryptionContextConditions()
{
    QFETCH(QString, condition);
    QFETCH(QString, context);
    QFETCH(bool, allowed);
    const KeyRecord k = createKey(keyPolicy(
        uR"({"Effect":"Allow","Principal":{"AWS":"ALICE"},"Action":"kms:Encrypt","Resource":"*","Condition":)"_s
        + condition + u"}"_s));
    // A real Encrypt as alice: the engine passes the request's context to the policies.
    auto r = encryptAs(as(u"alice"_s), k, contextOf(context));
    QVERIFY2(bool(r) == allowed, qPrintable(r ? u"allowed"_s : r.error().toString() + u"\n"_s + m_svc->lastDecisionTrace()));
    if (!allowed)
        QCOMPARE(errorType(r), errors::AccessDenied);
}

void TestKmsPolicies::viaService()
{
    const KeyRecord k = createKey(keyPolicy(
        uR"({"Effect":"Allow","Principal":{"AWS":"ALICE"},"Action":["kms:Encrypt","kms:Decrypt"],"Resource":"*",)"
        uR"("Condition":{"StringEquals":{"kms:ViaService":"files.us-east-1.amazonaws.com","kms:CallerAccount":"ACCOUNT"}}})"_s));
    QCOMPARE(errorType(encryptAs(as(u"alice"_s), k)), errors::AccessDenied);
    QVERIFY(m_svc->lastDecisionTrace().contains(u"kms:ViaService"_s));
    auto viaFiles = encryptAs(as(u"alice"_s, u"files.us-east-1.amazonaws.com"_s), k);
    QVERIFY2(viaFiles, qPrintable(m_svc->lastDecisionTrace()));
    QCOMPARE(errorType(encryptAs(as(u"alice"_s, u"files.eu-west-1.amazonaws.com"_s), k)), errors::AccessDenied);
}

void TestKmsPolicies::resourceTags()
{
    // Attribute-based access: the key's tags decide.
    const QString policy = keyPolicy(
        uR"({"Effect":"Allow","Principal":{"AWS":"ALICE"},"Action":"kms:Encrypt","Resource":"*",)"
        uR"("Condition":{"StringEquals":{"aws:ResourceTag/team":"payroll"}}})"_s);
    const KeyRecord tagged = createKey(policy, {{u"team"_s, u"payroll"_s}});
    const KeyRecord untagged = createKey(policy);
    QVERIFY(encryptAs(as(u"alice"_s), tagged));
    QCOMPARE(errorType(encryptAs(as(u"alice"_s), untagged)), errors::AccessDenied);
    QVERIFY(m_svc->untagResource(m_root, tagged.keyId, {u"team"_s}));
    QCOMPARE(errorType(encryptAs(as(u"alice"_s), tagged)), errors::AccessDenied);
}

void TestKmsPolicies::identityOnlyActions()
{
    // CreateKey and ListKeys have no key: identity policies decide alone.
    auto denied = m_svc->createKey(as(u"alice"_s), {});
    QCOMPARE(errorType(denied), errors::AccessDenied);
    QCOMPARE(denied.error().message, u"User: %1 is not authorized to perform: kms:CreateKey on resource: * because no "
                                     "identity-based policy allows the kms:CreateKey action"_s.arg(arn(u"alice"_s)));
    QCOMPARE(errorType(m_svc->listKeys(as(u"alice"_s))), errors::AccessDenied);
    putIdentityPolicy(u"alice"_s, u"Create"_s,
                      uR"({"Effect":"Allow","Action":["kms:CreateKey","kms:ListKeys","kms:ListAliases"],"Resource":"*"})"_s);
    auto created = m_svc->createKey(as(u"alice"_s), {});
    QVERIFY2(created, qPrintable(why(created)));
    QVERIFY(m_svc->listKeys(as(u"alice"_s)));
    QVERIFY(m_svc->listAliases(as(u"alice"_s)));
    // Her new key has the default policy: using it still needs an identity policy.
    QCOMPARE(errorType(encryptAs(as(u"alice"_s), *created)), errors::AccessDenied);
}

void TestKmsPolicies::accessDeniedMessages()
{
    // The key policy trusts the account and bob; alice has no identity policy.
    const KeyRecord k = createKey(keyPolicy(uR"({"Effect":"Allow","Principal":{"AWS":"BOB"},"Action":"kms:*","Resource":"*"})"_s));
    auto delegated = encryptAs(as(u"alice"_s), k);
    QCOMPARE(errorType(delegated), errors::AccessDenied);
    QCOMPARE(delegated.error().message,
             u"User: %1 is not authorized to perform: kms:Encrypt on resource: %2 because no identity-based policy "
             "allows the kms:Encrypt action"_s.arg(arn(u"alice"_s), k.arn));
    // The message never carries the trace; the trace is separate.
    QVERIFY(!delegated.error().message.contains(u"statement"_s));
    // A key policy that mentions neither alice nor her account: "no resource-based policy".
    const KeyRecord bobOnly = createKey(
        keyPolicy(uR"({"Effect":"Allow","Principal":{"AWS":"BOB"},"Action":"kms:*","Resource":"*"})"_s, false), {}, true);
    auto notTrusted = encryptAs(as(u"alice"_s), bobOnly);
    QCOMPARE(errorType(notTrusted), errors::AccessDenied);
    QCOMPARE(notTrusted.error().message,
             u"User: %1 is not authorized to perform: kms:Encrypt on resource: %2 because no resource-based policy "
             "allows the kms:Encrypt action"_s.arg(arn(u"alice"_s), bobOnly.arn));
}

QKMS_TEST_MAIN(TestKmsPolicies)
#include "tst_kms_policies.moc"
