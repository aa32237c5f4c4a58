// IAM access keys (crypto/iam/AccessKeys): create, list, status changes, deletion, the lookup
// that authenticates endpoint requests, and the secret never reaching the disk in the clear.

#include "TestMain.h"
#include "VaultFixture.h"
#include "iam/AccessKeys.h"
#include "iam/PrincipalStore.h"

#include <QRegularExpression>
#include <QTest>

using namespace Qt::StringLiterals;
using qkms::iam::PrincipalKind;

class TestAccessKeys : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void lifecycle()
    {
        qkms::test::VaultFixture fx;
        qkms::iam::PrincipalStore principals(fx.vault());
        qkms::iam::AccessKeys keys(fx.vault(), principals);
        const QString root = principals.rootArn();
        QVERIFY(principals.createUser(root, u"alice"_s).has_value());
        QVERIFY(principals.createUser(root, u"bob"_s).has_value());

        auto created = keys.create(root, u"alice"_s);
        QVERIFY(created.has_value());
        const QString id = created->info.accessKeyId;
        QVERIFY(QRegularExpression(u"^AKIA[A-Z2-7]{16}$"_s).match(id).hasMatch());
        QCOMPARE(created->secretAccessKey.size(), 40);
        QCOMPARE(created->info.status, u"Active"_s);

        // The lookup gives the user's ARN and the same secret.
        auto secret = keys.secret(id);
        QVERIFY(secret.has_value());
        QVERIFY(secret->first.endsWith(u":user/alice"_s));
        QCOMPARE(secret->second.toByteArray(), created->secretAccessKey.toByteArray());
        // The secret is wrapped on disk, never in the clear.
        QVERIFY(!qkms::test::allFileBytes(fx.dir()).contains(created->secretAccessKey.toByteArray()));

        auto listed = keys.list(root, u"alice"_s);
        QVERIFY(listed.has_value());
        QCOMPARE(listed->size(), 1);
        QCOMPARE(listed->first().accessKeyId, id);
        QCOMPARE(keys.listAll(root)->size(), 1);

        // Inactive: no lookup; Active again: back.
        QVERIFY(keys.updateStatus(root, u"alice"_s, id, u"Inactive"_s).has_value());
        QCOMPARE(keys.list(root, u"alice"_s)->first().status, u"Inactive"_s);
        QVERIFY(!keys.secret(id).has_value());
        QVERIFY(keys.updateStatus(root, u"alice"_s, id, u"Active"_s).has_value());
        QVERIFY(keys.secret(id).has_value());

        // A user with keys cannot be deleted; after DeleteAccessKey it can.
        QCOMPARE(principals.deletePrincipal(root, PrincipalKind::User, u"alice"_s).error().type,
                 qkms::iam::errors::DeleteConflict);
        QVERIFY(keys.remove(root, u"alice"_s, id).has_value());
        QVERIFY(!keys.secret(id).has_value());
        QVERIFY(keys.list(root, u"alice"_s)->isEmpty());
        QVERIFY(principals.deletePrincipal(root, PrincipalKind::User, u"alice"_s).has_value());
    }

    void refusals()
    {
        qkms::test::VaultFixture fx;
        qkms::iam::PrincipalStore principals(fx.vault());
        qkms::iam::AccessKeys keys(fx.vault(), principals);
        const QString root = principals.rootArn();
        QVERIFY(principals.createUser(root, u"alice"_s).has_value());
        QVERIFY(principals.createUser(root, u"bob"_s).has_value());
        const QString id = keys.create(root, u"alice"_s)->info.accessKeyId;

        QCOMPARE(keys.updateStatus(root, u"alice"_s, id, u"Paused"_s).error().type, qkms::errors::Validation);
        // Another user's key, an unknown key, an unknown user.
        QCOMPARE(keys.remove(root, u"bob"_s, id).error().type, qkms::iam::errors::NoSuchEntity);
        QCOMPARE(keys.updateStatus(root, u"alice"_s, u"AKIAAAAAAAAAAAAAAAAA"_s, u"Inactive"_s).error().type,
                 qkms::iam::errors::NoSuchEntity);
        QCOMPARE(keys.create(root, u"carol"_s).error().type, qkms::iam::errors::NoSuchEntity);
        // Only the account root manages keys.
        const QString alice = principals.get(root, PrincipalKind::User, u"alice"_s)->arn;
        QCOMPARE(keys.create(alice, u"alice"_s).error().type, qkms::errors::AccessDenied);
        QCOMPARE(keys.remove(alice, u"alice"_s, id).error().type, qkms::errors::AccessDenied);
        QCOMPARE(keys.updateStatus(alice, u"alice"_s, id, u"Inactive"_s).error().type, qkms::errors::AccessDenied);
        // IAM's quota: two keys per user.
        QVERIFY(keys.create(root, u"alice"_s).has_value());
        QCOMPARE(keys.create(root, u"alice"_s).error().type, qkms::errors::LimitExceeded);
        QVERIFY(keys.secret(id).has_value()); // refusals changed nothing
    }
};

QKMS_TEST_MAIN(TestAccessKeys)
#include "tst_access_keys.moc"
