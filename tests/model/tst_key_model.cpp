// KeyListModel and KeyFilterProxyModel against the real engine: lazy paging, refresh as minimal
// row signals, filtering, and change detection through the audit log. Every model runs under
// QAbstractItemModelTester.

#include "EngineRunner.h"
#include "KeyCatalog.h"
#include "KeyFilterProxyModel.h"
#include "KeyListModel.h"
#include "TestMain.h"
#include "VaultFixture.h"
#include "VaultWatcher.h"
#include "kms/KmsService.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>

using namespace qkms;
using Tester = QAbstractItemModelTester;

class TestKeyModel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void loadsPagesLazily();
    void refreshSignalsInsertsChangesAndRemovals();
    void refreshOfAPartialListKeepsItsLength();
    void proxyFiltersByTextAndKeyManager();
    void proxySortsByCreationAndAlias();
    void scanWritesIgnoresReads();
    void watcherSeesKeysFromAnotherHandle();
    void deniedListKeysIsAnError();

private:
    /// The service, once the worker is idle (the test thread and the worker must not share it).
    kms::KmsService &engine()
    {
        m_runner->waitForIdle();
        return *m_service;
    }
    kms::Caller root() const { return {m_service->rootArn(), QStringLiteral("cli"), {}}; }
    QString createKey(const QString &description)
    {
        kms::CreateKeyRequest r;
        r.description = description;
        auto k = engine().createKey(root(), r);
        if (!k)
            qFatal("createKey: %s", qPrintable(k.error().toString()));
        return k->keyId;
    }
    void attach() { m_runner->setService(m_service.get(), {m_service->rootArn(), QStringLiteral("console"), {}}); }

    std::unique_ptr<test::VaultFixture> m_fx;
    std::unique_ptr<kms::KmsService> m_service;
    std::unique_ptr<model::EngineRunner> m_runner;
};

void TestKeyModel::init()
{
    m_fx = std::make_unique<test::VaultFixture>();
    auto s = kms::KmsService::open(m_fx->vault(), QStringLiteral("eu-west-1"));
    QVERIFY(s.has_value());
    m_service = std::move(*s);
    m_runner = std::make_unique<model::EngineRunner>();
}

void TestKeyModel::cleanup()
{
    m_runner.reset();
    m_service.reset();
    m_fx.reset();
}

void TestKeyModel::loadsPagesLazily()
{
    QStringList ids;
    for (int i = 0; i < 25; ++i)
        ids.append(createKey(QStringLiteral("key %1").arg(i)));
    model::KeyListModel m(m_runner.get());
    m.setPageSize(10);
    Tester tester(&m, Tester::FailureReportingMode::QtTest);
    QSignalSpy inserted(&m, &QAbstractItemModel::rowsInserted);
    attach();
    QTRY_COMPARE(m.rowCount(), 10);
    QTRY_VERIFY(!m.isBusy());
    QVERIFY(m.canFetchMore({}));
    QVERIFY(!m.isComplete());
    m.fetchMore({});
    QTRY_COMPARE(m.rowCount(), 20);
    QTRY_VERIFY(!m.isBusy());
    m.fetchMore({});
    QTRY_COMPARE(m.rowCount(), 25);
    QTRY_VERIFY(m.isComplete());
    QVERIFY(!m.canFetchMore({}));
    QCOMPARE(inserted.count(), 3);
    for (int i = 0; i < ids.size(); ++i) {
        QCOMPARE(m.keyAt(i).keyId, ids.at(i)); // creation order, as ListKeys pages
        QCOMPARE(m.indexOf(ids.at(i)), i);
    }
    QCOMPARE(m.data(m.index(3, model::KeyListModel::DescriptionColumn)).toString(), QStringLiteral("key 3"));
    QCOMPARE(m.data(m.index(3, 0), model::KeyListModel::KeyIdRole).toString(), ids.at(3));
    QCOMPARE(m.data(m.index(3, model::KeyListModel::StatusColumn)).toString(), QStringLiteral("Enabled"));
    QCOMPARE(m.indexOf(QStringLiteral("no-such-key")), -1);
    QVERIFY(m.keyAt(99).keyId.isEmpty());
    QVERIFY(m.errorText().isEmpty());
}

void TestKeyModel::refreshSignalsInsertsChangesAndRemovals()
{
    const QStringList ids{createKey(QStringLiteral("a")), createKey(QStringLiteral("b")), createKey(QStringLiteral("c"))};
    model::KeyListModel m(m_runner.get());
    Tester tester(&m, Tester::FailureReportingMode::QtTest);
    attach();
    QTRY_VERIFY(m.isComplete());
    QCOMPARE(m.rowCount(), 3);
    QSignalSpy inserted(&m, &QAbstractItemModel::rowsInserted);
    QSignalSpy removed(&m, &QAbstractItemModel::rowsRemoved);
    QSignalSpy changed(&m, &QAbstractItemModel::dataChanged);
    QSignalSpy reset(&m, &QAbstractItemModel::modelReset);

    // A key created elsewhere appears at the end, as one insert.
    const QString d = createKey(QStringLiteral("d"));
    m.refresh();
    QTRY_COMPARE(inserted.count(), 1);
    QTRY_VERIFY(m.isComplete());
    QCOMPARE(inserted.at(0).at(1).toInt(), 3);
    QCOMPARE(m.indexOf(d), 3);

    // Disabling b changes its row only.
    QVERIFY(engine().disableKey(root(), ids.at(1)).has_value());
    m.refresh();
    QTRY_COMPARE(changed.count(), 1);
    QTRY_VERIFY(!m.isBusy());
    QCOMPARE(changed.at(0).at(0).toModelIndex().row(), 1);
    QCOMPARE(changed.at(0).at(1).toModelIndex().row(), 1);
    QCOMPARE(m.data(m.index(1, model::KeyListModel::StatusColumn)).toString(), QStringLiteral("Disabled"));
    QVERIFY(m.keyAt(1).keyState == kms::KeyState::Disabled);

    // An alias shows in the Aliases column and in the search text.
    QVERIFY(engine().createAlias(root(), QStringLiteral("alias/payroll"), ids.at(0)).has_value());
    m.refresh();
    QTRY_COMPARE(changed.count(), 2);
    QTRY_VERIFY(!m.isBusy());
    QCOMPARE(m.aliasesAt(0), QStringList{QStringLiteral("alias/payroll")});
    QCOMPARE(m.data(m.index(0, model::KeyListModel::AliasesColumn)).toString(), QStringLiteral("alias/payroll"));
    QVERIFY(m.searchTextAt(0).contains(QStringLiteral("alias/payroll")));

    // A key deleted when its waiting period ends disappears, as one removal.
    QVERIFY(engine().scheduleKeyDeletion(root(), ids.at(2), 7).has_value());
    m_fx->clock().advanceDays(8);
    QCOMPARE(engine().runDueDeletions().value_or(-1), 1);
    m.refresh();
    QTRY_COMPARE(removed.count(), 1);
    QTRY_VERIFY(!m.isBusy());
    QCOMPARE(removed.at(0).at(1).toInt(), 2);
    QCOMPARE(m.rowCount(), 3);
    QCOMPARE(m.indexOf(ids.at(2)), -1);
    QCOMPARE(m.indexOf(d), 2);

    // Nothing changed: a refresh emits nothing.
    const qsizetype inserts = inserted.count(), removals = removed.count(), changes = changed.count();
    m.refresh();
    QTRY_VERIFY(!m.isBusy());
    QCOMPARE(inserted.count(), inserts);
    QCOMPARE(removed.count(), removals);
    QCOMPARE(changed.count(), changes);
    QCOMPARE(reset.count(), 0);
}

void TestKeyModel::refreshOfAPartialListKeepsItsLength()
{
    for (int i = 0; i < 12; ++i)
        createKey(QStringLiteral("k%1").arg(i));
    model::KeyListModel m(m_runner.get());
    m.setPageSize(5);
    Tester tester(&m, Tester::FailureReportingMode::QtTest);
    attach();
    QTRY_COMPARE(m.rowCount(), 5);
    QTRY_VERIFY(!m.isBusy());
    const QString late = createKey(QStringLiteral("late"));
    QSignalSpy inserted(&m, &QAbstractItemModel::rowsInserted);
    m.refresh();
    QTRY_VERIFY(!m.isBusy());
    QCOMPARE(inserted.count(), 0); // the new key is beyond the loaded range: fetchMore brings it
    QCOMPARE(m.rowCount(), 5);
    QVERIFY(m.canFetchMore({}));
    m.fetchAll();
    QTRY_VERIFY(m.isComplete());
    QCOMPARE(m.rowCount(), 13);
    QCOMPARE(m.indexOf(late), 12);
}

void TestKeyModel::proxyFiltersByTextAndKeyManager()
{
    const QString payroll = createKey(QStringLiteral("Payroll exports"));
    const QString payments = createKey(QStringLiteral("card payments"));
    const QString logs = createKey(QStringLiteral("Application logs"));
    QVERIFY(engine().createAlias(root(), QStringLiteral("alias/audit-trail"), logs).has_value());
    auto files = engine().awsManagedKey(root(), QStringLiteral("files"));
    QVERIFY(files.has_value());

    model::KeyListModel m(m_runner.get());
    model::KeyFilterProxyModel customer;
    customer.setSourceModel(&m);
    customer.setKeyManagerFilter(kms::KeyManager::Customer);
    Tester tester(&customer, Tester::FailureReportingMode::QtTest);
    attach();
    QTRY_VERIFY(m.isComplete());
    QCOMPARE(m.rowCount(), 4);
    QCOMPARE(customer.rowCount(), 3);
    QCOMPARE(customer.indexOf(files->keyId), -1);

    customer.setFilterText(QStringLiteral("  PAY "));
    QCOMPARE(customer.rowCount(), 2);
    QCOMPARE(customer.keyAt(0).keyId, payroll);
    QCOMPARE(customer.keyAt(1).keyId, payments);
    QCOMPARE(customer.indexOf(payments), 1);
    QCOMPARE(customer.indexOf(logs), -1);

    customer.setFilterText(QStringLiteral("AUDIT-TR")); // alias
    QCOMPARE(customer.rowCount(), 1);
    QCOMPARE(customer.aliasesAt(0), QStringList{QStringLiteral("alias/audit-trail")});
    customer.setFilterText(logs.left(8).toUpper()); // key id
    QCOMPARE(customer.rowCount(), 1);
    QCOMPARE(customer.keyAt(0).keyId, logs);
    customer.setFilterText(QStringLiteral("nothing matches this"));
    QCOMPARE(customer.rowCount(), 0);
    QVERIFY(customer.keyAt(0).keyId.isEmpty());
    customer.setFilterText({});
    QCOMPARE(customer.rowCount(), 3);

    model::KeyFilterProxyModel aws;
    aws.setSourceModel(&m);
    aws.setKeyManagerFilter(kms::KeyManager::Aws);
    QCOMPARE(aws.rowCount(), 1);
    QCOMPARE(aws.keyAt(0).keyId, files->keyId);
    QCOMPARE(aws.aliasesAt(0), QStringList{QStringLiteral("alias/aws/files")});

    // Rows inserted by a refresh pass through the filter.
    createKey(QStringLiteral("payday"));
    customer.setFilterText(QStringLiteral("pay"));
    m.refresh();
    QTRY_COMPARE(customer.rowCount(), 3);
    QCOMPARE(aws.rowCount(), 1);
}

void TestKeyModel::proxySortsByCreationAndAlias()
{
    const QString first = createKey(QStringLiteral("b"));
    m_fx->clock().advanceSecs(60);
    const QString second = createKey(QStringLiteral("a"));
    m_fx->clock().advanceSecs(60);
    const QString third = createKey(QStringLiteral("c"));
    QVERIFY(engine().createAlias(root(), QStringLiteral("alias/zeta"), first).has_value());
    QVERIFY(engine().createAlias(root(), QStringLiteral("alias/alpha"), third).has_value());
    model::KeyListModel m(m_runner.get());
    model::KeyFilterProxyModel p;
    p.setSourceModel(&m);
    Tester tester(&p, Tester::FailureReportingMode::QtTest);
    attach();
    QTRY_VERIFY(m.isComplete());
    p.sort(model::KeyListModel::CreatedColumn, Qt::DescendingOrder);
    QCOMPARE(p.keyAt(0).keyId, third);
    QCOMPARE(p.keyAt(2).keyId, first);
    p.sort(model::KeyListModel::AliasesColumn, Qt::AscendingOrder);
    QCOMPARE(p.keyAt(0).keyId, third);  // alias/alpha
    QCOMPARE(p.keyAt(1).keyId, first);  // alias/zeta
    QCOMPARE(p.keyAt(2).keyId, second); // no alias: last
    p.sort(model::KeyListModel::DescriptionColumn, Qt::AscendingOrder);
    QCOMPARE(p.keyAt(0).keyId, second);
    QCOMPARE(p.indexOf(second), 0);
}

void TestKeyModel::scanWritesIgnoresReads()
{
    const QString id = createKey(QStringLiteral("watched"));
    auto head = model::catalog::auditHead(engine());
    QVERIFY(head.has_value());
    QVERIFY(*head > 0);
    QVERIFY(engine().describeKey(root(), id).has_value());
    QVERIFY(engine().listKeys(root()).has_value());
    auto scan = model::catalog::scanWrites(engine(), *head);
    QVERIFY(scan.has_value());
    QCOMPARE(scan->writes, 0);
    QCOMPARE(scan->lastSeq, *head + 2);
    QVERIFY(engine().disableKey(root(), id).has_value());
    scan = model::catalog::scanWrites(engine(), scan->lastSeq);
    QVERIFY(scan.has_value());
    QCOMPARE(scan->writes, 1);
    QCOMPARE(scan->lastSeq, *head + 3);
    // A refused write is audited too, and counts: harmless, it only costs a refresh.
    QVERIFY(!engine().disableKey(root(), QStringLiteral("alias/none")).has_value());
    QCOMPARE(model::catalog::scanWrites(engine(), scan->lastSeq)->writes, 1);
}

void TestKeyModel::watcherSeesKeysFromAnotherHandle()
{
    model::KeyListModel m(m_runner.get());
    model::VaultWatcher watcher(m_runner.get(), 20);
    connect(&watcher, &model::VaultWatcher::changed, &m, &model::KeyListModel::refresh);
    Tester tester(&m, Tester::FailureReportingMode::QtTest);
    attach();
    QTRY_VERIFY(m.isComplete());
    QCOMPARE(m.rowCount(), 0);

    // Another process (here another vault handle, so another SQLCipher connection) adds a key.
    auto other = m_fx->openAgain();
    QVERIFY(other);
    auto cli = kms::KmsService::open(*other, QStringLiteral("eu-west-1"));
    QVERIFY(cli.has_value());
    kms::CreateKeyRequest r;
    r.description = QStringLiteral("from the command line");
    auto k = (*cli)->createKey({(*cli)->rootArn(), QStringLiteral("cli"), {}}, r);
    QVERIFY(k.has_value());
    QTRY_COMPARE(m.indexOf(k->keyId), 0);
    QCOMPARE(m.keyAt(0).description, QStringLiteral("from the command line"));
}

void TestKeyModel::deniedListKeysIsAnError()
{
    createKey(QStringLiteral("hidden"));
    model::KeyListModel m(m_runner.get());
    Tester tester(&m, Tester::FailureReportingMode::QtTest);
    QSignalSpy errors(&m, &model::KeyListModel::errorChanged);
    m_runner->setService(m_service.get(), {QStringLiteral("arn:aws:iam::%1:user/alice").arg(m_service->accountId()),
                                           QStringLiteral("console"), {}});
    QTRY_VERIFY(!m.errorText().isEmpty());
    QVERIFY2(m.errorText().startsWith(QStringLiteral("AccessDeniedException: ")), qPrintable(m.errorText()));
    QCOMPARE(m.rowCount(), 0);
    QVERIFY(!m.canFetchMore({})); // no retry loop from the view
    QCOMPARE(errors.count(), 1);
    attach(); // the root may list
    QTRY_COMPARE(m.rowCount(), 1);
    QVERIFY(m.errorText().isEmpty());
}

QKMS_TEST_MAIN(TestKeyModel)
#include "tst_key_model.moc"
