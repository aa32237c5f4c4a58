// Key material import: GetParametersForImport, ImportKeyMaterial with every supported wrapping
// algorithm (wrapped here with the primitives and, as a second implementation, the openssl command
// line), DeleteImportedKeyMaterial, re-import of the same and of other material, import tokens
// that are forged, for another key or expired, the expiry of material through the scheduler, the
// audit, and region migration 4.

#include "AsymmetricTestSupport.h"
#include "EngineTest.h"
#include "TestMain.h"
#include "kms/AuditLog.h"
#include "kms/Scheduler.h"
#include "primitives/Primitives.h"
#include "store/Database.h"

#include <QMessageAuthenticationCode>
#include <QTemporaryDir>

using namespace qkms;
using namespace qkms::kms;
using namespace Qt::StringLiterals;
using test::errorType;
using test::why;

namespace {

/// Wraps `material` for `params` as an importer would: OAEP with the algorithm's hash, or for
/// RSA_AES_KEY_WRAP an ephemeral AES-256 key under OAEP followed by the RFC 5649 wrap.
QByteArray wrapFor(const ImportParameters &params, const QString &algorithm, const QByteArray &material)
{
    auto pub = crypto::AsymmetricKey::fromPublicDer(params.publicKey);
    if (!pub)
        qFatal("public key: %s", qPrintable(pub.error().toString()));
    const crypto::HashAlg hash = algorithm.endsWith(u"SHA_1") ? crypto::HashAlg::Sha1 : crypto::HashAlg::Sha256;
    if (algorithm.startsWith(u"RSAES_OAEP"))
        return pub->oaepEncrypt(hash, QCA::SecureArray(material)).value_or(QByteArray());
    const QCA::SecureArray kek = crypto::randomSecret(32);
    const QByteArray head = pub->oaepEncrypt(hash, kek).value_or(QByteArray());
    return head + crypto::aesKeyWrapPad(kek, QCA::SecureArray(material)).value_or(QByteArray());
}

QCA::SecureArray secret(const char *text)
{
    return QCA::SecureArray(QByteArray(text));
}

} // namespace

class TestKmsImport : public QObject, protected test::EngineTest
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void migrationFourMakesTheImportTables();
    void parameters_data();
    void parameters();
    void onlyExternalKeys();
    void importAndUse_data();
    void importAndUse();
    void opensslWrapsTheMaterial();
    void hmacMaterialIsTheKeyUsed();
    void deleteAndReimport();
    void otherMaterialIsRefused();
    void importTokens();
    void expirationModelChecks();
    void expiryThroughTheScheduler();
    void deleteInEveryState();
    void materialNeverReachesDiskOrAudit();
    void everyOperationIsAudited();

private:
    KeyRecord externalKey(const QString &spec = u"SYMMETRIC_DEFAULT"_s)
    {
        return create(spec, spec.startsWith(u"HMAC") ? u"GENERATE_VERIFY_MAC"_s : QString(), u"EXTERNAL"_s);
    }
    ImportParameters params(const KeyRecord &k, const QString &algorithm = u"RSAES_OAEP_SHA_256"_s)
    {
        auto p = m_svc->getParametersForImport(m_root, k.keyId, algorithm, u"RSA_2048"_s);
        if (!p)
            qFatal("getParametersForImport: %s", qPrintable(why(p)));
        return *p;
    }
    Result<ImportKeyMaterialResponse> import(const KeyRecord &k, const QByteArray &material,
                                             const QString &algorithm = u"RSAES_OAEP_SHA_256"_s,
                                             std::optional<QDateTime> validTo = std::nullopt)
    {
        const ImportParameters p = params(k, algorithm);
        ImportKeyMaterialRequest r;
        r.keyId = k.keyId;
        r.importToken = p.importToken;
        r.encryptedKeyMaterial = wrapFor(p, algorithm, material);
        r.validTo = validTo;
        return m_svc->importKeyMaterial(m_root, r);
    }
    KeyState stateOf(const KeyRecord &k) { return m_svc->describeKey(m_root, k.keyId).value_or(KeyRecord{}).keyState; }
    QStringList auditNames()
    {
        QStringList names;
        if (!m_svc->audit().flush())
            return names;
        for (const QJsonObject &e : m_svc->audit().events().value_or(QList<QJsonObject>{}))
            names.append(e.value(u"eventName").toString() + (e.contains(u"errorCode") ? u"!"_s : QString()));
        return names;
    }
};

void TestKmsImport::init()
{
    QVERIFY(openEngine());
}

void TestKmsImport::cleanup()
{
    closeEngine();
}

void TestKmsImport::migrationFourMakesTheImportTables()
{
    QVERIFY(m_svc->database().userVersion().value_or(-1) >= 4);
    auto q = m_svc->database().prepare(u"SELECT COUNT(*) FROM sqlite_master WHERE name IN ('import_parameters', "
                                       "'import_parameters_by_key', 'imported_material')"_s);
    QVERIFY(q && q->step().value_or(false));
    QCOMPARE(q->columnInt(0), 3);
}

void TestKmsImport::parameters_data()
{
    QTest::addColumn<QString>("algorithm");
    QTest::addColumn<QString>("spec");
    QTest::addColumn<QString>("error");
    QTest::addColumn<int>("bits");
    QTest::newRow("AWS RSAES_OAEP_SHA_256 RSA_2048") << u"RSAES_OAEP_SHA_256"_s << u"RSA_2048"_s << QString() << 2048;
    QTest::newRow("AWS RSAES_OAEP_SHA_1 RSA_3072") << u"RSAES_OAEP_SHA_1"_s << u"RSA_3072"_s << QString() << 3072;
    QTest::newRow("AWS RSA_AES_KEY_WRAP_SHA_256 RSA_4096")
        << u"RSA_AES_KEY_WRAP_SHA_256"_s << u"RSA_4096"_s << QString() << 4096;
    QTest::newRow("AWS RSA_AES_KEY_WRAP_SHA_1 RSA_2048") << u"RSA_AES_KEY_WRAP_SHA_1"_s << u"RSA_2048"_s << QString() << 2048;
    QTest::newRow("negative: unknown algorithm") << u"RSA_OAEP"_s << u"RSA_2048"_s << errors::Validation << 0;
    QTest::newRow("negative: unknown spec") << u"RSAES_OAEP_SHA_256"_s << u"RSA_1024"_s << errors::Validation << 0;
    QTest::newRow("negative: PKCS#1 v1.5 not offered")
        << u"RSAES_PKCS1_V1_5"_s << u"RSA_2048"_s << errors::UnsupportedOperation << 0;
    QTest::newRow("negative: SM2") << u"SM2PKE"_s << u"SM2"_s << errors::UnsupportedOperation << 0;
}

void TestKmsImport::parameters()
{
    QFETCH(QString, algorithm);
    QFETCH(QString, spec);
    QFETCH(QString, error);
    QFETCH(int, bits);
    const KeyRecord k = externalKey();
    QCOMPARE(int(k.keyState), int(KeyState::PendingImport));
    auto p = m_svc->getParametersForImport(m_root, k.keyId, algorithm, spec);
    if (!error.isEmpty()) {
        QCOMPARE(errorType(p), error);
        return;
    }
    QVERIFY2(p, qPrintable(why(p)));
    QCOMPARE(p->keyArn, k.arn);
    QCOMPARE(p->parametersValidTo, m_fixture->clock().now().addSecs(24 * 3600));
    auto pub = crypto::AsymmetricKey::fromPublicDer(p->publicKey);
    QVERIFY(pub && pub->isRsa() && !pub->hasPrivate());
    QCOMPARE(pub->bits(), bits);
    // Every call makes a new wrapping key and a new token.
    auto again = m_svc->getParametersForImport(m_root, k.keyId, algorithm, spec);
    QVERIFY(again && again->publicKey != p->publicKey && again->importToken != p->importToken);
}

void TestKmsImport::onlyExternalKeys()
{
    auto k = m_svc->createKey(m_root, {});
    QVERIFY(k);
    QCOMPARE(errorType(m_svc->getParametersForImport(m_root, k->keyId, u"RSAES_OAEP_SHA_256"_s)),
             errors::UnsupportedOperation);
    QCOMPARE(errorType(m_svc->deleteImportedKeyMaterial(m_root, k->keyId)), errors::UnsupportedOperation);
    ImportKeyMaterialRequest r{k->keyId, QByteArray(256, 'x'), QByteArray(100, 'y'), std::nullopt, std::nullopt};
    QCOMPARE(errorType(m_svc->importKeyMaterial(m_root, r)), errors::UnsupportedOperation);
    // No aliases, as AWS.
    const KeyRecord e = externalKey();
    QVERIFY(m_svc->createAlias(m_root, u"alias/imported"_s, e.keyId));
    QCOMPARE(errorType(m_svc->getParametersForImport(m_root, u"alias/imported"_s, u"RSAES_OAEP_SHA_256"_s)),
             errors::NotFound);
}

void TestKmsImport::importAndUse_data()
{
    QTest::addColumn<QString>("algorithm");
    QTest::addColumn<bool>("wrongHash");
    QTest::newRow("AWS RSAES_OAEP_SHA_256") << u"RSAES_OAEP_SHA_256"_s << false;
    QTest::newRow("AWS RSAES_OAEP_SHA_1") << u"RSAES_OAEP_SHA_1"_s << false;
    QTest::newRow("AWS RSA_AES_KEY_WRAP_SHA_256") << u"RSA_AES_KEY_WRAP_SHA_256"_s << false;
    QTest::newRow("AWS RSA_AES_KEY_WRAP_SHA_1") << u"RSA_AES_KEY_WRAP_SHA_1"_s << false;
    QTest::newRow("negative: OAEP SHA-1 wrap under a SHA-256 token") << u"RSAES_OAEP_SHA_256"_s << true;
    QTest::newRow("negative: key wrap SHA-1 under a SHA-256 token") << u"RSA_AES_KEY_WRAP_SHA_256"_s << true;
}

void TestKmsImport::importAndUse()
{
    QFETCH(QString, algorithm);
    QFETCH(bool, wrongHash);
    const KeyRecord k = externalKey();
    const QByteArray material = crypto::randomBytes(32);
    const ImportParameters p = params(k, algorithm);
    ImportKeyMaterialRequest r;
    r.keyId = k.arn;
    r.importToken = p.importToken;
    r.encryptedKeyMaterial = wrapFor(p, wrongHash ? QString(algorithm).replace(u"SHA_256"_s, u"SHA_1"_s) : algorithm,
                                     material);
    auto done = m_svc->importKeyMaterial(m_root, r);
    if (wrongHash) {
        QCOMPARE(errorType(done), errors::InvalidCiphertext);
        QCOMPARE(int(stateOf(k)), int(KeyState::PendingImport));
        return;
    }
    QVERIFY2(done, qPrintable(why(done)));
    QCOMPARE(done->keyArn, k.arn);
    QCOMPARE(done->keyMaterialId.size(), 64);
    const KeyRecord after = *m_svc->describeKey(m_root, k.keyId);
    QCOMPARE(int(after.keyState), int(KeyState::Enabled));
    QCOMPARE(after.expirationModel, u"KEY_MATERIAL_DOES_NOT_EXPIRE"_s);
    QCOMPARE(after.currentMaterialId, done->keyMaterialId);
    auto blob = m_svc->encrypt(m_root, k.keyId, secret("under imported material"), {{u"a"_s, u"b"_s}});
    QVERIFY2(blob, qPrintable(why(blob)));
    auto plain = m_svc->decrypt(m_root, blob->ciphertextBlob, {{u"a"_s, u"b"_s}});
    QVERIFY2(plain, qPrintable(why(plain)));
    QCOMPARE(plain->plaintext.toByteArray(), QByteArray("under imported material"));
    // Imported keys do not rotate.
    QCOMPARE(errorType(m_svc->enableKeyRotation(m_root, k.keyId)), errors::UnsupportedOperation);
}

void TestKmsImport::opensslWrapsTheMaterial()
{
    test::OpensslTool openssl;
    if (!openssl.available())
        QSKIP("the openssl command line tool is not installed; interop check not run");
    QTemporaryDir dir;
    const KeyRecord k = externalKey();
    const ImportParameters p = params(k);
    const QByteArray material = crypto::randomBytes(32);
    QVERIFY(test::writeFile(dir.filePath(u"pub.der"_s), p.publicKey));
    QVERIFY(test::writeFile(dir.filePath(u"material.bin"_s), material));
    QByteArray output;
    QCOMPARE(openssl.run({u"pkeyutl"_s, u"-encrypt"_s, u"-pubin"_s, u"-keyform"_s, u"DER"_s, u"-inkey"_s,
                          dir.filePath(u"pub.der"_s), u"-in"_s, dir.filePath(u"material.bin"_s), u"-out"_s,
                          dir.filePath(u"wrapped.bin"_s), u"-pkeyopt"_s, u"rsa_padding_mode:oaep"_s, u"-pkeyopt"_s,
                          u"rsa_oaep_md:sha256"_s, u"-pkeyopt"_s, u"rsa_mgf1_md:sha256"_s},
                         &output),
             0);
    QFile wrapped(dir.filePath(u"wrapped.bin"_s));
    QVERIFY(wrapped.open(QIODevice::ReadOnly));
    ImportKeyMaterialRequest r{k.keyId, wrapped.readAll(), p.importToken, u"KEY_MATERIAL_DOES_NOT_EXPIRE"_s,
                               std::nullopt};
    auto done = m_svc->importKeyMaterial(m_root, r);
    QVERIFY2(done, qPrintable(why(done)));
    QVERIFY(m_svc->encrypt(m_root, k.keyId, secret("openssl wrapped it")));
}

void TestKmsImport::hmacMaterialIsTheKeyUsed()
{
    // RFC 4231 test case 2 uses key "Jefe", too short for HMAC_256 import; test case 6's key is 131
    // bytes, too long. So the check is against Qt's HMAC with the imported key itself.
    const KeyRecord k = externalKey(u"HMAC_256"_s);
    const QByteArray material = QByteArray::fromHex("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b");
    auto done = import(k, material, u"RSA_AES_KEY_WRAP_SHA_256"_s);
    QVERIFY2(done, qPrintable(why(done)));
    const QByteArray message("what do ya want for nothing?");
    auto mac = m_svc->generateMac(m_root, k.keyId, message, u"HMAC_SHA_256"_s);
    QVERIFY2(mac, qPrintable(why(mac)));
    QCOMPARE(*mac, QMessageAuthenticationCode::hash(message, material, QCryptographicHash::Sha256));
    // HMAC_256 material is 32..64 bytes.
    const KeyRecord shortKey = externalKey(u"HMAC_256"_s);
    QCOMPARE(errorType(import(shortKey, QByteArray(31, 'k'))), errors::IncorrectKeyMaterial);
}

void TestKmsImport::deleteAndReimport()
{
    const KeyRecord k = externalKey();
    const QByteArray material = crypto::randomBytes(32);
    auto first = import(k, material);
    QVERIFY2(first, qPrintable(why(first)));
    auto blob = m_svc->encrypt(m_root, k.keyId, secret("before the deletion"));
    QVERIFY(blob);

    QVERIFY(m_svc->deleteImportedKeyMaterial(m_root, k.keyId));
    const KeyRecord gone = *m_svc->describeKey(m_root, k.keyId);
    QCOMPARE(int(gone.keyState), int(KeyState::PendingImport));
    QVERIFY(gone.currentMaterialId.isEmpty());
    auto refused = m_svc->decrypt(m_root, blob->ciphertextBlob);
    QCOMPARE(errorType(refused), errors::InvalidState);
    QVERIFY(refused.error().message.endsWith(u"is pending import."_s));
    QCOMPARE(errorType(m_svc->encrypt(m_root, k.keyId, secret("x"))), errors::InvalidState);
    auto rows = m_svc->database().prepare(u"SELECT COUNT(*) FROM key_material WHERE key_id = :id"_s);
    QVERIFY(rows);
    rows->bind(":id", k.keyId);
    QVERIFY(rows->step().value_or(false));
    QCOMPARE(rows->columnInt(0), 0); // the material is gone, not just hidden
    // Deleting again has no effect.
    QVERIFY(m_svc->deleteImportedKeyMaterial(m_root, k.keyId));

    // The same material, under a new wrapping key: the old ciphertext opens again.
    auto again = import(k, material, u"RSA_AES_KEY_WRAP_SHA_256"_s);
    QVERIFY2(again, qPrintable(why(again)));
    QCOMPARE(again->keyMaterialId, first->keyMaterialId);
    QCOMPARE(int(stateOf(k)), int(KeyState::Enabled));
    auto plain = m_svc->decrypt(m_root, blob->ciphertextBlob);
    QVERIFY2(plain, qPrintable(why(plain)));
    QCOMPARE(plain->plaintext.toByteArray(), QByteArray("before the deletion"));
}

void TestKmsImport::otherMaterialIsRefused()
{
    const KeyRecord k = externalKey();
    const QByteArray material = crypto::randomBytes(32);
    QVERIFY(import(k, material));
    // While the key holds material, and after it was deleted.
    QCOMPARE(errorType(import(k, crypto::randomBytes(32))), errors::IncorrectKeyMaterial);
    QVERIFY(m_svc->deleteImportedKeyMaterial(m_root, k.keyId));
    QCOMPARE(errorType(import(k, crypto::randomBytes(32))), errors::IncorrectKeyMaterial);
    QCOMPARE(int(stateOf(k)), int(KeyState::PendingImport));
    // Wrong length for SYMMETRIC_DEFAULT (256 bits only).
    const KeyRecord fresh = externalKey();
    QCOMPARE(errorType(import(fresh, crypto::randomBytes(16))), errors::IncorrectKeyMaterial);
    // Re-importing the same material while the key has it is allowed (it changes the expiration).
    QVERIFY(import(k, material));
    const QDateTime validTo = m_fixture->clock().now().addDays(30);
    auto changed = import(k, material, u"RSAES_OAEP_SHA_256"_s, validTo);
    QVERIFY2(changed, qPrintable(why(changed)));
    const KeyRecord after = *m_svc->describeKey(m_root, k.keyId);
    QCOMPARE(after.expirationModel, u"KEY_MATERIAL_EXPIRES"_s);
    QCOMPARE(after.validTo.value_or(QDateTime()), validTo);
}

void TestKmsImport::importTokens()
{
    const KeyRecord k = externalKey();
    const KeyRecord other = externalKey();
    const QByteArray material = crypto::randomBytes(32);
    const ImportParameters p = params(k);
    const QByteArray wrapped = wrapFor(p, u"RSAES_OAEP_SHA_256"_s, material);
    ImportKeyMaterialRequest r{k.keyId, wrapped, p.importToken, std::nullopt, std::nullopt};

    // A token for another key.
    ImportKeyMaterialRequest forOther = r;
    forOther.keyId = other.keyId;
    QCOMPARE(errorType(m_svc->importKeyMaterial(m_root, forOther)), errors::InvalidImportToken);
    // A token with one byte changed, and one that is not a token at all.
    ImportKeyMaterialRequest tampered = r;
    tampered.importToken[20] = char(tampered.importToken[20] ^ 0x01);
    QCOMPARE(errorType(m_svc->importKeyMaterial(m_root, tampered)), errors::InvalidImportToken);
    ImportKeyMaterialRequest garbage = r;
    garbage.importToken = QByteArray(200, '\x01');
    QCOMPARE(errorType(m_svc->importKeyMaterial(m_root, garbage)), errors::InvalidImportToken);
    ImportKeyMaterialRequest empty = r;
    empty.importToken.clear();
    QCOMPARE(errorType(m_svc->importKeyMaterial(m_root, empty)), errors::Validation);
    // Another vault's token is not ours.
    test::VaultFixture otherVault;
    auto otherSvc = KmsService::open(otherVault.vault(), u"us-east-1"_s);
    QVERIFY(otherSvc);
    const Caller otherRoot{(*otherSvc)->rootArn(), u"cli"_s, {}};
    CreateKeyRequest external;
    external.origin = u"EXTERNAL"_s;
    auto foreignKey = (*otherSvc)->createKey(otherRoot, external);
    QVERIFY(foreignKey);
    auto foreign = (*otherSvc)->getParametersForImport(otherRoot, foreignKey->keyId, u"RSAES_OAEP_SHA_256"_s);
    QVERIFY(foreign);
    ImportKeyMaterialRequest foreignToken{k.keyId, wrapFor(*foreign, u"RSAES_OAEP_SHA_256"_s, material),
                                          foreign->importToken, std::nullopt, std::nullopt};
    QCOMPARE(errorType(m_svc->importKeyMaterial(m_root, foreignToken)), errors::InvalidImportToken);
    // Material wrapped for another token's key pair does not unwrap.
    const ImportParameters second = params(k);
    ImportKeyMaterialRequest crossed{k.keyId, wrapped, second.importToken, std::nullopt, std::nullopt};
    QCOMPARE(errorType(m_svc->importKeyMaterial(m_root, crossed)), errors::InvalidCiphertext);

    // Expired: 24 hours and a second later.
    m_fixture->clock().advanceSecs(24 * 3600 + 1);
    QCOMPARE(errorType(m_svc->importKeyMaterial(m_root, r)), errors::ExpiredImportToken);
    QCOMPARE(int(stateOf(k)), int(KeyState::PendingImport));
    // Still valid at the very end of its 24 hours.
    m_fixture->clock().advanceSecs(-2);
    QVERIFY(m_svc->importKeyMaterial(m_root, r));
}

void TestKmsImport::expirationModelChecks()
{
    const KeyRecord k = externalKey();
    const ImportParameters p = params(k);
    const QByteArray wrapped = wrapFor(p, u"RSAES_OAEP_SHA_256"_s, crypto::randomBytes(32));
    const QDateTime now = m_fixture->clock().now();
    const auto attempt = [&](std::optional<QString> model, std::optional<QDateTime> validTo) {
        return errorType(m_svc->importKeyMaterial(m_root, {k.keyId, wrapped, p.importToken, model, validTo}));
    };
    QCOMPARE(attempt(u"KEY_MATERIAL_EXPIRES"_s, std::nullopt), errors::Validation);
    QCOMPARE(attempt(u"KEY_MATERIAL_DOES_NOT_EXPIRE"_s, now.addDays(1)), errors::Validation);
    QCOMPARE(attempt(u"SOMETIMES"_s, std::nullopt), errors::Validation);
    QCOMPARE(attempt(u"KEY_MATERIAL_EXPIRES"_s, now.addSecs(-1)), errors::Validation);
    QCOMPARE(attempt(u"KEY_MATERIAL_EXPIRES"_s, now.addDays(366)), errors::Validation);
    QCOMPARE(int(stateOf(k)), int(KeyState::PendingImport));
    QCOMPARE(attempt(u"KEY_MATERIAL_EXPIRES"_s, now.addDays(365)), u"<success>"_s);
}

void TestKmsImport::expiryThroughTheScheduler()
{
    const KeyRecord k = externalKey();
    const QByteArray material = crypto::randomBytes(32);
    const QDateTime validTo = m_fixture->clock().now().addDays(2);
    QVERIFY(import(k, material, u"RSAES_OAEP_SHA_256"_s, validTo));
    auto blob = m_svc->encrypt(m_root, k.keyId, secret("until it expires"));
    QVERIFY(blob);

    m_fixture->clock().advanceDays(1);
    auto report = Scheduler(*m_svc).runDue();
    QVERIFY(report && report->failures.isEmpty());
    QCOMPARE(int(stateOf(k)), int(KeyState::Enabled));

    m_fixture->clock().advanceDays(1); // exactly ValidTo
    report = Scheduler(*m_svc).runDue();
    QVERIFY(report && report->failures.isEmpty());
    const KeyRecord after = *m_svc->describeKey(m_root, k.keyId);
    QCOMPARE(int(after.keyState), int(KeyState::PendingImport));
    QCOMPARE(errorType(m_svc->decrypt(m_root, blob->ciphertextBlob)), errors::InvalidState);
    QCOMPARE(auditNames().count(u"DeleteExpiredKeyMaterial"_s), 1);
    // A second run finds nothing more to do.
    QVERIFY(Scheduler(*m_svc).runDue());
    QCOMPARE(auditNames().count(u"DeleteExpiredKeyMaterial"_s), 1);

    // Re-importing the same material brings the old ciphertext back.
    QVERIFY(import(k, material));
    QVERIFY(m_svc->decrypt(m_root, blob->ciphertextBlob));
}

void TestKmsImport::deleteInEveryState()
{
    const KeyRecord k = externalKey();
    QVERIFY(import(k, crypto::randomBytes(32)));
    QVERIFY(m_svc->disableKey(m_root, k.keyId));
    QVERIFY(m_svc->deleteImportedKeyMaterial(m_root, k.keyId));
    QCOMPARE(int(stateOf(k)), int(KeyState::PendingImport));
    // PendingImport refuses Enable/Disable (AWS footnote 5).
    QCOMPARE(errorType(m_svc->enableKey(m_root, k.keyId)), errors::InvalidState);

    // Pending deletion: the material goes, the deletion stays scheduled; import is refused.
    const KeyRecord d = externalKey();
    const QByteArray material = crypto::randomBytes(32);
    QVERIFY(import(d, material));
    QVERIFY(m_svc->scheduleKeyDeletion(m_root, d.keyId, 7));
    QCOMPARE(errorType(m_svc->getParametersForImport(m_root, d.keyId, u"RSAES_OAEP_SHA_256"_s)), errors::InvalidState);
    QVERIFY(m_svc->deleteImportedKeyMaterial(m_root, d.keyId));
    const KeyRecord after = *m_svc->describeKey(m_root, d.keyId);
    QCOMPARE(int(after.keyState), int(KeyState::PendingDeletion));
    QVERIFY(after.deletionDate.has_value());
}

void TestKmsImport::materialNeverReachesDiskOrAudit()
{
    const KeyRecord k = externalKey();
    const QByteArray material = QByteArray("imported-material-marker-0123456"); // 32 bytes, easy to find
    QVERIFY(import(k, material));
    QVERIFY(m_svc->encrypt(m_root, k.keyId, secret("x")));
    QVERIFY(m_svc->deleteImportedKeyMaterial(m_root, k.keyId));
    QVERIFY(import(k, material));
    QVERIFY(m_svc->audit().flush());
    m_svc.reset();
    m_fixture->close();
    const QByteArray bytes = test::allFileBytes(m_fixture->dir());
    QVERIFY(!bytes.isEmpty());
    QVERIFY(!bytes.contains(material));
    QVERIFY(!bytes.contains(material.toBase64()));
    QVERIFY(!bytes.contains(material.toHex()));
}

void TestKmsImport::everyOperationIsAudited()
{
    const KeyRecord k = externalKey();
    QVERIFY(import(k, crypto::randomBytes(32)));
    QCOMPARE(errorType(import(k, crypto::randomBytes(32))), errors::IncorrectKeyMaterial);
    QVERIFY(m_svc->deleteImportedKeyMaterial(m_root, k.keyId));
    QCOMPARE(errorType(m_svc->getParametersForImport(m_root, k.keyId, u"nope"_s)), errors::Validation);
    const QStringList names = auditNames();
    QCOMPARE(names.count(u"GetParametersForImport"_s), 2);
    QCOMPARE(names.count(u"GetParametersForImport!"_s), 1);
    QCOMPARE(names.count(u"ImportKeyMaterial"_s), 1);
    QCOMPARE(names.count(u"ImportKeyMaterial!"_s), 1);
    QCOMPARE(names.count(u"DeleteImportedKeyMaterial"_s), 1);
}

QKMS_TEST_MAIN(TestKmsImport)
#include "tst_kms_import.moc"
