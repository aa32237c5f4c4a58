// AliasListModel and AliasFilterProxyModel against the real engine: the list read as the caller
// sees it, refresh as minimal row signals, filtering, the name rules the create dialog checks as
// you type (compared with the engine's own answers), retarget compatibility, and the runner's
// acting-as caller with the policy trace of a denial.

#include "AliasFilterProxyModel.h"
#include "AliasListModel.h"
#include "RunnerTest.h"
#include "TestMain.h"
#include "iam/PrincipalStore.h"
#include "kms/AliasNames.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>

using namespace qkms;
using Tester = QAbstractItemModelTester;

class TestAliasModel : public QObject, protected test::RunnerTest
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void listsAliasesWithTheirTargets();
    void refreshSignalsInsertsChangesAndRemovals();
    void proxyFiltersAndSpeaksAliases();
    void nameRulesMatchTheEngine_data();
    void nameRulesMatchTheEngine();
    void retargetCompatibility();
    void actingAsAUserWithoutPermissionIsDeniedWithATrace();

private:
    void alias(const QString &name, const QString &keyId)
    {
        if (auto st = engine().createAlias(root(), name, keyId); !st)
            qFatal("createAlias: %s", qPrintable(st.error().toString()));
    }
};

void TestAliasModel::init()
{
    QVERIFY(openRunner());
}

void TestAliasModel::cleanup()
{
    closeRunner();
}

void TestAliasModel::listsAliasesWithTheirTargets()
{
    const QString a = createKey(QStringLiteral("payroll key"));
    const QString h = createKey(QStringLiteral("mac key"), QStringLiteral("HMAC_256"), QStringLiteral("GENERATE_VERIFY_MAC"));
    alias(QStringLiteral("alias/payroll"), a);
    alias(QStringLiteral("alias/mac"), h);
    QVERIFY(engine().awsManagedKey(root(), QStringLiteral("files")).has_value());

    model::AliasListModel m(m_runner.get());
    Tester tester(&m, Tester::FailureReportingMode::QtTest);
    QSignalSpy loaded(&m, &model::AliasListModel::loaded);
    attach();
    QTRY_COMPARE(loaded.count(), 1);
    QVERIFY2(m.errorText().isEmpty(), qPrintable(m.errorText()));
    QCOMPARE(m.rowCount(), 3);
    // ListAliases's order: by name.
    QCOMPARE(m.aliasAt(0).aliasName, QStringLiteral("alias/aws/files"));
    QCOMPARE(m.aliasAt(1).aliasName, QStringLiteral("alias/mac"));
    QCOMPARE(m.aliasAt(2).aliasName, QStringLiteral("alias/payroll"));
    QVERIFY(m.aliasAt(0).isAwsManaged());
    QCOMPARE(m.index(0, 0).data(model::AliasListModel::ReadOnlyRole).toBool(), true);
    QCOMPARE(m.index(2, 0).data(model::AliasListModel::ReadOnlyRole).toBool(), false);
    const int mac = m.indexOf(QStringLiteral("alias/mac"));
    QCOMPARE(mac, 1);
    QCOMPARE(m.aliasAt(mac).targetKeyId, h);
    QCOMPARE(static_cast<int>(m.aliasAt(mac).targetKeySpec), static_cast<int>(kms::KeySpec::Hmac256));
    QCOMPARE(static_cast<int>(m.aliasAt(mac).targetKeyUsage), static_cast<int>(kms::KeyUsage::GenerateVerifyMac));
    QCOMPARE(m.aliasAt(2).targetDescription, QStringLiteral("payroll key"));
    QCOMPARE(m.aliasAt(2).aliasArn,
             QStringLiteral("arn:aws:kms:eu-west-1:%1:alias/payroll").arg(m_service->accountId()));
    QCOMPARE(m.index(2, model::AliasListModel::TargetKeyColumn).data().toString(), a);
    QCOMPARE(m.indexOf(QStringLiteral("alias/none")), -1);
    QCOMPARE(m.aliasAt(99).aliasName, QString());
}

void TestAliasModel::refreshSignalsInsertsChangesAndRemovals()
{
    const QString a = createKey(QStringLiteral("a"));
    const QString b = createKey(QStringLiteral("b"));
    alias(QStringLiteral("alias/one"), a);
    alias(QStringLiteral("alias/three"), a);
    alias(QStringLiteral("alias/two"), a);
    model::AliasListModel m(m_runner.get());
    Tester tester(&m, Tester::FailureReportingMode::QtTest);
    attach();
    QTRY_COMPARE(m.rowCount(), 3);
    QVERIFY(!m.isBusy());

    QSignalSpy inserted(&m, &QAbstractItemModel::rowsInserted);
    QSignalSpy removed(&m, &QAbstractItemModel::rowsRemoved);
    QSignalSpy changed(&m, &QAbstractItemModel::dataChanged);
    QSignalSpy reset(&m, &QAbstractItemModel::modelReset);
    QSignalSpy loaded(&m, &model::AliasListModel::loaded);
    m_fx->clock().advanceSecs(3600);
    QVERIFY(engine().deleteAlias(root(), QStringLiteral("alias/one")).has_value());
    QVERIFY(engine().updateAlias(root(), QStringLiteral("alias/two"), b).has_value());
    alias(QStringLiteral("alias/four"), b);
    m.refresh();
    QTRY_COMPARE(loaded.count(), 1);
    QCOMPARE(reset.count(), 0);
    QCOMPARE(removed.count(), 1);
    QCOMPARE(inserted.count(), 1);
    QCOMPARE(inserted.at(0).at(1).toInt(), 0); // alias/four sorts first
    QCOMPARE(changed.count(), 1);
    QCOMPARE(m.rowCount(), 3);
    const int two = m.indexOf(QStringLiteral("alias/two"));
    QCOMPARE(changed.at(0).at(0).value<QModelIndex>().row(), two);
    QCOMPARE(m.aliasAt(two).targetKeyId, b);
    QVERIFY(m.aliasAt(two).lastUpdatedDate > m.aliasAt(two).creationDate);
    QCOMPARE(m.indexOf(QStringLiteral("alias/one")), -1);

    // Nothing changed: a refresh signals nothing.
    inserted.clear();
    removed.clear();
    changed.clear();
    m.refresh();
    QTRY_COMPARE(loaded.count(), 2);
    QCOMPARE(inserted.count() + removed.count() + changed.count(), 0);
}

void TestAliasModel::proxyFiltersAndSpeaksAliases()
{
    const QString a = createKey(QStringLiteral("Payroll database"));
    const QString b = createKey(QStringLiteral("web sessions"));
    alias(QStringLiteral("alias/hr"), a);
    alias(QStringLiteral("alias/web"), b);
    model::AliasListModel m(m_runner.get());
    model::AliasFilterProxyModel proxy;
    proxy.setSourceModel(&m);
    Tester tester(&proxy, Tester::FailureReportingMode::QtTest);
    attach();
    QTRY_COMPARE(proxy.rowCount(), 2);
    proxy.setFilterText(QStringLiteral("  PAYROLL "));
    QCOMPARE(proxy.rowCount(), 1);
    QCOMPARE(proxy.aliasAt(0).aliasName, QStringLiteral("alias/hr"));
    QCOMPARE(proxy.indexOf(QStringLiteral("alias/web")), -1);
    proxy.setFilterText(b.left(8)); // a target key id
    QCOMPARE(proxy.rowCount(), 1);
    QCOMPARE(proxy.aliasAt(0).targetKeyId, b);
    proxy.setFilterText({});
    proxy.sort(model::AliasListModel::AliasNameColumn, Qt::DescendingOrder);
    QCOMPARE(proxy.aliasAt(0).aliasName, QStringLiteral("alias/web"));
    QCOMPARE(proxy.indexOf(QStringLiteral("alias/hr")), 1);
    QCOMPARE(proxy.aliasAt(5).aliasName, QString());
}

void TestAliasModel::nameRulesMatchTheEngine_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("type"); // empty: accepted
    QTest::newRow("valid") << QStringLiteral("alias/payroll-2024_a:b") << QString();
    QTest::newRow("empty") << QString() << errors::Validation;
    QTest::newRow("no prefix") << QStringLiteral("payroll") << errors::InvalidAliasName;
    QTest::newRow("prefix is case-sensitive") << QStringLiteral("Alias/payroll") << errors::InvalidAliasName;
    QTest::newRow("reserved aws prefix") << QStringLiteral("alias/aws/mine") << errors::InvalidAliasName;
    QTest::newRow("space") << QStringLiteral("alias/pay roll") << errors::Validation;
    QTest::newRow("non-ascii") << QStringLiteral("alias/clé") << errors::Validation;
    QTest::newRow("257 characters") << QStringLiteral("alias/") + QString(251, u'x') << errors::Validation;
    QTest::newRow("256 characters") << QStringLiteral("alias/") + QString(250, u'x') << QString();
}

void TestAliasModel::nameRulesMatchTheEngine()
{
    QFETCH(QString, name);
    QFETCH(QString, type);
    const QString key = createKey(QStringLiteral("target"));
    const Status mine = model::AliasListModel::validateAliasName(name);
    const Status rules = kms::validateAliasName(name); // the shared function itself
    const Status engines = engine().createAlias(root(), name, key);
    QCOMPARE(mine.has_value(), type.isEmpty());
    QCOMPARE(rules.has_value(), type.isEmpty());
    QCOMPARE(engines.has_value(), type.isEmpty());
    if (!type.isEmpty()) {
        QCOMPARE(mine.error().type, type);
        QCOMPARE(mine.error(), rules.error());
        QCOMPARE(mine.error(), engines.error()); // what CreateAlias answers, word for word
    }
}

void TestAliasModel::retargetCompatibility()
{
    model::AliasInfo sym;
    sym.aliasName = QStringLiteral("alias/app");
    sym.targetKeyId = QStringLiteral("k1");
    using kms::KeyManager;
    using kms::KeySpec;
    using kms::KeyState;
    using kms::KeyUsage;
    const auto ok = [&](const QString &id, KeySpec s, KeyUsage u, KeyManager m = KeyManager::Customer,
                        KeyState st = KeyState::Enabled) {
        return model::AliasListModel::canRetargetTo(sym, id, s, u, m, st);
    };
    QVERIFY(ok(QStringLiteral("k2"), KeySpec::SymmetricDefault, KeyUsage::EncryptDecrypt));
    QVERIFY(ok(QStringLiteral("k2"), KeySpec::SymmetricDefault, KeyUsage::EncryptDecrypt, KeyManager::Customer,
               KeyState::Disabled));
    QVERIFY(!ok(QStringLiteral("k1"), KeySpec::SymmetricDefault, KeyUsage::EncryptDecrypt)); // its own target
    QVERIFY(!ok(QStringLiteral("k2"), KeySpec::Rsa2048, KeyUsage::EncryptDecrypt));          // another type
    QVERIFY(!ok(QStringLiteral("k2"), KeySpec::Hmac256, KeyUsage::GenerateVerifyMac));
    QVERIFY(!ok(QStringLiteral("k2"), KeySpec::SymmetricDefault, KeyUsage::EncryptDecrypt, KeyManager::Aws));
    QVERIFY(!ok(QStringLiteral("k2"), KeySpec::SymmetricDefault, KeyUsage::EncryptDecrypt, KeyManager::Customer,
                KeyState::PendingDeletion));
    model::AliasInfo rsa = sym;
    rsa.targetKeySpec = KeySpec::Rsa2048;
    rsa.targetKeyUsage = KeyUsage::SignVerify;
    // Asymmetric keys of another size are the same type; the usage must match.
    QVERIFY(model::AliasListModel::canRetargetTo(rsa, QStringLiteral("k2"), KeySpec::EccNistP256, KeyUsage::SignVerify,
                                                 KeyManager::Customer, KeyState::Enabled));
    QVERIFY(!model::AliasListModel::canRetargetTo(rsa, QStringLiteral("k2"), KeySpec::Rsa4096,
                                                  KeyUsage::EncryptDecrypt, KeyManager::Customer, KeyState::Enabled));
    model::AliasInfo aws = sym;
    aws.aliasName = QStringLiteral("alias/aws/files");
    QVERIFY(!model::AliasListModel::canRetargetTo(aws, QStringLiteral("k2"), KeySpec::SymmetricDefault,
                                                  KeyUsage::EncryptDecrypt, KeyManager::Customer, KeyState::Enabled));

    // And the engine agrees on the cases it can be asked about.
    const QString a = createKey(QStringLiteral("a"));
    const QString b = createKey(QStringLiteral("b"));
    const QString h = createKey(QStringLiteral("h"), QStringLiteral("HMAC_256"), QStringLiteral("GENERATE_VERIFY_MAC"));
    alias(QStringLiteral("alias/app"), a);
    QVERIFY(!engine().updateAlias(root(), QStringLiteral("alias/app"), h).has_value());
    QVERIFY(engine().updateAlias(root(), QStringLiteral("alias/app"), b).has_value());
}

void TestAliasModel::actingAsAUserWithoutPermissionIsDeniedWithATrace()
{
    alias(QStringLiteral("alias/x"), createKey(QStringLiteral("x")));
    const QString alice = engine().principals().createUser(m_service->rootArn(), QStringLiteral("alice")).value().arn;
    model::AliasListModel m(m_runner.get());
    Tester tester(&m, Tester::FailureReportingMode::QtTest);
    attach();
    QTRY_COMPARE(m.rowCount(), 1);

    QSignalSpy callerChanged(m_runner.get(), &model::EngineRunner::callerChanged);
    QSignalSpy serviceChanged(m_runner.get(), &model::EngineRunner::serviceChanged);
    QSignalSpy denied(m_runner.get(), &model::EngineRunner::accessDenied);
    m_runner->setCaller({alice, QStringLiteral("console"), {}});
    QCOMPARE(callerChanged.count(), 1);
    QCOMPARE(callerChanged.at(0).at(0).toString(), alice);
    QCOMPARE(serviceChanged.count(), 1); // every model reloads as the new principal
    QCOMPARE(m_runner->caller().principalArn, alice);
    QTRY_VERIFY(!m.errorText().isEmpty());
    QVERIFY2(m.errorText().startsWith(QStringLiteral("AccessDeniedException: User: ") + alice), qPrintable(m.errorText()));
    QCOMPARE(m.rowCount(), 0);
    QCOMPARE(denied.count(), 1);
    const model::Denial &d = m_runner->lastDenial();
    QCOMPARE(d.error.type, errors::AccessDenied);
    QCOMPARE(d.principal, alice);
    QVERIFY2(d.trace.startsWith(QStringLiteral("ImplicitDeny")), qPrintable(d.trace));

    // The same principal again changes nothing; the root lists again.
    m_runner->setCaller({alice, QStringLiteral("console"), {}});
    QCOMPARE(callerChanged.count(), 1);
    m_runner->setCaller({m_service->rootArn(), QStringLiteral("console"), {}});
    QTRY_COMPARE(m.rowCount(), 1);
    QVERIFY(m.errorText().isEmpty());
    QCOMPARE(denied.count(), 1);
}

QKMS_TEST_MAIN(TestAliasModel)
#include "tst_alias_model.moc"
