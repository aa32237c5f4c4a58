// The Event history pane driven like a user would, offscreen: events made through the engine
// appear; each filter widget narrows the table; the details show the selected record; "Verify
// chain" reports an intact chain, then the first broken link after the audit table is tampered
// with through SQL; "Export…" writes one JSON line per event through the path seam.

#include "AuditEventModel.h"
#include "AuditFilterProxyModel.h"
#include "EngineRunner.h"
#include "EventHistoryPane.h"
#include "GuiTestMain.h"
#include "VaultFixture.h"
#include "kms/AuditLog.h"
#include "kms/KmsService.h"
#include "store/Database.h"

#include <QComboBox>
#include <QDateEdit>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTableView>
#include <QTemporaryDir>

using namespace qkms;
using Column = model::AuditEventModel::Column;

class TestEventHistoryPane : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void emptyStateThenEventsAppear();
    void filtersNarrowTheTable();
    void dateRangeFilters();
    void detailsShowTheRecord();
    void verifyIntactThenBroken();
    void exportWritesJsonLines();
    void exportCancelledWritesNothing();

private:
    template <typename T>
    T *child(const char *name)
    {
        return m_pane->findChild<T *>(QString::fromLatin1(name));
    }
    void click(const char *name)
    {
        auto *b = child<QPushButton>(name);
        QVERIFY(b);
        QVERIFY2(b->isEnabled(), name);
        QTest::mouseClick(b, Qt::LeftButton);
    }
    kms::KmsService &engine()
    {
        m_runner->waitForIdle(); // the test thread and the worker must not share the service
        return *m_service;
    }
    kms::Caller root() const { return {m_service->rootArn(), QStringLiteral("cli"), {}}; }
    kms::Caller user(const QString &name) const
    {
        return {QString(m_service->rootArn()).replace(QStringLiteral(":root"), QStringLiteral(":user/") + name),
                QStringLiteral("cli"), {}};
    }
    QString createKey(const QString &description)
    {
        kms::CreateKeyRequest r;
        r.description = description;
        return engine().createKey(root(), r).value().keyId;
    }
    int shown() { return m_pane->proxy()->rowCount(); }
    QString shownCell(int row, int column) { return m_pane->proxy()->index(row, column).data().toString(); }
    qint64 engineEventCount() { return engine().audit().events().value().size(); }

    std::unique_ptr<test::VaultFixture> m_fx;
    std::unique_ptr<kms::KmsService> m_service;
    std::unique_ptr<model::EngineRunner> m_runner;
    std::unique_ptr<ui::EventHistoryPane> m_pane;
};

void TestEventHistoryPane::init()
{
    m_fx = std::make_unique<test::VaultFixture>();
    auto s = kms::KmsService::open(m_fx->vault(), QStringLiteral("eu-west-1"));
    QVERIFY(s.has_value());
    m_service = std::move(*s);
    m_runner = std::make_unique<model::EngineRunner>();
    m_pane = std::make_unique<ui::EventHistoryPane>(m_runner.get());
    m_pane->eventModel()->setPollInterval(30);
    m_pane->resize(1100, 700);
    m_pane->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_pane.get()));
    m_runner->setService(m_service.get(), {m_service->rootArn(), QStringLiteral("console"), {}});
    QTRY_VERIFY(m_pane->eventModel()->isLoaded());
}

void TestEventHistoryPane::cleanup()
{
    m_pane.reset();
    m_runner.reset();
    m_service.reset();
    m_fx.reset();
}

void TestEventHistoryPane::emptyStateThenEventsAppear()
{
    auto *empty = child<QLabel>("eventsEmptyState");
    QVERIFY(empty);
    QTRY_VERIFY(empty->isVisible());
    QVERIFY2(empty->text().contains(QStringLiteral("No events in eu-west-1 yet")), qPrintable(empty->text()));

    // Made through the engine as the CLI would: the pane's poll brings them, newest first.
    const QString a = createKey(QStringLiteral("a"));
    QTRY_COMPARE(shown(), 1);
    QTRY_VERIFY(child<QTableView>("eventTable")->isVisible());
    QVERIFY(engine().disableKey(root(), a).has_value());
    QTRY_COMPARE(shown(), 2);
    QCOMPARE(shownCell(0, Column::OperationColumn), QStringLiteral("DisableKey"));
    QCOMPARE(shownCell(1, Column::OperationColumn), QStringLiteral("CreateKey"));
    QCOMPARE(shownCell(0, Column::KeyColumn), a);
    QCOMPARE(shownCell(0, Column::PrincipalColumn), QStringLiteral("root"));
    QCOMPARE(shownCell(0, Column::FrontEndColumn), QStringLiteral("cli"));
    QCOMPARE(child<QLabel>("eventCountLabel")->text(), QStringLiteral("2 events"));
}

void TestEventHistoryPane::filtersNarrowTheTable()
{
    const QString a = createKey(QStringLiteral("a"));
    const QString b = createKey(QStringLiteral("b"));
    QVERIFY(engine().disableKey(root(), a).has_value());
    QCOMPARE(engine().enableKey(user(QStringLiteral("mallory")), b).error().type, errors::AccessDenied);
    QTRY_COMPARE(shown(), 4);

    // Operation: the choices are the operations seen, plus "All operations".
    auto *operation = child<QComboBox>("eventOperationFilter");
    QVERIFY(operation);
    QTRY_COMPARE(operation->count(), 4);
    QCOMPARE(operation->itemText(0), QStringLiteral("All operations"));
    operation->setCurrentIndex(operation->findText(QStringLiteral("CreateKey")));
    QCOMPARE(shown(), 2);
    for (int r = 0; r < shown(); ++r)
        QCOMPARE(shownCell(r, Column::OperationColumn), QStringLiteral("CreateKey"));
    QCOMPARE(child<QLabel>("eventCountLabel")->text(), QStringLiteral("2 matching events"));
    operation->setCurrentIndex(0);
    QCOMPARE(shown(), 4);

    // Key: typed, part of the id.
    auto *key = child<QLineEdit>("eventKeyFilter");
    QTest::keyClicks(key, a.left(8));
    QCOMPARE(shown(), 2);
    for (int r = 0; r < shown(); ++r)
        QCOMPARE(shownCell(r, Column::KeyColumn), a);
    key->clear();

    // Principal.
    auto *principal = child<QLineEdit>("eventPrincipalFilter");
    QTest::keyClicks(principal, QStringLiteral("mallory"));
    QCOMPARE(shown(), 1);
    QCOMPARE(shownCell(0, Column::PrincipalColumn), QStringLiteral("user/mallory"));
    principal->clear();

    // Outcome: the failure shows its exception name, in red.
    auto *outcome = child<QComboBox>("eventOutcomeFilter");
    outcome->setCurrentIndex(outcome->findText(QStringLiteral("Failed")));
    QCOMPARE(shown(), 1);
    QCOMPARE(shownCell(0, Column::OutcomeColumn), QStringLiteral("AccessDeniedException"));
    QCOMPARE(m_pane->proxy()->index(0, Column::OutcomeColumn).data(Qt::ForegroundRole).value<QColor>(),
             QColor(0xb0, 0x20, 0x20));
    outcome->setCurrentIndex(outcome->findText(QStringLiteral("Succeeded")));
    QCOMPARE(shown(), 3);

    // Filters combine; nothing matching says so; "Clear filters" brings everything back.
    QTest::keyClicks(principal, QStringLiteral("mallory"));
    QCOMPARE(shown(), 0);
    auto *empty = child<QLabel>("eventsEmptyState");
    QTRY_VERIFY(empty->isVisible());
    QVERIFY2(empty->text().contains(QStringLiteral("No events match")), qPrintable(empty->text()));
    click("clearEventFiltersButton");
    QCOMPARE(shown(), 4);
    QVERIFY(principal->text().isEmpty());
    QCOMPARE(outcome->currentIndex(), 0);

    // A new event that passes the filter shows up while it is set.
    operation->setCurrentIndex(operation->findText(QStringLiteral("DisableKey")));
    QCOMPARE(shown(), 1);
    QVERIFY(engine().disableKey(root(), b).has_value());
    QTRY_COMPARE(shown(), 2);
    QCOMPARE(shownCell(0, Column::KeyColumn), b);
}

void TestEventHistoryPane::dateRangeFilters()
{
    const QDateTime start = m_fx->clock().now();
    createKey(QStringLiteral("day 0"));
    m_runner->waitForIdle();
    m_fx->clock().advanceDays(10);
    const QString later = createKey(QStringLiteral("day 10"));
    QTRY_COMPARE(shown(), 2);

    auto *from = child<QDateEdit>("eventFromDate");
    auto *to = child<QDateEdit>("eventToDate");
    QVERIFY(from && to);
    QCOMPARE(from->text(), QStringLiteral("Any"));
    QCOMPARE(to->text(), QStringLiteral("Any"));
    const QDate day0 = start.toLocalTime().date();
    from->setDate(day0.addDays(5));
    QCOMPARE(shown(), 1);
    QCOMPARE(shownCell(0, Column::KeyColumn), later);
    from->setDate(from->minimumDate()); // back to "Any"
    QCOMPARE(shown(), 2);
    to->setDate(day0); // "to" includes its whole day
    QCOMPARE(shown(), 1);
    QVERIFY(shownCell(0, Column::KeyColumn) != later);
    to->setDate(day0.addDays(-1));
    QCOMPARE(shown(), 0);
}

void TestEventHistoryPane::detailsShowTheRecord()
{
    const QString a = createKey(QStringLiteral("a"));
    QTRY_COMPARE(shown(), 1);
    auto *details = child<QPlainTextEdit>("eventDetails");
    QVERIFY(details);
    QVERIFY(details->toPlainText().isEmpty());
    auto *table = child<QTableView>("eventTable");
    QTest::mouseClick(table->viewport(), Qt::LeftButton, {}, table->visualRect(m_pane->proxy()->index(0, 1)).center());
    QCOMPARE(m_pane->selectedSeq(), 1);
    const QString text = details->toPlainText();
    QVERIFY2(text.contains(QStringLiteral("\"eventName\": \"CreateKey\"")), qPrintable(text));
    QVERIFY(text.contains(a));
    const QJsonObject record = QJsonDocument::fromJson(text.toUtf8()).object();
    QCOMPARE(record.value(u"awsRegion").toString(), QStringLiteral("eu-west-1"));
    QVERIFY(QFontInfo(details->font()).fixedPitch());
    QVERIFY(child<QLabel>("eventDetailsTitle")->text().contains(QStringLiteral("Event 1")));
}

void TestEventHistoryPane::verifyIntactThenBroken()
{
    for (int i = 0; i < 4; ++i)
        createKey(QStringLiteral("k%1").arg(i));
    QTRY_COMPARE(shown(), 4);
    auto *result = child<QLabel>("auditVerifyResult");
    QVERIFY(result);
    click("verifyAuditButton");
    QTRY_VERIFY(result->isVisible());
    QTRY_COMPARE(result->text(), QStringLiteral("Intact: 4 events"));
    QVERIFY(!result->styleSheet().contains(QStringLiteral("#b02020")));

    // Someone edits event 2 in the file without recomputing the chain.
    auto update = engine().database().prepare(
        QStringLiteral("UPDATE audit SET event = replace(event, '\"CreateKey\"', '\"ScheduleKeyDeletion\"') WHERE seq = 2"));
    QVERIFY(update.has_value());
    QVERIFY(update->run().has_value());
    QCOMPARE(engine().database().changes(), 1);

    QTRY_VERIFY(child<QPushButton>("verifyAuditButton")->isEnabled());
    click("verifyAuditButton");
    QTRY_VERIFY2(result->text().startsWith(QStringLiteral("Broken at event 2")), qPrintable(result->text()));
    QVERIFY(result->text().contains(QStringLiteral("altered")));
    QVERIFY(result->styleSheet().contains(QStringLiteral("#b02020"))); // in red
    // The broken event is selected for a look at it.
    QCOMPARE(m_pane->selectedSeq(), 2);
    QVERIFY(child<QLabel>("eventDetailsTitle")->text().contains(QStringLiteral("not covered by an intact chain")));
}

void TestEventHistoryPane::exportWritesJsonLines()
{
    const QString a = createKey(QStringLiteral("a"));
    QVERIFY(engine().encrypt(root(), a, QCA::SecureArray(QByteArrayLiteral("secret plaintext"))).has_value());
    QVERIFY(engine().disableKey(root(), a).has_value());
    QTRY_COMPARE(shown(), 3);

    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("audit.jsonl"));
    QString suggested;
    m_pane->setExportPathProvider([&](QWidget *, const QString &name) {
        suggested = name;
        return path;
    });
    click("exportAuditButton");
    auto *result = child<QLabel>("auditVerifyResult");
    QTRY_VERIFY2(result->text().startsWith(QStringLiteral("Exported")), qPrintable(result->text()));
    QVERIFY(suggested.startsWith(QStringLiteral("qkms-audit-eu-west-1-")));

    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray all = file.readAll();
    const QList<QByteArray> lines = all.split('\n');
    QCOMPARE(lines.size(), 4); // three records and the empty string after the last newline
    QVERIFY(lines.last().isEmpty());
    QCOMPARE(QJsonDocument::fromJson(lines.at(0)).object().value(u"eventName").toString(), QStringLiteral("CreateKey"));
    QCOMPARE(QJsonDocument::fromJson(lines.at(1)).object().value(u"eventName").toString(), QStringLiteral("Encrypt"));
    QCOMPARE(QJsonDocument::fromJson(lines.at(2)).object().value(u"eventName").toString(), QStringLiteral("DisableKey"));
    QCOMPARE(qint64(lines.size() - 1), engineEventCount());
    QVERIFY(!all.contains("secret plaintext"));
}

void TestEventHistoryPane::exportCancelledWritesNothing()
{
    createKey(QStringLiteral("a"));
    QTRY_COMPARE(shown(), 1);
    int asked = 0;
    m_pane->setExportPathProvider([&](QWidget *, const QString &) {
        ++asked;
        return QString();
    });
    click("exportAuditButton");
    QCOMPARE(asked, 1);
    QVERIFY(!m_pane->activeCommand());
    QVERIFY(m_pane->message().isEmpty());
}

QKMS_GUI_TEST_MAIN(TestEventHistoryPane)
#include "tst_event_history_pane.moc"
