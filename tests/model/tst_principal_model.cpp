// PrincipalListModel against the real IAM store: root first, then users and roles; changes made
// elsewhere (as the CLI would) arrive as minimal row signals by refresh or by the model's own
// poll; and the list is the same whoever the console acts as.

#include "EngineRunner.h"
#include "PrincipalListModel.h"
#include "TestMain.h"
#include "VaultFixture.h"
#include "kms/KmsService.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>

using namespace qkms;
using Tester = QAbstractItemModelTester;
using iam::PrincipalKind;

class TestPrincipalModel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void listsRootUsersAndRoles();
    void refreshSignalsInsertsAndRemovals();
    void pollSeesPrincipalsFromAnotherHandle();
    void listsTheSameWhoeverActs();

private:
    iam::PrincipalStore &store()
    {
        m_runner->waitForIdle();
        return m_service->principals();
    }
    QString rootArn() const { return m_service->rootArn(); }
    void attach() { m_runner->setService(m_service.get(), {rootArn(), QStringLiteral("console"), {}}); }

    std::unique_ptr<test::VaultFixture> m_fx;
    std::unique_ptr<kms::KmsService> m_service;
    std::unique_ptr<model::EngineRunner> m_runner;
};

void TestPrincipalModel::init()
{
    m_fx = std::make_unique<test::VaultFixture>();
    auto s = kms::KmsService::open(m_fx->vault(), QStringLiteral("eu-west-1"));
    QVERIFY(s.has_value());
    m_service = std::move(*s);
    m_runner = std::make_unique<model::EngineRunner>();
}

void TestPrincipalModel::cleanup()
{
    m_runner.reset();
    m_service.reset();
    m_fx.reset();
}

void TestPrincipalModel::listsRootUsersAndRoles()
{
    QVERIFY(store().createUser(rootArn(), QStringLiteral("bob")).has_value());
    QVERIFY(store().createUser(rootArn(), QStringLiteral("alice")).has_value());
    QVERIFY(store().createRole(rootArn(), QStringLiteral("auditor")).has_value());
    model::PrincipalListModel m(m_runner.get(), 0);
    Tester tester(&m, Tester::FailureReportingMode::QtTest);
    attach();
    QTRY_COMPARE(m.rowCount(), 4);
    QCOMPARE(static_cast<int>(m.principalAt(0).kind), static_cast<int>(PrincipalKind::Root));
    QCOMPARE(m.principalAt(0).arn, rootArn());
    QCOMPARE(m.principalAt(1).name, QStringLiteral("alice"));
    QCOMPARE(m.principalAt(2).name, QStringLiteral("bob"));
    QCOMPARE(static_cast<int>(m.principalAt(3).kind), static_cast<int>(PrincipalKind::Role));
    const QString alice = QStringLiteral("arn:aws:iam::%1:user/alice").arg(m_service->accountId());
    QCOMPARE(m.principalAt(1).arn, alice);
    QCOMPARE(m.indexOf(alice), 1);
    QCOMPARE(m.indexOf(QStringLiteral("arn:aws:iam::111122223333:user/nobody")), -1);
    QCOMPARE(m.index(1, model::PrincipalListModel::NameColumn).data().toString(), QStringLiteral("user/alice"));
    QCOMPARE(m.index(3, model::PrincipalListModel::NameColumn).data().toString(), QStringLiteral("role/auditor"));
    QCOMPARE(m.index(0, model::PrincipalListModel::NameColumn).data().toString(),
             QStringLiteral("root (account %1)").arg(m_service->accountId()));
    QCOMPARE(m.index(1, model::PrincipalListModel::ArnColumn).data().toString(), alice);
    QCOMPARE(m.index(1, 0).data(model::PrincipalListModel::ArnRole).toString(), alice);
    QCOMPARE(m.principalAt(42).arn, QString());
}

void TestPrincipalModel::refreshSignalsInsertsAndRemovals()
{
    QVERIFY(store().createUser(rootArn(), QStringLiteral("alice")).has_value());
    QVERIFY(store().createUser(rootArn(), QStringLiteral("carol")).has_value());
    model::PrincipalListModel m(m_runner.get(), 0);
    Tester tester(&m, Tester::FailureReportingMode::QtTest);
    attach();
    QTRY_COMPARE(m.rowCount(), 3);
    QTRY_VERIFY(!m.isBusy());
    QSignalSpy inserted(&m, &QAbstractItemModel::rowsInserted);
    QSignalSpy removed(&m, &QAbstractItemModel::rowsRemoved);
    QSignalSpy reset(&m, &QAbstractItemModel::modelReset);
    QSignalSpy loaded(&m, &model::PrincipalListModel::loaded);
    QVERIFY(store().createUser(rootArn(), QStringLiteral("bob")).has_value());
    QVERIFY(store().deletePrincipal(rootArn(), PrincipalKind::User, QStringLiteral("alice")).has_value());
    QVERIFY(store().createRole(rootArn(), QStringLiteral("ops")).has_value());
    m.refresh();
    QTRY_COMPARE(loaded.count(), 1);
    QCOMPARE(reset.count(), 0);
    QCOMPARE(removed.count(), 1);
    QCOMPARE(inserted.count(), 2);
    QCOMPARE(m.rowCount(), 4);
    QCOMPARE(m.principalAt(1).name, QStringLiteral("bob"));
    QCOMPARE(m.principalAt(2).name, QStringLiteral("carol"));
    QCOMPARE(m.principalAt(3).name, QStringLiteral("ops"));
}

void TestPrincipalModel::pollSeesPrincipalsFromAnotherHandle()
{
    model::PrincipalListModel m(m_runner.get(), 50);
    Tester tester(&m, Tester::FailureReportingMode::QtTest);
    attach();
    QTRY_COMPARE(m.rowCount(), 1);
    // Another process: its own vault handle and connection.
    auto other = m_fx->openAgain();
    iam::PrincipalStore cli(*other);
    QVERIFY(cli.createUser(cli.rootArn(), QStringLiteral("from-cli")).has_value());
    QTRY_COMPARE(m.rowCount(), 2);
    QCOMPARE(m.principalAt(1).name, QStringLiteral("from-cli"));
}

void TestPrincipalModel::listsTheSameWhoeverActs()
{
    const QString alice = store().createUser(rootArn(), QStringLiteral("alice")).value().arn;
    model::PrincipalListModel m(m_runner.get(), 0);
    Tester tester(&m, Tester::FailureReportingMode::QtTest);
    QSignalSpy loaded(&m, &model::PrincipalListModel::loaded);
    attach();
    QTRY_COMPARE(loaded.count(), 1);
    QSignalSpy reset(&m, &QAbstractItemModel::modelReset);
    m_runner->setCaller({alice, QStringLiteral("console"), {}});
    QCOMPARE(reset.count(), 0); // a new caller lists the same principals: no reload
    QCOMPARE(m.rowCount(), 2);
    m.refresh(); // read as the root whoever acts
    QTRY_COMPARE(loaded.count(), 2);
    QVERIFY2(m.errorText().isEmpty(), qPrintable(m.errorText()));
    QCOMPARE(m.rowCount(), 2);
    // A new service does reload.
    attach();
    QCOMPARE(reset.count(), 1);
    QTRY_COMPARE(m.rowCount(), 2);
    // …while IAM itself still refuses alice.
    QCOMPARE(store().createUser(alice, QStringLiteral("eve")).error().type, errors::AccessDenied);
}

QKMS_TEST_MAIN(TestPrincipalModel)
#include "tst_principal_model.moc"
