// Key material import end to end through the real qkms executable: get-parameters-for-import,
// import-key-material with fileb:// blobs (wrapped by the openssl command line when it is there,
// else by the primitives), delete-imported-key-material, re-import, expiry while qkms was closed
// (QKMS_NOW moves time), and the AWS CLI error lines. Also --grant-tokens and re-encrypt to RSA.

#include "CliRunner.h"
#include "TestMain.h"
#include "VaultFixture.h"
#include "primitives/AsymmetricKey.h"
#include "primitives/Primitives.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTimeZone>

using namespace qkms;
using namespace qkms::test;
using namespace Qt::StringLiterals;

class TestCliImport : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void importUseDeleteReimport();
    void errors();
    void expiryWhileClosed();
    void grantTokensAndReEncryptToRsa();

private:
    std::unique_ptr<VaultFixture> m_fixture;
    QTemporaryDir m_tmp;
    const QDateTime m_t0{QDate(2030, 1, 1), QTime(8, 0), QTimeZone::UTC};

    CliResult qkms(const QStringList &args, qint64 hours = 0) const
    {
        QProcessEnvironment env;
        env.insert(u"QKMS_NOW"_s, m_t0.addSecs(hours * 3600).toString(Qt::ISODate));
        return runQkms(m_fixture->dir(), QStringList{u"--region"_s, u"eu-west-1"_s} + args, kPassphrase, env);
    }
    QJsonObject ok(const QStringList &args, qint64 hours = 0) const
    {
        const CliResult r = qkms(args, hours);
        if (r.exitCode != 0)
            qWarning("qkms %s failed (%d): %s", qPrintable(args.join(u' ')), r.exitCode, r.err.constData());
        return QJsonDocument::fromJson(r.out).object();
    }
    static bool failsWith(const CliResult &r, const QString &exception, const QString &operation)
    {
        const QString line = u"An error occurred (%1) when calling the %2 operation"_s.arg(exception, operation);
        if (r.exitCode == 254 && r.errText().contains(line))
            return true;
        qWarning("exit %d, stderr: %s", r.exitCode, r.err.constData());
        return false;
    }
    QString write(const QString &name, const QByteArray &bytes) const
    {
        QFile f(m_tmp.filePath(name));
        if (!f.open(QIODevice::WriteOnly) || f.write(bytes) != bytes.size())
            qFatal("cannot write %s", qPrintable(name));
        return u"fileb://"_s + m_tmp.filePath(name);
    }
    QString externalKey(qint64 hours = 0) const
    {
        const QJsonObject k = ok({u"create-key"_s, u"--origin"_s, u"EXTERNAL"_s}, hours);
        const QJsonObject meta = k.value(u"KeyMetadata").toObject();
        if (meta.value(u"KeyState").toString() != u"PendingImport")
            qWarning("unexpected key: %s", QJsonDocument(k).toJson().constData());
        return meta.value(u"KeyId").toString();
    }
    /// Parameters for `keyId`, the material wrapped for them: (--import-token, --encrypted-key-material).
    QPair<QString, QString> wrapped(const QString &keyId, const QByteArray &material, qint64 hours = 0) const
    {
        const QJsonObject p = ok({u"get-parameters-for-import"_s, u"--key-id"_s, keyId, u"--wrapping-algorithm"_s,
                                  u"RSAES_OAEP_SHA_256"_s, u"--wrapping-key-spec"_s, u"RSA_2048"_s},
                                 hours);
        const QByteArray pub = QByteArray::fromBase64(p.value(u"PublicKey").toString().toLatin1());
        const QByteArray token = QByteArray::fromBase64(p.value(u"ImportToken").toString().toLatin1());
        const QString tag = QString::number(++m_files);
        QByteArray encrypted;
        const QString openssl = QStandardPaths::findExecutable(u"openssl"_s);
        if (!openssl.isEmpty()) {
            write(u"pub"_s + tag, pub);
            write(u"material"_s + tag, material);
            QProcess process;
            process.setProcessChannelMode(QProcess::MergedChannels);
            process.start(openssl, {u"pkeyutl"_s, u"-encrypt"_s, u"-pubin"_s, u"-keyform"_s, u"DER"_s, u"-inkey"_s,
                                    m_tmp.filePath(u"pub"_s + tag), u"-in"_s, m_tmp.filePath(u"material"_s + tag),
                                    u"-out"_s, m_tmp.filePath(u"wrapped"_s + tag), u"-pkeyopt"_s,
                                    u"rsa_padding_mode:oaep"_s, u"-pkeyopt"_s, u"rsa_oaep_md:sha256"_s, u"-pkeyopt"_s,
                                    u"rsa_mgf1_md:sha256"_s});
            if (!process.waitForFinished(60000) || process.exitCode() != 0)
                qWarning("openssl: %s", process.readAll().constData());
            QFile f(m_tmp.filePath(u"wrapped"_s + tag));
            if (f.open(QIODevice::ReadOnly))
                encrypted = f.readAll();
        } else {
            auto key = crypto::AsymmetricKey::fromPublicDer(pub);
            if (key)
                encrypted = key->oaepEncrypt(crypto::HashAlg::Sha256, QCA::SecureArray(material)).value_or(QByteArray());
        }
        return {write(u"token"_s + tag, token), write(u"encrypted"_s + tag, encrypted)};
    }
    mutable int m_files = 0;
};

void TestCliImport::initTestCase()
{
    QVERIFY(m_tmp.isValid());
    m_fixture = std::make_unique<VaultFixture>();
    (void)m_fixture->vault();
    m_fixture->close();
}

void TestCliImport::cleanupTestCase()
{
    m_fixture.reset();
}

void TestCliImport::importUseDeleteReimport()
{
    const QString key = externalKey();
    const QByteArray material = crypto::randomBytes(32);
    const QJsonObject p = ok({u"get-parameters-for-import"_s, u"--key-id"_s, key, u"--wrapping-algorithm"_s,
                              u"RSAES_OAEP_SHA_256"_s, u"--wrapping-key-spec"_s, u"RSA_3072"_s});
    QVERIFY(p.value(u"KeyId").toString().endsWith(u"key/"_s + key));
    QCOMPARE(p.value(u"ParametersValidTo").toDouble(), double(m_t0.addDays(1).toSecsSinceEpoch()));
    QVERIFY(!p.value(u"ImportToken").toString().isEmpty());

    const auto [token, encrypted] = wrapped(key, material);
    const QJsonObject done = ok({u"import-key-material"_s, u"--key-id"_s, key, u"--encrypted-key-material"_s, encrypted,
                                 u"--import-token"_s, token, u"--expiration-model"_s,
                                 u"KEY_MATERIAL_DOES_NOT_EXPIRE"_s});
    QCOMPARE(done.value(u"KeyMaterialId").toString().size(), 64);
    QCOMPARE(ok({u"describe-key"_s, u"--key-id"_s, key}).value(u"KeyMetadata").toObject().value(u"KeyState").toString(),
             u"Enabled"_s);

    const QJsonObject enc = ok({u"encrypt"_s, u"--key-id"_s, key, u"--plaintext"_s, write(u"plain"_s, "imported")});
    const QString cipher = write(u"cipher"_s, QByteArray::fromBase64(enc.value(u"CiphertextBlob").toString().toLatin1()));
    const CliResult text = qkms({u"--output"_s, u"text"_s, u"--query"_s, u"Plaintext"_s, u"decrypt"_s,
                                 u"--ciphertext-blob"_s, cipher});
    QCOMPARE(text.exitCode, 0);
    QCOMPARE(QByteArray::fromBase64(text.out.trimmed()), QByteArray("imported"));

    const CliResult deleted = qkms({u"delete-imported-key-material"_s, u"--key-id"_s, key});
    QCOMPARE(deleted.exitCode, 0);
    QVERIFY(deleted.out.trimmed().isEmpty());
    QCOMPARE(ok({u"describe-key"_s, u"--key-id"_s, key}).value(u"KeyMetadata").toObject().value(u"KeyState").toString(),
             u"PendingImport"_s);
    QVERIFY(failsWith(qkms({u"decrypt"_s, u"--ciphertext-blob"_s, cipher}), u"KMSInvalidStateException"_s,
                      u"Decrypt"_s));

    // The same material again, now expiring: the old ciphertext decrypts.
    const auto [token2, encrypted2] = wrapped(key, material);
    const QJsonObject again = ok({u"import-key-material"_s, u"--key-id"_s, key, u"--encrypted-key-material"_s,
                                  encrypted2, u"--import-token"_s, token2, u"--expiration-model"_s,
                                  u"KEY_MATERIAL_EXPIRES"_s, u"--valid-to"_s, u"2030-02-01T00:00:00Z"_s});
    QCOMPARE(again.value(u"KeyMaterialId").toString(), done.value(u"KeyMaterialId").toString());
    QCOMPARE(qkms({u"decrypt"_s, u"--ciphertext-blob"_s, cipher}).exitCode, 0);
    const QJsonObject meta = ok({u"describe-key"_s, u"--key-id"_s, key}).value(u"KeyMetadata").toObject();
    QCOMPARE(meta.value(u"ExpirationModel").toString(), u"KEY_MATERIAL_EXPIRES"_s);
    QCOMPARE(meta.value(u"ValidTo").toDouble(),
             double(QDateTime(QDate(2030, 2, 1), QTime(0, 0), QTimeZone::UTC).toSecsSinceEpoch()));
}

void TestCliImport::errors()
{
    const QString key = externalKey();
    const auto [token, encrypted] = wrapped(key, crypto::randomBytes(32));
    QVERIFY(qkms({u"import-key-material"_s, u"--key-id"_s, key, u"--encrypted-key-material"_s, encrypted,
                  u"--import-token"_s, token}).exitCode == 0);
    // Other material for a key that has some.
    const auto [token2, encrypted2] = wrapped(key, crypto::randomBytes(32));
    QVERIFY(failsWith(qkms({u"import-key-material"_s, u"--key-id"_s, key, u"--encrypted-key-material"_s, encrypted2,
                            u"--import-token"_s, token2}),
                      u"IncorrectKeyMaterialException"_s, u"ImportKeyMaterial"_s));
    // A token for another key, and an expired one (25 hours later).
    const QString other = externalKey();
    QVERIFY(failsWith(qkms({u"import-key-material"_s, u"--key-id"_s, other, u"--encrypted-key-material"_s, encrypted2,
                            u"--import-token"_s, token2}),
                      u"InvalidImportTokenException"_s, u"ImportKeyMaterial"_s));
    const auto [token3, encrypted3] = wrapped(other, crypto::randomBytes(32));
    QVERIFY(failsWith(qkms({u"import-key-material"_s, u"--key-id"_s, other, u"--encrypted-key-material"_s, encrypted3,
                            u"--import-token"_s, token3},
                           25),
                      u"ExpiredImportTokenException"_s, u"ImportKeyMaterial"_s));
    // Keys with AWS_KMS origin.
    const QString native = ok({u"create-key"_s}).value(u"KeyMetadata").toObject().value(u"KeyId").toString();
    QVERIFY(failsWith(qkms({u"get-parameters-for-import"_s, u"--key-id"_s, native, u"--wrapping-algorithm"_s,
                            u"RSAES_OAEP_SHA_256"_s, u"--wrapping-key-spec"_s, u"RSA_2048"_s}),
                      u"UnsupportedOperationException"_s, u"GetParametersForImport"_s));
    QVERIFY(failsWith(qkms({u"delete-imported-key-material"_s, u"--key-id"_s, native}),
                      u"UnsupportedOperationException"_s, u"DeleteImportedKeyMaterial"_s));
    // Usage errors: a missing blob, a ValidTo that is no time.
    QCOMPARE(qkms({u"import-key-material"_s, u"--key-id"_s, other, u"--encrypted-key-material"_s, encrypted3}).exitCode,
             252);
    QCOMPARE(qkms({u"import-key-material"_s, u"--key-id"_s, other, u"--encrypted-key-material"_s, encrypted3,
                   u"--import-token"_s, token3, u"--valid-to"_s, u"next tuesday"_s})
                 .exitCode,
             252);
    QCOMPARE(qkms({u"get-parameters-for-import"_s, u"--key-id"_s, other, u"--wrapping-algorithm"_s,
                   u"RSAES_OAEP_SHA_256"_s})
                 .exitCode,
             252);
}

void TestCliImport::expiryWhileClosed()
{
    const QString key = externalKey();
    const auto [token, encrypted] = wrapped(key, crypto::randomBytes(32));
    // ValidTo as epoch seconds, two days on.
    const QString validTo = QString::number(m_t0.addDays(2).toSecsSinceEpoch());
    QCOMPARE(qkms({u"import-key-material"_s, u"--key-id"_s, key, u"--encrypted-key-material"_s, encrypted,
                   u"--import-token"_s, token, u"--valid-to"_s, validTo})
                 .exitCode,
             0);
    const auto state = [&](qint64 hours) {
        return ok({u"describe-key"_s, u"--key-id"_s, key}, hours).value(u"KeyMetadata").toObject().value(u"KeyState").toString();
    };
    QCOMPARE(state(47), u"Enabled"_s);
    // Nothing ran qkms in between: opening the vault later carries out the expiry.
    QCOMPARE(state(49), u"PendingImport"_s);
    const CliResult audit = qkms({u"export-audit"_s}, 49);
    QCOMPARE(audit.exitCode, 0);
    QVERIFY(audit.out.contains("DeleteExpiredKeyMaterial"));
}

void TestCliImport::grantTokensAndReEncryptToRsa()
{
    const QString symmetric = ok({u"create-key"_s}).value(u"KeyMetadata").toObject().value(u"KeyId").toString();
    const QString plain = write(u"p"_s, "to rsa");
    QVERIFY(failsWith(qkms({u"encrypt"_s, u"--key-id"_s, symmetric, u"--plaintext"_s, plain, u"--grant-tokens"_s,
                            u"not-a-token"_s}),
                      u"InvalidGrantTokenException"_s, u"Encrypt"_s));
    QVERIFY(failsWith(qkms({u"describe-key"_s, u"--key-id"_s, symmetric, u"--grant-tokens"_s, u"t1"_s, u"t2"_s}),
                      u"InvalidGrantTokenException"_s, u"DescribeKey"_s));
    const QJsonObject grant = ok({u"create-grant"_s, u"--key-id"_s, symmetric, u"--grantee-principal"_s,
                                  u"arn:aws:iam::%1:root"_s.arg(ok({u"describe-key"_s, u"--key-id"_s, symmetric})
                                                                    .value(u"KeyMetadata")
                                                                    .toObject()
                                                                    .value(u"AWSAccountId")
                                                                    .toString()),
                                  u"--operations"_s, u"Encrypt"_s});
    const QString grantToken = grant.value(u"GrantToken").toString();
    QVERIFY(!grantToken.isEmpty());
    const QJsonObject enc = ok({u"encrypt"_s, u"--key-id"_s, symmetric, u"--plaintext"_s, plain, u"--grant-tokens"_s,
                                grantToken});
    QVERIFY(!enc.value(u"CiphertextBlob").toString().isEmpty());

    const QString rsa = ok({u"create-key"_s, u"--key-spec"_s, u"RSA_2048"_s}).value(u"KeyMetadata").toObject()
                            .value(u"KeyId").toString();
    const QString cipher = write(u"c"_s, QByteArray::fromBase64(enc.value(u"CiphertextBlob").toString().toLatin1()));
    const QJsonObject re = ok({u"re-encrypt"_s, u"--ciphertext-blob"_s, cipher, u"--destination-key-id"_s, rsa,
                               u"--destination-encryption-algorithm"_s, u"RSAES_OAEP_SHA_256"_s});
    QCOMPARE(re.value(u"DestinationEncryptionAlgorithm").toString(), u"RSAES_OAEP_SHA_256"_s);
    const QString rsaCipher = write(u"rc"_s, QByteArray::fromBase64(re.value(u"CiphertextBlob").toString().toLatin1()));
    const CliResult back = qkms({u"--output"_s, u"text"_s, u"--query"_s, u"Plaintext"_s, u"decrypt"_s,
                                 u"--ciphertext-blob"_s, rsaCipher, u"--key-id"_s, rsa, u"--encryption-algorithm"_s,
                                 u"RSAES_OAEP_SHA_256"_s});
    QCOMPARE(back.exitCode, 0);
    QCOMPARE(QByteArray::fromBase64(back.out.trimmed()), QByteArray("to rsa"));
}

QKMS_TEST_MAIN(TestCliImport)
#include "tst_cli_import.moc"
