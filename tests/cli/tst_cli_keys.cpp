// Key management through the real qkms executable, as `aws kms` users would type it: keys,
// their lifecycle, aliases, tags, the audit trail, and usage errors.

#include "CliRunner.h"
#include "TestMain.h"
#include "VaultFixture.h"
#include "store/Database.h"
#include "vault/Vault.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>

using namespace qkms;
using namespace qkms::test;
using namespace Qt::StringLiterals;

class TestCliKeys : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void createAndDescribe();
    void aliases();
    void listKeysPaging();
    void descriptionEnableDisable();
    void scheduleAndCancelDeletion();
    void keyPolicy();
    void tags();
    void usageErrors();
    void auditVerifyExportAndTamper();

private:
    /// qkms --region <region> args…, with the test vault and passphrase.
    CliResult qkms(const QStringList &args, const QString &region = u"us-east-1"_s,
                   const QProcessEnvironment &env = {}) const
    {
        return runQkms(m_vault, QStringList{u"--region"_s, region} + args, kPassphrase, env);
    }
    /// Runs a command that must succeed and returns its JSON output.
    QJsonObject ok(const QStringList &args, const QString &region = u"us-east-1"_s) const
    {
        const CliResult r = qkms(args, region);
        if (r.exitCode != 0)
            qWarning("qkms %s failed (%d): %s", qPrintable(args.join(u' ')), r.exitCode, r.err.constData());
        return QJsonDocument::fromJson(r.out).object();
    }
    QString createKey(const QString &region = u"us-east-1"_s) const
    {
        return ok({u"create-key"_s}, region).value(u"KeyMetadata").toObject().value(u"KeyId").toString();
    }
    static bool failsWith(const CliResult &r, int code, const QString &text)
    {
        if (r.exitCode == code && r.errText().contains(text))
            return true;
        qWarning("exit %d, stderr: %s", r.exitCode, r.err.constData());
        return false;
    }

    QTemporaryDir m_tmp;
    QString m_vault;
    QString m_account;
};

void TestCliKeys::initTestCase()
{
    QVERIFY(m_tmp.isValid());
    m_vault = m_tmp.path() + u"/vault"_s;
    const CliResult r = qkms({u"init"_s});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    m_account = QJsonDocument::fromJson(r.out).object().value(u"AccountId").toString();
    QCOMPARE(m_account.size(), 12);
}

void TestCliKeys::createAndDescribe()
{
    const CliResult created = qkms({u"create-key"_s, u"--description"_s, u"payroll data"_s, u"--tags"_s,
                                    u"TagKey=team,TagValue=pay"_s, u"TagKey=env,TagValue=prod"_s});
    QVERIFY2(created.exitCode == 0, created.err.constData());
    const QJsonObject m = QJsonDocument::fromJson(created.out).object().value(u"KeyMetadata").toObject();
    const QString id = m.value(u"KeyId").toString();
    QCOMPARE(id.size(), 36);
    QCOMPARE(m.value(u"Arn").toString(), u"arn:aws:kms:us-east-1:%1:key/%2"_s.arg(m_account, id));
    QCOMPARE(m.value(u"AWSAccountId").toString(), m_account);
    QCOMPARE(m.value(u"Description").toString(), u"payroll data"_s);
    QCOMPARE(m.value(u"KeyState").toString(), u"Enabled"_s);
    QCOMPARE(m.value(u"Enabled").toBool(), true);
    QCOMPARE(m.value(u"KeySpec").toString(), u"SYMMETRIC_DEFAULT"_s);
    QCOMPARE(m.value(u"KeyUsage").toString(), u"ENCRYPT_DECRYPT"_s);
    QCOMPARE(m.value(u"KeyManager").toString(), u"CUSTOMER"_s);
    QCOMPARE(m.value(u"EncryptionAlgorithms").toArray(), QJsonArray{u"SYMMETRIC_DEFAULT"_s});
    QVERIFY(m.value(u"CreationDate").toDouble() > 1.7e9);

    for (const QString &ref : {id, m.value(u"Arn").toString()}) {
        const QJsonObject d = ok({u"describe-key"_s, u"--key-id"_s, ref}).value(u"KeyMetadata").toObject();
        QCOMPARE(d, m);
    }
    const QJsonArray tags = ok({u"list-resource-tags"_s, u"--key-id"_s, id}).value(u"Tags").toArray();
    QCOMPARE(tags.size(), 2);
    QVERIFY(tags.contains(QJsonObject{{u"TagKey"_s, u"team"_s}, {u"TagValue"_s, u"pay"_s}}));
    QVERIFY(tags.contains(QJsonObject{{u"TagKey"_s, u"env"_s}, {u"TagValue"_s, u"prod"_s}}));

    const CliResult text = qkms({u"--output"_s, u"text"_s, u"--query"_s, u"KeyMetadata.KeyState"_s, u"describe-key"_s,
                                 u"--key-id"_s, id});
    QCOMPARE(text.outText(), u"Enabled\n"_s);
    QVERIFY(failsWith(qkms({u"create-key"_s, u"--key-spec"_s, u"AES_512"_s}), 254,
                      u"An error occurred (ValidationException) when calling the CreateKey operation"_s));
}

void TestCliKeys::aliases()
{
    const QString a = createKey();
    const QString b = createKey();
    const CliResult created = qkms({u"create-alias"_s, u"--alias-name"_s, u"alias/payroll"_s, u"--target-key-id"_s, a});
    QVERIFY2(created.exitCode == 0, created.err.constData());
    QVERIFY(created.out.isEmpty());
    const QString aliasArn = u"arn:aws:kms:us-east-1:%1:alias/payroll"_s.arg(m_account);
    for (const QString &ref : {u"alias/payroll"_s, aliasArn})
        QCOMPARE(ok({u"describe-key"_s, u"--key-id"_s, ref}).value(u"KeyMetadata").toObject().value(u"KeyId").toString(), a);

    const QJsonObject listed = ok({u"list-aliases"_s, u"--key-id"_s, a});
    QCOMPARE(listed.value(u"Truncated").toBool(true), false);
    const QJsonArray entries = listed.value(u"Aliases").toArray();
    QCOMPARE(entries.size(), 1);
    const QJsonObject e = entries[0].toObject();
    QCOMPARE(e.value(u"AliasName").toString(), u"alias/payroll"_s);
    QCOMPARE(e.value(u"AliasArn").toString(), aliasArn);
    QCOMPARE(e.value(u"TargetKeyId").toString(), a);
    QVERIFY(e.value(u"CreationDate").toDouble() > 1.7e9);
    QVERIFY(e.value(u"LastUpdatedDate").toDouble() >= e.value(u"CreationDate").toDouble());

    QVERIFY(failsWith(qkms({u"create-alias"_s, u"--alias-name"_s, u"alias/payroll"_s, u"--target-key-id"_s, b}), 254,
                      u"An error occurred (AlreadyExistsException) when calling the CreateAlias operation"_s));
    QCOMPARE(qkms({u"update-alias"_s, u"--alias-name"_s, u"alias/payroll"_s, u"--target-key-id"_s, b}).exitCode, 0);
    QCOMPARE(ok({u"describe-key"_s, u"--key-id"_s, u"alias/payroll"_s}).value(u"KeyMetadata").toObject().value(u"KeyId").toString(), b);
    QCOMPARE(qkms({u"delete-alias"_s, u"--alias-name"_s, u"alias/payroll"_s}).exitCode, 0);
    QVERIFY(failsWith(qkms({u"describe-key"_s, u"--key-id"_s, u"alias/payroll"_s}), 254,
                      u"An error occurred (NotFoundException) when calling the DescribeKey operation"_s));
}

void TestCliKeys::listKeysPaging()
{
    // A region of its own, so the other tests' keys do not count.
    const QString region = u"eu-west-1"_s;
    QStringList created;
    for (int i = 0; i < 2; ++i)
        created.append(createKey(region));
    const QJsonObject all = ok({u"list-keys"_s}, region);
    QCOMPARE(all.value(u"Truncated").toBool(true), false);
    QVERIFY(!all.contains(u"NextMarker"));
    QCOMPARE(all.value(u"Keys").toArray().size(), 2);

    QStringList paged;
    QString marker;
    for (int page = 0; page < 3; ++page) {
        QStringList args{u"list-keys"_s, u"--limit"_s, u"1"_s};
        if (!marker.isEmpty())
            args << u"--marker"_s << marker;
        const QJsonObject o = ok(args, region);
        const QJsonArray keys = o.value(u"Keys").toArray();
        QCOMPARE(keys.size(), 1);
        const QJsonObject k = keys[0].toObject();
        QCOMPARE(k.value(u"KeyArn").toString(), u"arn:aws:kms:eu-west-1:%1:key/%2"_s.arg(m_account, k.value(u"KeyId").toString()));
        paged.append(k.value(u"KeyId").toString());
        if (!o.value(u"Truncated").toBool()) {
            QVERIFY(!o.contains(u"NextMarker"));
            break;
        }
        marker = o.value(u"NextMarker").toString();
        QVERIFY(!marker.isEmpty());
    }
    created.sort();
    QStringList sortedPaged = paged;
    sortedPaged.sort();
    QCOMPARE(sortedPaged, created);
    QCOMPARE(paged.size(), 2);

    QVERIFY(failsWith(qkms({u"list-keys"_s, u"--limit"_s, u"0"_s}, region), 254,
                      u"An error occurred (ValidationException) when calling the ListKeys operation"_s));
    QVERIFY(failsWith(qkms({u"list-keys"_s, u"--marker"_s, u"not-a-marker"_s}, region), 254,
                      u"An error occurred (InvalidMarkerException) when calling the ListKeys operation"_s));
}

void TestCliKeys::descriptionEnableDisable()
{
    const QString id = createKey();
    const CliResult updated = qkms({u"update-key-description"_s, u"--key-id"_s, id, u"--description"_s, u"renamed"_s});
    QVERIFY2(updated.exitCode == 0 && updated.out.isEmpty(), updated.err.constData());
    const CliResult disabled = qkms({u"disable-key"_s, u"--key-id"_s, id});
    QVERIFY2(disabled.exitCode == 0 && disabled.out.isEmpty(), disabled.err.constData());
    QJsonObject m = ok({u"describe-key"_s, u"--key-id"_s, id}).value(u"KeyMetadata").toObject();
    QCOMPARE(m.value(u"Description").toString(), u"renamed"_s);
    QCOMPARE(m.value(u"KeyState").toString(), u"Disabled"_s);
    QCOMPARE(m.value(u"Enabled").toBool(true), false);
    QCOMPARE(qkms({u"enable-key"_s, u"--key-id"_s, id}).exitCode, 0);
    m = ok({u"describe-key"_s, u"--key-id"_s, id}).value(u"KeyMetadata").toObject();
    QCOMPARE(m.value(u"KeyState").toString(), u"Enabled"_s);
    QVERIFY(failsWith(qkms({u"enable-key"_s, u"--key-id"_s, u"00000000-0000-4000-8000-000000000000"_s}), 254,
                      u"An error occurred (NotFoundException) when calling the EnableKey operation"_s));
}

void TestCliKeys::scheduleAndCancelDeletion()
{
    const QString id = createKey();
    QVERIFY(failsWith(qkms({u"schedule-key-deletion"_s, u"--key-id"_s, id, u"--pending-window-in-days"_s, u"6"_s}), 254,
                      u"An error occurred (ValidationException) when calling the ScheduleKeyDeletion operation"_s));
    // A fixed clock a day ahead, so the expected deletion date is exact and never reached.
    const QDateTime now = QDateTime::currentDateTimeUtc().addDays(1).toOffsetFromUtc(0);
    const QDateTime at(now.date(), QTime(now.time().hour(), now.time().minute()), QTimeZone::UTC);
    QProcessEnvironment env;
    env.insert(u"QKMS_NOW"_s, at.toString(Qt::ISODate));
    const CliResult r = qkms({u"schedule-key-deletion"_s, u"--key-id"_s, id}, u"us-east-1"_s, env);
    QVERIFY2(r.exitCode == 0, r.err.constData());
    const QJsonObject o = QJsonDocument::fromJson(r.out).object();
    QCOMPARE(o.value(u"KeyId").toString(), u"arn:aws:kms:us-east-1:%1:key/%2"_s.arg(m_account, id));
    QCOMPARE(o.value(u"KeyState").toString(), u"PendingDeletion"_s);
    QCOMPARE(o.value(u"PendingWindowInDays").toInt(), 30);
    QCOMPARE(o.value(u"DeletionDate").toDouble(), double(at.addDays(30).toSecsSinceEpoch()));

    QVERIFY(failsWith(qkms({u"schedule-key-deletion"_s, u"--key-id"_s, id}), 254,
                      u"An error occurred (KMSInvalidStateException) when calling the ScheduleKeyDeletion operation"_s));
    const CliResult cancelled = qkms({u"cancel-key-deletion"_s, u"--key-id"_s, id});
    QVERIFY2(cancelled.exitCode == 0, cancelled.err.constData());
    QCOMPARE(QJsonDocument::fromJson(cancelled.out).object().value(u"KeyId").toString(), o.value(u"KeyId").toString());
    QCOMPARE(ok({u"describe-key"_s, u"--key-id"_s, id}).value(u"KeyMetadata").toObject().value(u"KeyState").toString(),
             u"Disabled"_s);

    const QJsonObject seven = ok({u"schedule-key-deletion"_s, u"--key-id"_s, id, u"--pending-window-in-days"_s, u"7"_s});
    QCOMPARE(seven.value(u"PendingWindowInDays").toInt(), 7);
}

void TestCliKeys::keyPolicy()
{
    const QString id = createKey();
    const QJsonObject o = ok({u"get-key-policy"_s, u"--key-id"_s, id});
    QCOMPARE(o.value(u"PolicyName").toString(), u"default"_s);
    QJsonObject policy = QJsonDocument::fromJson(o.value(u"Policy").toString().toUtf8()).object();
    const QJsonArray statements = policy.value(u"Statement").toArray();
    QVERIFY(!statements.isEmpty());
    QVERIFY(QJsonDocument(statements).toJson().contains(u"arn:aws:iam::%1:root"_s.arg(m_account).toUtf8()));

    // A policy of one's own, from a file, comes back as given.
    policy.insert(u"Id", u"cli-test-policy"_s);
    const QByteArray text = QJsonDocument(policy).toJson(QJsonDocument::Compact);
    QFile f(m_tmp.path() + u"/policy.json"_s);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(text);
    f.close();
    const CliResult created = qkms({u"create-key"_s, u"--policy"_s, u"file://"_s + f.fileName(),
                                    u"--bypass-policy-lockout-safety-check"_s});
    QVERIFY2(created.exitCode == 0, created.err.constData());
    const QString custom = QJsonDocument::fromJson(created.out).object().value(u"KeyMetadata").toObject().value(u"KeyId").toString();
    const CliResult got = qkms({u"--output"_s, u"text"_s, u"--query"_s, u"Policy"_s, u"get-key-policy"_s,
                                u"--key-id"_s, custom, u"--policy-name"_s, u"default"_s});
    QCOMPARE(got.out.trimmed(), text);
    QVERIFY(failsWith(qkms({u"get-key-policy"_s, u"--key-id"_s, id, u"--policy-name"_s, u"other"_s}), 254,
                      u"when calling the GetKeyPolicy operation"_s));
}

void TestCliKeys::tags()
{
    const QString id = createKey();
    QCOMPARE(qkms({u"tag-resource"_s, u"--key-id"_s, id, u"--tags"_s, u"TagKey=a,TagValue=1"_s, u"TagKey=b,TagValue=2"_s}).exitCode, 0);
    QCOMPARE(qkms({u"tag-resource"_s, u"--key-id"_s, id, u"--tags"_s, uR"([{"TagKey":"c","TagValue":"3 , 4"}])"_s}).exitCode, 0);
    QJsonArray tags = ok({u"list-resource-tags"_s, u"--key-id"_s, id}).value(u"Tags").toArray();
    QCOMPARE(tags.size(), 3);
    QVERIFY(tags.contains(QJsonObject{{u"TagKey"_s, u"c"_s}, {u"TagValue"_s, u"3 , 4"_s}}));

    const CliResult untagged = qkms({u"untag-resource"_s, u"--key-id"_s, id, u"--tag-keys"_s, u"a"_s, u"c"_s});
    QVERIFY2(untagged.exitCode == 0 && untagged.out.isEmpty(), untagged.err.constData());
    tags = ok({u"list-resource-tags"_s, u"--key-id"_s, id}).value(u"Tags").toArray();
    QCOMPARE(tags, (QJsonArray{QJsonObject{{u"TagKey"_s, u"b"_s}, {u"TagValue"_s, u"2"_s}}}));

    QVERIFY(failsWith(qkms({u"tag-resource"_s, u"--key-id"_s, id, u"--tags"_s, u"TagKey=aws:x,TagValue=1"_s}), 254,
                      u"An error occurred (TagException) when calling the TagResource operation"_s));
}

void TestCliKeys::usageErrors()
{
    // All refused before the vault is opened: no passphrase needed, nothing audited.
    const QString id = u"00000000-0000-4000-8000-000000000000"_s;
    QVERIFY(failsWith(qkms({u"create-key"_s, u"--frobnicate"_s, u"x"_s}), 252, u"Unknown options: --frobnicate"_s));
    QVERIFY(failsWith(qkms({u"describe-key"_s}), 252, u"the following arguments are required: --key-id"_s));
    QVERIFY(failsWith(qkms({u"describe-key"_s, u"--key-id"_s, id, u"stray"_s}), 252, u"Unknown options: stray"_s));
    QVERIFY(failsWith(qkms({u"tag-resource"_s, u"--key-id"_s, id, u"--tags"_s, u"TagKey=a"_s}), 252,
                      u"Error parsing parameter '--tags'"_s));
    QVERIFY(failsWith(qkms({u"list-keys"_s, u"--limit"_s, u"many"_s}), 252, u"--limit"_s));
}

void TestCliKeys::auditVerifyExportAndTamper()
{
    const QString region = u"ap-south-1"_s;
    const QString id = createKey(region);
    QCOMPARE(qkms({u"disable-key"_s, u"--key-id"_s, id}, region).exitCode, 0);
    QCOMPARE(qkms({u"enable-key"_s, u"--key-id"_s, id}, region).exitCode, 0);
    const QJsonObject verified = ok({u"verify-audit"_s}, region);
    QCOMPARE(verified.value(u"Intact").toBool(), true);
    QCOMPARE(verified.value(u"Events").toInt(), 3);

    const CliResult exported = qkms({u"export-audit"_s}, region);
    QVERIFY2(exported.exitCode == 0, exported.err.constData());
    const QList<QByteArray> lines = exported.out.trimmed().split('\n');
    QCOMPARE(lines.size(), 3);
    QStringList names;
    for (const QByteArray &line : lines) {
        QJsonParseError err{};
        const QJsonObject e = QJsonDocument::fromJson(line, &err).object();
        QCOMPARE(err.error, QJsonParseError::NoError);
        QCOMPARE(e.value(u"awsRegion").toString(), region);
        QCOMPARE(e.value(u"additionalEventData").toObject().value(u"frontEnd").toString(), u"cli"_s);
        names.append(e.value(u"eventName").toString());
    }
    QCOMPARE(names, (QStringList{u"CreateKey"_s, u"DisableKey"_s, u"EnableKey"_s}));
    const QString file = m_tmp.path() + u"/audit.jsonl"_s;
    QCOMPARE(qkms({u"export-audit"_s, u"--output-file"_s, file}, region).exitCode, 0);
    QFile f(file);
    QVERIFY(f.open(QIODevice::ReadOnly));
    QCOMPARE(f.readAll(), exported.out);
    f.close();

    {   // Rewrite event 2 behind qkms's back, as someone with the passphrase and sqlite could.
        ManualClock clock(QDateTime::currentDateTimeUtc());
        auto v = vault::Vault::open(m_vault, QCA::SecureArray(kPassphrase), clock);
        QVERIFY(v);
        auto db = (*v)->regionDb(region);
        QVERIFY(db);
        auto q = (*db)->prepare(u"UPDATE audit SET event = replace(event, 'DisableKey', 'DescribeKey') WHERE seq = 2"_s);
        QVERIFY(q);
        QVERIFY(q->run());
        QCOMPARE((*db)->changes(), 1);
    }
    const CliResult broken = qkms({u"verify-audit"_s}, region);
    QVERIFY(failsWith(broken, 254, u"An error occurred (AuditChainBrokenException) when calling the VerifyAudit operation"_s));
    QVERIFY2(broken.errText().contains(u"event 2"_s), broken.err.constData());
    QVERIFY(broken.out.isEmpty());
}

QKMS_TEST_MAIN(TestCliKeys)
#include "tst_cli_keys.moc"
