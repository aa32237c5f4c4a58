// AuditEventModel and AuditFilterProxyModel against the real engine: newest first, lazy pages of
// older events, new events polled in as inserts at the top (including cryptographic operations
// still waiting in the group-commit buffer), the fields parsed from the CloudTrail record, and
// every filter of the proxy. Every model runs under QAbstractItemModelTester.

#include "AuditEventModel.h"
#include "AuditFilterProxyModel.h"
#include "RunnerTest.h"
#include "TestMain.h"
#include "kms/AuditLog.h"

#include <QAbstractItemModelTester>
#include <QColor>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>

using namespace qkms;
using Tester = QAbstractItemModelTester;
using Column = model::AuditEventModel::Column;
using Outcome = model::AuditFilterProxyModel::Outcome;

class TestAuditModel : public QObject, protected test::RunnerTest
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void newestFirstWithSequenceNumbers();
    void pagesOlderEventsLazily();
    void pollInsertsNewEventsAtTheTop();
    void pollSeesBufferedCryptoEvents();
    void fieldsOfSuccessAndFailure();
    void proxyFiltersEachWay();
    void proxyFiltersByTimeRange();
    void serviceChangeReloads();

private:
    /// How many events the engine has written (through the public API).
    qsizetype engineEventCount() { return engine().audit().events().value().size(); }
};

void TestAuditModel::init()
{
    QVERIFY(openRunner());
}

void TestAuditModel::cleanup()
{
    closeRunner();
}

void TestAuditModel::newestFirstWithSequenceNumbers()
{
    const QString first = createKey(QStringLiteral("first"));
    const QString second = createKey(QStringLiteral("second"));
    QVERIFY(engine().disableKey(root(), first).has_value());
    const qsizetype total = engineEventCount();
    QCOMPARE(total, 3);

    model::AuditEventModel m(m_runner.get());
    Tester tester(&m, Tester::FailureReportingMode::QtTest);
    attach();
    QTRY_VERIFY(m.isLoaded());
    QCOMPARE(m.rowCount(), 3);
    QCOMPARE(m.eventAt(0).operation, QStringLiteral("DisableKey"));
    QCOMPARE(m.eventAt(0).seq, 3);
    QCOMPARE(m.eventAt(0).keyId(), first);
    QCOMPARE(m.eventAt(1).keyId(), second);
    QCOMPARE(m.eventAt(2).seq, 1);
    QCOMPARE(m.indexOf(1), 2);
    QCOMPARE(m.indexOf(3), 0);
    QCOMPARE(m.indexOf(4), -1);
    QCOMPARE(m.newestSeq(), 3);
    QVERIFY(!m.canFetchMore({}));
    QCOMPARE(m.operations(), (QStringList{QStringLiteral("CreateKey"), QStringLiteral("DisableKey")}));
    QCOMPARE(m.data(m.index(0, Column::OperationColumn)).toString(), QStringLiteral("DisableKey"));
    QCOMPARE(m.data(m.index(0, Column::KeyColumn)).toString(), first);
    QCOMPARE(m.data(m.index(0, Column::PrincipalColumn)).toString(), QStringLiteral("root"));
    QCOMPARE(m.data(m.index(0, Column::OutcomeColumn)).toString(), QStringLiteral("Succeeded"));
    QCOMPARE(m.data(m.index(0, Column::FrontEndColumn)).toString(), QStringLiteral("cli"));
    QCOMPARE(m.data(m.index(0, 0), model::AuditEventModel::SeqRole).toLongLong(), 3);
    QVERIFY(m.eventAt(99).operation.isEmpty());
    QVERIFY(m.errorText().isEmpty());
}

void TestAuditModel::pagesOlderEventsLazily()
{
    for (int i = 0; i < 12; ++i)
        createKey(QStringLiteral("k%1").arg(i));
    model::AuditEventModel m(m_runner.get());
    m.setPageSize(5);
    Tester tester(&m, Tester::FailureReportingMode::QtTest);
    QSignalSpy inserted(&m, &QAbstractItemModel::rowsInserted);
    attach();
    QTRY_COMPARE(m.rowCount(), 5);
    QTRY_VERIFY(!m.isBusy());
    QCOMPARE(m.eventAt(0).seq, 12);
    QCOMPARE(m.eventAt(4).seq, 8);
    QVERIFY(m.canFetchMore({}));
    m.fetchMore({});
    QTRY_COMPARE(m.rowCount(), 10);
    QTRY_VERIFY(!m.isBusy());
    // Older events are appended below, as one insert of the page.
    QCOMPARE(inserted.last().at(1).toInt(), 5);
    QCOMPARE(inserted.last().at(2).toInt(), 9);
    m.fetchMore({});
    QTRY_COMPARE(m.rowCount(), 12);
    QTRY_VERIFY(!m.isBusy());
    QVERIFY(!m.canFetchMore({}));
    QCOMPARE(m.eventAt(11).seq, 1);
    QCOMPARE(inserted.count(), 3);
}

void TestAuditModel::pollInsertsNewEventsAtTheTop()
{
    createKey(QStringLiteral("old"));
    model::AuditEventModel m(m_runner.get());
    m.setPollInterval(20);
    Tester tester(&m, Tester::FailureReportingMode::QtTest);
    attach();
    QTRY_COMPARE(m.rowCount(), 1);
    QSignalSpy inserted(&m, &QAbstractItemModel::rowsInserted);
    QSignalSpy reset(&m, &QAbstractItemModel::modelReset);
    const QString a = createKey(QStringLiteral("a"));
    const QString b = createKey(QStringLiteral("b"));
    // The timer's next poll brings both, as one insert at the top, newest first.
    QTRY_COMPARE(m.rowCount(), 3);
    QCOMPARE(inserted.count(), 1);
    QCOMPARE(inserted.at(0).at(1).toInt(), 0);
    QCOMPARE(inserted.at(0).at(2).toInt(), 1);
    QCOMPARE(m.eventAt(0).keyId(), b);
    QCOMPARE(m.eventAt(1).keyId(), a);
    QCOMPARE(m.eventAt(0).seq, 3);
    // Quiet polls change nothing.
    QTest::qWait(100);
    QCOMPARE(inserted.count(), 1);
    QCOMPARE(reset.count(), 0);
    QCOMPARE(m.rowCount(), 3);
}

void TestAuditModel::pollSeesBufferedCryptoEvents()
{
    const QString key = createKey(QStringLiteral("data"));
    model::AuditEventModel m(m_runner.get());
    Tester tester(&m, Tester::FailureReportingMode::QtTest);
    attach();
    QTRY_COMPARE(m.rowCount(), 1);
    // Encrypt events wait in the group-commit buffer; a read of the model flushes them first.
    QVERIFY(engine().encrypt(root(), key, QCA::SecureArray(QByteArrayLiteral("hello"))).has_value());
    m.poll();
    QTRY_COMPARE(m.rowCount(), 2);
    QCOMPARE(m.eventAt(0).operation, QStringLiteral("Encrypt"));
    QCOMPARE(m.eventAt(0).keyId(), key);
    QVERIFY(!m.eventAt(0).readOnly);
    QVERIFY(!m.eventAt(0).prettyJson().contains(QStringLiteral("hello")));
    QVERIFY(m.operations().contains(QStringLiteral("Encrypt")));
}

void TestAuditModel::fieldsOfSuccessAndFailure()
{
    const QString rsa = createKey(QStringLiteral("signing"), QStringLiteral("RSA_2048"), QStringLiteral("SIGN_VERIFY"));
    // Rotation of an asymmetric key is refused, and audited with its exception.
    QCOMPARE(engine().enableKeyRotation(root(), rsa, 365).error().type, errors::UnsupportedOperation);
    // A principal the account does not know is denied.
    const kms::Caller mallory{m_service->rootArn().replace(QStringLiteral(":root"), QStringLiteral(":user/mallory")),
                              QStringLiteral("cli"), {}};
    QCOMPARE(engine().disableKey(mallory, rsa).error().type, errors::AccessDenied);

    model::AuditEventModel m(m_runner.get());
    Tester tester(&m, Tester::FailureReportingMode::QtTest);
    attach();
    QTRY_COMPARE(m.rowCount(), 3);
    const model::AuditEvent &denied = m.eventAt(0);
    QCOMPARE(denied.operation, QStringLiteral("DisableKey"));
    QCOMPARE(denied.errorCode, errors::AccessDenied);
    QVERIFY(!denied.succeeded());
    QCOMPARE(denied.principalName(), QStringLiteral("user/mallory"));
    QCOMPARE(m.data(m.index(0, Column::OutcomeColumn)).toString(), errors::AccessDenied);
    QCOMPARE(m.data(m.index(0, Column::OutcomeColumn), Qt::ForegroundRole).value<QColor>(), QColor(0xb0, 0x20, 0x20));
    QCOMPARE(m.data(m.index(0, Column::OutcomeColumn), Qt::ToolTipRole).toString(), denied.errorMessage);
    QCOMPARE(m.data(m.index(0, Column::PrincipalColumn), Qt::ToolTipRole).toString(), mallory.principalArn);
    const model::AuditEvent &refused = m.eventAt(1);
    QCOMPARE(refused.operation, QStringLiteral("EnableKeyRotation"));
    QCOMPARE(refused.errorCode, errors::UnsupportedOperation);
    QCOMPARE(refused.keyId(), rsa);
    QVERIFY(m.eventAt(2).succeeded());
    QVERIFY(!m.data(m.index(2, Column::OutcomeColumn), Qt::ForegroundRole).isValid());
    // The details are the stored record, indented.
    const QJsonObject record = QJsonDocument::fromJson(refused.prettyJson().toUtf8()).object();
    QCOMPARE(record.value(u"eventName").toString(), QStringLiteral("EnableKeyRotation"));
    QCOMPARE(record.value(u"errorCode").toString(), errors::UnsupportedOperation);
    QVERIFY(refused.prettyJson().contains(u'\n'));
}

void TestAuditModel::proxyFiltersEachWay()
{
    const QString a = createKey(QStringLiteral("a"));
    const QString b = createKey(QStringLiteral("b"));
    QVERIFY(engine().disableKey(root(), a).has_value());
    const kms::Caller mallory{m_service->rootArn().replace(QStringLiteral(":root"), QStringLiteral(":user/mallory")),
                              QStringLiteral("cli"), {}};
    QVERIFY(!engine().enableKey(mallory, a).has_value());

    model::AuditEventModel m(m_runner.get());
    model::AuditFilterProxyModel proxy;
    proxy.setSourceModel(&m);
    Tester tester(&m, Tester::FailureReportingMode::QtTest);
    Tester proxyTester(&proxy, Tester::FailureReportingMode::QtTest);
    attach();
    QTRY_COMPARE(m.rowCount(), 4);
    QCOMPARE(proxy.rowCount(), 4);
    QVERIFY(!proxy.isFiltering());

    proxy.setOperationFilter(QStringLiteral("CreateKey"));
    QVERIFY(proxy.isFiltering());
    QCOMPARE(proxy.rowCount(), 2);
    QCOMPARE(proxy.eventAt(0).keyId(), b);
    QCOMPARE(proxy.indexOf(m.eventAt(0).seq), -1); // the newest event is not a CreateKey
    proxy.setOperationFilter({});

    proxy.setKeyFilter(a.left(8).toUpper()); // a fragment of the id, in another case
    QCOMPARE(proxy.rowCount(), 3);
    for (int r = 0; r < proxy.rowCount(); ++r)
        QCOMPARE(proxy.eventAt(r).keyId(), a);
    proxy.setKeyFilter({});

    proxy.setPrincipalFilter(QStringLiteral("MALLORY"));
    QCOMPARE(proxy.rowCount(), 1);
    QCOMPARE(proxy.eventAt(0).operation, QStringLiteral("EnableKey"));
    proxy.setPrincipalFilter(QStringLiteral(":root"));
    QCOMPARE(proxy.rowCount(), 3);
    proxy.setPrincipalFilter({});

    proxy.setOutcomeFilter(Outcome::Failed);
    QCOMPARE(proxy.rowCount(), 1);
    QCOMPARE(proxy.eventAt(0).errorCode, errors::AccessDenied);
    proxy.setOutcomeFilter(Outcome::Succeeded);
    QCOMPARE(proxy.rowCount(), 3);
    // Filters combine.
    proxy.setKeyFilter(b);
    QCOMPARE(proxy.rowCount(), 1);
    proxy.setOutcomeFilter(Outcome::Failed);
    QCOMPARE(proxy.rowCount(), 0);
    proxy.setOutcomeFilter(Outcome::Any);
    proxy.setKeyFilter({});
    QCOMPARE(proxy.rowCount(), 4);

    // A new event that passes the filter appears in the proxy too.
    proxy.setOperationFilter(QStringLiteral("DisableKey"));
    QCOMPARE(proxy.rowCount(), 1);
    QVERIFY(engine().disableKey(root(), b).has_value());
    m.poll();
    QTRY_COMPARE(proxy.rowCount(), 2);
    QCOMPARE(proxy.eventAt(0).keyId(), b);
}

void TestAuditModel::proxyFiltersByTimeRange()
{
    const QDateTime t0 = m_fx->clock().now();
    createKey(QStringLiteral("day 0"));
    m_fx->clock().advanceDays(10);
    createKey(QStringLiteral("day 10"));
    m_fx->clock().advanceDays(10);
    const QString late = createKey(QStringLiteral("day 20"));

    model::AuditEventModel m(m_runner.get());
    model::AuditFilterProxyModel proxy;
    proxy.setSourceModel(&m);
    Tester proxyTester(&proxy, Tester::FailureReportingMode::QtTest);
    attach();
    QTRY_COMPARE(proxy.rowCount(), 3);
    QCOMPARE(m.eventAt(0).time, t0.addDays(20));

    proxy.setTimeRange(t0.addDays(5), {});
    QCOMPARE(proxy.rowCount(), 2);
    proxy.setTimeRange({}, t0.addDays(10)); // the upper bound is exclusive
    QCOMPARE(proxy.rowCount(), 1);
    proxy.setTimeRange(t0.addDays(10), t0.addDays(10).addSecs(1)); // the lower bound is inclusive
    QCOMPARE(proxy.rowCount(), 1);
    proxy.setTimeRange(t0.addDays(15), t0.addDays(30));
    QCOMPARE(proxy.rowCount(), 1);
    QCOMPARE(proxy.eventAt(0).keyId(), late);
    proxy.setTimeRange({}, {});
    QCOMPARE(proxy.rowCount(), 3);
}

void TestAuditModel::serviceChangeReloads()
{
    createKey(QStringLiteral("x"));
    model::AuditEventModel m(m_runner.get());
    Tester tester(&m, Tester::FailureReportingMode::QtTest);
    attach();
    QTRY_COMPARE(m.rowCount(), 1);
    QSignalSpy reset(&m, &QAbstractItemModel::modelReset);
    QSignalSpy operations(&m, &model::AuditEventModel::operationsChanged);
    m_runner->setService(nullptr, {});
    QCOMPARE(reset.count(), 1);
    QCOMPARE(m.rowCount(), 0);
    QVERIFY(m.operations().isEmpty());
    QCOMPARE(operations.count(), 1);
    QVERIFY(!m.canFetchMore({}));
    m.poll(); // no service: nothing happens
    QVERIFY(!m.isBusy());
    attach();
    QTRY_COMPARE(m.rowCount(), 1);
}

QKMS_TEST_MAIN(TestAuditModel)
#include "tst_audit_model.moc"
