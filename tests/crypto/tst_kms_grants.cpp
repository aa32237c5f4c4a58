// Grants: CreateGrant with constraints and Name idempotency, the authorizer consulting them on
// real calls, ListGrants / ListRetirableGrants, RetireGrant, RevokeGrant, grant tokens, and
// region migration 3.

#include "EngineTest.h"
#include "TestMain.h"
#include "iam/PrincipalStore.h"
#include "kms/AuditLog.h"
#include "kms/KmsService.h"
#include "store/Database.h"

#include <QJsonArray>
#include <QJsonDocument>

using namespace qkms;
using namespace qkms::kms;
using namespace qkms::test;
using namespace Qt::StringLiterals;

namespace {

QCA::SecureArray plaintext()
{
    return QCA::SecureArray(QByteArrayLiteral("grant me"));
}

} // namespace

class TestKmsGrants : public QObject, protected test::EngineTest
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void migrationThreeMakesTheGrantsTable();
    void userWithOnlyAGrant();
    void encryptionContextEquals();
    void grantCannotOverrideADeny();
    void nameIdempotency();
    void createGrantValidation();
    void grantsThatCreateGrants();
    void listGrantsAndPaging();
    void retireAndRevoke();
    void grantTokens();
    void deletedKeyTakesItsGrants();

private:
    KeyRecord m_key;

    CreateGrantRequest grantFor(const QString &user, const QStringList &operations,
                                GrantConstraints::Type type = GrantConstraints::Type::None,
                                const EncryptionContext &context = {}) const
    {
        CreateGrantRequest r;
        r.keyId = m_key.keyId;
        r.granteePrincipal = arn(user);
        r.operations = operations;
        r.constraints.type = type;
        r.constraints.context = context;
        return r;
    }
    CreateGrantResponse grant(const CreateGrantRequest &r, const Caller *by = nullptr)
    {
        auto g = m_svc->createGrant(by ? *by : m_root, r);
        if (!g)
            qFatal("createGrant: %s", qPrintable(why(g)));
        return *g;
    }
};

void TestKmsGrants::init()
{
    QVERIFY(openEngine());
    QVERIFY(createUsers());
    auto k = m_svc->createKey(m_root, {});
    QVERIFY(k);
    m_key = *k;
}

void TestKmsGrants::cleanup()
{
    closeEngine();
}

void TestKmsGrants::migrationThreeMakesTheGrantsTable()
{
    // Migration 3 made the grants tables; later migrations keep them.
    QVERIFY(m_svc->database().userVersion().value_or(-1) >= 3);
    auto q = m_svc->database().prepare(u"SELECT COUNT(*) FROM sqlite_master WHERE name IN ('grants', 'grants_by_key', "
                                       "'grants_by_retiring')"_s);
    QVERIFY(q && q->step().value_or(false));
    QCOMPARE(q->columnInt(0), 3);
}

void TestKmsGrants::userWithOnlyAGrant()
{
    // The default key policy and no identity policy: alice can do nothing until a grant says so.
    QCOMPARE(errorType(m_svc->encrypt(as(u"alice"_s), m_key.keyId, plaintext(), {{u"Department"_s, u"IT"_s}})),
             errors::AccessDenied);
    grant(grantFor(u"alice"_s, {u"Encrypt"_s, u"Decrypt"_s, u"DescribeKey"_s}, GrantConstraints::Type::EncryptionContextSubset,
                   {{u"Department"_s, u"IT"_s}}));

    auto blob = m_svc->encrypt(as(u"alice"_s), m_key.keyId, plaintext(), {{u"Department"_s, u"IT"_s}, {u"Project"_s, u"x"_s}});
    QVERIFY2(blob, qPrintable(m_svc->lastDecisionTrace()));
    QVERIFY(m_svc->lastDecisionTrace().startsWith(u"Allowed: allowed by a grant: grant "_s));
    QVERIFY(m_svc->decrypt(as(u"alice"_s), blob->ciphertextBlob, {{u"Department"_s, u"IT"_s}, {u"Project"_s, u"x"_s}}));
    // Constraint keys compare without case, values with case (AWS GrantConstraints).
    QVERIFY(m_svc->encrypt(as(u"alice"_s), m_key.keyId, plaintext(), {{u"department"_s, u"IT"_s}}));
    QCOMPARE(errorType(m_svc->encrypt(as(u"alice"_s), m_key.keyId, plaintext(), {{u"Department"_s, u"it"_s}})),
             errors::AccessDenied);
    QCOMPARE(errorType(m_svc->encrypt(as(u"alice"_s), m_key.keyId, plaintext())), errors::AccessDenied);
    // DescribeKey takes no context: the constraint does not apply to it.
    QVERIFY(m_svc->describeKey(as(u"alice"_s), m_key.keyId));
    // Only listed operations, only the grantee.
    QCOMPARE(errorType(m_svc->generateDataKey(as(u"alice"_s), m_key.keyId, {{u"Department"_s, u"IT"_s}}, u"AES_256"_s,
                                              std::nullopt)),
             errors::AccessDenied);
    QCOMPARE(errorType(m_svc->encrypt(as(u"bob"_s), m_key.keyId, plaintext(), {{u"Department"_s, u"IT"_s}})),
             errors::AccessDenied);
    // The simulator sees the grant too.
    auto d = m_svc->simulate(m_root, arn(u"alice"_s), u"kms:Encrypt"_s, m_key.keyId, {{u"Department"_s, u"IT"_s}});
    QVERIFY(d && d->allowed() && d->grantAllows);
}

void TestKmsGrants::encryptionContextEquals()
{
    grant(grantFor(u"alice"_s, {u"Encrypt"_s}, GrantConstraints::Type::EncryptionContextEquals,
                   {{u"Department"_s, u"IT"_s}}));
    QVERIFY(m_svc->encrypt(as(u"alice"_s), m_key.keyId, plaintext(), {{u"DEPARTMENT"_s, u"IT"_s}}));
    QCOMPARE(errorType(m_svc->encrypt(as(u"alice"_s), m_key.keyId, plaintext(),
                                      {{u"Department"_s, u"IT"_s}, {u"Project"_s, u"x"_s}})),
             errors::AccessDenied);
    QCOMPARE(errorType(m_svc->encrypt(as(u"alice"_s), m_key.keyId, plaintext())), errors::AccessDenied);
}

void TestKmsGrants::grantCannotOverrideADeny()
{
    grant(grantFor(u"alice"_s, {u"Encrypt"_s}));
    QVERIFY(m_svc->encrypt(as(u"alice"_s), m_key.keyId, plaintext()));
    QVERIFY(m_svc->principals().putPolicy(m_root.principalArn, iam::PrincipalKind::User, u"alice"_s, u"NoEncrypt"_s,
                                          uR"({"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"kms:Encrypt","Resource":"*"}]})"_s));
    auto denied = m_svc->encrypt(as(u"alice"_s), m_key.keyId, plaintext());
    QCOMPARE(errorType(denied), errors::AccessDenied);
    QVERIFY(denied.error().message.endsWith(u"with an explicit deny in an identity-based policy"_s));
}

void TestKmsGrants::nameIdempotency()
{
    CreateGrantRequest r = grantFor(u"alice"_s, {u"Encrypt"_s, u"Decrypt"_s});
    r.name = u"app-server/1"_s;
    const CreateGrantResponse first = grant(r);
    QCOMPARE(first.grantId.size(), 64);
    // The same Name and parameters: the same grant, a new token.
    std::swap(r.operations[0], r.operations[1]);
    const CreateGrantResponse again = grant(r);
    QCOMPARE(again.grantId, first.grantId);
    QVERIFY(again.grantToken != first.grantToken);
    // The same Name with other parameters: a new grant.
    r.operations = {u"Encrypt"_s};
    QVERIFY(grant(r).grantId != first.grantId);
    QCOMPARE(m_svc->listGrants(m_root, m_key.keyId)->grants.size(), 2);
    // Without a Name every call makes a grant.
    r.name.clear();
    QVERIFY(grant(r).grantId != grant(r).grantId);
}

void TestKmsGrants::createGrantValidation()
{
    QCOMPARE(errorType(m_svc->createGrant(m_root, grantFor(u"alice"_s, {}))), errors::Validation);
    QCOMPARE(errorType(m_svc->createGrant(m_root, grantFor(u"alice"_s, {u"PutKeyPolicy"_s}))), errors::Validation);
    auto sign = m_svc->createGrant(m_root, grantFor(u"alice"_s, {u"Sign"_s}));
    QCOMPARE(errorType(sign), errors::Validation);
    QVERIFY(sign.error().message.contains(u"Sign"_s));
    QCOMPARE(errorType(m_svc->createGrant(m_root, grantFor(u"nobody"_s, {u"Encrypt"_s}))), errors::Validation);
    CreateGrantRequest badName = grantFor(u"alice"_s, {u"Encrypt"_s});
    badName.name = u"has space"_s;
    QCOMPARE(errorType(m_svc->createGrant(m_root, badName)), errors::Validation);
    EncryptionContext nine;
    for (int i = 0; i < 9; ++i)
        nine.insert(u"k%1"_s.arg(i), u"v"_s);
    QCOMPARE(errorType(m_svc->createGrant(m_root, grantFor(u"alice"_s, {u"Encrypt"_s},
                                                           GrantConstraints::Type::EncryptionContextSubset, nine))),
             errors::Validation);
    // Asymmetric keys take no encryption context, so no constraint either.
    CreateKeyRequest rsa;
    rsa.keySpec = u"RSA_2048"_s;
    auto rsaKey = m_svc->createKey(m_root, rsa);
    QVERIFY(rsaKey);
    CreateGrantRequest constrained = grantFor(u"alice"_s, {u"Decrypt"_s}, GrantConstraints::Type::EncryptionContextSubset,
                                              {{u"a"_s, u"b"_s}});
    constrained.keyId = rsaKey->keyId;
    QCOMPARE(errorType(m_svc->createGrant(m_root, constrained)), errors::Validation);
    // A user without kms:CreateGrant cannot make grants; a disabled key refuses them.
    QCOMPARE(errorType(m_svc->createGrant(as(u"alice"_s), grantFor(u"alice"_s, {u"Encrypt"_s}))), errors::AccessDenied);
    QVERIFY(m_svc->disableKey(m_root, m_key.keyId));
    QCOMPARE(errorType(m_svc->createGrant(m_root, grantFor(u"alice"_s, {u"Encrypt"_s}))), errors::Disabled);
}

void TestKmsGrants::grantsThatCreateGrants()
{
    grant(grantFor(u"alice"_s, {u"Encrypt"_s, u"CreateGrant"_s}, GrantConstraints::Type::EncryptionContextSubset,
                   {{u"Team"_s, u"A"_s}}));
    const Caller alice = as(u"alice"_s);
    // Stricter (more pairs) is fine; looser, or an operation alice's grant lacks, is not.
    QVERIFY(m_svc->createGrant(alice, grantFor(u"bob"_s, {u"Encrypt"_s}, GrantConstraints::Type::EncryptionContextSubset,
                                               {{u"Team"_s, u"A"_s}, {u"Env"_s, u"prod"_s}})));
    QCOMPARE(errorType(m_svc->createGrant(alice, grantFor(u"bob"_s, {u"Encrypt"_s}))), errors::AccessDenied);
    QCOMPARE(errorType(m_svc->createGrant(alice, grantFor(u"bob"_s, {u"Decrypt"_s}, GrantConstraints::Type::EncryptionContextSubset,
                                                          {{u"Team"_s, u"A"_s}}))),
             errors::AccessDenied);
    QVERIFY(m_svc->encrypt(as(u"bob"_s), m_key.keyId, plaintext(), {{u"Team"_s, u"A"_s}, {u"Env"_s, u"prod"_s}}));
    QCOMPARE(errorType(m_svc->encrypt(as(u"bob"_s), m_key.keyId, plaintext(), {{u"Team"_s, u"A"_s}})), errors::AccessDenied);
}

void TestKmsGrants::listGrantsAndPaging()
{
    CreateGrantRequest r = grantFor(u"alice"_s, {u"Encrypt"_s}, GrantConstraints::Type::EncryptionContextSubset,
                                    {{u"Department"_s, u"IT"_s}});
    r.retiringPrincipal = arn(u"bob"_s);
    r.name = u"first"_s;
    const QString first = grant(r).grantId;
    const QString second = grant(grantFor(u"carol"_s, {u"Decrypt"_s})).grantId;
    const QString third = grant(grantFor(u"alice"_s, {u"Decrypt"_s})).grantId;

    auto all = m_svc->listGrants(m_root, m_key.arn);
    QVERIFY(all);
    QCOMPARE(all->grants.size(), 3);
    QVERIFY(!all->nextMarker);
    const QJsonObject entry = all->grants.first().toJson();
    QCOMPARE(entry.value(u"KeyId").toString(), m_key.arn);
    QCOMPARE(entry.value(u"GrantId").toString(), first);
    QCOMPARE(entry.value(u"Name").toString(), u"first"_s);
    QCOMPARE(entry.value(u"GranteePrincipal").toString(), arn(u"alice"_s));
    QCOMPARE(entry.value(u"RetiringPrincipal").toString(), arn(u"bob"_s));
    QCOMPARE(entry.value(u"IssuingAccount").toString(), m_svc->rootArn());
    QCOMPARE(entry.value(u"Operations").toArray().first().toString(), u"Encrypt"_s);
    QCOMPARE(entry.value(u"Constraints").toObject().value(u"EncryptionContextSubset").toObject().value(u"Department").toString(),
             u"IT"_s);
    QCOMPARE(entry.value(u"CreationDate").toDouble(), awsTimestamp(m_fixture->clock().now()));

    auto page1 = m_svc->listGrants(m_root, m_key.keyId, 2);
    QCOMPARE(page1->grants.size(), 2);
    QCOMPARE(page1->nextMarker.value_or(QString()), second);
    auto page2 = m_svc->listGrants(m_root, m_key.keyId, 2, *page1->nextMarker);
    QCOMPARE(page2->grants.size(), 1);
    QCOMPARE(page2->grants.first().grantId, third);
    QCOMPARE(errorType(m_svc->listGrants(m_root, m_key.keyId, 2, u"nonsense"_s)), errors::InvalidMarker);
    QCOMPARE(errorType(m_svc->listGrants(m_root, m_key.keyId, 101)), errors::Validation);
    QCOMPARE(m_svc->listGrants(m_root, m_key.keyId, 50, {}, second)->grants.size(), 1);
    QCOMPARE(m_svc->listGrants(m_root, m_key.keyId, 50, {}, {}, arn(u"alice"_s))->grants.size(), 2);
    QCOMPARE(errorType(m_svc->listGrants(m_root, m_key.keyId, 50, {}, u"bad-id"_s)), errors::InvalidGrantId);
    QCOMPARE(errorType(m_svc->listGrants(as(u"alice"_s), m_key.keyId)), errors::AccessDenied);

    auto retirable = m_svc->listRetirableGrants(m_root, arn(u"bob"_s));
    QVERIFY(retirable);
    QCOMPARE(retirable->grants.size(), 1);
    QCOMPARE(retirable->grants.first().grantId, first);
    QVERIFY(m_svc->listRetirableGrants(m_root, arn(u"carol"_s))->grants.isEmpty());
    // ListRetirableGrants has no key: identity policies decide.
    QCOMPARE(errorType(m_svc->listRetirableGrants(as(u"bob"_s), arn(u"bob"_s))), errors::AccessDenied);
}

void TestKmsGrants::retireAndRevoke()
{
    CreateGrantRequest r = grantFor(u"alice"_s, {u"Encrypt"_s});
    r.retiringPrincipal = arn(u"bob"_s);
    const CreateGrantResponse byToken = grant(r);
    const CreateGrantResponse byGrantee = grant(grantFor(u"alice"_s, {u"Decrypt"_s, u"RetireGrant"_s}));
    const CreateGrantResponse byRoot = grant(grantFor(u"carol"_s, {u"Encrypt"_s}));
    const CreateGrantResponse revoked = grant(grantFor(u"carol"_s, {u"Decrypt"_s}));
    QVERIFY(m_svc->encrypt(as(u"alice"_s), m_key.keyId, plaintext()));

    // Someone the grant does not name cannot retire it.
    auto denied = m_svc->retireGrant(as(u"carol"_s), byToken.grantToken);
    QCOMPARE(errorType(denied), errors::AccessDenied);
    QVERIFY(m_svc->retireGrant(as(u"bob"_s), byToken.grantToken));
    QCOMPARE(errorType(m_svc->encrypt(as(u"alice"_s), m_key.keyId, plaintext())), errors::AccessDenied);
    QCOMPARE(errorType(m_svc->retireGrant(as(u"bob"_s), byToken.grantToken)), errors::NotFound);

    QVERIFY(m_svc->retireGrant(as(u"alice"_s), {}, m_key.keyId, byGrantee.grantId));
    QVERIFY(m_svc->retireGrant(m_root, {}, m_key.arn, byRoot.grantId));
    QCOMPARE(errorType(m_svc->retireGrant(m_root, {}, m_key.keyId, u"123"_s)), errors::InvalidGrantId);
    QCOMPARE(errorType(m_svc->retireGrant(m_root, u"not-a-token"_s)), errors::InvalidGrantToken);
    QCOMPARE(errorType(m_svc->retireGrant(m_root, {})), errors::Validation);

    // RevokeGrant is a policy-controlled administrator action.
    QCOMPARE(errorType(m_svc->revokeGrant(as(u"carol"_s), m_key.keyId, revoked.grantId)), errors::AccessDenied);
    QVERIFY(m_svc->revokeGrant(m_root, m_key.keyId, revoked.grantId));
    QCOMPARE(errorType(m_svc->revokeGrant(m_root, m_key.keyId, revoked.grantId)), errors::NotFound);
    QVERIFY(m_svc->listGrants(m_root, m_key.keyId)->grants.isEmpty());

    // The audit says who retired or revoked what, and never holds a grant token.
    auto events = m_svc->audit().events();
    QStringList names;
    for (const QJsonObject &e : *events) {
        names.append(e.value(u"eventName").toString());
        QVERIFY(!QJsonDocument(e).toJson().contains(byToken.grantToken.toLatin1()));
    }
    QVERIFY(names.contains(u"RetireGrant"_s));
    QVERIFY(names.contains(u"RevokeGrant"_s));
    QVERIFY(m_svc->audit().verify()->intact());
}

void TestKmsGrants::grantTokens()
{
    const CreateGrantResponse g = grant(grantFor(u"alice"_s, {u"Encrypt"_s}));
    QVERIFY(m_svc->checkGrantTokens({g.grantToken}));
    QVERIFY(m_svc->checkGrantTokens({}));
    // A token is sealed under the vault's domain key: an edited one is refused.
    QString tampered = g.grantToken;
    tampered[10] = tampered[10] == u'A' ? u'B' : u'A';
    QCOMPARE(errorType(m_svc->checkGrantTokens({tampered})), errors::InvalidGrantToken);
    QCOMPARE(errorType(m_svc->checkGrantTokens({u""_s})), errors::Validation);
    QCOMPARE(errorType(m_svc->checkGrantTokens(QStringList(11, g.grantToken))), errors::Validation);
    // Another vault's token is not ours.
    test::VaultFixture other;
    auto otherSvc = KmsService::open(other.vault(), u"us-east-1"_s);
    QVERIFY(otherSvc);
    QCOMPARE(errorType((*otherSvc)->checkGrantTokens({g.grantToken})), errors::InvalidGrantToken);
    // CreateGrant checks the tokens it is given.
    CreateGrantRequest r = grantFor(u"bob"_s, {u"Encrypt"_s});
    r.grantTokens = {tampered};
    QCOMPARE(errorType(m_svc->createGrant(m_root, r)), errors::InvalidGrantToken);
}

void TestKmsGrants::deletedKeyTakesItsGrants()
{
    CreateGrantRequest r = grantFor(u"alice"_s, {u"Encrypt"_s});
    r.retiringPrincipal = arn(u"bob"_s);
    grant(r);
    QVERIFY(m_svc->scheduleKeyDeletion(m_root, m_key.keyId, 7));
    m_fixture->clock().advanceDays(8);
    QCOMPARE(m_svc->runDueDeletions().value_or(0), 1);
    QVERIFY(m_svc->listRetirableGrants(m_root, arn(u"bob"_s))->grants.isEmpty());
}

QKMS_TEST_MAIN(TestKmsGrants)
#include "tst_kms_grants.moc"
