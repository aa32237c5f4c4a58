// Policy evaluation as AWS KMS decides it: the documented examples of the KMS developer guide
// (key-policy-default.md, policy-evaluation.md, conditions-kms.md) as named rows, then the
// trace and AccessDenied wording, the lockout check and the wildcard matcher.

#include "policy/DefaultKeyPolicy.h"
#include "policy/KmsActions.h"
#include "policy/PolicyEvaluator.h"
#include "policy/Wildcard.h"

#include "TestMain.h"

using namespace Qt::StringLiterals;
using namespace qkms;
using namespace qkms::policy;

namespace {

const QString Acct = u"111122223333"_s;
const QString Root = u"arn:aws:iam::111122223333:root"_s;
const QString Alice = u"arn:aws:iam::111122223333:user/Alice"_s;
const QString Bob = u"arn:aws:iam::111122223333:user/Bob"_s;
const QString Admin = u"arn:aws:iam::111122223333:role/KMSAdminRole"_s;
const QString Carol = u"arn:aws:iam::444455556666:user/Carol"_s; // another account
const QString KeyArn = u"arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"_s;
const QString OtherKey = u"arn:aws:kms:us-west-2:111122223333:key/0987dcba-09fe-87dc-65ba-ab0987654321"_s;

QString keyPolicy(const QStringList &statements)
{
    return uR"({"Version":"2012-10-17","Statement":[%1]})"_s.arg(statements.join(u','));
}

// {"Effect":…,"Principal":{"AWS":principal},"Action":actions,"Resource":"*"[,"Condition":…]}
QString keyStatement(const QString &effect, const QString &principal, const QString &actions,
                     const QString &condition = {})
{
    QString s = uR"({"Effect":"%1","Principal":{"AWS":%2},"Action":%3,"Resource":"*")"_s.arg(effect, principal, actions);
    if (!condition.isEmpty())
        s += u",\"Condition\":"_s + condition;
    return s + u"}"_s;
}

QString quoted(const QString &s)
{
    return u"\""_s + s + u"\""_s;
}

const QString RootStatement = keyStatement(u"Allow"_s, quoted(Root), u"\"kms:*\""_s);
const QString DefaultPolicy = DefaultKeyPolicy::forAccount(Acct);
const QString ConsolePolicy = DefaultKeyPolicy::console({Acct, {Admin}, {Alice}, KeyUsageProfile::SymmetricEncryption});

QString aliceOnly(const QString &actions, const QString &condition = {})
{
    return keyPolicy({RootStatement, keyStatement(u"Allow"_s, quoted(Alice), actions, condition)});
}

QString identity(const QString &effect, const QString &actions, const QString &resource,
                 const QString &condition = {})
{
    QString s = uR"({"Version":"2012-10-17","Statement":{"Effect":"%1","Action":%2,"Resource":%3)"_s.arg(effect, actions,
                                                                                                          resource);
    if (!condition.isEmpty())
        s += u",\"Condition\":"_s + condition;
    return s + u"}}"_s;
}

const QString AllowEncryptOnKey = identity(u"Allow"_s, u"\"kms:Encrypt\""_s, quoted(KeyArn));

PolicyDocument parsed(const QString &json, PolicyKind kind, const QString &name = {})
{
    auto p = PolicyDocument::parse(json, kind, {}, name);
    if (!p)
        qFatal("test policy does not parse: %s\n%s", qPrintable(p.error().message), qPrintable(json));
    return *p;
}

QList<PolicyDocument> identities(const QStringList &jsons)
{
    QList<PolicyDocument> list;
    for (int i = 0; i < jsons.size(); ++i)
        list.append(parsed(jsons.at(i), PolicyKind::IdentityPolicy, u"policy%1"_s.arg(i + 1)));
    return list;
}

RequestContext request(const QString &principal, const QString &action, const QVariantMap &keys = {},
                       const QVariantMap &encryptionContext = {})
{
    RequestContext r;
    r.principalArn = principal;
    r.action = action;
    r.resourceArn = action == u"kms:CreateKey" ? QString() : KeyArn;
    r.accountId = Acct;
    for (auto it = keys.cbegin(); it != keys.cend(); ++it) {
        if (it.value().typeId() == QMetaType::QStringList)
            r.setMulti(it.key(), it.value().toStringList());
        else
            r.set(it.key(), it.value().toString());
    }
    QMap<QString, QString> context;
    for (auto it = encryptionContext.cbegin(); it != encryptionContext.cend(); ++it)
        context.insert(it.key(), it.value().toString());
    r.setEncryptionContext(context);
    return r;
}

Decision decide(const QString &keyPolicyJson, const QStringList &identityJsons, const RequestContext &r,
                bool grant = false)
{
    const PolicyDocument key = keyPolicyJson.isEmpty() ? PolicyDocument{} : parsed(keyPolicyJson, PolicyKind::KeyPolicy);
    return PolicyEvaluator::evaluate(keyPolicyJson.isEmpty() ? nullptr : &key, identities(identityJsons),
                                     GrantResult{grant, u"grant 6a4bc… allows kms:Decrypt"_s}, r);
}

} // namespace

class TestPolicyEval : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void decision_data();
    void decision();
    void traceExplainsFailures();
    void traceNamesDecidingStatements();
    void accessDeniedMessages();
    void lockoutSafetyCheck();
    void consolePolicyPerUsage();
    void contextKeyNames();
    void actionCatalogue();
    void wildcards_data();
    void wildcards();
    void wildcardIsNotExponential();
};

void TestPolicyEval::decision_data()
{
    QTest::addColumn<QString>("keyPolicy");
    QTest::addColumn<QStringList>("identity");
    QTest::addColumn<QString>("principal");
    QTest::addColumn<QString>("action");
    QTest::addColumn<QVariantMap>("keys");
    QTest::addColumn<QVariantMap>("context");
    QTest::addColumn<bool>("grant");
    QTest::addColumn<int>("expected");
    const int A = int(Outcome::Allowed), I = int(Outcome::ImplicitDeny), X = int(Outcome::ExplicitDeny);
    const QVariantMap none;
    const QString encrypt = u"kms:Encrypt"_s;

    // --- key-policy-default.md / policy-evaluation.md
    QTest::newRow("default key policy alone: user denied") << DefaultPolicy << QStringList{} << Alice << encrypt << none << none << false << I;
    QTest::newRow("default key policy + IAM policy (Key Policy + IAM Policy)") << DefaultPolicy << QStringList{AllowEncryptOnKey} << Alice << encrypt << none << none << false << A;
    QTest::newRow("default key policy + IAM policy for another key") << DefaultPolicy << QStringList{identity(u"Allow"_s, u"\"kms:Encrypt\""_s, quoted(OtherKey))} << Alice << encrypt << none << none << false << I;
    QTest::newRow("default key policy + IAM policy Resource * and kms:*") << DefaultPolicy << QStringList{identity(u"Allow"_s, u"\"kms:*\""_s, u"\"*\""_s)} << Alice << u"kms:Decrypt"_s << none << none << false << A;
    QTest::newRow("default key policy + IAM policy for another action") << DefaultPolicy << QStringList{AllowEncryptOnKey} << Alice << u"kms:Decrypt"_s << none << none << false << I;
    QTest::newRow("default key policy: account root itself") << DefaultPolicy << QStringList{} << Root << u"kms:ScheduleKeyDeletion"_s << none << none << false << A;
    QTest::newRow("key policy names the user directly, no IAM policy") << aliceOnly(u"\"kms:Encrypt\""_s) << QStringList{} << Alice << encrypt << none << none << false << A;
    QTest::newRow("key policy names Alice, Bob has only IAM") << keyPolicy({keyStatement(u"Allow"_s, quoted(Alice), u"\"kms:*\""_s)}) << QStringList{AllowEncryptOnKey} << Bob << encrypt << none << none << false << I;
    QTest::newRow("key policy without the root locks the root out") << keyPolicy({keyStatement(u"Allow"_s, quoted(Alice), u"\"kms:*\""_s)}) << QStringList{} << Root << u"kms:PutKeyPolicy"_s << none << none << false << I;
    QTest::newRow("bare account id in Principal delegates too") << keyPolicy({keyStatement(u"Allow"_s, quoted(Acct), u"\"kms:*\""_s)}) << QStringList{AllowEncryptOnKey} << Alice << encrypt << none << none << false << A;
    QTest::newRow("Principal * without conditions opens the key") << keyPolicy({uR"({"Effect":"Allow","Principal":"*","Action":"kms:Encrypt","Resource":"*"})"_s}) << QStringList{} << Bob << encrypt << none << none << false << A;
    // --- console default (key administrators, key users)
    QTest::newRow("console: admin may PutKeyPolicy") << ConsolePolicy << QStringList{} << Admin << u"kms:PutKeyPolicy"_s << none << none << false << A;
    QTest::newRow("console: admin may not Encrypt") << ConsolePolicy << QStringList{} << Admin << encrypt << none << none << false << I;
    QTest::newRow("console: user may Encrypt") << ConsolePolicy << QStringList{} << Alice << encrypt << none << none << false << A;
    QTest::newRow("console: user may GenerateDataKeyWithoutPlaintext") << ConsolePolicy << QStringList{} << Alice << u"kms:GenerateDataKeyWithoutPlaintext"_s << none << none << false << A;
    QTest::newRow("console: user may ReEncryptFrom") << ConsolePolicy << QStringList{} << Alice << u"kms:ReEncryptFrom"_s << none << none << false << A;
    QTest::newRow("console: user may not ScheduleKeyDeletion") << ConsolePolicy << QStringList{} << Alice << u"kms:ScheduleKeyDeletion"_s << none << none << false << I;
    QTest::newRow("console: user CreateGrant for an AWS resource") << ConsolePolicy << QStringList{} << Alice << u"kms:CreateGrant"_s << QVariantMap{{u"kms:GrantIsForAWSResource"_s, u"true"_s}} << none << false << A;
    QTest::newRow("console: user CreateGrant not for an AWS resource") << ConsolePolicy << QStringList{} << Alice << u"kms:CreateGrant"_s << QVariantMap{{u"kms:GrantIsForAWSResource"_s, u"false"_s}} << none << false << I;
    QTest::newRow("console: user CreateGrant, key absent") << ConsolePolicy << QStringList{} << Alice << u"kms:CreateGrant"_s << none << none << false << I;
    // --- explicit Deny
    const QString denyEncryptAlice = keyStatement(u"Deny"_s, quoted(Alice), u"\"kms:Encrypt\""_s);
    QTest::newRow("Deny in key policy beats its Allow") << keyPolicy({RootStatement, keyStatement(u"Allow"_s, quoted(Alice), u"\"kms:*\""_s), denyEncryptAlice}) << QStringList{} << Alice << encrypt << none << none << false << X;
    QTest::newRow("Deny in key policy leaves other actions") << keyPolicy({RootStatement, keyStatement(u"Allow"_s, quoted(Alice), u"\"kms:*\""_s), denyEncryptAlice}) << QStringList{} << Alice << u"kms:Decrypt"_s << none << none << false << A;
    QTest::newRow("Deny in identity policy beats key policy Allow") << aliceOnly(u"\"kms:*\""_s) << QStringList{identity(u"Deny"_s, u"\"kms:Encrypt\""_s, u"\"*\""_s)} << Alice << encrypt << none << none << false << X;
    QTest::newRow("Deny to the account root covers its users") << keyPolicy({RootStatement, keyStatement(u"Deny"_s, quoted(Root), u"\"kms:Encrypt\""_s)}) << QStringList{AllowEncryptOnKey} << Alice << encrypt << none << none << false << X;
    QTest::newRow("Deny beats a grant") << keyPolicy({RootStatement, denyEncryptAlice}) << QStringList{} << Alice << encrypt << none << none << true << X;
    QTest::newRow("grant allows what policies do not") << DefaultPolicy << QStringList{} << Alice << encrypt << none << none << true << A;
    // --- conditions-kms.md: kms:EncryptionContext:<k>
    const QString ecDept = uR"({"StringEquals":{"kms:EncryptionContext:Department":"IT"}})"_s;
    QTest::newRow("EncryptionContext StringEquals match") << aliceOnly(u"\"kms:Encrypt\""_s, ecDept) << QStringList{} << Alice << encrypt << none << QVariantMap{{u"Department"_s, u"IT"_s}} << false << A;
    QTest::newRow("EncryptionContext StringEquals other value") << aliceOnly(u"\"kms:Encrypt\""_s, ecDept) << QStringList{} << Alice << encrypt << none << QVariantMap{{u"Department"_s, u"HR"_s}} << false << I;
    QTest::newRow("EncryptionContext value is case-sensitive") << aliceOnly(u"\"kms:Encrypt\""_s, ecDept) << QStringList{} << Alice << encrypt << none << QVariantMap{{u"Department"_s, u"it"_s}} << false << I;
    QTest::newRow("EncryptionContext key is case-sensitive") << aliceOnly(u"\"kms:Encrypt\""_s, ecDept) << QStringList{} << Alice << encrypt << none << QVariantMap{{u"department"_s, u"IT"_s}} << false << I;
    QTest::newRow("EncryptionContext condition, no context") << aliceOnly(u"\"kms:Encrypt\""_s, ecDept) << QStringList{} << Alice << encrypt << none << none << false << I;
    QTest::newRow("EncryptionContext prefix case-insensitive") << aliceOnly(u"\"kms:Encrypt\""_s, uR"({"StringEquals":{"KMS:encryptioncontext:Department":"IT"}})"_s) << QStringList{} << Alice << encrypt << none << QVariantMap{{u"Department"_s, u"IT"_s}} << false << A;
    QTest::newRow("EncryptionContext StringEqualsIgnoreCase") << aliceOnly(u"\"kms:Encrypt\""_s, uR"({"StringEqualsIgnoreCase":{"kms:EncryptionContext:Department":"it"}})"_s) << QStringList{} << Alice << encrypt << none << QVariantMap{{u"Department"_s, u"IT"_s}} << false << A;
    // --- kms:EncryptionContextKeys with set operators, including the empty-context edges
    const QString allKeys = uR"({"ForAllValues:StringEquals":{"kms:EncryptionContextKeys":["Department","Project"]}})"_s;
    const QString anyKey = uR"({"ForAnyValue:StringEquals":{"kms:EncryptionContextKeys":"Department"}})"_s;
    QTest::newRow("ForAllValues: subset of allowed keys") << aliceOnly(u"\"kms:Encrypt\""_s, allKeys) << QStringList{} << Alice << encrypt << none << QVariantMap{{u"Department"_s, u"IT"_s}} << false << A;
    QTest::newRow("ForAllValues: extra key") << aliceOnly(u"\"kms:Encrypt\""_s, allKeys) << QStringList{} << Alice << encrypt << none << QVariantMap{{u"Department"_s, u"IT"_s}, {u"Other"_s, u"x"_s}} << false << I;
    QTest::newRow("ForAllValues: empty context allowed") << aliceOnly(u"\"kms:Encrypt\""_s, allKeys) << QStringList{} << Alice << encrypt << none << none << false << A;
    QTest::newRow("ForAnyValue: one matching key") << aliceOnly(u"\"kms:Encrypt\""_s, anyKey) << QStringList{} << Alice << encrypt << none << QVariantMap{{u"Department"_s, u"IT"_s}, {u"Other"_s, u"x"_s}} << false << A;
    QTest::newRow("ForAnyValue: no matching key") << aliceOnly(u"\"kms:Encrypt\""_s, anyKey) << QStringList{} << Alice << encrypt << none << QVariantMap{{u"Other"_s, u"x"_s}} << false << I;
    QTest::newRow("ForAnyValue: empty context denied") << aliceOnly(u"\"kms:Encrypt\""_s, anyKey) << QStringList{} << Alice << encrypt << none << none << false << I;
    QTest::newRow("ForAllValues:StringNotEquals forbids a key") << aliceOnly(u"\"kms:Encrypt\""_s, uR"({"ForAllValues:StringNotEquals":{"kms:EncryptionContextKeys":"Secret"}})"_s) << QStringList{} << Alice << encrypt << none << QVariantMap{{u"Secret"_s, u"x"_s}, {u"Other"_s, u"y"_s}} << false << I;
    QTest::newRow("ForAnyValue:StringNotEquals with another key") << aliceOnly(u"\"kms:Encrypt\""_s, uR"({"ForAnyValue:StringNotEquals":{"kms:EncryptionContextKeys":"Secret"}})"_s) << QStringList{} << Alice << encrypt << none << QVariantMap{{u"Secret"_s, u"x"_s}, {u"Other"_s, u"y"_s}} << false << A;
    // --- StringLike, IfExists, Null
    const QString aliasLike = uR"({"StringLike":{"kms:RequestAlias":["alias/finance*","alias/h?"]}})"_s;
    QTest::newRow("StringLike * matches") << aliceOnly(u"\"kms:Encrypt\""_s, aliasLike) << QStringList{} << Alice << encrypt << QVariantMap{{u"kms:RequestAlias"_s, u"alias/finance-key"_s}} << none << false << A;
    QTest::newRow("StringLike ? matches one character") << aliceOnly(u"\"kms:Encrypt\""_s, aliasLike) << QStringList{} << Alice << encrypt << QVariantMap{{u"kms:RequestAlias"_s, u"alias/hr"_s}} << none << false << A;
    QTest::newRow("StringLike ? does not match two") << aliceOnly(u"\"kms:Encrypt\""_s, aliasLike) << QStringList{} << Alice << encrypt << QVariantMap{{u"kms:RequestAlias"_s, u"alias/hrx"_s}} << none << false << I;
    QTest::newRow("StringLike is case-sensitive") << aliceOnly(u"\"kms:Encrypt\""_s, aliasLike) << QStringList{} << Alice << encrypt << QVariantMap{{u"kms:RequestAlias"_s, u"alias/Finance"_s}} << none << false << I;
    QTest::newRow("ForAnyValue:StringLike kms:ResourceAliases") << aliceOnly(u"\"kms:Encrypt\""_s, uR"({"ForAnyValue:StringLike":{"kms:ResourceAliases":"alias/finance*"}})"_s) << QStringList{} << Alice << encrypt << QVariantMap{{u"kms:ResourceAliases"_s, QStringList{u"alias/x"_s, u"alias/finance-2"_s}}} << none << false << A;
    const QString algIfExists = uR"({"StringEqualsIfExists":{"kms:EncryptionAlgorithm":"SYMMETRIC_DEFAULT"}})"_s;
    QTest::newRow("IfExists: key absent") << aliceOnly(u"\"kms:Encrypt\""_s, algIfExists) << QStringList{} << Alice << encrypt << none << none << false << A;
    QTest::newRow("IfExists: key present and matching") << aliceOnly(u"\"kms:Encrypt\""_s, algIfExists) << QStringList{} << Alice << encrypt << QVariantMap{{u"kms:EncryptionAlgorithm"_s, u"SYMMETRIC_DEFAULT"_s}} << none << false << A;
    QTest::newRow("IfExists: key present, other value") << aliceOnly(u"\"kms:Encrypt\""_s, algIfExists) << QStringList{} << Alice << encrypt << QVariantMap{{u"kms:EncryptionAlgorithm"_s, u"RSAES_OAEP_SHA_256"_s}} << none << false << I;
    const QString needsContext = uR"({"Null":{"kms:EncryptionContextKeys":"false"}})"_s;
    QTest::newRow("Null false: context present") << aliceOnly(u"\"kms:Encrypt\""_s, needsContext) << QStringList{} << Alice << encrypt << none << QVariantMap{{u"a"_s, u"b"_s}} << false << A;
    QTest::newRow("Null false: no context") << aliceOnly(u"\"kms:Encrypt\""_s, needsContext) << QStringList{} << Alice << encrypt << none << none << false << I;
    QTest::newRow("Null true: key absent") << aliceOnly(u"\"kms:Encrypt\""_s, uR"({"Null":{"kms:ViaService":true}})"_s) << QStringList{} << Alice << encrypt << none << none << false << A;
    // --- Bool, kms:ViaService, negated operators on absent keys
    const QString via = uR"({"StringEquals":{"kms:ViaService":"ec2.us-west-2.amazonaws.com"}})"_s;
    QTest::newRow("ViaService matches") << aliceOnly(u"\"kms:Decrypt\""_s, via) << QStringList{} << Alice << u"kms:Decrypt"_s << QVariantMap{{u"kms:ViaService"_s, u"ec2.us-west-2.amazonaws.com"_s}} << none << false << A;
    QTest::newRow("ViaService other service") << aliceOnly(u"\"kms:Decrypt\""_s, via) << QStringList{} << Alice << u"kms:Decrypt"_s << QVariantMap{{u"kms:ViaService"_s, u"rds.us-west-2.amazonaws.com"_s}} << none << false << I;
    QTest::newRow("ViaService direct call") << aliceOnly(u"\"kms:Decrypt\""_s, via) << QStringList{} << Alice << u"kms:Decrypt"_s << none << none << false << I;
    const QString denyUnlessVia = keyStatement(u"Deny"_s, quoted(Alice), u"\"kms:Decrypt\""_s, uR"({"StringNotEquals":{"kms:ViaService":"ec2.us-west-2.amazonaws.com"}})"_s);
    QTest::newRow("StringNotEquals Deny, key absent: applies") << keyPolicy({RootStatement, keyStatement(u"Allow"_s, quoted(Alice), u"\"kms:*\""_s), denyUnlessVia}) << QStringList{} << Alice << u"kms:Decrypt"_s << none << none << false << X;
    QTest::newRow("StringNotEquals Deny, via the service: does not apply") << keyPolicy({RootStatement, keyStatement(u"Allow"_s, quoted(Alice), u"\"kms:*\""_s), denyUnlessVia}) << QStringList{} << Alice << u"kms:Decrypt"_s << QVariantMap{{u"kms:ViaService"_s, u"ec2.us-west-2.amazonaws.com"_s}} << none << false << A;
    // --- NotAction, NotPrincipal
    const QString notAction = keyPolicy({RootStatement, uR"({"Effect":"Allow","Principal":{"AWS":"%1"},"NotAction":["kms:ScheduleKeyDeletion","kms:Delete*"],"Resource":"*"})"_s.arg(Alice)});
    QTest::newRow("NotAction: other action allowed") << notAction << QStringList{} << Alice << encrypt << none << none << false << A;
    QTest::newRow("NotAction: listed action not allowed") << notAction << QStringList{} << Alice << u"kms:ScheduleKeyDeletion"_s << none << none << false << I;
    QTest::newRow("NotAction: wildcard listed action not allowed") << notAction << QStringList{} << Alice << u"kms:DeleteAlias"_s << none << none << false << I;
    const QString notPrincipalBoth = keyPolicy({RootStatement, uR"({"Effect":"Deny","NotPrincipal":{"AWS":["%1","%2"]},"Action":"kms:*","Resource":"*"})"_s.arg(Alice, Root)});
    QTest::newRow("NotPrincipal Deny: excluded user") << notPrincipalBoth << QStringList{AllowEncryptOnKey} << Alice << encrypt << none << none << false << A;
    QTest::newRow("NotPrincipal Deny: everyone else") << notPrincipalBoth << QStringList{AllowEncryptOnKey} << Bob << encrypt << none << none << false << X;
    QTest::newRow("NotPrincipal Deny: user listed without its account") << keyPolicy({RootStatement, uR"({"Effect":"Deny","NotPrincipal":{"AWS":"%1"},"Action":"kms:*","Resource":"*"})"_s.arg(Alice)}) << QStringList{AllowEncryptOnKey} << Alice << encrypt << none << none << false << X;
    // --- Numeric, Date, Arn, tags, caller account
    const QString window = identity(u"Allow"_s, u"\"kms:ScheduleKeyDeletion\""_s, u"\"*\""_s, uR"({"NumericGreaterThanEquals":{"kms:ScheduleKeyDeletionPendingWindowInDays":20}})"_s);
    QTest::newRow("NumericGreaterThanEquals: 30 days") << DefaultPolicy << QStringList{window} << Alice << u"kms:ScheduleKeyDeletion"_s << QVariantMap{{u"kms:ScheduleKeyDeletionPendingWindowInDays"_s, u"30"_s}} << none << false << A;
    QTest::newRow("NumericGreaterThanEquals: 7 days") << DefaultPolicy << QStringList{window} << Alice << u"kms:ScheduleKeyDeletion"_s << QVariantMap{{u"kms:ScheduleKeyDeletionPendingWindowInDays"_s, u"7"_s}} << none << false << I;
    QTest::newRow("NumericEquals: not a number in request") << DefaultPolicy << QStringList{window} << Alice << u"kms:ScheduleKeyDeletion"_s << QVariantMap{{u"kms:ScheduleKeyDeletionPendingWindowInDays"_s, u"many"_s}} << none << false << I;
    const QString until2030 = aliceOnly(u"\"kms:Encrypt\""_s, uR"({"DateLessThan":{"aws:CurrentTime":"2030-01-01T00:00:00Z"}})"_s);
    QTest::newRow("DateLessThan: before") << until2030 << QStringList{} << Alice << encrypt << QVariantMap{{u"aws:CurrentTime"_s, u"2025-06-01T12:00:00Z"_s}} << none << false << A;
    QTest::newRow("DateLessThan: after") << until2030 << QStringList{} << Alice << encrypt << QVariantMap{{u"aws:CurrentTime"_s, u"2031-01-01T00:00:00Z"_s}} << none << false << I;
    QTest::newRow("DateGreaterThan with epoch seconds") << aliceOnly(u"\"kms:Encrypt\""_s, uR"({"DateGreaterThan":{"aws:CurrentTime":1735689600}})"_s) << QStringList{} << Alice << encrypt << QVariantMap{{u"aws:CurrentTime"_s, u"2025-01-01T00:00:01+00:00"_s}} << none << false << A;
    QTest::newRow("DateEquals across zones") << aliceOnly(u"\"kms:Encrypt\""_s, uR"({"DateEquals":{"aws:CurrentTime":"2025-01-01T02:00:00+02:00"}})"_s) << QStringList{} << Alice << encrypt << QVariantMap{{u"aws:CurrentTime"_s, u"2025-01-01T00:00:00Z"_s}} << none << false << A;
    const QString opsRoles = keyPolicy({RootStatement, uR"({"Effect":"Allow","Principal":"*","Action":"kms:Decrypt","Resource":"*","Condition":{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::111122223333:role/Ops*"},"StringEquals":{"kms:CallerAccount":"111122223333"}}})"_s});
    QTest::newRow("ArnLike aws:PrincipalArn (derived from the caller)") << opsRoles << QStringList{} << u"arn:aws:iam::111122223333:role/OpsOnCall"_s << u"kms:Decrypt"_s << none << none << false << A;
    QTest::newRow("ArnLike aws:PrincipalArn, other role") << opsRoles << QStringList{} << u"arn:aws:iam::111122223333:role/Dev"_s << u"kms:Decrypt"_s << none << none << false << I;
    QTest::newRow("aws:ResourceTag ABAC") << DefaultPolicy << QStringList{identity(u"Allow"_s, u"\"kms:Encrypt\""_s, u"\"*\""_s, uR"({"StringEquals":{"aws:ResourceTag/Project":"Alpha"}})"_s)} << Alice << encrypt << QVariantMap{{u"aws:ResourceTag/Project"_s, u"Alpha"_s}} << none << false << A;
    // --- identity-only actions and cross-account use
    const QString createKey = identity(u"Allow"_s, u"\"kms:CreateKey\""_s, u"\"*\""_s);
    QTest::newRow("CreateKey allowed by identity policy alone") << QString() << QStringList{createKey} << Alice << u"kms:CreateKey"_s << none << none << false << A;
    QTest::newRow("CreateKey without identity policy") << QString() << QStringList{} << Alice << u"kms:CreateKey"_s << none << none << false << I;
    QTest::newRow("CreateKey needs Resource *, not a key ARN") << QString() << QStringList{identity(u"Allow"_s, u"\"kms:CreateKey\""_s, quoted(KeyArn))} << Alice << u"kms:CreateKey"_s << none << none << false << I;
    QTest::newRow("CreateKey by the account root") << QString() << QStringList{} << Root << u"kms:CreateKey"_s << none << none << false << A;
    const QString trustsOther = keyPolicy({RootStatement, keyStatement(u"Allow"_s, u"\"arn:aws:iam::444455556666:root\""_s, u"\"kms:Encrypt\""_s)});
    QTest::newRow("cross-account: key policy + caller's IAM policy") << trustsOther << QStringList{AllowEncryptOnKey} << Carol << encrypt << none << none << false << A;
    QTest::newRow("cross-account: key policy alone") << trustsOther << QStringList{} << Carol << encrypt << none << none << false << I;
    QTest::newRow("cross-account: user named directly still needs IAM") << keyPolicy({RootStatement, keyStatement(u"Allow"_s, quoted(Carol), u"\"kms:Encrypt\""_s)}) << QStringList{} << Carol << encrypt << none << none << false << I;
    QTest::newRow("cross-account: IAM policy alone") << DefaultPolicy << QStringList{AllowEncryptOnKey} << Carol << encrypt << none << none << false << I;
}

void TestPolicyEval::decision()
{
    QFETCH(QString, keyPolicy);
    QFETCH(QStringList, identity);
    QFETCH(QString, principal);
    QFETCH(QString, action);
    QFETCH(QVariantMap, keys);
    QFETCH(QVariantMap, context);
    QFETCH(bool, grant);
    QFETCH(int, expected);
    const RequestContext r = request(principal, action, keys, context);
    const Decision d = decide(keyPolicy, identity, r, grant);
    QVERIFY2(d.outcome == Outcome(expected), qPrintable(d.explain()));
    QCOMPARE(PolicyEvaluator::accessDeniedMessage(d, r).isEmpty(), d.allowed());
}

void TestPolicyEval::traceExplainsFailures()
{
    const QString policy = keyPolicy({keyStatement(u"Allow"_s, quoted(Bob), u"\"kms:*\""_s),
                                      keyStatement(u"Allow"_s, quoted(Alice), uR"(["kms:Encrypt","kms:Decrypt"])"_s),
                                      keyStatement(u"Allow"_s, quoted(Alice), u"\"kms:Sign\""_s,
                                                   uR"({"StringEquals":{"kms:EncryptionContext:dept":"hr"}})"_s),
                                      keyStatement(u"Allow"_s, quoted(Alice), u"\"kms:Sign\""_s,
                                                   uR"({"StringEquals":{"kms:SigningAlgorithm":"ECDSA_SHA_256"}})"_s)});
    const RequestContext r = request(Alice, u"kms:Sign"_s, {}, {{u"dept"_s, u"sales"_s}});
    const Decision d = decide(policy, {}, r);
    QCOMPARE(d.outcome, Outcome::ImplicitDeny);
    QCOMPARE(d.trace.size(), 4);
    QVERIFY2(d.trace.at(0).reason.startsWith(u"principal does not match"_s), qPrintable(d.trace.at(0).reason));
    QCOMPARE(d.trace.at(1).reason, u"action kms:Sign not in ['kms:Encrypt', 'kms:Decrypt']"_s);
    QCOMPARE(d.trace.at(2).reason,
             u"condition StringEquals kms:EncryptionContext:dept: request has 'sales', policy wants ['hr']"_s);
    QCOMPARE(d.trace.at(3).reason, u"condition StringEquals kms:SigningAlgorithm: key not present in request"_s);
    QCOMPARE(d.trace.at(2).toString(),
             u"key policy 'default' statement 3 (no Sid) Allow: condition StringEquals kms:EncryptionContext:dept: "
             "request has 'sales', policy wants ['hr']"_s);
    for (const TraceEntry &e : d.trace)
        QVERIFY(!e.matched);
    QVERIFY(d.explain().contains(u"policy wants ['hr']"_s));
}

void TestPolicyEval::traceNamesDecidingStatements()
{
    const RequestContext r = request(Alice, u"kms:Encrypt"_s);
    Decision d = decide(DefaultPolicy, {AllowEncryptOnKey}, r);
    QCOMPARE(d.outcome, Outcome::Allowed);
    QVERIFY(d.keyPolicyAllowsAccount);
    QVERIFY(!d.keyPolicyAllowsPrincipal);
    QVERIFY(d.trace.at(0).matched);
    QCOMPARE(d.trace.at(0).principalMatch, PrincipalMatch::Account);
    QVERIFY(d.trace.at(0).reason.contains(u"delegates"_s));
    QVERIFY(d.decidingStatement());
    QCOMPARE(d.decidingStatement()->kind, PolicyKind::IdentityPolicy);
    QCOMPARE(d.decidingStatement()->policyName, u"policy1"_s);
    QVERIFY(d.summary.contains(u"identity policy 'policy1'"_s));

    d = decide(keyPolicy({RootStatement, uR"({"Sid":"No encrypt","Effect":"Deny","Principal":"*","Action":"kms:Encrypt","Resource":"*"})"_s}),
               {AllowEncryptOnKey}, r);
    QCOMPARE(d.outcome, Outcome::ExplicitDeny);
    QCOMPARE(d.denySource, DenySource::KeyPolicy);
    QCOMPARE(d.decidingStatement()->sid, u"No encrypt"_s);
    QCOMPARE(d.summary, u"explicitly denied by key policy 'default' statement 2 (Sid \"No encrypt\")"_s);

    d = decide(DefaultPolicy, {}, r, true);
    QCOMPARE(d.outcome, Outcome::Allowed);
    QVERIFY(!d.decidingStatement());
    QVERIFY(d.summary.contains(u"grant 6a4bc"_s));
}

void TestPolicyEval::accessDeniedMessages()
{
    const QString head = u"User: %1 is not authorized to perform: kms:Encrypt on resource: %2 "_s.arg(Alice, KeyArn);
    RequestContext r = request(Alice, u"kms:Encrypt"_s);
    QCOMPARE(PolicyEvaluator::accessDeniedMessage(decide(DefaultPolicy, {}, r), r),
             head + u"because no identity-based policy allows the kms:Encrypt action"_s);
    QCOMPARE(PolicyEvaluator::accessDeniedMessage(decide(keyPolicy({keyStatement(u"Allow"_s, quoted(Bob), u"\"kms:*\""_s)}), {AllowEncryptOnKey}, r), r),
             head + u"because no resource-based policy allows the kms:Encrypt action"_s);
    QCOMPARE(PolicyEvaluator::accessDeniedMessage(
                 decide(keyPolicy({RootStatement, keyStatement(u"Deny"_s, quoted(Alice), u"\"kms:*\""_s)}), {AllowEncryptOnKey}, r), r),
             head + u"with an explicit deny in a resource-based policy"_s);
    QCOMPARE(PolicyEvaluator::accessDeniedMessage(
                 decide(DefaultPolicy, {AllowEncryptOnKey, identity(u"Deny"_s, u"\"kms:Encrypt\""_s, u"\"*\""_s)}, r), r),
             head + u"with an explicit deny in an identity-based policy"_s);
    r = request(Alice, u"kms:CreateKey"_s);
    QCOMPARE(PolicyEvaluator::accessDeniedMessage(decide(QString(), {}, r), r),
             u"User: %1 is not authorized to perform: kms:CreateKey on resource: * because no identity-based policy "
             "allows the kms:CreateKey action"_s.arg(Alice));
    // The message spells the action as AWS does even when the caller wrote it in another case.
    r = request(Alice, u"KMS:encrypt"_s);
    QVERIFY(PolicyEvaluator::accessDeniedMessage(decide(DefaultPolicy, {}, r), r).contains(u"perform: kms:Encrypt on"_s));
}

void TestPolicyEval::lockoutSafetyCheck()
{
    RequestContext base;
    base.resourceArn = KeyArn;
    base.accountId = Acct;
    const PolicyDocument onlyBob = parsed(keyPolicy({keyStatement(u"Allow"_s, quoted(Bob), u"\"kms:*\""_s)}), PolicyKind::KeyPolicy);
    QVERIFY(!PolicyEvaluator::wouldAllowPutKeyPolicy(onlyBob, Alice, {}, base).allowed());
    QVERIFY(!PolicyEvaluator::wouldAllowPutKeyPolicy(onlyBob, Root, {}, base).allowed());
    QVERIFY(PolicyEvaluator::wouldAllowPutKeyPolicy(onlyBob, Bob, {}, base).allowed());
    const PolicyDocument def = parsed(DefaultPolicy, PolicyKind::KeyPolicy);
    QVERIFY(PolicyEvaluator::wouldAllowPutKeyPolicy(def, Root, {}, base).allowed());
    QVERIFY(!PolicyEvaluator::wouldAllowPutKeyPolicy(def, Alice, {}, base).allowed());
    QVERIFY(PolicyEvaluator::wouldAllowPutKeyPolicy(
                def, Alice, identities({identity(u"Allow"_s, u"\"kms:PutKeyPolicy\""_s, u"\"*\""_s)}), base)
                .allowed());
    const PolicyDocument console = parsed(ConsolePolicy, PolicyKind::KeyPolicy);
    QVERIFY(PolicyEvaluator::wouldAllowPutKeyPolicy(console, Admin, {}, base).allowed());
    // A policy that lets PutKeyPolicy through only with the bypass flag does not pass the check.
    const PolicyDocument bypassOnly = parsed(
        keyPolicy({keyStatement(u"Allow"_s, quoted(Alice), u"\"kms:PutKeyPolicy\""_s,
                                uR"({"Bool":{"kms:BypassPolicyLockoutSafetyCheck":"true"}})"_s)}),
        PolicyKind::KeyPolicy);
    QVERIFY(!PolicyEvaluator::wouldAllowPutKeyPolicy(bypassOnly, Alice, {}, base).allowed());
}

void TestPolicyEval::consolePolicyPerUsage()
{
    struct Case {
        KeyUsageProfile usage;
        QString allowed;
        QString denied;
    };
    const QList<Case> cases{{KeyUsageProfile::SymmetricEncryption, u"kms:GenerateDataKey"_s, u"kms:Sign"_s},
                            {KeyUsageProfile::AsymmetricEncryption, u"kms:GetPublicKey"_s, u"kms:GenerateDataKey"_s},
                            {KeyUsageProfile::Signing, u"kms:Sign"_s, u"kms:Encrypt"_s},
                            {KeyUsageProfile::Hmac, u"kms:GenerateMac"_s, u"kms:Sign"_s},
                            {KeyUsageProfile::KeyAgreement, u"kms:DeriveSharedSecret"_s, u"kms:Decrypt"_s}};
    for (const Case &c : cases) {
        const QString json = DefaultKeyPolicy::console({Acct, {Admin}, {Alice}, c.usage});
        QVERIFY(decide(json, {}, request(Alice, c.allowed)).allowed());
        QVERIFY(!decide(json, {}, request(Alice, c.denied)).allowed());
        QCOMPARE(json.contains(u"Allow attachment of persistent resources"_s),
                 c.usage == KeyUsageProfile::SymmetricEncryption);
    }
    const QString imported = DefaultKeyPolicy::console({Acct, {Admin}, {}, KeyUsageProfile::SymmetricEncryption, true, true});
    QVERIFY(decide(imported, {}, request(Admin, u"kms:ImportKeyMaterial"_s)).allowed());
    QVERIFY(decide(imported, {}, request(Admin, u"kms:ReplicateKey"_s)).allowed());
    QVERIFY(!decide(ConsolePolicy, {}, request(Admin, u"kms:ImportKeyMaterial"_s)).allowed());
}

void TestPolicyEval::contextKeyNames()
{
    RequestContext r = request(Alice, u"kms:Encrypt"_s, {{u"KMS:ViaService"_s, u"s3.amazonaws.com"_s}},
                               {{u"Dept"_s, u"IT"_s}});
    QVERIFY(r.value(u"kms:viaservice"_s).has_value());
    QVERIFY(r.value(u"kms:EncryptionContext:Dept"_s).has_value());
    QVERIFY(r.value(u"Kms:encryptionContext:Dept"_s).has_value());
    QVERIFY(!r.value(u"kms:EncryptionContext:dept"_s).has_value());
    QCOMPARE(r.value(u"kms:EncryptionContextKeys"_s)->values, QStringList{u"Dept"_s});
    QVERIFY(r.value(u"kms:EncryptionContextKeys"_s)->multiValued);
    QCOMPARE(r.value(u"kms:CallerAccount"_s)->values, QStringList{Acct});
    QCOMPARE(r.value(u"aws:PrincipalArn"_s)->values, QStringList{Alice});
    r.setEncryptionContext({});
    QVERIFY(!r.value(u"kms:EncryptionContext:Dept"_s));
    QVERIFY(!r.value(u"kms:EncryptionContextKeys"_s));
    r.setCurrentTime(QDateTime(QDate(2025, 3, 1), QTime(8, 0), QTimeZone::UTC));
    QCOMPARE(r.value(u"aws:CurrentTime"_s)->values, QStringList{u"2025-03-01T08:00:00Z"_s});
}

void TestPolicyEval::actionCatalogue()
{
    // kms-semantics §1: 54 API operations, plus ReEncryptFrom/ReEncryptTo/SynchronizeMultiRegionKey.
    QCOMPARE(kmsActionNames().size(), 57);
    QCOMPARE(canonicalKmsAction(u"KMS:generatedatakeypairwithoutplaintext"_s), u"kms:GenerateDataKeyPairWithoutPlaintext"_s);
    QCOMPARE(canonicalKmsAction(u"kms:Encrypt*"_s), QString());
    QCOMPARE(canonicalKmsAction(u"Encrypt"_s), QString());
    QVERIFY(isAccountLevelAction(u"kms:CreateKey"_s));
    QVERIFY(isAccountLevelAction(u"kms:ListAliases"_s));
    QVERIFY(!isAccountLevelAction(u"kms:Encrypt"_s));
}

void TestPolicyEval::wildcards_data()
{
    QTest::addColumn<QString>("pattern");
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("caseInsensitive");
    QTest::addColumn<bool>("matches");
    QTest::newRow("kms:ReEncrypt* / ReEncryptFrom") << u"kms:ReEncrypt*"_s << u"kms:ReEncryptFrom"_s << true << true;
    QTest::newRow("kms:ReEncrypt* / ReEncrypt") << u"kms:ReEncrypt*"_s << u"kms:ReEncrypt"_s << true << true;
    QTest::newRow("kms:Generate* / Encrypt") << u"kms:Generate*"_s << u"kms:Encrypt"_s << true << false;
    QTest::newRow("action case-insensitive") << u"KMS:ENCRYPT"_s << u"kms:Encrypt"_s << true << true;
    QTest::newRow("string case-sensitive") << u"a*C"_s << u"abc"_s << false << false;
    QTest::newRow("? is exactly one") << u"a?c"_s << u"ac"_s << false << false;
    QTest::newRow("* may be empty") << u"a*b*c"_s << u"abc"_s << false << true;
    QTest::newRow("backtracking") << u"*ab*ab"_s << u"xabyabab"_s << false << true;
    QTest::newRow("empty pattern") << QString() << u"x"_s << false << false;
    QTest::newRow("star alone matches empty") << u"*"_s << QString() << false << true;
}

void TestPolicyEval::wildcards()
{
    QFETCH(QString, pattern);
    QFETCH(QString, text);
    QFETCH(bool, caseInsensitive);
    QFETCH(bool, matches);
    QCOMPARE(wildcardMatch(pattern, text, caseInsensitive ? Qt::CaseInsensitive : Qt::CaseSensitive), matches);
}

void TestPolicyEval::wildcardIsNotExponential()
{
    // A naive recursive matcher takes exponential time here; ours is quadratic at worst.
    const QString text(20000, u'a');
    const QString pattern = QString(u"*a"_s).repeated(30) + u"b"_s;
    QElapsedTimer t;
    t.start();
    QVERIFY(!wildcardMatch(pattern, text));
    QVERIFY2(t.elapsed() < 2000, qPrintable(QString::number(t.elapsed())));
    QVERIFY(arnMatch(u"arn:aws:kms:*:111122223333:key/*"_s, KeyArn));
    QVERIFY(!arnMatch(u"arn:aws:kms:*:444455556666:key/*"_s, KeyArn));
    QVERIFY(!arnMatch(u"arn:aws:kms:*:111122223333:key/*"_s, u"not-an-arn"_s));
}

QKMS_TEST_MAIN(TestPolicyEval)
#include "tst_policy_eval.moc"
