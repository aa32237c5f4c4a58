// The policy language parser and validator: AWS's documented policies parse, and every
// malformed case is refused with MalformedPolicyDocumentException (or LimitExceeded) in words
// that name the problem and the statement.

#include "policy/DefaultKeyPolicy.h"
#include "policy/PolicyDocument.h"

#include "TestMain.h"

using namespace Qt::StringLiterals;
using namespace qkms;
using namespace qkms::policy;

namespace {

const QString Root = u"arn:aws:iam::111122223333:root"_s;
const QString Alice = u"arn:aws:iam::111122223333:user/Alice"_s;
const QString Admin = u"arn:aws:iam::111122223333:role/KMSAdminRole"_s;

bool knownPrincipal(const QString &arn)
{
    return arn == Alice || arn == Admin;
}

// A one-statement key policy around `statementBody` (the inside of the statement object).
QString keyPolicy(const QString &statementBody)
{
    return uR"({"Version":"2012-10-17","Statement":[{%1}]})"_s.arg(statementBody);
}

const QString AllowAlice = uR"("Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/Alice"},"Action":"kms:Encrypt","Resource":"*")"_s;

QString withCondition(const QString &condition)
{
    return keyPolicy(AllowAlice + uR"(,"Condition":)"_s + condition);
}

} // namespace

class TestPolicyParse : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void valid_data();
    void valid();
    void malformed_data();
    void malformed();
    void principalsAreNormalised();
    void principalCallbackSeesOnlyUsersAndRoles();
    void jsonErrorOffsetCountsCharacters();
    void sizeLimitIsBytes();
    void conditionValuesBecomeStrings();
    void defaultPolicyIsAwsShape();
};

void TestPolicyParse::valid_data()
{
    QTest::addColumn<QString>("json");
    QTest::addColumn<int>("kind");
    QTest::addColumn<int>("statements");
    const int key = int(PolicyKind::KeyPolicy);
    const int identity = int(PolicyKind::IdentityPolicy);

    QTest::newRow("key-policy-default.md: default key policy") << DefaultKeyPolicy::forAccount(u"111122223333"_s) << key << 1;
    QTest::newRow("key-policy-default.md: console default, symmetric")
        << DefaultKeyPolicy::console({u"111122223333"_s, {Admin}, {Alice}, KeyUsageProfile::SymmetricEncryption})
        << key << 4;
    QTest::newRow("key-policy-default.md: console default, signing")
        << DefaultKeyPolicy::console({u"111122223333"_s, {Admin}, {Alice}, KeyUsageProfile::Signing}) << key << 3;
    QTest::newRow("Statement as a single object")
        << uR"({"Statement":{"Effect":"Deny","Principal":"*","Action":"kms:*","Resource":"*"}})"_s << key << 1;
    QTest::newRow("Version 2008-10-17")
        << uR"({"Version":"2008-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"*","Resource":"*"}})"_s
        << key << 1;
    QTest::newRow("Sid with spaces, Id, Latin-1 text")
        << uR"({"Id":"clé","Statement":[{"Sid":"Allow use of the key – é","Effect":"Allow","Principal":{"AWS":["arn:aws:iam::111122223333:user/Alice","arn:aws:iam::111122223333:role/KMSAdminRole"]},"Action":["kms:ReEncrypt*","KMS:encrypt","kms:Generate?ataKey"],"Resource":["*"]}]})"_s
               .replace(u"–"_s, u"-"_s)
        << key << 1;
    QTest::newRow("Service principal, NotAction")
        << keyPolicy(uR"("Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"NotAction":["kms:Delete*","kms:ScheduleKeyDeletion"],"Resource":"*")"_s)
        << key << 1;
    QTest::newRow("NotPrincipal with account root")
        << keyPolicy(uR"("Effect":"Deny","NotPrincipal":{"AWS":["arn:aws:iam::111122223333:user/Alice","arn:aws:iam::111122223333:root"]},"Action":"kms:*","Resource":"*")"_s)
        << key << 1;
    QTest::newRow("every operator family")
        << withCondition(uR"({
            "StringEquals":{"kms:EncryptionContext:Department":"IT"},
            "ForAllValues:StringEquals":{"kms:EncryptionContextKeys":["Department","Project"]},
            "ForAnyValue:StringLike":{"kms:ResourceAliases":"alias/finance*"},
            "StringNotEqualsIgnoreCaseIfExists":{"kms:ViaService":"s3.amazonaws.com"},
            "Bool":{"kms:GrantIsForAWSResource":true},
            "NumericLessThanEquals":{"kms:ScheduleKeyDeletionPendingWindowInDays":30},
            "DateGreaterThan":{"aws:CurrentTime":["2020-01-01T00:00:00Z","1577836800"]},
            "ArnLike":{"aws:PrincipalArn":"arn:aws:iam::111122223333:role/Ops*"},
            "ArnNotEquals":{"aws:PrincipalArn":"arn:aws:iam::111122223333:role/Bad"},
            "Null":{"kms:EncryptionContextKeys":"false"}})"_s)
        << key << 1;
    QTest::newRow("identity policy: key ARN, alias ARN, wildcards")
        << uR"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["kms:Encrypt","kms:Decrypt"],"Resource":["arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab","arn:aws:kms:*:111122223333:key/*","arn:aws:kms:us-west-2:111122223333:alias/finance*"]},{"Effect":"Deny","Action":"kms:ScheduleKeyDeletion","NotResource":"arn:aws:kms:*:*:key/*"}]})"_s
        << identity << 2;
}

void TestPolicyParse::valid()
{
    QFETCH(QString, json);
    QFETCH(int, kind);
    QFETCH(int, statements);
    const auto policy = PolicyDocument::parse(json, PolicyKind(kind), knownPrincipal);
    QVERIFY2(policy.has_value(), qPrintable(policy ? QString() : policy.error().toString()));
    QCOMPARE(policy->statements.size(), statements);
    QCOMPARE(policy->kind, PolicyKind(kind));
}

void TestPolicyParse::malformed_data()
{
    QTest::addColumn<QString>("json");
    QTest::addColumn<int>("kind");
    QTest::addColumn<QString>("type");
    QTest::addColumn<QStringList>("words");
    const int key = int(PolicyKind::KeyPolicy);
    const int identity = int(PolicyKind::IdentityPolicy);
    const QString M = errors::MalformedPolicy;
    const auto stmt = [](const QString &body) { return keyPolicy(body); };
    const QString P = uR"("Principal":{"AWS":"arn:aws:iam::111122223333:user/Alice"})"_s;

    QTest::newRow("JSON syntax error") << uR"({"Statement": [ }")"_s << key << M << QStringList{u"not valid JSON"_s, u"offset"_s};
    QTest::newRow("empty document") << u"  "_s << key << M << QStringList{u"empty"_s};
    QTest::newRow("top level is an array") << u"[]"_s << key << M << QStringList{u"JSON object"_s};
    QTest::newRow("unknown top-level element") << uR"({"Statements":[]})"_s << key << M << QStringList{u"'Statements'"_s};
    QTest::newRow("unknown Version") << uR"({"Version":"2012-10-18","Statement":{}})"_s << key << M << QStringList{u"Version"_s, u"2012-10-17"_s};
    QTest::newRow("missing Statement") << uR"({"Version":"2012-10-17"})"_s << key << M << QStringList{u"missing Statement"_s};
    QTest::newRow("empty Statement array") << uR"({"Statement":[]})"_s << key << M << QStringList{u"must not be empty"_s};
    QTest::newRow("Statement is a string") << uR"({"Statement":"x"})"_s << key << M << QStringList{u"Statement must be"_s};
    QTest::newRow("statement is not an object") << uR"({"Statement":[3]})"_s << key << M << QStringList{u"statement 1 is not an object"_s};
    QTest::newRow("Sid is a number") << stmt(u"\"Sid\":7,"_s + AllowAlice) << key << M << QStringList{u"Sid must be a string"_s, u"statement 1"_s};
    QTest::newRow("unknown statement element") << stmt(AllowAlice + u",\"Actions\":\"kms:*\""_s) << key << M << QStringList{u"unknown element 'Actions'"_s};
    QTest::newRow("unknown Effect, names statement and Sid")
        << uR"({"Statement":[{"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*"},{"Sid":"Second one","Effect":"allow","Principal":"*","Action":"kms:*","Resource":"*"}]})"_s
        << key << M << QStringList{u"unknown Effect 'allow'"_s, u"in statement 2"_s, u"Sid \"Second one\""_s};
    QTest::newRow("Effect not a string") << stmt(uR"("Effect":true,"Principal":"*","Action":"kms:*","Resource":"*")"_s) << key << M << QStringList{u"unknown Effect 'true'"_s};
    QTest::newRow("missing Effect") << stmt(uR"("Principal":"*","Action":"kms:*","Resource":"*")"_s) << key << M << QStringList{u"missing Effect"_s, u"statement 1 (no Sid)"_s};
    QTest::newRow("key policy without Principal") << stmt(uR"("Effect":"Allow","Action":"kms:*","Resource":"*")"_s) << key << M << QStringList{u"missing Principal"_s};
    QTest::newRow("both Principal and NotPrincipal") << stmt(uR"("Effect":"Allow","Principal":"*","NotPrincipal":"*","Action":"kms:*","Resource":"*")"_s) << key << M << QStringList{u"both Principal and NotPrincipal"_s};
    QTest::newRow("identity policy with Principal")
        << uR"({"Statement":{"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*"}})"_s << identity << M << QStringList{u"identity policy must not have a Principal"_s};
    QTest::newRow("Principal is a bare ARN string") << stmt(uR"("Effect":"Allow","Principal":"arn:aws:iam::111122223333:root","Action":"kms:*","Resource":"*")"_s) << key << M << QStringList{u"Principal must be"_s};
    QTest::newRow("Federated principal") << stmt(uR"("Effect":"Allow","Principal":{"Federated":"cognito-identity.amazonaws.com"},"Action":"kms:*","Resource":"*")"_s) << key << M << QStringList{u"unsupported principal type 'Federated'"_s};
    QTest::newRow("unknown principal") << stmt(uR"("Effect":"Allow","Principal":{"AWS":["arn:aws:iam::111122223333:user/Alice","arn:aws:iam::111122223333:user/Ghost"]},"Action":"kms:*","Resource":"*")"_s) << key << M << QStringList{u"unknown principal 'arn:aws:iam::111122223333:user/Ghost'"_s};
    QTest::newRow("IAM group principal") << stmt(uR"("Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:group/Devs"},"Action":"kms:*","Resource":"*")"_s) << key << M << QStringList{u"IAM groups"_s};
    QTest::newRow("principal is not an ARN") << stmt(uR"("Effect":"Allow","Principal":{"AWS":"bob"},"Action":"kms:*","Resource":"*")"_s) << key << M << QStringList{u"invalid principal 'bob'"_s};
    QTest::newRow("wildcard in principal ARN") << stmt(uR"("Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/*"},"Action":"kms:*","Resource":"*")"_s) << key << M << QStringList{u"wildcards"_s};
    QTest::newRow("missing Action") << stmt(u"\"Effect\":\"Allow\","_s + P + u",\"Resource\":\"*\""_s) << key << M << QStringList{u"missing Action"_s};
    QTest::newRow("both Action and NotAction") << stmt(u"\"Effect\":\"Allow\","_s + P + uR"(,"Action":"kms:*","NotAction":"kms:Sign","Resource":"*")"_s) << key << M << QStringList{u"both Action and NotAction"_s};
    QTest::newRow("action without kms: prefix") << stmt(u"\"Effect\":\"Allow\","_s + P + uR"(,"Action":"Encrypt","Resource":"*")"_s) << key << M << QStringList{u"'Encrypt'"_s, u"no kms: prefix"_s};
    QTest::newRow("action of another service") << stmt(u"\"Effect\":\"Allow\","_s + P + uR"(,"Action":"iam:CreateUser","Resource":"*")"_s) << key << M << QStringList{u"'iam:CreateUser' is not a KMS action"_s};
    QTest::newRow("unknown kms action") << stmt(u"\"Effect\":\"Allow\","_s + P + uR"(,"Action":["kms:Encrypt","kms:Encrpyt"],"Resource":"*")"_s) << key << M << QStringList{u"unknown action 'kms:Encrpyt'"_s};
    QTest::newRow("empty Action array") << stmt(u"\"Effect\":\"Allow\","_s + P + uR"(,"Action":[],"Resource":"*")"_s) << key << M << QStringList{u"Action must be a string or a non-empty array"_s};
    QTest::newRow("Action is a number") << stmt(u"\"Effect\":\"Allow\","_s + P + uR"(,"Action":42,"Resource":"*")"_s) << key << M << QStringList{u"Action must be a string"_s};
    QTest::newRow("missing Resource") << stmt(u"\"Effect\":\"Allow\","_s + P + uR"(,"Action":"kms:*")"_s) << key << M << QStringList{u"missing Resource"_s};
    QTest::newRow("key policy Resource other than *")
        << stmt(u"\"Effect\":\"Allow\","_s + P + uR"(,"Action":"kms:*","Resource":"arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab")"_s)
        << key << M << QStringList{u"Resource must be \"*\" in a key policy"_s, u"statement 1"_s};
    QTest::newRow("NotResource in a key policy") << stmt(u"\"Effect\":\"Allow\","_s + P + uR"(,"Action":"kms:*","NotResource":"*")"_s) << key << M << QStringList{u"NotResource is not allowed in a key policy"_s};
    QTest::newRow("identity policy resource of another service")
        << uR"({"Statement":{"Effect":"Allow","Action":"kms:*","Resource":"arn:aws:s3:::bucket"}})"_s << identity << M << QStringList{u"invalid resource 'arn:aws:s3:::bucket'"_s};
    QTest::newRow("unknown condition operator") << withCondition(uR"({"StringEqualz":{"kms:CallerAccount":"111122223333"}})"_s) << key << M << QStringList{u"unknown condition operator 'StringEqualz'"_s};
    QTest::newRow("unknown set qualifier") << withCondition(uR"({"ForSomeValues:StringEquals":{"kms:EncryptionContextKeys":"a"}})"_s) << key << M << QStringList{u"unknown condition operator 'ForSomeValues:StringEquals'"_s};
    QTest::newRow("NullIfExists") << withCondition(uR"({"NullIfExists":{"kms:ViaService":"true"}})"_s) << key << M << QStringList{u"unknown condition operator 'NullIfExists'"_s};
    QTest::newRow("Condition is an array") << withCondition(u"[]"_s) << key << M << QStringList{u"Condition must be an object"_s};
    QTest::newRow("condition key without prefix") << withCondition(uR"({"StringEquals":{"CallerAccount":"1"}})"_s) << key << M << QStringList{u"'CallerAccount'"_s, u"prefix:name"_s};
    QTest::newRow("condition with no values") << withCondition(uR"({"StringEquals":{"kms:CallerAccount":[]}})"_s) << key << M << QStringList{u"has no values"_s};
    QTest::newRow("condition value is an object") << withCondition(uR"({"StringEquals":{"kms:CallerAccount":{"a":1}}})"_s) << key << M << QStringList{u"values must be strings"_s};
    QTest::newRow("Numeric value not a number") << withCondition(uR"({"NumericLessThan":{"kms:ScheduleKeyDeletionPendingWindowInDays":"ten"}})"_s) << key << M << QStringList{u"'ten' is not a valid value"_s};
    QTest::newRow("Date value not a date") << withCondition(uR"({"DateLessThan":{"aws:CurrentTime":"yesterday"}})"_s) << key << M << QStringList{u"'yesterday' is not a valid value"_s};
    QTest::newRow("Bool value not a boolean") << withCondition(uR"({"Bool":{"kms:GrantIsForAWSResource":"yes"}})"_s) << key << M << QStringList{u"'yes' is not a valid value"_s};
    QTest::newRow("character outside Latin-1") << keyPolicy(u"\"Sid\":\"€\","_s + AllowAlice) << key << M << QStringList{u"U+20AC"_s, u"offset 45"_s};
    QTest::newRow("control character") << keyPolicy(u"\"Sid\":\"\u0001\","_s + AllowAlice) << key << M << QStringList{u"U+0001"_s};
    QTest::newRow("kms-semantics §1: over 32768 bytes")
        << keyPolicy(u"\"Sid\":\"%1\","_s.arg(QString(32768, u'x')) + AllowAlice) << key << errors::LimitExceeded << QStringList{u"32768"_s};
}

void TestPolicyParse::malformed()
{
    QFETCH(QString, json);
    QFETCH(int, kind);
    QFETCH(QString, type);
    QFETCH(QStringList, words);
    const auto policy = PolicyDocument::parse(json, PolicyKind(kind), knownPrincipal);
    QVERIFY2(!policy.has_value(), "a malformed policy was accepted");
    QCOMPARE(policy.error().type, type);
    for (const QString &w : words)
        QVERIFY2(policy.error().message.contains(w), qPrintable(u"'%1' not in: %2"_s.arg(w, policy.error().message)));
}

void TestPolicyParse::principalsAreNormalised()
{
    const auto policy = PolicyDocument::parse(
        keyPolicy(uR"("Effect":"Allow","Principal":{"AWS":["111122223333","arn:aws:iam::111122223333:user/Alice"],"Service":"ec2.amazonaws.com"},"Action":"kms:*","Resource":"*")"_s),
        PolicyKind::KeyPolicy);
    QVERIFY(policy.has_value());
    const Statement &s = policy->statements.first();
    QCOMPARE(s.principals.aws, (QStringList{Root, Alice}));
    QCOMPARE(s.principals.services, QStringList{u"ec2.amazonaws.com"_s});
    QVERIFY(!s.principals.any);
    QCOMPARE(policy->name, u"default"_s);
}

void TestPolicyParse::principalCallbackSeesOnlyUsersAndRoles()
{
    QStringList asked;
    const auto policy = PolicyDocument::parse(
        keyPolicy(uR"("Effect":"Allow","Principal":{"AWS":["111122223333","arn:aws:iam::111122223333:root","arn:aws:iam::111122223333:role/KMSAdminRole","*"]},"Action":"kms:*","Resource":"*")"_s),
        PolicyKind::KeyPolicy, [&asked](const QString &arn) {
            asked.append(arn);
            return true;
        });
    QVERIFY(policy.has_value());
    QCOMPARE(asked, QStringList{Admin});
    QVERIFY(policy->statements.first().principals.any);
}

void TestPolicyParse::jsonErrorOffsetCountsCharacters()
{
    // "é" is two UTF-8 bytes; the offset must count it once.
    const QString json = u"{\"Id\":\"ééé\" \"Statement\":[]}"_s;
    const auto policy = PolicyDocument::parse(json, PolicyKind::KeyPolicy);
    QVERIFY(!policy);
    const auto byteBased = PolicyDocument::parse(u"{\"Id\":\"eee\" \"Statement\":[]}"_s, PolicyKind::KeyPolicy);
    QVERIFY(!byteBased);
    QCOMPARE(policy.error().message, byteBased.error().message);
}

void TestPolicyParse::sizeLimitIsBytes()
{
    const QString base = keyPolicy(u"\"Sid\":\"%1\","_s + AllowAlice);
    const int room = PolicyDocument::MaxBytes - int(base.arg(QString()).toUtf8().size());
    QVERIFY(PolicyDocument::parse(base.arg(QString(room, u'x')), PolicyKind::KeyPolicy, knownPrincipal).has_value());
    const auto over = PolicyDocument::parse(base.arg(QString(room + 1, u'x')), PolicyKind::KeyPolicy, knownPrincipal);
    QVERIFY(!over);
    QCOMPARE(over.error().type, errors::LimitExceeded);
    // Latin-1 characters above 0x7F take two bytes in UTF-8, so half as many fit.
    const auto latin = PolicyDocument::parse(base.arg(QString(room / 2 + 1, u'é')), PolicyKind::KeyPolicy, knownPrincipal);
    QVERIFY(!latin);
    QCOMPARE(latin.error().type, errors::LimitExceeded);
}

void TestPolicyParse::conditionValuesBecomeStrings()
{
    const auto policy = PolicyDocument::parse(
        withCondition(uR"({"Bool":{"kms:GrantIsForAWSResource":true},"NumericEquals":{"kms:RotationPeriodInDays":[90,1.5]},"ForAnyValue:StringLikeIfExists":{"kms:ResourceAliases":"alias/a*"}})"_s),
        PolicyKind::KeyPolicy, knownPrincipal);
    QVERIFY(policy.has_value());
    const QList<Condition> &c = policy->statements.first().conditions;
    QCOMPARE(c.size(), 3);
    for (const Condition &one : c) {
        if (one.type == ConditionType::Bool)
            QCOMPARE(one.values, QStringList{u"true"_s});
        else if (one.type == ConditionType::Numeric)
            QCOMPARE(one.values, (QStringList{u"90"_s, u"1.5"_s}));
        else {
            QCOMPARE(one.qualifier, SetQualifier::ForAnyValue);
            QVERIFY(one.ifExists);
            QCOMPARE(one.comparison, Comparison::Like);
        }
    }
}

void TestPolicyParse::defaultPolicyIsAwsShape()
{
    const QString json = DefaultKeyPolicy::forAccount(u"111122223333"_s);
    // AWS's element order, not QJsonDocument's alphabetical one.
    QVERIFY(json.indexOf(u"\"Version\""_s) < json.indexOf(u"\"Id\""_s));
    QVERIFY(json.indexOf(u"\"Sid\""_s) < json.indexOf(u"\"Effect\""_s));
    QVERIFY(json.indexOf(u"\"Effect\""_s) < json.indexOf(u"\"Action\""_s));
    const auto policy = PolicyDocument::parse(json, PolicyKind::KeyPolicy);
    QVERIFY(policy.has_value());
    QCOMPARE(policy->version, u"2012-10-17"_s);
    QCOMPARE(policy->id, u"key-default-1"_s);
    const Statement &s = policy->statements.first();
    QCOMPARE(s.sid, u"Enable IAM User Permissions"_s);
    QCOMPARE(s.principals.aws, QStringList{Root});
    QCOMPARE(s.actions, QStringList{u"kms:*"_s});
    QCOMPARE(s.resources, QStringList{u"*"_s});
}

QKMS_TEST_MAIN(TestPolicyParse)
#include "tst_policy_parse.moc"
