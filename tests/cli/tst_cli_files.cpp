// encrypt-file, decrypt-file and inspect-file through the real qkms executable: default names
// and the default key (alias/aws/files, made on first use), several keys and a second principal,
// `-` for stdin and stdout with bytes no text codec survives, existing outputs kept, tampered
// input refused without leaving any file, and the usage errors.

#include "CliRunner.h"
#include "TestMain.h"
#include "VaultFixture.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>

using namespace qkms;
using namespace qkms::test;
using namespace Qt::StringLiterals;

class TestCliFiles : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void roundTripWithDefaultKey();
    void severalKeysAndPrincipals();
    void stdinAndStdout();
    void existingOutputKept();
    void tamperedLeavesNothing();
    void options();
    void usageErrors_data();
    void usageErrors();

private:
    CliResult qkms(const QStringList &args, const QByteArray &input = {}, const QString &principal = {}) const
    {
        QStringList all{u"--vault"_s, m_vault, u"--region"_s, u"us-east-1"_s};
        if (!principal.isEmpty())
            all += {u"--principal"_s, principal};
        QProcessEnvironment env;
        env.insert(u"QKMS_PASSPHRASE"_s, QString::fromUtf8(kPassphrase));
        return runProgram(binaryPath(u"qkms"_s), all + args, env, input);
    }
    QJsonObject ok(const QStringList &args, const QString &principal = {}) const
    {
        const CliResult r = qkms(args, {}, principal);
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
    QString path(const QString &name) const { return m_files.filePath(name); }
    QStringList names() const
    {
        return QDir(m_files.path()).entryList(QDir::Files | QDir::Hidden | QDir::NoDotAndDotDot, QDir::Name);
    }
    static bool write(const QString &path, const QByteArray &bytes)
    {
        QFile f(path);
        return f.open(QIODevice::WriteOnly) && f.write(bytes) == bytes.size();
    }
    static QByteArray read(const QString &path)
    {
        QFile f(path);
        return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
    }
    QString account() const { return m_keyA.section(u':', 4, 4); }

    QTemporaryDir m_tmp;
    QTemporaryDir m_files;
    QString m_vault;
    QString m_keyA;
    QString m_keyB;
    QByteArray m_plain;
};

void TestCliFiles::initTestCase()
{
    QVERIFY(m_tmp.isValid() && m_files.isValid());
    m_vault = m_tmp.path() + u"/vault"_s;
    const CliResult r = qkms({u"init"_s});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    m_keyA = ok({u"create-key"_s}).value(u"KeyMetadata").toObject().value(u"Arn").toString();
    m_keyB = ok({u"create-key"_s}).value(u"KeyMetadata").toObject().value(u"Arn").toString();
    QVERIFY(m_keyA.startsWith(u"arn:aws:kms:us-east-1:"_s) && m_keyB.startsWith(u"arn:aws:kms:"_s));
    // NUL, 0xFF, invalid UTF-8, CR LF: stdin/stdout must pass bytes, not text; three frames.
    m_plain = QByteArray("\x00\xff\xfe\r\n payroll \xc3\x28\n", 16).repeated(9000);
}

void TestCliFiles::roundTripWithDefaultKey()
{
    QVERIFY(write(path(u"salaries.xlsx"_s), m_plain));
    const QJsonObject enc = ok({u"encrypt-file"_s, path(u"salaries.xlsx"_s), u"--encryption-context"_s, u"dept=hr"_s});
    QCOMPARE(enc.value(u"Output").toString(), path(u"salaries.xlsx.encrypted"_s));
    QCOMPARE(enc.value(u"AlgorithmSuite").toString(), u"0x0478"_s);
    QCOMPARE(enc.value(u"PlaintextBytes").toInteger(), m_plain.size());
    // No --key-id: the AWS-managed key of the service, made now and reused afterwards.
    const QJsonArray aliases = ok({u"list-aliases"_s}).value(u"Aliases").toArray();
    QString managedKeyId;
    for (const QJsonValue &a : aliases)
        if (a.toObject().value(u"AliasName").toString() == u"alias/aws/files"_s)
            managedKeyId = a.toObject().value(u"TargetKeyId").toString();
    QVERIFY(!managedKeyId.isEmpty());
    const QString managedArn = enc.value(u"KeyIds").toArray().first().toString();
    QVERIFY2(managedArn.endsWith(u"key/"_s + managedKeyId), qPrintable(managedArn));
    QVERIFY(!read(enc.value(u"Output").toString()).contains(QByteArray(" payroll ")));

    QVERIFY(QFile::rename(path(u"salaries.xlsx"_s), path(u"original.xlsx"_s)));
    const QJsonObject dec = ok({u"decrypt-file"_s, path(u"salaries.xlsx.encrypted"_s)});
    QCOMPARE(dec.value(u"Output").toString(), path(u"salaries.xlsx"_s)); // ".encrypted" dropped
    QCOMPARE(dec.value(u"KeyId").toString(), managedArn);
    QCOMPARE(dec.value(u"EncryptionContext").toObject().value(u"dept").toString(), u"hr"_s);
    QVERIFY(read(path(u"salaries.xlsx"_s)) == m_plain);

    // Once more: the same managed key, no second alias.
    const QJsonObject again = ok({u"encrypt-file"_s, path(u"original.xlsx"_s)});
    QCOMPARE(again.value(u"KeyIds").toArray().first().toString(), managedArn);
    for (const QString &n : names())
        QVERIFY(QFile::remove(path(n)));
}

void TestCliFiles::severalKeysAndPrincipals()
{
    for (const QString &user : {u"bob"_s, u"eve"_s})
        QVERIFY2(qkms({u"create-user"_s, u"--user-name"_s, user}).exitCode == 0, "create-user");
    const QString policy = uR"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:Decrypt","Resource":"%1"}]})"_s.arg(m_keyB);
    const CliResult put = qkms({u"put-user-policy"_s, u"--user-name"_s, u"bob"_s, u"--policy-name"_s, u"files"_s,
                                u"--policy-document"_s, policy});
    QVERIFY2(put.exitCode == 0, put.err.constData());
    const QString bob = u"arn:aws:iam::%1:user/bob"_s.arg(account());
    const QString eve = u"arn:aws:iam::%1:user/eve"_s.arg(account());

    QVERIFY(write(path(u"plan.txt"_s), m_plain));
    const QJsonObject enc = ok({u"encrypt-file"_s, path(u"plan.txt"_s), u"--output"_s, path(u"plan.msg"_s),
                                u"--key-id"_s, m_keyA, u"--key-id"_s, m_keyB});
    QCOMPARE(enc.value(u"KeyIds").toArray(), (QJsonArray{m_keyA, m_keyB}));

    // Inspect as bob: both data keys listed, only B usable — and nothing decrypted.
    const QJsonObject info = ok({u"inspect-file"_s, path(u"plan.msg"_s)}, bob);
    const QJsonArray edks = info.value(u"EncryptedDataKeys").toArray();
    QCOMPARE(edks.size(), 2);
    QCOMPARE(edks[0].toObject().value(u"KeyArn").toString(), m_keyA);
    QCOMPARE(edks[0].toObject().value(u"CanDecrypt").toBool(), false);
    QVERIFY(edks[0].toObject().value(u"Reason").toString().startsWith(u"AccessDeniedException"_s));
    QCOMPARE(edks[1].toObject().value(u"KeyArn").toString(), m_keyB);
    QCOMPARE(edks[1].toObject().value(u"CanDecrypt").toBool(), true);
    QCOMPARE(info.value(u"FrameLength").toInteger(), 65536);
    QVERIFY(!QFile::exists(path(u"plan.txt.decrypted"_s)));

    // Bob decrypts through key B; eve, with no permission, gets AWS's refusal and no file.
    const QJsonObject dec = ok({u"decrypt-file"_s, path(u"plan.msg"_s), u"--output"_s, path(u"bob.txt"_s)}, bob);
    QCOMPARE(dec.value(u"KeyId").toString(), m_keyB);
    QVERIFY(read(path(u"bob.txt"_s)) == m_plain);
    const CliResult denied = qkms({u"decrypt-file"_s, path(u"plan.msg"_s), u"--output"_s, path(u"eve.txt"_s)}, {}, eve);
    QVERIFY(failsWith(denied, u"AccessDeniedException"_s, u"DecryptFile"_s));
    QVERIFY(denied.errText().contains(eve));
    QCOMPARE(names(), (QStringList{u"bob.txt"_s, u"plan.msg"_s, u"plan.txt"_s}));
    for (const QString &n : names())
        QVERIFY(QFile::remove(path(n)));
}

void TestCliFiles::stdinAndStdout()
{
    // stdin → stdout, both ways.
    const CliResult enc = qkms({u"encrypt-file"_s, u"-"_s, u"--key-id"_s, m_keyA, u"--suite"_s, u"0x0578"_s}, m_plain);
    QVERIFY2(enc.exitCode == 0, enc.err.constData());
    QVERIFY(enc.out.size() > m_plain.size());
    QCOMPARE(quint8(enc.out[0]), quint8(0x02));
    QCOMPARE(enc.out.mid(1, 2), QByteArray("\x05\x78", 2));
    const CliResult dec = qkms({u"decrypt-file"_s, u"-"_s}, enc.out);
    QVERIFY2(dec.exitCode == 0, dec.err.constData());
    QVERIFY(dec.out == m_plain);
    QVERIFY(dec.err.isEmpty());

    // stdin → file, and file → stdout.
    const CliResult toFile = qkms({u"encrypt-file"_s, u"-"_s, u"--key-id"_s, m_keyA, u"--output"_s, path(u"in.msg"_s)}, m_plain);
    QVERIFY2(toFile.exitCode == 0, toFile.err.constData());
    QCOMPARE(QJsonDocument::fromJson(toFile.out).object().value(u"Output").toString(), path(u"in.msg"_s));
    const CliResult fromFile = qkms({u"decrypt-file"_s, path(u"in.msg"_s), u"--output"_s, u"-"_s});
    QVERIFY2(fromFile.exitCode == 0, fromFile.err.constData());
    QVERIFY(fromFile.out == m_plain);
    const CliResult inspect = qkms({u"inspect-file"_s, u"-"_s}, read(path(u"in.msg"_s)));
    QVERIFY2(inspect.exitCode == 0, inspect.err.constData());
    QCOMPARE(QJsonDocument::fromJson(inspect.out).object().value(u"AlgorithmSuite").toString(), u"0x0478"_s);

    // A damaged message on stdin: exit 254 and the held-back final frame never reaches stdout.
    QByteArray bad = enc.out;
    bad[bad.size() - 2] ^= 1; // the signature
    const CliResult tampered = qkms({u"decrypt-file"_s, u"-"_s}, bad);
    QVERIFY(failsWith(tampered, u"InvalidCiphertextException"_s, u"DecryptFile"_s));
    QVERIFY(tampered.out.size() < m_plain.size());
    QVERIFY(QFile::remove(path(u"in.msg"_s)));
}

void TestCliFiles::existingOutputKept()
{
    QVERIFY(write(path(u"a.txt"_s), m_plain));
    QVERIFY(write(path(u"a.txt.encrypted"_s), "keep me"_ba));
    const CliResult r = qkms({u"encrypt-file"_s, path(u"a.txt"_s), u"--key-id"_s, m_keyA});
    QVERIFY(failsWith(r, u"AlreadyExistsException"_s, u"EncryptFile"_s));
    QVERIFY(r.errText().contains(u"--overwrite"_s));
    QCOMPARE(read(path(u"a.txt.encrypted"_s)), "keep me"_ba);
    QCOMPARE(names(), (QStringList{u"a.txt"_s, u"a.txt.encrypted"_s}));
    QVERIFY(qkms({u"encrypt-file"_s, path(u"a.txt"_s), u"--key-id"_s, m_keyA, u"--overwrite"_s}).exitCode == 0);
    const CliResult dec = qkms({u"decrypt-file"_s, path(u"a.txt.encrypted"_s)});
    QVERIFY(failsWith(dec, u"AlreadyExistsException"_s, u"DecryptFile"_s));
    QVERIFY(qkms({u"decrypt-file"_s, path(u"a.txt.encrypted"_s), u"--overwrite"_s}).exitCode == 0);
    QVERIFY(read(path(u"a.txt"_s)) == m_plain);
    for (const QString &n : names())
        QVERIFY(QFile::remove(path(n)));
}

void TestCliFiles::tamperedLeavesNothing()
{
    QVERIFY(write(path(u"t.bin"_s), m_plain));
    QVERIFY(qkms({u"encrypt-file"_s, path(u"t.bin"_s), u"--key-id"_s, m_keyA, u"--frame-length"_s, u"4096"_s}).exitCode == 0);
    QByteArray message = read(path(u"t.bin.encrypted"_s));
    message[message.size() - 20] ^= 0x80; // inside the last frame: earlier frames decrypt first
    QVERIFY(write(path(u"t.bin.encrypted"_s), message));
    const CliResult r = qkms({u"decrypt-file"_s, path(u"t.bin.encrypted"_s), u"--output"_s, path(u"t.out"_s)});
    QVERIFY(failsWith(r, u"InvalidCiphertextException"_s, u"DecryptFile"_s));
    QCOMPARE(names(), (QStringList{u"t.bin"_s, u"t.bin.encrypted"_s}));
    for (const QString &n : names())
        QVERIFY(QFile::remove(path(n)));
}

void TestCliFiles::options()
{
    QVERIFY(write(path(u"o.txt"_s), "short"_ba));
    const QJsonObject enc = ok({u"encrypt-file"_s, path(u"o.txt"_s), u"--key-id"_s, m_keyA, u"--suite"_s,
                                u"ALG_AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384"_s, u"--frame-length"_s, u"100"_s,
                                u"--encryption-context"_s, uR"({"a":"1","b":"2"})"_s});
    const QJsonObject info = ok({u"inspect-file"_s, path(u"o.txt.encrypted"_s)});
    QCOMPARE(info.value(u"AlgorithmSuite").toString(), u"0x0578"_s);
    QCOMPARE(info.value(u"FrameLength").toInteger(), 100);
    const QJsonObject ctx = info.value(u"EncryptionContext").toObject();
    QCOMPARE(ctx.value(u"a").toString(), u"1"_s);
    QVERIFY(ctx.contains(u"aws-crypto-public-key"));
    QCOMPARE(enc.value(u"MessageId").toString(), info.value(u"MessageId").toString());
    // Service-side refusals: a reserved context key, an unknown key, a plaintext file.
    QVERIFY(failsWith(qkms({u"encrypt-file"_s, path(u"o.txt"_s), u"--output"_s, path(u"x"_s), u"--encryption-context"_s,
                            u"aws-crypto-x=1"_s}),
                      u"ValidationException"_s, u"EncryptFile"_s));
    QVERIFY(failsWith(qkms({u"encrypt-file"_s, path(u"o.txt"_s), u"--output"_s, path(u"x"_s), u"--key-id"_s,
                            u"alias/nope"_s}),
                      u"NotFoundException"_s, u"EncryptFile"_s));
    QVERIFY(failsWith(qkms({u"inspect-file"_s, path(u"o.txt"_s)}), u"InvalidCiphertextException"_s, u"InspectFile"_s));
    QVERIFY(failsWith(qkms({u"decrypt-file"_s, path(u"missing"_s)}), u"StorageException"_s, u"DecryptFile"_s));
    QCOMPARE(names(), (QStringList{u"o.txt"_s, u"o.txt.encrypted"_s}));
}

void TestCliFiles::usageErrors_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<int>("exitCode");
    QTest::newRow("no input") << QStringList{u"encrypt-file"_s} << 252;
    QTest::newRow("two inputs") << QStringList{u"decrypt-file"_s, u"a"_s, u"b"_s} << 252;
    QTest::newRow("unknown option") << QStringList{u"inspect-file"_s, u"a"_s, u"--key-id"_s, u"k"_s} << 252;
    QTest::newRow("frame length not a number") << QStringList{u"encrypt-file"_s, u"a"_s, u"--frame-length"_s, u"big"_s} << 252;
    QTest::newRow("frame length 0") << QStringList{u"encrypt-file"_s, u"a"_s, u"--frame-length"_s, u"0"_s} << 254;
    QTest::newRow("unknown suite") << QStringList{u"encrypt-file"_s, u"a"_s, u"--suite"_s, u"0x0014"_s} << 254;
}

void TestCliFiles::usageErrors()
{
    QFETCH(QStringList, args);
    QFETCH(int, exitCode);
    const CliResult r = qkms(args);
    QCOMPARE(r.exitCode, exitCode);
    QVERIFY(r.out.isEmpty());
}

QKMS_TEST_MAIN(TestCliFiles)
#include "tst_cli_files.moc"
