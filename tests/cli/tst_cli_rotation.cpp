// Rotation and the schedule through the real qkms executable, with QKMS_NOW moving time between
// commands: enable/disable/get-key-rotation-status, rotate-key-on-demand, list-key-rotations,
// the catch-up every command performs when it opens the vault, two processes racing on one due
// rotation, the end of a deletion window, and `qkms schedule`.

#include "CliRunner.h"
#include "TestMain.h"
#include "VaultFixture.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>

using namespace qkms;
using namespace qkms::test;
using namespace Qt::StringLiterals;

class TestCliRotation : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void enableStatusDisable();
    void onDemandAndList();
    void catchUpWhenOpened();
    void twoProcessesRotateOnce();
    void scheduleForecast();

private:
    std::unique_ptr<VaultFixture> m_fixture;
    const QDateTime m_t0{QDate(2030, 1, 1), QTime(8, 0), QTimeZone::UTC};

    static QProcessEnvironment at(const QDateTime &t)
    {
        QProcessEnvironment env;
        env.insert(u"QKMS_NOW"_s, t.toString(Qt::ISODate));
        return env;
    }
    /// qkms args… at `days` after m_t0.
    CliResult qkms(const QStringList &args, int days = 0) const
    {
        return runQkms(m_fixture->dir(), args, kPassphrase, at(m_t0.addDays(days)));
    }
    QJsonObject ok(const QStringList &args, int days = 0) const
    {
        const CliResult r = qkms(args, days);
        if (r.exitCode != 0)
            qWarning("qkms %s failed (%d): %s", qPrintable(args.join(u' ')), r.exitCode, r.err.constData());
        return QJsonDocument::fromJson(r.out).object();
    }
    QString createKey(const QStringList &extra = {}, int days = 0) const
    {
        return ok(QStringList{u"create-key"_s} + extra, days).value(u"KeyMetadata").toObject().value(u"KeyId").toString();
    }
    static bool failsWith(const CliResult &r, const QString &text)
    {
        if (r.exitCode == 254 && r.errText().contains(text))
            return true;
        qWarning("exit %d, stderr: %s", r.exitCode, r.err.constData());
        return false;
    }
    static double epoch(const QDateTime &t) { return double(t.toSecsSinceEpoch()); }
    QJsonArray rotations(const QString &keyId, int days) const
    {
        return ok({u"list-key-rotations"_s, u"--key-id"_s, keyId}, days).value(u"Rotations").toArray();
    }
};

void TestCliRotation::init()
{
    // A vault with a cheap KDF, made through the engine; everything else goes through the binary.
    m_fixture = std::make_unique<VaultFixture>();
    (void)m_fixture->vault();
    m_fixture->close();
}

void TestCliRotation::cleanup()
{
    m_fixture.reset();
}

void TestCliRotation::enableStatusDisable()
{
    const QString id = createKey();
    QJsonObject s = ok({u"get-key-rotation-status"_s, u"--key-id"_s, id});
    QCOMPARE(s.value(u"KeyRotationEnabled").toBool(true), false);
    QVERIFY(!s.contains(u"NextRotationDate"));

    const CliResult enabled = qkms({u"enable-key-rotation"_s, u"--key-id"_s, id, u"--rotation-period-in-days"_s, u"90"_s});
    QVERIFY2(enabled.exitCode == 0, enabled.err.constData());
    QVERIFY(enabled.out.isEmpty()); // as aws kms: no output
    s = ok({u"get-key-rotation-status"_s, u"--key-id"_s, id});
    QCOMPARE(s.value(u"KeyRotationEnabled").toBool(), true);
    QCOMPARE(s.value(u"RotationPeriodInDays").toInt(), 90);
    QCOMPARE(s.value(u"NextRotationDate").toDouble(), epoch(m_t0.addDays(90)));
    QVERIFY(s.value(u"KeyId").toString().endsWith(u":key/"_s + id));

    QVERIFY(failsWith(qkms({u"enable-key-rotation"_s, u"--key-id"_s, id, u"--rotation-period-in-days"_s, u"30"_s}),
                      u"An error occurred (ValidationException) when calling the EnableKeyRotation operation"_s));
    const QString rsa = createKey({u"--key-spec"_s, u"RSA_2048"_s, u"--key-usage"_s, u"SIGN_VERIFY"_s});
    QVERIFY(failsWith(qkms({u"enable-key-rotation"_s, u"--key-id"_s, rsa}),
                      u"An error occurred (UnsupportedOperationException) when calling the EnableKeyRotation operation"_s));

    QCOMPARE(qkms({u"disable-key-rotation"_s, u"--key-id"_s, id}).exitCode, 0);
    QCOMPARE(ok({u"get-key-rotation-status"_s, u"--key-id"_s, id}).value(u"KeyRotationEnabled").toBool(true), false);
    const CliResult missing = qkms({u"get-key-rotation-status"_s});
    QCOMPARE(missing.exitCode, 252); // a usage error, as the AWS CLI
    QVERIFY(missing.errText().contains(u"--key-id"_s));
}

void TestCliRotation::onDemandAndList()
{
    const QString id = createKey();
    QCOMPARE(rotations(id, 0).size(), 0);
    QCOMPARE(ok({u"rotate-key-on-demand"_s, u"--key-id"_s, id}, 1).value(u"KeyId").toString(), id);
    QCOMPARE(ok({u"rotate-key-on-demand"_s, u"--key-id"_s, id}, 2).value(u"KeyId").toString(), id);
    const QJsonArray all = rotations(id, 2);
    QCOMPARE(all.size(), 2);
    const QJsonObject first = all[0].toObject();
    QCOMPARE(first.value(u"RotationType").toString(), u"ON_DEMAND"_s);
    QCOMPARE(first.value(u"KeyMaterialState").toString(), u"NON_CURRENT"_s);
    QCOMPARE(first.value(u"RotationDate").toDouble(), epoch(m_t0.addDays(1)));
    QCOMPARE(first.value(u"KeyMaterialId").toString().size(), 64);
    QCOMPARE(all[1].toObject().value(u"KeyMaterialState").toString(), u"CURRENT"_s);
    // The current material id of DescribeKey is the newest rotation's.
    QCOMPARE(ok({u"describe-key"_s, u"--key-id"_s, id}, 2).value(u"KeyMetadata").toObject().value(u"CurrentKeyMaterialId"),
             all[1].toObject().value(u"KeyMaterialId"));

    const QJsonObject page = ok({u"list-key-rotations"_s, u"--key-id"_s, id, u"--limit"_s, u"1"_s}, 2);
    QCOMPARE(page.value(u"Rotations").toArray().size(), 1);
    QCOMPARE(page.value(u"Truncated").toBool(), true);
    const QJsonObject rest = ok({u"list-key-rotations"_s, u"--key-id"_s, id, u"--marker"_s,
                                 page.value(u"NextMarker").toString()}, 2);
    QCOMPARE(rest.value(u"Rotations").toArray(), QJsonArray{all[1]});
    QCOMPARE(rest.value(u"Truncated").toBool(true), false);
}

void TestCliRotation::catchUpWhenOpened()
{
    const QString id = createKey();
    QCOMPARE(qkms({u"enable-key-rotation"_s, u"--key-id"_s, id, u"--rotation-period-in-days"_s, u"90"_s}).exitCode, 0);
    const QString plain = u"secret text"_s;
    const QString blob = ok({u"encrypt"_s, u"--key-id"_s, id, u"--plaintext"_s,
                             QString::fromLatin1(plain.toUtf8().toBase64())})
                             .value(u"CiphertextBlob")
                             .toString();
    // Nobody runs qkms for 400 days; the next command, whatever it is, catches up first: one
    // rotation dated when it ran, the next one a period later (docs/rotation.md).
    QCOMPARE(ok({u"list-keys"_s}, 400).value(u"Keys").toArray().size(), 1);
    const QJsonArray r = rotations(id, 400);
    QCOMPARE(r.size(), 1);
    QCOMPARE(r[0].toObject().value(u"RotationType").toString(), u"AUTOMATIC"_s);
    QCOMPARE(r[0].toObject().value(u"RotationDate").toDouble(), epoch(m_t0.addDays(400)));
    QCOMPARE(ok({u"get-key-rotation-status"_s, u"--key-id"_s, id}, 400).value(u"NextRotationDate").toDouble(),
             epoch(m_t0.addDays(490)));
    const QJsonObject dec = ok({u"decrypt"_s, u"--ciphertext-blob"_s, blob}, 400);
    QCOMPARE(QByteArray::fromBase64(dec.value(u"Plaintext").toString().toLatin1()), plain.toUtf8());
}

void TestCliRotation::twoProcessesRotateOnce()
{
    QStringList keys;
    for (int i = 0; i < 3; ++i) {
        keys.append(createKey());
        QCOMPARE(qkms({u"enable-key-rotation"_s, u"--key-id"_s, keys.last(), u"--rotation-period-in-days"_s, u"90"_s}).exitCode, 0);
    }
    // Two processes open the vault at the same moment, both 10 days after the due date.
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(u"QKMS_NOW"_s, m_t0.addDays(100).toString(Qt::ISODate));
    env.insert(u"QKMS_PASSPHRASE"_s, QString::fromUtf8(kPassphrase));
    QProcess a;
    QProcess b;
    for (QProcess *p : {&a, &b}) {
        p->setProcessEnvironment(env);
        p->start(binaryPath(u"qkms"_s), {u"--vault"_s, m_fixture->dir(), u"list-keys"_s});
    }
    for (QProcess *p : {&a, &b}) {
        QVERIFY(p->waitForFinished(120000));
        const QByteArray err = p->readAllStandardError();
        QVERIFY2(p->exitStatus() == QProcess::NormalExit && p->exitCode() == 0, err.constData());
        QVERIFY2(!err.contains("could not run"), err.constData());
    }
    for (const QString &id : keys)
        QCOMPARE(rotations(id, 100).size(), 1);
}

void TestCliRotation::scheduleForecast()
{
    const QString rotating = createKey();
    QCOMPARE(qkms({u"enable-key-rotation"_s, u"--key-id"_s, rotating, u"--rotation-period-in-days"_s, u"90"_s}).exitCode, 0);
    const QString doomed = createKey();
    QCOMPARE(qkms({u"create-alias"_s, u"--alias-name"_s, u"alias/doomed"_s, u"--target-key-id"_s, doomed}).exitCode, 0);
    QCOMPARE(qkms({u"schedule-key-deletion"_s, u"--key-id"_s, doomed, u"--pending-window-in-days"_s, u"7"_s}).exitCode, 0);

    const QJsonObject o = ok({u"schedule"_s, u"--days"_s, u"100"_s});
    const QJsonArray f = o.value(u"Forecast").toArray();
    QCOMPARE(f.size(), 2);
    QCOMPARE(f[0].toObject().value(u"Event").toString(), u"Deletion"_s);
    QCOMPARE(f[0].toObject().value(u"KeyId").toString(), doomed);
    QCOMPARE(f[0].toObject().value(u"Date").toString(), m_t0.addDays(7).toString(Qt::ISODate));
    QCOMPARE(f[0].toObject().value(u"DaysLeft").toInt(), 7);
    QCOMPARE(f[1].toObject().value(u"Event").toString(), u"Rotation"_s);
    QCOMPARE(f[1].toObject().value(u"KeyId").toString(), rotating);
    QCOMPARE(f[1].toObject().value(u"Date").toString(), m_t0.addDays(90).toString(Qt::ISODate));
    QCOMPARE(o.value(u"Keys").toArray().size(), 2);
    QCOMPARE(ok({u"schedule"_s}).value(u"Forecast").toArray().size(), 1); // default: 30 days

    const CliResult text = qkms({u"--output"_s, u"text"_s, u"schedule"_s, u"--days"_s, u"100"_s});
    QVERIFY2(text.exitCode == 0, text.err.constData());
    QVERIFY(text.outText().contains(u"in 7 days"_s));
    QVERIFY(text.outText().contains(u"deletion  "_s + doomed));
    QVERIFY(text.outText().contains(u"rotation  "_s + rotating));
    QVERIFY(failsWith(qkms({u"schedule"_s, u"--days"_s, u"-1"_s}), u"ValidationException"_s));

    // Seven days on, the deletion has happened: key and alias are gone, the forecast moved on.
    const QJsonObject later = ok({u"schedule"_s, u"--days"_s, u"100"_s}, 7);
    QCOMPARE(later.value(u"Forecast").toArray().size(), 1);
    QVERIFY(failsWith(qkms({u"describe-key"_s, u"--key-id"_s, doomed}, 7), u"NotFoundException"_s));
    QVERIFY(failsWith(qkms({u"describe-key"_s, u"--key-id"_s, u"alias/doomed"_s}, 7), u"NotFoundException"_s));
}

QKMS_TEST_MAIN(TestCliRotation)
#include "tst_cli_rotation.moc"
