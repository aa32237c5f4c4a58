// Principals, key policies, grants and the simulator through the real qkms executable, acting as
// different principals with --principal, as `aws iam` / `aws kms` users would type it.
// (Few process runs, 37: each one unlocks the vault.)

#include "CliRunner.h"
#include "TestMain.h"
#include "VaultFixture.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>

using namespace qkms;
using namespace qkms::test;
using namespace Qt::StringLiterals;

class TestCliPolicies : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void usersRolesAndIdentityPolicies();
    void accessDeniedDebugAndSimulate();
    void keyPolicies();
    void grants();

private:
    CliResult qkms(const QStringList &args) const
    {
        return runQkms(m_vault, QStringList{u"--region"_s, u"us-east-1"_s} + args, kPassphrase);
    }
    CliResult as(const QString &user, const QStringList &args) const
    {
        return qkms(QStringList{u"--principal"_s, arn(user)} + args);
    }
    QJsonObject ok(const CliResult &r) const
    {
        if (r.exitCode != 0)
            qWarning("qkms failed (%d): %s", r.exitCode, r.err.constData());
        return QJsonDocument::fromJson(r.out).object();
    }
    static bool failsWith(const CliResult &r, const QString &text)
    {
        if (r.exitCode == 254 && r.errText().contains(text))
            return true;
        qWarning("exit %d, stderr: %s", r.exitCode, r.err.constData());
        return false;
    }
    QString arn(const QString &user) const { return u"arn:aws:iam::%1:user/%2"_s.arg(m_account, user); }
    /// Writes `text` to a file of the test directory and returns "file://<path>".
    QString file(const QString &name, const QString &text) const
    {
        QFile f(m_tmp.filePath(name));
        if (!f.open(QIODevice::WriteOnly) || f.write(text.toUtf8()) < 0)
            qFatal("cannot write %s", qPrintable(name));
        return u"file://"_s + f.fileName();
    }

    QTemporaryDir m_tmp;
    QString m_vault;
    QString m_account;
    QString m_key;
};

void TestCliPolicies::initTestCase()
{
    QVERIFY(m_tmp.isValid());
    m_vault = m_tmp.path() + u"/vault"_s;
    const CliResult init = qkms({u"init"_s});
    QVERIFY2(init.exitCode == 0, init.err.constData());
    m_account = QJsonDocument::fromJson(init.out).object().value(u"AccountId").toString();
    m_key = ok(qkms({u"create-key"_s})).value(u"KeyMetadata").toObject().value(u"KeyId").toString();
    QCOMPARE(m_key.size(), 36);
}

void TestCliPolicies::usersRolesAndIdentityPolicies()
{
    const QJsonObject user = ok(qkms({u"create-user"_s, u"--user-name"_s, u"alice"_s})).value(u"User").toObject();
    QCOMPARE(user.value(u"UserName").toString(), u"alice"_s);
    QCOMPARE(user.value(u"Arn").toString(), arn(u"alice"_s));
    QVERIFY(user.value(u"UserId").toString().startsWith(u"AIDA"_s));
    QCOMPARE(user.value(u"Path").toString(), u"/"_s);
    QVERIFY(failsWith(qkms({u"create-user"_s, u"--user-name"_s, u"ALICE"_s}),
                      u"An error occurred (EntityAlreadyExistsException) when calling the CreateUser operation: User "
                      "with name ALICE already exists."_s));

    const QString trust = file(u"trust.json"_s, uR"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]})"_s);
    const QJsonObject role = ok(qkms({u"create-role"_s, u"--role-name"_s, u"Ops"_s, u"--assume-role-policy-document"_s, trust}))
                                 .value(u"Role"_s).toObject();
    QVERIFY(role.value(u"RoleId").toString().startsWith(u"AROA"_s));
    QCOMPARE(role.value(u"AssumeRolePolicyDocument").toObject().value(u"Version").toString(), u"2012-10-17"_s);
    const QString encryptOnly = file(u"encrypt.json"_s, uR"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:Encrypt","Resource":"*"}]})"_s);
    QCOMPARE(qkms({u"put-role-policy"_s, u"--role-name"_s, u"Ops"_s, u"--policy-name"_s, u"Enc"_s, u"--policy-document"_s, encryptOnly})
                 .exitCode,
             0);
    QVERIFY(failsWith(qkms({u"delete-role"_s, u"--role-name"_s, u"Ops"_s}),
                      u"(DeleteConflictException) when calling the DeleteRole operation: Cannot delete entity, must "
                      "delete policies first."_s));
    QCOMPARE(qkms({u"delete-role-policy"_s, u"--role-name"_s, u"Ops"_s, u"--policy-name"_s, u"Enc"_s}).exitCode, 0);
    QCOMPARE(qkms({u"delete-role"_s, u"--role-name"_s, u"Ops"_s}).exitCode, 0);

    // A malformed identity policy names its problem; a user cannot manage IAM.
    const QString bad = file(u"bad.json"_s, uR"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:Encrypt"}]})"_s);
    QVERIFY(failsWith(qkms({u"put-user-policy"_s, u"--user-name"_s, u"alice"_s, u"--policy-name"_s, u"Bad"_s,
                            u"--policy-document"_s, bad}),
                      u"(MalformedPolicyDocumentException) when calling the PutUserPolicy operation: missing Resource"_s));
    QVERIFY(failsWith(as(u"alice"_s, {u"list-users"_s}), u"(AccessDeniedException) when calling the ListUsers operation"_s));
    const QJsonArray users = ok(qkms({u"list-users"_s})).value(u"Users").toArray();
    QCOMPARE(users.size(), 1);
    QCOMPARE(users.first().toObject().value(u"UserName").toString(), u"alice"_s);
}

void TestCliPolicies::accessDeniedDebugAndSimulate()
{
    // The default key policy delegates to IAM; alice has no identity policy yet.
    const QStringList encrypt{u"encrypt"_s, u"--key-id"_s, m_key, u"--plaintext"_s, u"aGVsbG8="_s};
    const CliResult denied = as(u"alice"_s, encrypt);
    QVERIFY(failsWith(denied, u"An error occurred (AccessDeniedException) when calling the Encrypt operation: User: %1 "
                              "is not authorized to perform: kms:Encrypt on resource: arn:aws:kms:us-east-1:%2:key/%3 "
                              "because no identity-based policy allows the kms:Encrypt action"_s.arg(arn(u"alice"_s), m_account, m_key)));
    QVERIFY(!denied.errText().contains(u"Policy evaluation"_s));
    const CliResult debug = qkms(QStringList{u"--debug"_s, u"--principal"_s, arn(u"alice"_s)} + encrypt);
    QCOMPARE(debug.exitCode, 254);
    QVERIFY2(debug.errText().contains(u"Policy evaluation:\nImplicitDeny: the key policy delegates to IAM"_s), debug.err.constData());
    QVERIFY(debug.errText().contains(u"key policy 'default' statement 1 (Sid \"Enable IAM User Permissions\") Allow: matched"_s));

    const QString policy = file(u"alice.json"_s, uR"({"Version":"2012-10-17","Statement":[{"Sid":"UseKeys","Effect":"Allow","Action":["kms:Encrypt","kms:DescribeKey"],"Resource":"arn:aws:kms:*:%1:key/*"}]})"_s.arg(m_account));
    QCOMPARE(qkms({u"put-user-policy"_s, u"--user-name"_s, u"alice"_s, u"--policy-name"_s, u"UseKeys"_s, u"--policy-document"_s, policy})
                 .exitCode,
             0);
    const QJsonObject got = ok(qkms({u"get-user-policy"_s, u"--user-name"_s, u"alice"_s, u"--policy-name"_s, u"UseKeys"_s}));
    QCOMPARE(got.value(u"PolicyDocument").toObject().value(u"Statement").toArray().first().toObject().value(u"Sid").toString(),
             u"UseKeys"_s);
    QCOMPARE(ok(qkms({u"list-user-policies"_s, u"--user-name"_s, u"alice"_s})).value(u"PolicyNames").toArray(),
             QJsonArray{u"UseKeys"_s});
    const CliResult allowed = as(u"alice"_s, encrypt);
    QVERIFY2(allowed.exitCode == 0, allowed.err.constData());

    // The simulator explains, and agrees with what the calls just did.
    const QJsonObject decrypt = ok(qkms({u"simulate-policy"_s, u"--principal-arn"_s, arn(u"alice"_s), u"--action-name"_s,
                                         u"Decrypt"_s, u"--key-id"_s, m_key}))
                                    .value(u"EvaluationResults").toArray().first().toObject();
    QCOMPARE(decrypt.value(u"EvalDecision").toString(), u"implicitDeny"_s);
    QCOMPARE(decrypt.value(u"EvalActionName").toString(), u"kms:Decrypt"_s);
    QCOMPARE(decrypt.value(u"EvalResourceName").toString(), u"arn:aws:kms:us-east-1:%1:key/%2"_s.arg(m_account, m_key));
    QVERIFY(decrypt.value(u"Trace").toArray().size() >= 2);
    const QJsonObject enc = ok(as(u"alice"_s, {u"simulate-policy"_s, u"--action-name"_s, u"kms:Encrypt"_s, u"--key-id"_s, m_key,
                                                u"--encryption-context"_s, u"Dept=IT"_s}))
                                .value(u"EvaluationResults").toArray().first().toObject();
    QCOMPARE(enc.value(u"EvalDecision").toString(), u"allowed"_s);
    QVERIFY(enc.value(u"MatchedStatements").toArray().contains(QJsonObject{{u"SourcePolicyId"_s, u"UseKeys"_s},
                                                                           {u"SourcePolicyType"_s, u"IAM Policy"_s},
                                                                           {u"Sid"_s, u"UseKeys"_s},
                                                                           {u"Effect"_s, u"Allow"_s}}));
}

void TestCliPolicies::keyPolicies()
{
    QCOMPARE(ok(qkms({u"list-key-policies"_s, u"--key-id"_s, m_key})).value(u"PolicyNames").toArray(), QJsonArray{u"default"_s});
    const QString aliceOnly = file(u"alice-only.json"_s, uR"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"%1"},"Action":"kms:*","Resource":"*"}]})"_s.arg(arn(u"alice"_s)));
    const QString lockedKey = ok(qkms({u"create-key"_s})).value(u"KeyMetadata").toObject().value(u"KeyId").toString();
    QVERIFY(failsWith(qkms({u"put-key-policy"_s, u"--key-id"_s, lockedKey, u"--policy"_s, aliceOnly}),
                      u"(MalformedPolicyDocumentException) when calling the PutKeyPolicy operation: The new key policy "
                      "will not allow you to update the key policy in the future."_s));
    QCOMPARE(qkms({u"put-key-policy"_s, u"--key-id"_s, lockedKey, u"--policy"_s, aliceOnly,
                   u"--bypass-policy-lockout-safety-check"_s})
                 .exitCode,
             0);
    // The root trusted itself out of the key.
    QVERIFY(failsWith(qkms({u"describe-key"_s, u"--key-id"_s, lockedKey}),
                      u"because no resource-based policy allows the kms:DescribeKey action"_s));
}

void TestCliPolicies::grants()
{
    QCOMPARE(qkms({u"create-user"_s, u"--user-name"_s, u"bob"_s}).exitCode, 0);
    const QJsonObject created = ok(qkms({u"create-grant"_s, u"--key-id"_s, m_key, u"--grantee-principal"_s, arn(u"bob"_s),
                                         u"--operations"_s, u"Encrypt"_s, u"Decrypt"_s, u"--retiring-principal"_s,
                                         arn(u"alice"_s), u"--constraints"_s, u"EncryptionContextSubset={Dept=IT}"_s,
                                         u"--name"_s, u"payroll-app"_s}));
    const QString grantId = created.value(u"GrantId").toString();
    const QString token = created.value(u"GrantToken").toString();
    QCOMPARE(grantId.size(), 64);
    QVERIFY(!token.isEmpty());

    const QJsonArray listed = ok(qkms({u"list-grants"_s, u"--key-id"_s, m_key})).value(u"Grants").toArray();
    QCOMPARE(listed.size(), 1);
    const QJsonObject g = listed.first().toObject();
    QCOMPARE(g.value(u"GrantId").toString(), grantId);
    QCOMPARE(g.value(u"Operations").toArray(), (QJsonArray{u"Encrypt"_s, u"Decrypt"_s}));
    QCOMPARE(g.value(u"Constraints").toObject(),
             (QJsonObject{{u"EncryptionContextSubset"_s, QJsonObject{{u"Dept"_s, u"IT"_s}}}}));
    QCOMPARE(ok(qkms({u"list-retirable-grants"_s, u"--retiring-principal"_s, arn(u"alice"_s)})).value(u"Grants").toArray().size(), 1);

    // Bob has only the grant: the right context, with the grant token he was given.
    const QStringList encrypt{u"encrypt"_s, u"--key-id"_s, m_key, u"--plaintext"_s, u"aGVsbG8="_s, u"--grant-tokens"_s, token};
    const CliResult withContext = as(u"bob"_s, encrypt + QStringList{u"--encryption-context"_s, u"Dept=IT"_s});
    QVERIFY2(withContext.exitCode == 0, withContext.err.constData());
    QVERIFY(failsWith(as(u"bob"_s, encrypt), u"(AccessDeniedException) when calling the Encrypt operation"_s));

    QCOMPARE(as(u"alice"_s, {u"retire-grant"_s, u"--grant-token"_s, token}).exitCode, 0);
    QVERIFY(failsWith(as(u"bob"_s, encrypt + QStringList{u"--encryption-context"_s, u"Dept=IT"_s}),
                      u"(AccessDeniedException) when calling the Encrypt operation"_s));

    const QString second = ok(qkms({u"create-grant"_s, u"--key-id"_s, m_key, u"--grantee-principal"_s, arn(u"bob"_s),
                                    u"--operations"_s, u"DescribeKey"_s}))
                               .value(u"GrantId").toString();
    QVERIFY(failsWith(as(u"bob"_s, {u"revoke-grant"_s, u"--key-id"_s, m_key, u"--grant-id"_s, second}),
                      u"(AccessDeniedException) when calling the RevokeGrant operation"_s));
    QCOMPARE(qkms({u"revoke-grant"_s, u"--key-id"_s, m_key, u"--grant-id"_s, second}).exitCode, 0);
    QVERIFY(failsWith(qkms({u"retire-grant"_s, u"--grant-token"_s, u"bm90LWEtdG9rZW4"_s}),
                      u"(InvalidGrantTokenException) when calling the RetireGrant operation"_s));
}

QKMS_TEST_MAIN(TestCliPolicies)
#include "tst_cli_policies.moc"
