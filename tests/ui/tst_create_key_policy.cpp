// The create-key wizard's permissions page, offscreen against the real engine: the account's
// users and roles are offered as key administrators and key users; picking one of each makes the
// console-shaped key policy, shown on the review page and given to CreateKey, so the user may
// Encrypt, the administrator may manage but not use the key, and anyone else is refused.
// Picking nobody keeps the default policy; a caller that may not list principals is told why.

#include "CreateKeyWizard.h"
#include "EngineRunner.h"
#include "GuiTestMain.h"
#include "VaultFixture.h"
#include "iam/PrincipalStore.h"
#include "kms/KmsService.h"
#include "policy/DefaultKeyPolicy.h"

#include <QComboBox>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRadioButton>

using namespace qkms;

class TestCreateKeyPolicy : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void adminAndUserBecomeTheKeyPolicy();
    void nobodyPickedKeepsTheDefaultPolicy();
    void signingKeyUsersMaySign();
    void nonRootCallerCannotListPrincipals();

private:
    template <typename T>
    T *child(const char *name)
    {
        T *w = m_wizard->findChild<T *>(QString::fromLatin1(name));
        if (!w)
            qFatal("no widget %s", name);
        return w;
    }
    void next()
    {
        auto *b = child<QPushButton>("wizardNextButton");
        QVERIFY(b->isEnabled());
        QTest::mouseClick(b, Qt::LeftButton);
    }
    kms::KmsService &engine()
    {
        m_runner->waitForIdle();
        return *m_service;
    }
    QString createUser(const QString &name)
    {
        return engine().principals().createUser(m_service->rootArn(), name).value().arn;
    }
    void openWizard()
    {
        m_wizard = std::make_unique<ui::CreateKeyWizard>(m_runner.get());
        m_wizard->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_wizard.get()));
    }
    /// Goes to the permissions page and waits for the principals.
    void toPermissions()
    {
        next();
        QCOMPARE(m_wizard->currentId(), int(ui::CreateKeyWizard::LabelsPage));
        next();
        QCOMPARE(m_wizard->currentId(), int(ui::CreateKeyWizard::PermissionsPage));
        QTRY_VERIFY(m_wizard->principalsLoaded());
    }
    static void check(QListWidget *list, const QString &text)
    {
        const auto items = list->findItems(text, Qt::MatchExactly);
        QCOMPARE(items.size(), 1);
        items.first()->setCheckState(Qt::Checked);
    }
    QString finish()
    {
        QTest::mouseClick(child<QPushButton>("wizardFinishButton"), Qt::LeftButton);
        [&] { QTRY_VERIFY(!m_wizard->createdKeyId().isEmpty()); }();
        [&] { QTRY_VERIFY(!m_wizard->isVisible()); }();
        return m_wizard->createdKeyId();
    }
    static QStringList principalsOf(const QJsonObject &policy, const QString &sid)
    {
        for (const QJsonValue &v : policy.value(QStringLiteral("Statement")).toArray()) {
            const QJsonObject st = v.toObject();
            if (st.value(QStringLiteral("Sid")).toString() != sid)
                continue;
            const QJsonValue aws = st.value(QStringLiteral("Principal")).toObject().value(QStringLiteral("AWS"));
            if (aws.isString())
                return {aws.toString()};
            QStringList out;
            for (const QJsonValue &a : aws.toArray())
                out.append(a.toString());
            return out;
        }
        return {};
    }
    kms::Caller as(const QString &arn) const { return {arn, QStringLiteral("cli"), {}}; }

    std::unique_ptr<test::VaultFixture> m_fx;
    std::unique_ptr<kms::KmsService> m_service;
    std::unique_ptr<model::EngineRunner> m_runner;
    std::unique_ptr<ui::CreateKeyWizard> m_wizard;
};

void TestCreateKeyPolicy::init()
{
    m_fx = std::make_unique<test::VaultFixture>();
    m_service = std::move(*kms::KmsService::open(m_fx->vault(), QStringLiteral("eu-west-1")));
    m_runner = std::make_unique<model::EngineRunner>();
    m_runner->setService(m_service.get(), {m_service->rootArn(), QStringLiteral("console"), {}});
}

void TestCreateKeyPolicy::cleanup()
{
    m_wizard.reset();
    m_runner.reset();
    m_service.reset();
    m_fx.reset();
}

void TestCreateKeyPolicy::adminAndUserBecomeTheKeyPolicy()
{
    const QString alice = createUser(QStringLiteral("alice"));
    const QString bob = createUser(QStringLiteral("bob"));
    const QString carol = createUser(QStringLiteral("carol"));
    QVERIFY(engine().principals().createRole(m_service->rootArn(), QStringLiteral("deployer")).has_value());
    openWizard();
    toPermissions();
    auto *admins = child<QListWidget>("keyAdministratorsList");
    auto *users = child<QListWidget>("keyUsersList");
    QCOMPARE(admins->count(), 4); // three users and a role
    QCOMPARE(users->count(), 4);
    QVERIFY(!admins->findItems(QStringLiteral("role/deployer"), Qt::MatchExactly).isEmpty());
    check(admins, QStringLiteral("user/alice"));
    check(users, QStringLiteral("user/bob"));
    next();
    QCOMPARE(m_wizard->currentId(), int(ui::CreateKeyWizard::ReviewPage));
    const QString shown = child<QPlainTextEdit>("reviewPolicyText")->toPlainText();
    QCOMPARE(shown, m_wizard->keyPolicy());
    QVERIFY2(shown.contains(alice) && shown.contains(bob) && !shown.contains(carol), qPrintable(shown));
    QVERIFY(child<QLabel>("reviewPolicyHint")->text().contains(QStringLiteral("1 administrator")));

    const QString keyId = finish();
    const QString stored = engine().getKeyPolicy(as(m_service->rootArn()), keyId).value();
    const QJsonObject policy = QJsonDocument::fromJson(stored.toUtf8()).object();
    QCOMPARE(principalsOf(policy, QStringLiteral("Allow access for Key Administrators")), QStringList{alice});
    QCOMPARE(principalsOf(policy, QStringLiteral("Allow use of the key")), QStringList{bob});
    QCOMPARE(principalsOf(policy, QStringLiteral("Enable IAM User Permissions")), QStringList{m_service->rootArn()});

    const QCA::SecureArray plain(QByteArrayLiteral("payload"));
    QVERIFY(engine().encrypt(as(bob), keyId, plain).has_value());
    const auto denied = engine().encrypt(as(carol), keyId, plain);
    QVERIFY(!denied.has_value());
    QCOMPARE(denied.error().type, errors::AccessDenied);
    // Administrators manage the key but do not use it.
    const auto adminEncrypt = engine().encrypt(as(alice), keyId, plain);
    QVERIFY(!adminEncrypt.has_value());
    QCOMPARE(adminEncrypt.error().type, errors::AccessDenied);
    QVERIFY(engine().describeKey(as(alice), keyId).has_value());
    QVERIFY(engine().disableKey(as(alice), keyId).has_value());
}

void TestCreateKeyPolicy::nobodyPickedKeepsTheDefaultPolicy()
{
    const QString bob = createUser(QStringLiteral("bob"));
    openWizard();
    toPermissions();
    next();
    QVERIFY(m_wizard->keyPolicy().isEmpty());
    QVERIFY(!m_wizard->request().policy.has_value());
    QCOMPARE(child<QPlainTextEdit>("reviewPolicyText")->toPlainText(),
             policy::DefaultKeyPolicy::forAccount(m_service->accountId()));
    const QString keyId = finish();
    // The default policy defers to IAM, and bob has no identity policy.
    QVERIFY(!engine().encrypt(as(bob), keyId, QCA::SecureArray(QByteArrayLiteral("x"))).has_value());
}

void TestCreateKeyPolicy::signingKeyUsersMaySign()
{
    const QString bob = createUser(QStringLiteral("bob"));
    openWizard();
    child<QRadioButton>("asymmetricRadio")->setChecked(true);
    auto *usage = child<QComboBox>("keyUsageCombo");
    usage->setCurrentIndex(usage->findData(QStringLiteral("SIGN_VERIFY")));
    toPermissions();
    check(child<QListWidget>("keyUsersList"), QStringLiteral("user/bob"));
    next();
    QVERIFY(m_wizard->keyPolicy().contains(QStringLiteral("kms:Sign")));
    QVERIFY(!m_wizard->keyPolicy().contains(QStringLiteral("kms:Encrypt")));
    const QString keyId = finish();
    const auto sig = engine().sign(as(bob), keyId, QByteArrayLiteral("m"), QStringLiteral("RAW"),
                                   engine().describeKey(as(m_service->rootArn()), keyId)->keySpec
                                           == kms::KeySpec::Rsa2048
                                       ? QStringLiteral("RSASSA_PSS_SHA_256")
                                       : QStringLiteral("ECDSA_SHA_256"));
    QVERIFY2(sig.has_value(), qPrintable(sig ? QString() : sig.error().toString()));
}

void TestCreateKeyPolicy::nonRootCallerCannotListPrincipals()
{
    const QString bob = createUser(QStringLiteral("bob"));
    QVERIFY(engine().principals().putPolicy(m_service->rootArn(), iam::PrincipalKind::User, QStringLiteral("bob"),
                                            QStringLiteral("kms"),
                                            QStringLiteral(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",)"
                                                           R"("Action":"kms:*","Resource":"*"}]})"))
                .has_value());
    m_runner->setService(m_service.get(), as(bob));
    openWizard();
    toPermissions();
    QCOMPARE(child<QListWidget>("keyUsersList")->count(), 0);
    const QString status = child<QLabel>("principalsStatus")->text();
    QVERIFY2(status.contains(QStringLiteral("AccessDeniedException")), qPrintable(status));
    next();
    QVERIFY(!m_wizard->request().policy.has_value());
    QVERIFY(!finish().isEmpty());
}

QKMS_GUI_TEST_MAIN(TestCreateKeyPolicy)
#include "tst_create_key_policy.moc"
