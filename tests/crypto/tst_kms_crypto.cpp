// Encrypt and Decrypt with symmetric keys through the engine: round trips, the encryption context,
// tampered / truncated / foreign blobs, IncorrectKey, key states, usage and algorithm errors.
// Blob layout itself: tst_kms_blob. ReEncrypt, material versions, authorization and audit:
// tst_kms_crypto_audit. Data keys, RSA and random: tst_kms_datakeys.

#include "EngineTest.h"
#include "TestMain.h"
#include "kms/CiphertextBlob.h"
#include "kms/KmsService.h"

using namespace qkms;
using namespace qkms::kms;
using namespace qkms::test;

class TestKmsCrypto : public QObject, protected test::EngineTest
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void roundTrip_data();
    void roundTrip();
    void contextOrderDoesNotMatter();
    void contextMismatch_data();
    void contextMismatch();
    void everyFlippedByteIsInvalidCiphertext();
    void truncatedAndOversizedBlobs();
    void blobFromAnotherRegionOrVault();
    void incorrectKey();
    void disabledAndPendingDeletion();
    void deletedKey();
    void plaintextLimits();
    void usageAndAlgorithmErrors_data();
    void usageAndAlgorithmErrors();

};

void TestKmsCrypto::init()
{
    QVERIFY(openEngine());
}

void TestKmsCrypto::cleanup()
{
    closeEngine();
}

void TestKmsCrypto::roundTrip_data()
{
    QTest::addColumn<QByteArray>("plaintext");
    QTest::addColumn<EncryptionContext>("context");
    QTest::addColumn<QString>("keyIdForm");
    QTest::newRow("1 byte, no context, no KeyId") << QByteArray("x") << EncryptionContext() << QString();
    QTest::newRow("4096 bytes, KeyId by id") << QByteArray(4096, '\xa5') << ctx({{"purpose", "test"}})
                                             << QStringLiteral("id");
    QTest::newRow("binary with NULs, KeyId by ARN") << QByteArray("a\0b\0c", 5) << ctx({{"k", ""}})
                                                    << QStringLiteral("arn");
    QTest::newRow("Unicode context, alias name")
        << QByteArray("text") << ctx({{"Schlüssel", "wert ✓"}, {"\xF0\x9F\x94\x91", "x"}}) << QStringLiteral("alias");
    QTest::newRow("alias ARN") << QByteArray("text") << ctx({{"a", "b"}, {"c", "d"}}) << QStringLiteral("aliasArn");
}

void TestKmsCrypto::roundTrip()
{
    QFETCH(QByteArray, plaintext);
    QFETCH(EncryptionContext, context);
    QFETCH(QString, keyIdForm);
    const KeyRecord k = create();
    QVERIFY(m_svc->createAlias(m_root, QStringLiteral("alias/round-trip"), k.keyId));
    const QString aliasArn = QStringLiteral("arn:aws:kms:us-east-1:%1:alias/round-trip").arg(m_svc->accountId());
    const QString keyId = keyIdForm == u"arn" ? k.arn : keyIdForm == u"alias" ? QStringLiteral("alias/round-trip")
                          : keyIdForm == u"aliasArn"                          ? aliasArn
                          : keyIdForm == u"id"                                ? k.keyId
                                                                              : QString();
    auto enc = m_svc->encrypt(m_root, keyId.isEmpty() ? k.keyId : keyId, secret(plaintext), context);
    QVERIFY2(enc, qPrintable(errorOf(enc).toString()));
    QCOMPARE(enc->keyArn, k.arn);
    QCOMPARE(enc->encryptionAlgorithm, QStringLiteral("SYMMETRIC_DEFAULT"));
    QCOMPARE(enc->ciphertextBlob.size(), plaintext.size() + CiphertextBlob::OverheadBytes);
    if (plaintext.size() >= 4) // a 1-byte plaintext may occur in random bytes by chance
        QVERIFY(!enc->ciphertextBlob.contains(plaintext));
    auto dec = m_svc->decrypt(m_root, enc->ciphertextBlob, context, keyId);
    QVERIFY2(dec, qPrintable(errorOf(dec).toString()));
    QCOMPARE(dec->plaintext.toByteArray(), plaintext);
    QCOMPARE(dec->keyArn, k.arn);
    QCOMPARE(dec->encryptionAlgorithm, QStringLiteral("SYMMETRIC_DEFAULT"));
}

void TestKmsCrypto::contextOrderDoesNotMatter()
{
    const KeyRecord k = create();
    EncryptionContext forward;
    forward.insert(QStringLiteral("zeta"), QStringLiteral("1"));
    forward.insert(QStringLiteral("alpha"), QStringLiteral("2"));
    forward.insert(QStringLiteral("Mid"), QStringLiteral("3"));
    EncryptionContext backward;
    backward.insert(QStringLiteral("Mid"), QStringLiteral("3"));
    backward.insert(QStringLiteral("alpha"), QStringLiteral("2"));
    backward.insert(QStringLiteral("zeta"), QStringLiteral("1"));
    const QByteArray blob = encrypt(k, "ordered", forward);
    auto dec = m_svc->decrypt(m_root, blob, backward);
    QVERIFY2(dec, qPrintable(errorOf(dec).toString()));
    QCOMPARE(dec->plaintext.toByteArray(), QByteArray("ordered"));
}

void TestKmsCrypto::contextMismatch_data()
{
    QTest::addColumn<EncryptionContext>("sealed");
    QTest::addColumn<EncryptionContext>("given");
    const EncryptionContext abc = ctx({{"ab", "c"}});
    QTest::newRow("{ab:c} opened with {a:bc}") << abc << ctx({{"a", "bc"}});
    QTest::newRow("{a:bc} opened with {ab:c}") << ctx({{"a", "bc"}}) << abc;
    QTest::newRow("context omitted") << abc << EncryptionContext();
    QTest::newRow("value case") << abc << ctx({{"ab", "C"}});
    QTest::newRow("key case") << abc << ctx({{"AB", "c"}});
    QTest::newRow("extra pair") << abc << ctx({{"ab", "c"}, {"x", "y"}});
    QTest::newRow("trailing space") << abc << ctx({{"ab", "c "}});
    QTest::newRow("none sealed, empty pair given") << EncryptionContext() << ctx({{"", ""}});
}

void TestKmsCrypto::contextMismatch()
{
    QFETCH(EncryptionContext, sealed);
    QFETCH(EncryptionContext, given);
    const KeyRecord k = create();
    const QByteArray blob = encrypt(k, "context bound", sealed);
    const KmsError e = errorOf(m_svc->decrypt(m_root, blob, given));
    QCOMPARE(e.type, errors::InvalidCiphertext);
    QCOMPARE(e.message, QString());
    QVERIFY(m_svc->decrypt(m_root, blob, sealed)); // the right one still opens
}

void TestKmsCrypto::everyFlippedByteIsInvalidCiphertext()
{
    const KeyRecord k = create();
    const QByteArray blob = encrypt(k, "flip every byte", ctx({{"k", "v"}}));
    for (qsizetype i = 0; i < blob.size(); ++i) {
        QByteArray bad = blob;
        bad[i] = char(bad[i] ^ 0x01);
        for (const QString &keyId : {QString(), k.keyId}) {
            const KmsError e = errorOf(m_svc->decrypt(m_root, bad, ctx({{"k", "v"}}), keyId));
            QVERIFY2(e.type == errors::InvalidCiphertext,
                     qPrintable(QStringLiteral("byte %1: %2").arg(i).arg(e.toString())));
            QVERIFY(e.message.isEmpty());
        }
    }
}

void TestKmsCrypto::truncatedAndOversizedBlobs()
{
    const KeyRecord k = create();
    const QByteArray blob = encrypt(k, "truncate me");
    for (qsizetype n = 1; n < blob.size(); ++n)
        QCOMPARE(errorOf(m_svc->decrypt(m_root, blob.left(n))).type, errors::InvalidCiphertext);
    const KmsError empty = errorOf(m_svc->decrypt(m_root, QByteArray()));
    QCOMPARE(empty.type, errors::Validation);
    QCOMPARE(empty.message, QStringLiteral("1 validation error detected: Value at 'ciphertextBlob' failed to satisfy "
                                           "constraint: Member must have length greater than or equal to 1"));
    const KmsError big = errorOf(m_svc->decrypt(m_root, blob + QByteArray(6145 - blob.size(), '\0')));
    QCOMPARE(big.type, errors::Validation);
    QVERIFY(big.message.endsWith(QStringLiteral("less than or equal to 6144")));
}

void TestKmsCrypto::blobFromAnotherRegionOrVault()
{
    auto eu = KmsService::open(m_fixture->vault(), QStringLiteral("eu-west-1"));
    QVERIFY(eu);
    CreateKeyRequest r;
    auto euKey = (*eu)->createKey(m_root, r);
    QVERIFY(euKey);
    auto euBlob = (*eu)->encrypt(m_root, euKey->keyId, secret("from Ireland"));
    QVERIFY(euBlob);
    QVERIFY((*eu)->decrypt(m_root, euBlob->ciphertextBlob)); // at home it opens
    QCOMPARE(errorOf(m_svc->decrypt(m_root, euBlob->ciphertextBlob)).type, errors::InvalidCiphertext);
    QCOMPARE(errorOf(m_svc->decrypt(m_root, euBlob->ciphertextBlob, {}, euKey->arn)).type, errors::NotFound);

    test::VaultFixture other;
    auto otherSvc = KmsService::open(other.vault(), QStringLiteral("us-east-1"));
    QVERIFY(otherSvc);
    const QByteArray mine = encrypt(create(), "from this vault");
    QCOMPARE(errorOf((*otherSvc)->decrypt(Caller{(*otherSvc)->rootArn(), QStringLiteral("cli"), {}}, mine)).type,
             errors::InvalidCiphertext);
}

void TestKmsCrypto::incorrectKey()
{
    const KeyRecord a = create();
    const KeyRecord b = create();
    QVERIFY(m_svc->createAlias(m_root, QStringLiteral("alias/b"), b.keyId));
    const QByteArray blob = encrypt(a, "for a");
    for (const QString &wrong : {b.keyId, b.arn, QStringLiteral("alias/b")}) {
        const KmsError e = errorOf(m_svc->decrypt(m_root, blob, {}, wrong));
        QCOMPARE(e.type, errors::IncorrectKey);
        QCOMPARE(e.message,
                 QStringLiteral("The key ID in the request does not identify a CMK that can perform this operation."));
    }
    QCOMPARE(errorOf(m_svc->decrypt(m_root, blob, {}, QStringLiteral("00000000-0000-4000-8000-000000000000"))).type,
             errors::NotFound);
    QVERIFY(m_svc->decrypt(m_root, blob, {}, a.arn));
}

void TestKmsCrypto::disabledAndPendingDeletion()
{
    const KeyRecord k = create();
    const QByteArray blob = encrypt(k, "state");
    QVERIFY(m_svc->disableKey(m_root, k.keyId));
    for (const KmsError &e : {errorOf(m_svc->encrypt(m_root, k.keyId, secret("x"))), errorOf(m_svc->decrypt(m_root, blob)),
                              errorOf(m_svc->reEncrypt(m_root, blob, create().keyId))}) {
        QCOMPARE(e.type, errors::Disabled);
        QCOMPARE(e.message, k.arn + QStringLiteral(" is disabled."));
    }
    QVERIFY(m_svc->enableKey(m_root, k.keyId));
    QVERIFY(m_svc->decrypt(m_root, blob));
    QVERIFY(m_svc->scheduleKeyDeletion(m_root, k.keyId, 7));
    for (const KmsError &e :
         {errorOf(m_svc->encrypt(m_root, k.keyId, secret("x"))), errorOf(m_svc->decrypt(m_root, blob))}) {
        QCOMPARE(e.type, errors::InvalidState);
        QCOMPARE(e.message, k.arn + QStringLiteral(" is pending deletion."));
    }
}

void TestKmsCrypto::deletedKey()
{
    const KeyRecord k = create();
    const QByteArray blob = encrypt(k, "gone");
    QVERIFY(m_svc->scheduleKeyDeletion(m_root, k.keyId, 7));
    m_fixture->clock().advanceDays(8);
    QCOMPARE(m_svc->runDueDeletions().value_or(-1), 1);
    // Found only from the blob: InvalidCiphertext. Named by the caller: NotFound (docs/ciphertext-blob.md).
    QCOMPARE(errorOf(m_svc->decrypt(m_root, blob)).type, errors::InvalidCiphertext);
    QCOMPARE(errorOf(m_svc->decrypt(m_root, blob, {}, k.keyId)).type, errors::NotFound);
}

void TestKmsCrypto::plaintextLimits()
{
    const KeyRecord k = create();
    QVERIFY(m_svc->encrypt(m_root, k.keyId, secret(QByteArray(4096, 'p'))));
    const KmsError tooLong = errorOf(m_svc->encrypt(m_root, k.keyId, secret(QByteArray(4097, 'p'))));
    QCOMPARE(tooLong.type, errors::Validation);
    QCOMPARE(tooLong.message, QStringLiteral("1 validation error detected: Value at 'plaintext' failed to satisfy "
                                             "constraint: Member must have length less than or equal to 4096"));
    const KmsError empty = errorOf(m_svc->encrypt(m_root, k.keyId, QCA::SecureArray()));
    QCOMPARE(empty.type, errors::Validation);
    QCOMPARE(empty.message, QStringLiteral("1 validation error detected: Value at 'plaintext' failed to satisfy "
                                           "constraint: Member must have length greater than or equal to 1"));
    QCOMPARE(errorOf(m_svc->encrypt(m_root, QStringLiteral("alias/missing"), secret("x"))).type, errors::NotFound);
}

void TestKmsCrypto::usageAndAlgorithmErrors_data()
{
    QTest::addColumn<QString>("spec");
    QTest::addColumn<QString>("usage");
    QTest::addColumn<QString>("algorithm");
    QTest::addColumn<EncryptionContext>("context");
    QTest::addColumn<QString>("type");
    QTest::addColumn<QString>("message"); // %1 = key ARN
    auto row = [](const char *name, const char *spec, const char *usage, const char *algorithm,
                  const EncryptionContext &context, const QString &type, const char *message) {
        QTest::newRow(name) << QString::fromLatin1(spec) << QString::fromLatin1(usage) << QString::fromLatin1(algorithm)
                            << context << type << QString::fromLatin1(message);
    };
    const char *sym = "SYMMETRIC_DEFAULT";
    const char *oaep = "RSAES_OAEP_SHA_256";
    row("RSA sign key", "RSA_2048", "SIGN_VERIFY", sym, {}, errors::InvalidKeyUsage,
        "%1 key usage is SIGN_VERIFY which is not valid for Encrypt.");
    row("ECC key", "ECC_NIST_P256", "SIGN_VERIFY", sym, {}, errors::InvalidKeyUsage,
        "%1 key usage is SIGN_VERIFY which is not valid for Encrypt.");
    row("HMAC key", "HMAC_256", "GENERATE_VERIFY_MAC", sym, {}, errors::InvalidKeyUsage,
        "%1 key usage is GENERATE_VERIFY_MAC which is not valid for Encrypt.");
    row("OAEP with a symmetric key", sym, "", oaep, {}, errors::InvalidKeyUsage,
        "Algorithm RSAES_OAEP_SHA_256 is incompatible with key spec SYMMETRIC_DEFAULT.");
    row("SM2PKE", sym, "", "SM2PKE", {}, errors::InvalidKeyUsage,
        "Algorithm SM2PKE is incompatible with key spec SYMMETRIC_DEFAULT.");
    row("SYMMETRIC_DEFAULT with an RSA key", "RSA_2048", "ENCRYPT_DECRYPT", sym, {}, errors::InvalidKeyUsage,
        "Algorithm SYMMETRIC_DEFAULT is incompatible with key spec RSA_2048.");
    row("unknown algorithm", sym, "", "AES_GCM", {}, errors::Validation,
        "1 validation error detected: Value 'AES_GCM' at 'encryptionAlgorithm' failed to satisfy constraint: Member "
        "must satisfy enum value set: [RSAES_OAEP_SHA_1, RSAES_OAEP_SHA_256, SM2PKE, SYMMETRIC_DEFAULT]");
    row("context with an RSA key", "RSA_2048", "ENCRYPT_DECRYPT", oaep, ctx({{"k", "v"}}), errors::Validation,
        "EncryptionContext is not supported when encrypting/decrypting with asymmetric CMKs.");
}

void TestKmsCrypto::usageAndAlgorithmErrors()
{
    QFETCH(QString, spec);
    QFETCH(QString, usage);
    QFETCH(QString, algorithm);
    QFETCH(EncryptionContext, context);
    QFETCH(QString, type);
    QFETCH(QString, message);
    const KeyRecord k = create(spec, usage);
    const KmsError e = errorOf(m_svc->encrypt(m_root, k.keyId, secret("x"), context, algorithm));
    QCOMPARE(e.type, type);
    QCOMPARE(e.message, message.contains(u"%1") ? message.arg(k.arn) : message);
}

QKMS_TEST_MAIN(TestKmsCrypto)
#include "tst_kms_crypto.moc"
