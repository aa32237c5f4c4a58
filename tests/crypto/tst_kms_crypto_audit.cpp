// ReEncrypt, material versions named in blobs, what the authorization hook is asked by the crypto
// operations, and their audit: one event per call, success or failure, never the plaintext.

#include "EngineTest.h"
#include "TestMain.h"
#include "kms/AuditLog.h"
#include "kms/CiphertextBlob.h"
#include "kms/KeyRows.h"
#include "kms/KmsService.h"
#include "primitives/Primitives.h"
#include "vault/Vault.h"

#include <QJsonDocument>

using namespace qkms;
using namespace qkms::kms;
using namespace qkms::test;

class TestKmsCryptoAudit : public QObject, protected test::EngineTest
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void reEncrypt();
    void materialVersionNamedInBlobIsUsed();
    void authorizationRequests();
    void auditOneEventPerCallWithoutPlaintext();
};

void TestKmsCryptoAudit::init()
{
    QVERIFY(openEngine());
}

void TestKmsCryptoAudit::cleanup()
{
    closeEngine();
}

void TestKmsCryptoAudit::reEncrypt()
{
    const KeyRecord a = create();
    const KeyRecord b = create();
    const QByteArray blob = encrypt(a, "move me", ctx({{"from", "a"}}));
    auto moved = m_svc->reEncrypt(m_root, blob, b.arn, ctx({{"from", "a"}}), ctx({{"to", "b"}}));
    QVERIFY2(moved, qPrintable(errorOf(moved).toString()));
    QCOMPARE(moved->sourceKeyArn, a.arn);
    QCOMPARE(moved->keyArn, b.arn);
    QCOMPARE(moved->sourceEncryptionAlgorithm, QStringLiteral("SYMMETRIC_DEFAULT"));
    QCOMPARE(moved->destinationEncryptionAlgorithm, QStringLiteral("SYMMETRIC_DEFAULT"));
    auto dec = m_svc->decrypt(m_root, moved->ciphertextBlob, ctx({{"to", "b"}}));
    QVERIFY(dec);
    QCOMPARE(dec->plaintext.toByteArray(), QByteArray("move me"));
    QCOMPARE(dec->keyArn, b.arn);
    QCOMPARE(errorOf(m_svc->decrypt(m_root, moved->ciphertextBlob, ctx({{"from", "a"}}))).type, errors::InvalidCiphertext);
    QVERIFY(m_svc->reEncrypt(m_root, blob, a.keyId, ctx({{"from", "a"}}), {}, a.arn)); // same key, new context

    QCOMPARE(errorOf(m_svc->reEncrypt(m_root, blob, b.keyId, ctx({{"from", "x"}}))).type, errors::InvalidCiphertext);
    const EncryptionContext from = ctx({{"from", "a"}});
    QCOMPARE(errorOf(m_svc->reEncrypt(m_root, blob, b.keyId, from, {}, b.keyId)).type, errors::IncorrectKey);
    QCOMPARE(errorOf(m_svc->reEncrypt(m_root, blob, QStringLiteral("alias/none"), from)).type, errors::NotFound);
    const KeyRecord rsa = create(QStringLiteral("RSA_2048"), QStringLiteral("ENCRYPT_DECRYPT"));
    QCOMPARE(errorOf(m_svc->reEncrypt(m_root, blob, rsa.keyId, ctx({{"from", "a"}}))).type, errors::InvalidKeyUsage);
}

void TestKmsCryptoAudit::materialVersionNamedInBlobIsUsed()
{
    KeyRecord k = create();
    const QByteArray v1 = encrypt(k, "old");
    // Add material version 2 as a rotation will, and make it current.
    auto wrapped = m_fixture->vault().wrapMaterial(crypto::randomSecret(32), rows::materialBinding(k.arn, 2));
    QVERIFY(wrapped);
    QVERIFY(rows::insertMaterial(m_svc->database(), k.keyId, 2, QString(64, u'2'), *wrapped, {}, m_fixture->clock().now(),
                                 QStringLiteral("ON_DEMAND")));
    k.currentVersion = 2;
    QVERIFY(m_svc->saveKey(k));
    const QByteArray v2 = encrypt(k, "new");
    QCOMPARE(CiphertextBlob::parse(v1)->materialVersion(), 1u);
    QCOMPARE(CiphertextBlob::parse(v2)->materialVersion(), 2u);
    QCOMPARE(m_svc->decrypt(m_root, v1)->plaintext.toByteArray(), QByteArray("old"));
    QCOMPARE(m_svc->decrypt(m_root, v2)->plaintext.toByteArray(), QByteArray("new"));
    // Naming another version (existing or not) fails: the version is authenticated.
    for (const char *version : {"00000001", "00000003"}) {
        QByteArray forged = v2;
        forged.replace(19, 4, QByteArray::fromHex(version));
        QCOMPARE(errorOf(m_svc->decrypt(m_root, forged)).type, errors::InvalidCiphertext);
    }
}

void TestKmsCryptoAudit::authorizationRequests()
{
    struct Seen { QString action, keyArn; EncryptionContext context; QMap<QString, QStringList> conditions; };
    QList<Seen> seen;
    m_svc->setAuthorizer([&](const AuthRequest &r) -> Status {
        seen.append({r.action, r.key ? r.key->arn : QString(), r.encryptionContext, r.conditions});
        if (r.caller->principalArn != m_svc->rootArn())
            return fail(errors::AccessDenied, QStringLiteral("denied"));
        return {};
    });
    const KeyRecord a = create();
    const KeyRecord b = create();
    seen.clear();
    const QByteArray blob = encrypt(a, "authz", ctx({{"k", "v"}}));
    QVERIFY(m_svc->decrypt(m_root, blob, ctx({{"k", "v"}})));
    QVERIFY(m_svc->reEncrypt(m_root, blob, b.keyId, ctx({{"k", "v"}}), ctx({{"k2", "v2"}})));
    QCOMPARE(seen.size(), 4);
    const QStringList sym{QStringLiteral("SYMMETRIC_DEFAULT")};
    QCOMPARE(seen[0].action, QStringLiteral("kms:Encrypt"));
    QCOMPARE(seen[0].keyArn, a.arn);
    QCOMPARE(seen[0].context, ctx({{"k", "v"}}));
    QCOMPARE(seen[0].conditions.value(QStringLiteral("kms:EncryptionAlgorithm")), sym);
    QCOMPARE(seen[1].action, QStringLiteral("kms:Decrypt"));
    QCOMPARE(seen[2].action, QStringLiteral("kms:ReEncryptFrom"));
    QCOMPARE(seen[2].keyArn, a.arn);
    QCOMPARE(seen[2].conditions.value(QStringLiteral("kms:ReEncryptOnSameKey")), QStringList{QStringLiteral("false")});
    QCOMPARE(seen[3].action, QStringLiteral("kms:ReEncryptTo"));
    QCOMPARE(seen[3].keyArn, b.arn);
    QCOMPARE(seen[3].context, ctx({{"k2", "v2"}}));

    const Caller alice{QStringLiteral("arn:aws:iam::%1:user/alice").arg(m_svc->accountId()), QStringLiteral("cli"), {}};
    QCOMPARE(errorOf(m_svc->encrypt(alice, a.keyId, secret("x"))).type, errors::AccessDenied);
    QCOMPARE(errorOf(m_svc->decrypt(alice, blob, ctx({{"k", "v"}}))).type, errors::AccessDenied);
}

void TestKmsCryptoAudit::auditOneEventPerCallWithoutPlaintext()
{
    const QByteArray marker("QKMS-PLAINTEXT-MARKER-7f3a91");
    const KeyRecord k = create();
    const KeyRecord other = create();
    struct Call { const char *eventName; bool ok; std::function<bool()> run; };
    QByteArray blob;
    const QList<Call> calls{
        {"Encrypt", true, [&] { auto r = m_svc->encrypt(m_root, k.keyId, secret(marker), ctx({{"c", "1"}}));
                                blob = r ? r->ciphertextBlob : QByteArray(); return bool(r); }},
        {"Encrypt", false, [&] { return bool(m_svc->encrypt(m_root, k.keyId, secret(marker + QByteArray(4096, 'x')))); }},
        {"Decrypt", true, [&] { return bool(m_svc->decrypt(m_root, blob, ctx({{"c", "1"}}))); }},
        {"Decrypt", false, [&] { return bool(m_svc->decrypt(m_root, blob)); }},
        {"Decrypt", false, [&] { return bool(m_svc->decrypt(m_root, blob, ctx({{"c", "1"}}), other.keyId)); }},
        {"ReEncrypt", true, [&] { return bool(m_svc->reEncrypt(m_root, blob, other.keyId, ctx({{"c", "1"}}))); }},
        {"ReEncrypt", false, [&] { return bool(m_svc->reEncrypt(m_root, blob.left(60), other.keyId)); }},
    };
    for (const Call &call : calls) {
        const qsizetype before = eventCount();
        QCOMPARE(call.run(), call.ok);
        auto events = m_svc->audit().events(0, 0);
        QVERIFY(events);
        QCOMPARE(events->size(), before + 1);
        const QJsonObject e = events->last();
        QCOMPARE(e.value(u"eventName").toString(), QString::fromLatin1(call.eventName));
        QCOMPARE(e.contains(u"errorCode"), !call.ok);
    }
    QByteArray auditText;
    for (const QJsonObject &e : m_svc->audit().events().value_or(QList<QJsonObject>()))
        auditText += QJsonDocument(e).toJson(QJsonDocument::Compact);
    QVERIFY(auditText.contains("\"encryptionContext\":{\"c\":\"1\"}"));
    for (const QByteArray &needle : {marker, marker.toBase64(), marker.toHex()})
        QVERIFY2(!auditText.contains(needle), needle.constData());
    QVERIFY(!test::allFileBytes(m_fixture->dir()).contains(marker));
}

QKMS_TEST_MAIN(TestKmsCryptoAudit)
#include "tst_kms_crypto_audit.moc"
