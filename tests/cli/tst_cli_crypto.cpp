// Cryptographic commands through the real qkms executable: encrypt/decrypt with fileb:// blobs,
// data keys, random bytes, signatures and MACs, and the AWS CLI error lines they print.

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

class TestCliCrypto : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void encryptDecryptFileb();
    void plaintextFromStdin();
    void wrongContextOrBlob_data();
    void wrongContextOrBlob();
    void disabledKey();
    void generateDataKey();
    void dataKeySizeErrors();
    void reEncrypt();
    void generateRandom();
    void signAndVerify();
    void macs();
    void dataKeyPair();
    void secretsStayOutOfTheAudit();

private:
    CliResult qkms(const QStringList &args, const QByteArray &input = {}) const
    {
        const QStringList all = QStringList{u"--vault"_s, m_vault, u"--region"_s, u"us-east-1"_s} + args;
        QProcessEnvironment env;
        env.insert(u"QKMS_PASSPHRASE"_s, QString::fromUtf8(kPassphrase));
        return runProgram(binaryPath(u"qkms"_s), all, env, input);
    }
    QJsonObject ok(const QStringList &args) const
    {
        const CliResult r = qkms(args);
        if (r.exitCode != 0)
            qWarning("qkms %s failed (%d): %s", qPrintable(args.join(u' ')), r.exitCode, r.err.constData());
        return QJsonDocument::fromJson(r.out).object();
    }
    QString createKey(const QStringList &options = {}) const
    {
        return ok(QStringList{u"create-key"_s} + options).value(u"KeyMetadata").toObject().value(u"Arn").toString();
    }
    /// Writes `bytes` to a file in the temporary directory and returns its fileb:// argument.
    QString fileb(const QString &name, const QByteArray &bytes) const
    {
        QFile f(m_tmp.path() + u'/' + name);
        if (!f.open(QIODevice::WriteOnly) || f.write(bytes) != bytes.size())
            qFatal("cannot write %s", qPrintable(f.fileName()));
        return u"fileb://"_s + f.fileName();
    }
    static QByteArray blob(const QJsonObject &o, const char16_t *field)
    {
        return QByteArray::fromBase64(o.value(QStringView(field)).toString().toLatin1());
    }
    static bool failsWith(const CliResult &r, const QString &exception, const QString &operation)
    {
        const QString line = u"An error occurred (%1) when calling the %2 operation"_s.arg(exception, operation);
        if (r.exitCode == 254 && r.errText().contains(line))
            return true;
        qWarning("exit %d, stderr: %s", r.exitCode, r.err.constData());
        return false;
    }

    QTemporaryDir m_tmp;
    QString m_vault;
    QString m_key;         ///< a symmetric key's ARN
    QByteArray m_plaintext;
    QByteArray m_ciphertext; ///< m_plaintext under m_key with context app=cli,env=test
};

void TestCliCrypto::initTestCase()
{
    QVERIFY(m_tmp.isValid());
    m_vault = m_tmp.path() + u"/vault"_s;
    const CliResult r = qkms({u"init"_s});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    m_key = createKey();
    QVERIFY(m_key.startsWith(u"arn:aws:kms:us-east-1:"_s));
    // Bytes no text codec would survive: NUL, 0xFF, invalid UTF-8.
    m_plaintext = QByteArray("\x00\xff\xfe payroll \xc3\x28 secret\n", 22) + QByteArray(200, '\x01');
}

void TestCliCrypto::encryptDecryptFileb()
{
    const QJsonObject enc = ok({u"encrypt"_s, u"--key-id"_s, m_key, u"--plaintext"_s, fileb(u"plain.bin"_s, m_plaintext),
                                u"--encryption-context"_s, u"app=cli,env=test"_s});
    QCOMPARE(enc.value(u"KeyId").toString(), m_key);
    QCOMPARE(enc.value(u"EncryptionAlgorithm").toString(), u"SYMMETRIC_DEFAULT"_s);
    m_ciphertext = blob(enc, u"CiphertextBlob");
    QVERIFY(m_ciphertext.size() > m_plaintext.size());
    QVERIFY(!m_ciphertext.contains(m_plaintext));

    // The context in another order and as JSON is the same context.
    const QJsonObject dec = ok({u"decrypt"_s, u"--ciphertext-blob"_s, fileb(u"cipher.bin"_s, m_ciphertext),
                                u"--encryption-context"_s, uR"({"env":"test","app":"cli"})"_s});
    QCOMPARE(dec.value(u"KeyId").toString(), m_key);
    QCOMPARE(dec.value(u"EncryptionAlgorithm").toString(), u"SYMMETRIC_DEFAULT"_s);
    QCOMPARE(blob(dec, u"Plaintext"), m_plaintext);

    // `aws kms decrypt … --output text --query Plaintext | base64 -d`; the blob given as base64 text.
    const CliResult text = qkms({u"--output"_s, u"text"_s, u"--query"_s, u"Plaintext"_s, u"decrypt"_s,
                                 u"--ciphertext-blob"_s, QString::fromLatin1(m_ciphertext.toBase64()),
                                 u"--encryption-context"_s, u"env=test,app=cli"_s});
    QVERIFY2(text.exitCode == 0, text.err.constData());
    QVERIFY(text.out.endsWith('\n'));
    QCOMPARE(QByteArray::fromBase64Encoding(text.out.trimmed(), QByteArray::AbortOnBase64DecodingErrors).decoded, m_plaintext);

    // --plaintext as base64 text, as AWS CLI v2 takes it; decrypt also accepts the right --key-id.
    const QJsonObject enc2 = ok({u"encrypt"_s, u"--key-id"_s, m_key, u"--plaintext"_s, u"aGVsbG8="_s});
    const QJsonObject dec2 = ok({u"decrypt"_s, u"--key-id"_s, m_key, u"--ciphertext-blob"_s,
                                 enc2.value(u"CiphertextBlob").toString()});
    QCOMPARE(blob(dec2, u"Plaintext"), QByteArray("hello"));
}

void TestCliCrypto::plaintextFromStdin()
{
    const QByteArray big(4096, '\x5a'); // the AWS maximum, read from a pipe of unknown size
    const CliResult r = qkms({u"encrypt"_s, u"--key-id"_s, m_key, u"--plaintext"_s, u"fileb:///dev/stdin"_s}, big);
    QVERIFY2(r.exitCode == 0, r.err.constData());
    const QByteArray c = blob(QJsonDocument::fromJson(r.out).object(), u"CiphertextBlob");
    QCOMPARE(blob(ok({u"decrypt"_s, u"--ciphertext-blob"_s, fileb(u"stdin.bin"_s, c)}), u"Plaintext"), big);
}

void TestCliCrypto::wrongContextOrBlob_data()
{
    QTest::addColumn<QByteArray>("blob");
    QTest::addColumn<QString>("context");
    const QByteArray good = m_ciphertext;
    QByteArray flipped = good;
    flipped[flipped.size() / 2] = char(flipped[flipped.size() / 2] ^ 0x01);
    QTest::newRow("context value differs") << good << u"app=cli,env=prod"_s;
    QTest::newRow("context missing") << good << QString();
    QTest::newRow("extra context pair") << good << u"app=cli,env=test,x=y"_s;
    QTest::newRow("one flipped byte") << flipped << u"app=cli,env=test"_s;
}

void TestCliCrypto::wrongContextOrBlob()
{
    QFETCH(QByteArray, blob);
    QFETCH(QString, context);
    QVERIFY(!blob.isEmpty()); // encryptDecryptFileb ran first
    QStringList args{u"decrypt"_s, u"--ciphertext-blob"_s, fileb(u"bad.bin"_s, blob)};
    if (!context.isEmpty())
        args << u"--encryption-context"_s << context;
    const CliResult r = qkms(args);
    QVERIFY(failsWith(r, u"InvalidCiphertextException"_s, u"Decrypt"_s));
    QVERIFY(r.out.isEmpty());
}

void TestCliCrypto::disabledKey()
{
    const QString key = createKey();
    QCOMPARE(qkms({u"disable-key"_s, u"--key-id"_s, key}).exitCode, 0);
    QVERIFY(failsWith(qkms({u"encrypt"_s, u"--key-id"_s, key, u"--plaintext"_s, u"aGVsbG8="_s}), u"DisabledException"_s,
                      u"Encrypt"_s));
    QVERIFY(failsWith(qkms({u"generate-data-key"_s, u"--key-id"_s, key, u"--key-spec"_s, u"AES_256"_s}),
                      u"DisabledException"_s, u"GenerateDataKey"_s));
}

void TestCliCrypto::generateDataKey()
{
    const QJsonObject dk = ok({u"generate-data-key"_s, u"--key-id"_s, m_key, u"--number-of-bytes"_s, u"64"_s,
                               u"--encryption-context"_s, u"purpose=files"_s});
    QCOMPARE(dk.value(u"KeyId").toString(), m_key);
    const QByteArray plain = blob(dk, u"Plaintext");
    QCOMPARE(plain.size(), 64);
    const QJsonObject back = ok({u"decrypt"_s, u"--ciphertext-blob"_s, fileb(u"dk.bin"_s, blob(dk, u"CiphertextBlob")),
                                 u"--encryption-context"_s, u"purpose=files"_s});
    QCOMPARE(blob(back, u"Plaintext"), plain);

    const CliResult aes128 = qkms({u"--output"_s, u"text"_s, u"--query"_s, u"Plaintext"_s, u"generate-data-key"_s,
                                   u"--key-id"_s, m_key, u"--key-spec"_s, u"AES_128"_s});
    QVERIFY2(aes128.exitCode == 0, aes128.err.constData());
    QCOMPARE(QByteArray::fromBase64(aes128.out.trimmed()).size(), 16);

    const QJsonObject np = ok({u"generate-data-key-without-plaintext"_s, u"--key-id"_s, m_key, u"--key-spec"_s, u"AES_256"_s});
    QVERIFY(!np.contains(u"Plaintext"));
    QCOMPARE(np.value(u"KeyId").toString(), m_key);
    QCOMPARE(blob(ok({u"decrypt"_s, u"--ciphertext-blob"_s, np.value(u"CiphertextBlob").toString()}), u"Plaintext").size(), 32);
}

void TestCliCrypto::dataKeySizeErrors()
{
    QVERIFY(failsWith(qkms({u"generate-data-key"_s, u"--key-id"_s, m_key, u"--key-spec"_s, u"AES_256"_s,
                            u"--number-of-bytes"_s, u"32"_s}),
                      u"ValidationException"_s, u"GenerateDataKey"_s));
    QVERIFY(failsWith(qkms({u"generate-data-key"_s, u"--key-id"_s, m_key, u"--number-of-bytes"_s, u"1025"_s}),
                      u"ValidationException"_s, u"GenerateDataKey"_s));
}

void TestCliCrypto::reEncrypt()
{
    const QString other = createKey();
    const QJsonObject re = ok({u"re-encrypt"_s, u"--ciphertext-blob"_s, fileb(u"re.bin"_s, m_ciphertext),
                               u"--source-encryption-context"_s, u"app=cli,env=test"_s, u"--destination-key-id"_s, other,
                               u"--destination-encryption-context"_s, u"moved=yes"_s});
    QCOMPARE(re.value(u"SourceKeyId").toString(), m_key);
    QCOMPARE(re.value(u"KeyId").toString(), other);
    QCOMPARE(re.value(u"SourceEncryptionAlgorithm").toString(), u"SYMMETRIC_DEFAULT"_s);
    const QJsonObject dec = ok({u"decrypt"_s, u"--ciphertext-blob"_s, fileb(u"re2.bin"_s, blob(re, u"CiphertextBlob")),
                                u"--encryption-context"_s, u"moved=yes"_s});
    QCOMPARE(dec.value(u"KeyId").toString(), other);
    QCOMPARE(blob(dec, u"Plaintext"), m_plaintext);
}

void TestCliCrypto::generateRandom()
{
    const QJsonObject r = ok({u"generate-random"_s, u"--number-of-bytes"_s, u"32"_s});
    QCOMPARE(r.keys(), QStringList{u"Plaintext"_s});
    QCOMPARE(blob(r, u"Plaintext").size(), 32);
    QVERIFY(failsWith(qkms({u"generate-random"_s, u"--number-of-bytes"_s, u"0"_s}), u"ValidationException"_s,
                      u"GenerateRandom"_s));
}

void TestCliCrypto::signAndVerify()
{
    const QString key = createKey({u"--key-spec"_s, u"ECC_NIST_P256"_s, u"--key-usage"_s, u"SIGN_VERIFY"_s});
    const QString message = fileb(u"msg.txt"_s, QByteArrayLiteral("pay 100 to alice"));
    const QJsonObject s = ok({u"sign"_s, u"--key-id"_s, key, u"--message"_s, message, u"--message-type"_s, u"RAW"_s,
                              u"--signing-algorithm"_s, u"ECDSA_SHA_256"_s});
    QCOMPARE(s.value(u"KeyId").toString(), key);
    QCOMPARE(s.value(u"SigningAlgorithm").toString(), u"ECDSA_SHA_256"_s);
    const QString signature = fileb(u"sig.der"_s, blob(s, u"Signature"));
    QVERIFY(blob(s, u"Signature").startsWith('\x30')); // a DER ECDSA-Sig-Value

    const QJsonObject v = ok({u"verify"_s, u"--key-id"_s, key, u"--message"_s, message, u"--signature"_s, signature,
                              u"--signing-algorithm"_s, u"ECDSA_SHA_256"_s});
    QCOMPARE(v.value(u"SignatureValid").toBool(), true);
    QCOMPARE(v.value(u"KeyId").toString(), key);
    QVERIFY(failsWith(qkms({u"verify"_s, u"--key-id"_s, key, u"--message"_s, fileb(u"msg2.txt"_s, QByteArrayLiteral("pay 900 to alice")),
                            u"--signature"_s, signature, u"--signing-algorithm"_s, u"ECDSA_SHA_256"_s}),
                      u"KMSInvalidSignatureException"_s, u"Verify"_s));

    const QJsonObject pub = ok({u"get-public-key"_s, u"--key-id"_s, key});
    QCOMPARE(pub.value(u"KeyId").toString(), key);
    QCOMPARE(pub.value(u"KeySpec").toString(), u"ECC_NIST_P256"_s);
    QCOMPARE(pub.value(u"KeyUsage").toString(), u"SIGN_VERIFY"_s);
    QVERIFY(pub.value(u"SigningAlgorithms").toArray().contains(u"ECDSA_SHA_256"_s));
    QVERIFY(!pub.contains(u"EncryptionAlgorithms"));
    QCOMPARE(blob(pub, u"PublicKey").size(), 91); // SubjectPublicKeyInfo of an uncompressed P-256 point
}

void TestCliCrypto::macs()
{
    const QString key = createKey({u"--key-spec"_s, u"HMAC_256"_s, u"--key-usage"_s, u"GENERATE_VERIFY_MAC"_s});
    const QString message = fileb(u"mac-msg.bin"_s, QByteArrayLiteral("message to authenticate"));
    const QJsonObject m = ok({u"generate-mac"_s, u"--key-id"_s, key, u"--message"_s, message, u"--mac-algorithm"_s,
                              u"HMAC_SHA_256"_s});
    QCOMPARE(m.value(u"KeyId").toString(), key);
    QCOMPARE(m.value(u"MacAlgorithm").toString(), u"HMAC_SHA_256"_s);
    QByteArray mac = blob(m, u"Mac");
    QCOMPARE(mac.size(), 32);
    const QJsonObject v = ok({u"verify-mac"_s, u"--key-id"_s, key, u"--message"_s, message, u"--mac"_s,
                              m.value(u"Mac").toString(), u"--mac-algorithm"_s, u"HMAC_SHA_256"_s});
    QCOMPARE(v.value(u"MacValid").toBool(), true);
    mac[0] = char(mac[0] ^ 0x80);
    QVERIFY(failsWith(qkms({u"verify-mac"_s, u"--key-id"_s, key, u"--message"_s, message, u"--mac"_s,
                            fileb(u"bad.mac"_s, mac), u"--mac-algorithm"_s, u"HMAC_SHA_256"_s}),
                      u"KMSInvalidMacException"_s, u"VerifyMac"_s));
    QVERIFY(failsWith(qkms({u"encrypt"_s, u"--key-id"_s, key, u"--plaintext"_s, u"aGVsbG8="_s}),
                      u"InvalidKeyUsageException"_s, u"Encrypt"_s));
}

void TestCliCrypto::dataKeyPair()
{
    const QJsonObject pair = ok({u"generate-data-key-pair"_s, u"--key-id"_s, m_key, u"--key-pair-spec"_s,
                                 u"ECC_NIST_P256"_s});
    QCOMPARE(pair.value(u"KeyId").toString(), m_key);
    QCOMPARE(pair.value(u"KeyPairSpec").toString(), u"ECC_NIST_P256"_s);
    const QByteArray priv = blob(pair, u"PrivateKeyPlaintext");
    QVERIFY(priv.startsWith('\x30')); // PKCS#8 DER
    QCOMPARE(blob(pair, u"PublicKey").size(), 91);
    const QJsonObject back = ok({u"decrypt"_s, u"--ciphertext-blob"_s,
                                 fileb(u"pair.bin"_s, blob(pair, u"PrivateKeyCiphertextBlob"))});
    QCOMPARE(blob(back, u"Plaintext"), priv);

    const QJsonObject np = ok({u"generate-data-key-pair-without-plaintext"_s, u"--key-id"_s, m_key,
                               u"--key-pair-spec"_s, u"ECC_NIST_P256"_s});
    QVERIFY(!np.contains(u"PrivateKeyPlaintext"));
    QVERIFY(!blob(np, u"PrivateKeyCiphertextBlob").isEmpty());
}

void TestCliCrypto::secretsStayOutOfTheAudit()
{
    const CliResult r = qkms({u"export-audit"_s});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QVERIFY(r.out.contains("\"eventName\":\"Decrypt\""));
    QVERIFY(!r.out.contains(m_plaintext.mid(3, 9)));           // " payroll "
    QVERIFY(!r.out.contains(m_plaintext.toBase64().left(16)));
    const QJsonObject verified = ok({u"verify-audit"_s});
    QCOMPARE(verified.value(u"Intact").toBool(), true);
    QVERIFY(verified.value(u"Events").toInt() > 20);
}

QKMS_TEST_MAIN(TestCliCrypto)
#include "tst_cli_crypto.moc"
