// The parts the console's panes and key tabs share (ui/PaneParts.h, ui/PagedTable.h), tested on
// their own: one command at a time and its sentence in the message bar, reading every page of a
// List* call, selecting a table row, and the read-only table the Tags and Grants tabs show.

#include "GuiTestMain.h"
#include "PagedTable.h"
#include "PaneParts.h"
#include "RunnerTest.h"

#include <QLabel>
#include <QPointer>
#include <QSignalSpy>
#include <QStandardItemModel>
#include <QTableView>
#include <QTableWidget>

using namespace qkms;

namespace {

// A command that starts without a dialog and ends when the test says so.
class FakeCommand : public ui::Command
{
    Q_OBJECT
public:
    using Command::Command;
    void start() override { ++starts; }
    void end(ui::CommandResult::Outcome outcome, const QString &message) { finish({outcome, message, {}}); }
    int starts = 0;
};

// One page of a fake List* call.
struct Page {
    QStringList items;
    std::optional<QString> nextMarker;
};

} // namespace

class TestPaneParts : public QObject, protected test::RunnerTest
{
    Q_OBJECT
private Q_SLOTS:
    void init() { QVERIFY(openRunner()); }
    void cleanup() { closeRunner(); }
    void oneCommandAtATime();
    void canceledKeepsTheLastSentence();
    void nothingStartsOnALockedVault();
    void readEveryPageFollowsTheMarkers();
    void readEveryPageStopsAtTheFirstError();
    void selectTableRow();
    void countText();
    void readOnlyTableRows();
    void sameKey();
};

void TestPaneParts::oneCommandAtATime()
{
    attach();
    QWidget pane;
    ui::PaneCommands commands(m_runner.get(), &pane, "testMessage");
    QCOMPARE(commands.messageBar()->objectName(), QStringLiteral("testMessage"));
    QVERIFY(!commands.messageBar()->isVisibleTo(&pane));
    QSignalSpy started(&commands, &ui::PaneCommands::started);
    QSignalSpy finished(&commands, &ui::PaneCommands::finished);
    QVERIFY(commands.isIdle());

    auto *first = new FakeCommand(m_runner.get(), &pane);
    QVERIFY(commands.start(first));
    QCOMPARE(started.count(), 1);
    QCOMPARE(first->starts, 1);
    QCOMPARE(commands.active(), first);
    QVERIFY(!commands.isIdle());

    QPointer<FakeCommand> second = new FakeCommand(m_runner.get(), &pane);
    QVERIFY(!commands.start(second));
    QVERIFY(second.isNull()); // refused and deleted, never started
    QCOMPARE(started.count(), 1);

    first->end(ui::CommandResult::Outcome::Failed, QStringLiteral("NotFoundException: no such key"));
    QCOMPARE(finished.count(), 1);
    QVERIFY(!commands.active());
    QVERIFY(commands.isIdle());
    QCOMPARE(commands.message(), QStringLiteral("NotFoundException: no such key"));
    QVERIFY(commands.messageBar()->isVisibleTo(&pane));
    QVERIFY(commands.messageBar()->styleSheet().contains(QStringLiteral("#611a15")));
}

void TestPaneParts::canceledKeepsTheLastSentence()
{
    attach();
    QWidget pane;
    ui::PaneCommands commands(m_runner.get(), &pane, "testMessage", QStringLiteral("#b02020"));
    QSignalSpy finished(&commands, &ui::PaneCommands::finished);
    auto *done = new FakeCommand(m_runner.get(), &pane);
    QVERIFY(commands.start(done));
    done->end(ui::CommandResult::Outcome::Succeeded, QStringLiteral("Key enabled."));
    QCOMPARE(commands.message(), QStringLiteral("Key enabled."));
    QVERIFY(!commands.messageBar()->styleSheet().contains(QStringLiteral("#b02020")));

    auto *canceled = new FakeCommand(m_runner.get(), &pane);
    QVERIFY(commands.start(canceled));
    canceled->end(ui::CommandResult::Outcome::Canceled, {});
    QCOMPARE(finished.count(), 2); // the pane hears of a cancel too
    QCOMPARE(commands.message(), QStringLiteral("Key enabled."));

    commands.showMessage(QStringLiteral("AccessDeniedException: no"), true);
    QVERIFY(commands.messageBar()->styleSheet().contains(QStringLiteral("#b02020")));
    commands.showMessage({}, false);
    QVERIFY(!commands.messageBar()->isVisibleTo(&pane));
}

void TestPaneParts::nothingStartsOnALockedVault()
{
    QWidget pane;
    ui::PaneCommands commands(m_runner.get(), &pane, "testMessage"); // no service attached
    QSignalSpy started(&commands, &ui::PaneCommands::started);
    QVERIFY(!commands.isIdle());
    QPointer<FakeCommand> command = new FakeCommand(m_runner.get(), &pane);
    QVERIFY(!commands.start(command));
    QVERIFY(command.isNull());
    QCOMPARE(started.count(), 0);
    QVERIFY(!commands.active());
}

void TestPaneParts::readEveryPageFollowsTheMarkers()
{
    const QMap<QString, Page> pages{{QString(), {{QStringLiteral("a"), QStringLiteral("b")}, QStringLiteral("m1")}},
                                    {QStringLiteral("m1"), {{QStringLiteral("c")}, QStringLiteral("m2")}},
                                    {QStringLiteral("m2"), {{}, std::nullopt}}};
    QStringList asked;
    const Result<QStringList> all = ui::readEveryPage<QStringList>(
        [&](const QString &marker) -> Result<Page> {
            asked.append(marker);
            return pages.value(marker);
        },
        [](QStringList &out, const Page &page) { out.append(page.items); });
    QVERIFY(all);
    QCOMPARE(*all, (QStringList{QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c")}));
    QCOMPARE(asked, (QStringList{QString(), QStringLiteral("m1"), QStringLiteral("m2")}));
}

void TestPaneParts::readEveryPageStopsAtTheFirstError()
{
    int calls = 0;
    const Result<QStringList> all = ui::readEveryPage<QStringList>(
        [&](const QString &marker) -> Result<Page> {
            ++calls;
            if (!marker.isEmpty())
                return fail(errors::InvalidMarker, QStringLiteral("The marker is not valid."));
            return Page{{QStringLiteral("a")}, QStringLiteral("m1")};
        },
        [](QStringList &out, const Page &page) { out.append(page.items); });
    QVERIFY(!all);
    QCOMPARE(all.error().type, errors::InvalidMarker);
    QCOMPARE(calls, 2);
}

void TestPaneParts::selectTableRow()
{
    QStandardItemModel model(4, 2);
    QTableView table;
    table.setModel(&model);
    table.setSelectionBehavior(QAbstractItemView::SelectRows);
    QCOMPARE(ui::selectedTableRow(&table), -1);
    QVERIFY(!ui::selectTableRow(&table, -1)); // what indexOf() says of a missing item
    QCOMPARE(ui::selectedTableRow(&table), -1);
    QVERIFY(ui::selectTableRow(&table, 2));
    QCOMPARE(ui::selectedTableRow(&table), 2);
    QCOMPARE(table.currentIndex().row(), 2);
    QVERIFY(ui::selectTableRow(&table, 1));
    QCOMPARE(ui::selectedTableRow(&table), 1);
    QCOMPARE(table.selectionModel()->selectedRows().size(), 1); // the earlier row is deselected
}

void TestPaneParts::countText()
{
    const QString one = QStringLiteral("1 key");
    const QString many = QStringLiteral("%1 keys");
    QCOMPARE(ui::countText(1, one, many), one);
    QCOMPARE(ui::countText(0, one, many), QStringLiteral("0 keys"));
    QCOMPARE(ui::countText(1204, one, many), QLocale().toString(1204) + QStringLiteral(" keys"));
}

void TestPaneParts::readOnlyTableRows()
{
    QWidget parent;
    QTableWidget *table = ui::makeReadOnlyTable("testTable", {QStringLiteral("Key"), QStringLiteral("Value")}, &parent);
    QCOMPARE(table->objectName(), QStringLiteral("testTable"));
    QCOMPARE(table->columnCount(), 2);
    QVERIFY(table->editTriggers() == QAbstractItemView::NoEditTriggers);
    table->setRowCount(1);
    table->setSpan(0, 0, 1, 2); // an error row, as GrantsTab shows one
    ui::setTableRows(table, {{QStringLiteral("k1"), QStringLiteral("v1")}, {QStringLiteral("k2"), QString()}});
    QCOMPARE(table->rowCount(), 2);
    QCOMPARE(table->columnSpan(0, 0), 1);
    QCOMPARE(table->item(0, 1)->text(), QStringLiteral("v1"));
    QCOMPARE(table->item(1, 0)->text(), QStringLiteral("k2"));
    ui::setTableRows(table, {});
    QCOMPARE(table->rowCount(), 0);
}

void TestPaneParts::sameKey()
{
    kms::KeyRecord a;
    a.keyId = QStringLiteral("1234abcd-12ab-34cd-56ef-1234567890ab");
    kms::KeyRecord b = a;
    QVERIFY(ui::sameKey(a, b));
    b.keyId = QStringLiteral("0987dcba-09fe-87dc-65ba-ab0987654321");
    QVERIFY(!ui::sameKey(a, b));
    QVERIFY(!ui::sameKey(a, std::nullopt));
    QVERIFY(!ui::sameKey(std::nullopt, std::nullopt));
}

QKMS_GUI_TEST_MAIN(TestPaneParts)
#include "tst_pane_parts.moc"
