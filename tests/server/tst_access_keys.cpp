// IAM access keys (crypto/iam/AccessKeys): create, list, status changes, deletion, the lookup
// that authenticates endpoint requests, and the secret never reaching the disk in the clear.

#include "SigV4.h"
#include "TestMain.h"
#include "VaultFixture.h"
#include "iam/AccessKeys.h"
#include "iam/PrincipalStore.h"

#include <QRegularExpression>
#include <QTest>

using namespace Qt::StringLiterals;
using qkms::iam::PrincipalKind;
using qkms::server::SigV4;

namespace {

// A request signed now by `accessKeyId`, as an SDK would send it to the endpoint.
qkms::server::SigV4Request signedRequest(const QString &accessKeyId, const QCA::SecureArray &secret,
                                         const QDateTime &now)
{
    qkms::server::SigV4Request r;
    r.method = "POST";
    r.headers = {{"Host", "127.0.0.1:4599"},
                 {"Content-Type", "application/x-amz-json-1.1"},
                 {"X-Amz-Target", "TrentService.ListKeys"}};
    r.body = "{}";
    if (!SigV4::sign(r, accessKeyId, secret, u"us-east-1"_s, now).has_value())
        return {};
    return r;
}

} // namespace

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

    void lookupsAreServedFromMemory()
    {
        qkms::test::VaultFixture fx;
        qkms::iam::PrincipalStore principals(fx.vault());
        qkms::iam::AccessKeys keys(fx.vault(), principals);
        const QString root = principals.rootArn();
        QVERIFY(principals.createUser(root, u"alice"_s).has_value());
        const auto created = keys.create(root, u"alice"_s);
        QVERIFY(created.has_value());
        const QString id = created->info.accessKeyId;

        for (int i = 0; i < 3; ++i) {
            auto secret = keys.secret(id);
            QVERIFY(secret.has_value());
            QCOMPARE(secret->second.toByteArray(), created->secretAccessKey.toByteArray());
        }
        QCOMPARE(keys.lookupReads(), 1);
        // Absence is not remembered: an unknown key is looked up every time.
        QVERIFY(!keys.secret(u"AKIAAAAAAAAAAAAAAAAA"_s).has_value());
        QVERIFY(!keys.secret(u"AKIAAAAAAAAAAAAAAAAA"_s).has_value());
        QCOMPARE(keys.lookupReads(), 3);

        // A write through this connection (another AccessKeys on the same vault handle) applies
        // to the very next lookup.
        qkms::iam::AccessKeys sameHandle(fx.vault(), principals);
        QVERIFY(sameHandle.updateStatus(root, u"alice"_s, id, u"Inactive"_s).has_value());
        QCOMPARE(keys.secret(id).error().type, qkms::iam::errors::NoSuchEntity);
        QVERIFY(sameHandle.updateStatus(root, u"alice"_s, id, u"Active"_s).has_value());
        QVERIFY(keys.secret(id).has_value());
        // Any other write to account.db also starts the cache afresh (it holds nothing stale).
        const int reads = keys.lookupReads();
        QVERIFY(principals.createUser(root, u"bob"_s).has_value());
        QVERIFY(keys.secret(id).has_value());
        QCOMPARE(keys.lookupReads(), reads + 1);

        // Locking the vault: no lookup, nothing served from memory.
        fx.vault().lock();
        QCOMPARE(keys.secret(id).error().type, qkms::errors::Vault);
        QCOMPARE(keys.lookupReads(), reads + 1);
    }

    void otherHandlesChangesApplyToNextVerify_data()
    {
        QTest::addColumn<QString>("change");
        QTest::newRow("UpdateAccessKey Inactive") << u"inactive"_s;
        QTest::newRow("DeleteAccessKey") << u"delete"_s;
    }

    // The endpoint's path: SigV4::verify with the AccessKeys lookup and a SigningKeyCache. Once
    // the signing key is cached, the key must still be refused on the very next request after
    // another vault handle (as another process would) deactivates or deletes it.
    void otherHandlesChangesApplyToNextVerify()
    {
        QFETCH(QString, change);
        qkms::test::VaultFixture fx;
        qkms::iam::PrincipalStore principals(fx.vault());
        qkms::iam::AccessKeys keys(fx.vault(), principals);
        qkms::server::SigningKeyCache signingKeys;
        const QString root = principals.rootArn();
        QVERIFY(principals.createUser(root, u"alice"_s).has_value());
        const auto created = keys.create(root, u"alice"_s);
        QVERIFY(created.has_value());
        const QString id = created->info.accessKeyId;
        const auto lookup = [&keys](const QString &asked) { return keys.secret(asked); };
        const auto verify = [&] {
            const QDateTime now = fx.clock().now();
            return SigV4::verify(signedRequest(id, created->secretAccessKey, now), now, lookup, u"kms"_s,
                                 &signingKeys);
        };

        for (int i = 0; i < 3; ++i) {
            auto identity = verify();
            QVERIFY2(identity.has_value(), qPrintable(identity ? QString() : identity.error().toString()));
            QVERIFY(identity->principalArn.endsWith(u":user/alice"_s));
        }
        QCOMPARE(keys.lookupReads(), 1);

        auto other = fx.openAgain();
        QVERIFY(other);
        qkms::iam::PrincipalStore otherPrincipals(*other);
        qkms::iam::AccessKeys otherKeys(*other, otherPrincipals);
        if (change == u"inactive")
            QVERIFY(otherKeys.updateStatus(root, u"alice"_s, id, u"Inactive"_s).has_value());
        else
            QVERIFY(otherKeys.remove(root, u"alice"_s, id).has_value());
        auto refused = verify();
        QVERIFY(!refused.has_value());
        QCOMPARE(refused.error().type, qkms::server::errors::UnrecognizedClient);
        QVERIFY(!verify().has_value()); // and stays refused

        if (change == u"inactive") {
            QVERIFY(otherKeys.updateStatus(root, u"alice"_s, id, u"Active"_s).has_value());
            QVERIFY(verify().has_value());
        }
    }
};

QKMS_TEST_MAIN(TestAccessKeys)
#include "tst_access_keys.moc"
