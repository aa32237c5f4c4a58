// IAM principals in account.db: users, roles, inline identity policies and access keys, with
// IAM's names, errors and quotas, and account.db's migration 2.

#include "EngineTest.h"
#include "TestMain.h"
#include "iam/PrincipalStore.h"
#include "store/Database.h"
#include "vault/Vault.h"

using namespace qkms;
using namespace qkms::iam;
using namespace Qt::StringLiterals;
using test::errorType;
using test::why;

namespace {

const QString kAllowEncrypt = uR"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:Encrypt","Resource":"*"}]})"_s;

} // namespace

class TestIam : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void migrationTwoMakesTheTables();
    void usersCreateListDelete();
    void userNames_data();
    void userNames();
    void rolesAndTrustPolicies();
    void onlyTheRootManagesPrincipals();
    void existsForThePolicyParser();
    void identityPolicies();
    void identityPolicySizeQuota();
    void identityPoliciesAreParsedOnce();
    void accessKeys();
    void principalsSurviveReopening();

private:
    std::unique_ptr<test::VaultFixture> m_fixture;
    std::unique_ptr<PrincipalStore> m_store;
    QString m_root;
    QString userArn(const QString &name) const { return u"arn:aws:iam::%1:user/%2"_s.arg(m_store->accountId(), name); }
};

void TestIam::init()
{
    m_fixture = std::make_unique<test::VaultFixture>();
    m_store = std::make_unique<PrincipalStore>(m_fixture->vault());
    m_root = m_store->rootArn();
}

void TestIam::cleanup()
{
    m_store.reset();
    m_fixture.reset();
}

void TestIam::migrationTwoMakesTheTables()
{
    auto db = m_fixture->vault().accountDb();
    QVERIFY(db);
    QCOMPARE((*db)->userVersion().value_or(-1), 2);
    for (const QString &table : {u"principals"_s, u"identity_policies"_s, u"access_keys"_s}) {
        auto q = (*db)->prepare(u"SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = :name"_s);
        QVERIFY(q);
        QVERIFY(q->bind(":name", table).step().value_or(false));
        QCOMPARE(q->columnInt(0), 1);
    }
    // Deleting a principal takes its policies along (ON DELETE CASCADE), which DeleteUser only
    // reaches once they are gone; the schema must still say so for a direct delete.
    QVERIFY(m_store->createUser(m_root, u"alice"_s));
    QVERIFY(m_store->putPolicy(m_root, PrincipalKind::User, u"alice"_s, u"p"_s, kAllowEncrypt));
    QVERIFY((*db)->exec(u"DELETE FROM principals"_s));
    auto left = (*db)->prepare(u"SELECT COUNT(*) FROM identity_policies"_s);
    QVERIFY(left && left->step().value_or(false));
    QCOMPARE(left->columnInt(0), 0);
}

void TestIam::usersCreateListDelete()
{
    auto alice = m_store->createUser(m_root, u"alice"_s);
    QVERIFY2(alice, qPrintable(why(alice)));
    QCOMPARE(alice->arn, userArn(u"alice"_s));
    QVERIFY(alice->principalId.startsWith(u"AIDA"_s));
    QCOMPARE(alice->principalId.size(), 21);
    QCOMPARE(alice->createDate, m_fixture->clock().now());
    QVERIFY(m_store->createUser(m_root, u"Bob"_s));

    // IAM names are unique whatever their case.
    auto dup = m_store->createUser(m_root, u"ALICE"_s);
    QVERIFY(!dup);
    QCOMPARE(errorType(dup), iam::errors::EntityAlreadyExists);
    QCOMPARE(dup.error().message, u"User with name ALICE already exists."_s);

    auto users = m_store->list(m_root, PrincipalKind::User);
    QVERIFY(users);
    QCOMPARE(users->size(), 2);
    QCOMPARE(users->at(0).name, u"alice"_s);
    QCOMPARE(users->at(1).name, u"Bob"_s);
    QVERIFY(m_store->list(m_root, PrincipalKind::Role)->isEmpty());

    QVERIFY(m_store->deletePrincipal(m_root, PrincipalKind::User, u"alice"_s));
    auto gone = m_store->deletePrincipal(m_root, PrincipalKind::User, u"alice"_s);
    QVERIFY(!gone);
    QCOMPARE(errorType(gone), iam::errors::NoSuchEntity);
    QCOMPARE(gone.error().message, u"The user with name alice cannot be found."_s);
    QCOMPARE(m_store->list(m_root, PrincipalKind::User)->size(), 1);
}

void TestIam::userNames_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<bool>("valid");
    QTest::newRow("IAM: letters, digits and +=,.@_-") << u"a+b=c,d.e@f_g-h"_s << true;
    QTest::newRow("IAM: 64 characters") << QString(64, u'x') << true;
    QTest::newRow("IAM: 65 characters") << QString(65, u'x') << false;
    QTest::newRow("IAM: empty") << QString() << false;
    QTest::newRow("IAM: space") << u"al ice"_s << false;
    QTest::newRow("IAM: slash") << u"team/alice"_s << false;
    QTest::newRow("IAM: non-ASCII letter") << u"alïce"_s << false;
}

void TestIam::userNames()
{
    QFETCH(QString, name);
    QFETCH(bool, valid);
    auto u = m_store->createUser(m_root, name);
    QCOMPARE(bool(u), valid);
    if (!valid) {
        QCOMPARE(errorType(u), qkms::errors::Validation);
        QVERIFY(u.error().message.contains(u"userName"_s));
    }
}

void TestIam::rolesAndTrustPolicies()
{
    const QString trust = uR"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]})"_s;
    auto role = m_store->createRole(m_root, u"Deployer"_s, trust);
    QVERIFY2(role, qPrintable(why(role)));
    QCOMPARE(role->arn, u"arn:aws:iam::%1:role/Deployer"_s.arg(m_store->accountId()));
    QVERIFY(role->principalId.startsWith(u"AROA"_s));
    QCOMPARE(m_store->get(m_root, PrincipalKind::Role, u"deployer"_s)->trustPolicy, trust);
    // A user and a role may share a name: they are different kinds.
    QVERIFY(m_store->createUser(m_root, u"Deployer"_s));
    auto bad = m_store->createRole(m_root, u"Other"_s, u"not json"_s);
    QVERIFY(!bad);
    QCOMPARE(errorType(bad), qkms::errors::MalformedPolicy);
    auto missing = m_store->get(m_root, PrincipalKind::Role, u"Nobody"_s);
    QCOMPARE(errorType(missing), iam::errors::NoSuchEntity);
    QCOMPARE(missing.error().message, u"The role with name Nobody cannot be found."_s);
}

void TestIam::onlyTheRootManagesPrincipals()
{
    QVERIFY(m_store->createUser(m_root, u"alice"_s));
    auto denied = m_store->createUser(userArn(u"alice"_s), u"mallory"_s);
    QVERIFY(!denied);
    QCOMPARE(errorType(denied), qkms::errors::AccessDenied);
    QCOMPARE(denied.error().message,
             u"User: %1 is not authorized to perform: iam:CreateUser on resource: %2 because no identity-based "
             "policy allows the iam:CreateUser action"_s.arg(userArn(u"alice"_s), userArn(u"mallory"_s)));
    // A user giving itself permissions is the escalation this rule prevents.
    auto self = m_store->putPolicy(userArn(u"alice"_s), PrincipalKind::User, u"alice"_s, u"p"_s, kAllowEncrypt);
    QCOMPARE(errorType(self), qkms::errors::AccessDenied);
    QCOMPARE(errorType(m_store->list(userArn(u"alice"_s), PrincipalKind::User)), qkms::errors::AccessDenied);
}

void TestIam::existsForThePolicyParser()
{
    QVERIFY(m_store->createUser(m_root, u"alice"_s));
    QVERIFY(m_store->createRole(m_root, u"Ops"_s));
    const QString account = m_store->accountId();
    QVERIFY(m_store->exists(m_root));
    QVERIFY(m_store->exists(userArn(u"alice"_s)));
    QVERIFY(m_store->exists(u"arn:aws:iam::%1:role/Ops"_s.arg(account)));
    QVERIFY(m_store->exists(u"arn:aws:sts::%1:assumed-role/Ops/session-1"_s.arg(account)));
    QVERIFY(!m_store->exists(userArn(u"bob"_s)));
    QVERIFY(!m_store->exists(userArn(u"Alice"_s))); // ARNs compare exactly, as policies do
    QVERIFY(!m_store->exists(u"arn:aws:sts::%1:assumed-role/Nope/s"_s.arg(account)));
    // Other accounts' principals are that account's business.
    QVERIFY(m_store->exists(u"arn:aws:iam::444455556666:user/someone"_s));
    QVERIFY(m_store->exists(u"arn:aws:iam::444455556666:root"_s));
    QVERIFY(!m_store->exists(u"*"_s));
}

void TestIam::identityPolicies()
{
    QVERIFY(m_store->createUser(m_root, u"alice"_s));
    QVERIFY(m_store->putPolicy(m_root, PrincipalKind::User, u"alice"_s, u"EncryptOnly"_s, kAllowEncrypt));
    QCOMPARE(m_store->getPolicy(m_root, PrincipalKind::User, u"alice"_s, u"EncryptOnly"_s).value_or(QString()), kAllowEncrypt);
    QCOMPARE(m_store->listPolicies(m_root, PrincipalKind::User, u"alice"_s).value_or(QStringList()),
             QStringList{u"EncryptOnly"_s});

    // Identity policies name no principal; the parser says exactly what is wrong.
    auto malformed = m_store->putPolicy(
        m_root, PrincipalKind::User, u"alice"_s, u"Bad"_s,
        uR"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"kms:Encrypt","Resource":"*"}]})"_s);
    QVERIFY(!malformed);
    QCOMPARE(errorType(malformed), qkms::errors::MalformedPolicy);
    QVERIFY2(malformed.error().message.contains(u"Principal"_s), qPrintable(malformed.error().message));
    auto badName = m_store->putPolicy(m_root, PrincipalKind::User, u"alice"_s, u"has space"_s, kAllowEncrypt);
    QCOMPARE(errorType(badName), qkms::errors::Validation);

    // Deleting a user with policies is a conflict, as in IAM.
    auto conflict = m_store->deletePrincipal(m_root, PrincipalKind::User, u"alice"_s);
    QCOMPARE(errorType(conflict), iam::errors::DeleteConflict);
    QCOMPARE(conflict.error().message, u"Cannot delete entity, must delete policies first."_s);

    auto docs = m_store->identityPolicies(userArn(u"alice"_s));
    QVERIFY(docs);
    QCOMPARE(docs->size(), 1);
    QCOMPARE(docs->first().name, u"EncryptOnly"_s);
    QCOMPARE(docs->first().kind, policy::PolicyKind::IdentityPolicy);
    QVERIFY(m_store->identityPolicies(m_root)->isEmpty()); // the root's permissions are implicit

    auto missing = m_store->deletePolicy(m_root, PrincipalKind::User, u"alice"_s, u"Nope"_s);
    QCOMPARE(errorType(missing), iam::errors::NoSuchEntity);
    QCOMPARE(missing.error().message, u"The user policy with name Nope cannot be found."_s);
    QVERIFY(m_store->deletePolicy(m_root, PrincipalKind::User, u"alice"_s, u"EncryptOnly"_s));
    QVERIFY(m_store->identityPolicies(userArn(u"alice"_s))->isEmpty());
    QVERIFY(m_store->deletePrincipal(m_root, PrincipalKind::User, u"alice"_s));

    // A role's policies apply to its assumed-role sessions.
    QVERIFY(m_store->createRole(m_root, u"Ops"_s));
    QVERIFY(m_store->putPolicy(m_root, PrincipalKind::Role, u"Ops"_s, u"p"_s, kAllowEncrypt));
    QCOMPARE(m_store->identityPolicies(u"arn:aws:sts::%1:assumed-role/Ops/s1"_s.arg(m_store->accountId()))->size(), 1);
}

void TestIam::identityPolicySizeQuota()
{
    QVERIFY(m_store->createUser(m_root, u"alice"_s));
    QVERIFY(m_store->createRole(m_root, u"Ops"_s));
    // One statement per key ARN: about 150 characters each without whitespace.
    auto policyWith = [](int statements) {
        QStringList list;
        for (int i = 0; i < statements; ++i)
            list.append(u"{\"Sid\":\"S%1\",\"Effect\":\"Allow\",\"Action\":\"kms:Encrypt\",\"Resource\":"
                        "\"arn:aws:kms:us-east-1:111122223333:key/%2\"}"_s.arg(i).arg(i, 36, 10, QChar(u'0')));
        return u"{\"Version\":\"2012-10-17\",\"Statement\":[%1]}"_s.arg(list.join(u','));
    };
    QVERIFY(m_store->putPolicy(m_root, PrincipalKind::User, u"alice"_s, u"a"_s, policyWith(6)));
    // The quota is on all of a user's inline policies together (2048), not one document.
    auto over = m_store->putPolicy(m_root, PrincipalKind::User, u"alice"_s, u"b"_s, policyWith(8));
    QVERIFY(!over);
    QCOMPARE(errorType(over), qkms::errors::LimitExceeded);
    QCOMPARE(over.error().message, u"Maximum policy size of 2048 bytes exceeded for user alice"_s);
    // Replacing a policy counts the new text instead of the old one.
    QVERIFY(m_store->putPolicy(m_root, PrincipalKind::User, u"alice"_s, u"a"_s, policyWith(13)));
    // Roles have 10240.
    QVERIFY(m_store->putPolicy(m_root, PrincipalKind::Role, u"Ops"_s, u"big"_s, policyWith(60)));
    QCOMPARE(errorType(m_store->putPolicy(m_root, PrincipalKind::Role, u"Ops"_s, u"big"_s, policyWith(75))),
             qkms::errors::LimitExceeded);
}

void TestIam::identityPoliciesAreParsedOnce()
{
    QVERIFY(m_store->createUser(m_root, u"alice"_s));
    QVERIFY(m_store->putPolicy(m_root, PrincipalKind::User, u"alice"_s, u"p"_s, kAllowEncrypt));
    const int before = m_store->parseCount();
    for (int i = 0; i < 20; ++i)
        QCOMPARE(m_store->identityPolicies(userArn(u"alice"_s))->size(), 1);
    QCOMPARE(m_store->parseCount(), before + 1);
    // A changed document (here written by "another process": a second store) is read at once.
    PrincipalStore other(m_fixture->vault());
    const QString allowDecrypt = QString(kAllowEncrypt).replace(u"kms:Encrypt"_s, u"kms:Decrypt"_s);
    QVERIFY(other.putPolicy(m_root, PrincipalKind::User, u"alice"_s, u"p"_s, allowDecrypt));
    auto docs = m_store->identityPolicies(userArn(u"alice"_s));
    QCOMPARE(docs->first().statements.first().actions, QStringList{u"kms:Decrypt"_s});
    QCOMPARE(m_store->parseCount(), before + 2);
}

void TestIam::accessKeys()
{
    QVERIFY(m_store->createUser(m_root, u"alice"_s));
    auto key = m_store->createAccessKey(m_root, u"alice"_s);
    QVERIFY2(key, qPrintable(why(key)));
    QVERIFY(key->info.accessKeyId.startsWith(u"AKIA"_s));
    QCOMPARE(key->info.accessKeyId.size(), 20);
    QCOMPARE(key->secretAccessKey.size(), 40);
    QCOMPARE(key->info.status, u"Active"_s);

    // The secret is stored wrapped, never as itself.
    auto db = m_fixture->vault().accountDb();
    auto q = (*db)->prepare(u"SELECT secret_wrapped FROM access_keys"_s);
    QVERIFY(q && q->step().value_or(false));
    QVERIFY(!q->columnBlob(0).contains(key->secretAccessKey.toByteArray()));
    auto secret = m_store->accessKeySecret(key->info.accessKeyId);
    QVERIFY(secret);
    QCOMPARE(secret->first, userArn(u"alice"_s));
    QCOMPARE(secret->second.toByteArray(), key->secretAccessKey.toByteArray());
    QCOMPARE(errorType(m_store->accessKeySecret(u"AKIAAAAAAAAAAAAAAAAA"_s)), iam::errors::NoSuchEntity);

    QVERIFY(m_store->createAccessKey(m_root, u"alice"_s));
    QCOMPARE(errorType(m_store->createAccessKey(m_root, u"alice"_s)), qkms::errors::LimitExceeded);
    QCOMPARE(m_store->listAccessKeys(m_root, u"alice"_s)->size(), 2);
    auto conflict = m_store->deletePrincipal(m_root, PrincipalKind::User, u"alice"_s);
    QCOMPARE(errorType(conflict), iam::errors::DeleteConflict);
    QCOMPARE(conflict.error().message, u"Cannot delete entity, must delete access keys first."_s);
}

void TestIam::principalsSurviveReopening()
{
    QVERIFY(m_store->createUser(m_root, u"alice"_s));
    QVERIFY(m_store->putPolicy(m_root, PrincipalKind::User, u"alice"_s, u"p"_s, kAllowEncrypt));
    m_store.reset();
    m_fixture->close();
    auto again = m_fixture->openAgain();
    QVERIFY(again);
    PrincipalStore store(*again);
    QVERIFY(store.exists(u"arn:aws:iam::%1:user/alice"_s.arg(again->accountId())));
    QCOMPARE(store.identityPolicies(u"arn:aws:iam::%1:user/alice"_s.arg(again->accountId()))->size(), 1);
    again->lock();
    QCOMPARE(errorType(store.list(store.rootArn(), PrincipalKind::User)), qkms::errors::Vault);
}

QKMS_TEST_MAIN(TestIam)
#include "tst_iam.moc"
