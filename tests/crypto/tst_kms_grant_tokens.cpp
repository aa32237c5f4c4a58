// GrantTokens on the operations that take them: a forged, foreign or malformed token fails the
// call with InvalidGrantTokenException (or ValidationException for the shape) before anything is
// done, and is audited; a valid token lets the grantee act at once.

#include "EngineTest.h"
#include "TestMain.h"
#include "iam/PrincipalStore.h"
#include "kms/AuditLog.h"

#include <functional>

using namespace qkms;
using namespace qkms::kms;
using namespace Qt::StringLiterals;
using test::errorType;
using test::why;

namespace {

/// One operation run with caller `c`; returns the error type or "<success>".
using Operation = std::function<QString(KmsService &, const Caller &)>;

} // namespace

Q_DECLARE_METATYPE(Operation)

class TestKmsGrantTokens : public QObject, protected test::EngineTest
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void everyOperationChecksTokens_data();
    void everyOperationChecksTokens();
    void tokenShape();
    void validTokenWorksAtOnce();

private:
    KeyRecord m_symmetric, m_rsa, m_ecc, m_hmac;
    QString m_validToken;
    QString m_tamperedToken;
    QString m_foreignToken;
    QByteArray m_blob;

    Caller withTokens(const QStringList &tokens) const
    {
        Caller c = m_root;
        c.grantTokens = tokens;
        return c;
    }
};

void TestKmsGrantTokens::initTestCase()
{
    QVERIFY(openEngine());
    QVERIFY(m_svc->principals().createUser(m_root.principalArn, u"alice"_s));
    m_symmetric = create(u"SYMMETRIC_DEFAULT"_s, u"ENCRYPT_DECRYPT"_s);
    m_rsa = create(u"RSA_2048"_s, u"ENCRYPT_DECRYPT"_s);
    m_ecc = create(u"ECC_NIST_P256"_s, u"SIGN_VERIFY"_s);
    m_hmac = create(u"HMAC_256"_s, u"GENERATE_VERIFY_MAC"_s);
    CreateGrantRequest g;
    g.keyId = m_symmetric.keyId;
    g.granteePrincipal = arn(u"alice"_s);
    g.operations = {u"Encrypt"_s, u"Decrypt"_s};
    auto granted = m_svc->createGrant(m_root, g);
    QVERIFY(granted);
    m_validToken = granted->grantToken;
    m_tamperedToken = m_validToken;
    m_tamperedToken[12] = m_tamperedToken[12] == u'A' ? u'B' : u'A';
    // A token another vault issued.
    test::VaultFixture other;
    auto otherSvc = KmsService::open(other.vault(), u"us-east-1"_s);
    QVERIFY(otherSvc);
    const Caller otherRoot{(*otherSvc)->rootArn(), u"cli"_s, {}};
    auto otherKey = (*otherSvc)->createKey(otherRoot, {});
    QVERIFY(otherKey);
    CreateGrantRequest og = g;
    og.keyId = otherKey->keyId;
    og.granteePrincipal = (*otherSvc)->rootArn();
    auto foreign = (*otherSvc)->createGrant(otherRoot, og);
    QVERIFY2(foreign, qPrintable(why(foreign)));
    m_foreignToken = foreign->grantToken;
    auto blob = m_svc->encrypt(m_root, m_symmetric.keyId, QCA::SecureArray(QByteArray("tokens")));
    QVERIFY(blob);
    m_blob = blob->ciphertextBlob;
}

void TestKmsGrantTokens::cleanupTestCase()
{
    closeEngine();
}

void TestKmsGrantTokens::everyOperationChecksTokens_data()
{
    QTest::addColumn<Operation>("op");
    const QCA::SecureArray plain(QByteArray("p"));
    const QString sym = m_symmetric.keyId, rsa = m_rsa.keyId, ecc = m_ecc.keyId, hmac = m_hmac.keyId;
    const QByteArray blob = m_blob;
    const QByteArray digest(32, 'd');
    QTest::newRow("Encrypt") << Operation([=](KmsService &s, const Caller &c) { return errorType(s.encrypt(c, sym, plain)); });
    QTest::newRow("Decrypt") << Operation([=](KmsService &s, const Caller &c) { return errorType(s.decrypt(c, blob)); });
    QTest::newRow("ReEncrypt") << Operation([=](KmsService &s, const Caller &c) { return errorType(s.reEncrypt(c, blob, sym)); });
    QTest::newRow("GenerateDataKey") << Operation([=](KmsService &s, const Caller &c) {
        return errorType(s.generateDataKey(c, sym, {}, u"AES_256"_s, std::nullopt));
    });
    QTest::newRow("GenerateDataKeyWithoutPlaintext") << Operation([=](KmsService &s, const Caller &c) {
        return errorType(s.generateDataKey(c, sym, {}, std::nullopt, 16, false));
    });
    QTest::newRow("GenerateDataKeyPair") << Operation([=](KmsService &s, const Caller &c) {
        return errorType(s.generateDataKeyPair(c, sym, u"ECC_NIST_P256"_s, {}));
    });
    QTest::newRow("Encrypt RSA") << Operation([=](KmsService &s, const Caller &c) {
        return errorType(s.encrypt(c, rsa, plain, {}, u"RSAES_OAEP_SHA_256"_s));
    });
    QTest::newRow("Sign") << Operation([=](KmsService &s, const Caller &c) {
        return errorType(s.sign(c, ecc, digest, u"DIGEST"_s, u"ECDSA_SHA_256"_s));
    });
    QTest::newRow("Verify") << Operation([=](KmsService &s, const Caller &c) {
        return errorType(s.verify(c, ecc, digest, u"DIGEST"_s, QByteArray(70, 's'), u"ECDSA_SHA_256"_s));
    });
    QTest::newRow("GenerateMac") << Operation([=](KmsService &s, const Caller &c) {
        return errorType(s.generateMac(c, hmac, "m", u"HMAC_SHA_256"_s));
    });
    QTest::newRow("VerifyMac") << Operation([=](KmsService &s, const Caller &c) {
        return errorType(s.verifyMac(c, hmac, "m", QByteArray(32, 'x'), u"HMAC_SHA_256"_s));
    });
    QTest::newRow("DescribeKey") << Operation([=](KmsService &s, const Caller &c) { return errorType(s.describeKey(c, sym)); });
    QTest::newRow("GetPublicKey") << Operation([=](KmsService &s, const Caller &c) { return errorType(s.getPublicKey(c, rsa)); });
}

void TestKmsGrantTokens::everyOperationChecksTokens()
{
    QFETCH(Operation, op);
    // Without tokens and with a valid one, the call goes through (Verify/VerifyMac give their
    // own answer on a bad signature, which is not a token error).
    const QString plainResult = op(*m_svc, m_root);
    QVERIFY2(plainResult != errors::InvalidGrantToken, qPrintable(plainResult));
    QCOMPARE(op(*m_svc, withTokens({m_validToken})), plainResult);
    QCOMPARE(op(*m_svc, withTokens({m_tamperedToken})), errors::InvalidGrantToken);
    QCOMPARE(op(*m_svc, withTokens({m_validToken, m_foreignToken})), errors::InvalidGrantToken);
    QVERIFY(m_svc->audit().flush());
    auto events = m_svc->audit().events();
    QVERIFY(events && !events->isEmpty());
    QCOMPARE(events->last().value(u"errorCode").toString(), errors::InvalidGrantToken);
}

void TestKmsGrantTokens::tokenShape()
{
    const auto encrypt = [this](const QStringList &tokens) {
        return errorType(m_svc->encrypt(withTokens(tokens), m_symmetric.keyId, QCA::SecureArray(QByteArray("p"))));
    };
    QCOMPARE(encrypt(QStringList(10, m_validToken)), u"<success>"_s);
    QCOMPARE(encrypt(QStringList(11, m_validToken)), errors::Validation);
    QCOMPARE(encrypt({QString()}), errors::Validation);
    QCOMPARE(encrypt({QString(8193, u'A')}), errors::Validation);
    QCOMPARE(encrypt({u"not-a-token"_s}), errors::InvalidGrantToken);
}

void TestKmsGrantTokens::validTokenWorksAtOnce()
{
    // Right after CreateGrant, alice uses the grant with its token (AWS's way around eventual
    // consistency); the token adds nothing the grant does not give.
    Caller alice{arn(u"alice"_s), u"cli"_s, {}, {m_validToken}};
    auto blob = m_svc->encrypt(alice, m_symmetric.keyId, QCA::SecureArray(QByteArray("at once")));
    QVERIFY2(blob, qPrintable(why(blob)));
    QVERIFY(m_svc->decrypt(alice, blob->ciphertextBlob));
    QCOMPARE(errorType(m_svc->generateDataKey(alice, m_symmetric.keyId, {}, u"AES_256"_s, std::nullopt)),
             errors::AccessDenied);
    alice.grantTokens = {m_tamperedToken};
    QCOMPARE(errorType(m_svc->encrypt(alice, m_symmetric.keyId, QCA::SecureArray(QByteArray("x")))),
             errors::InvalidGrantToken);
}

QKMS_TEST_MAIN(TestKmsGrantTokens)
#include "tst_kms_grant_tokens.moc"
