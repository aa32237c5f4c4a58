// The Aliases pane driven as a user would: create an alias through the dialog (its name checked
// as you type), retarget it (the picker offers only compatible keys), delete it after the
// confirmation, alias/aws/… read-only, and the engine's answer checked after each step.

#include "AliasDialog.h"
#include "AliasFilterProxyModel.h"
#include "AliasesPane.h"
#include "ConsoleTest.h"
#include "GuiTestMain.h"

#include <QAbstractButton>
#include <QComboBox>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QPushButton>
#include <QTableView>

using namespace qkms;

class TestAliasesPane : public QObject, protected test::ConsoleTest
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void emptyStateSaysWhatToDo();
    void createAndRetargetAnAlias();
    void deleteAfterConfirmation();
    void awsAliasesAreReadOnly();
    void aliasFromAnotherProcessAppears();

private:
    QPushButton *button(const char *name) { return child<QPushButton>(m_pane, name); }
    QString targetOf(const QString &alias)
    {
        auto k = cli().describeKey(cliCaller(), alias);
        return k ? k->keyId : k.error().type;
    }

    ui::AliasesPane *m_pane = nullptr;
};

void TestAliasesPane::init()
{
    createVault();
    QVERIFY(openWindow());
    child<QListWidget>(m_window.get(), "paneList")->setCurrentRow(
        static_cast<int>(ui::MainWindow::paneIds().indexOf(QStringLiteral("aliases"))));
    m_pane = child<ui::AliasesPane>(m_window.get(), "aliasesPane");
    QVERIFY(m_pane);
    QTRY_VERIFY(m_pane->isVisible());
    QTRY_VERIFY(m_window->aliasModel()->isLoaded());
}

void TestAliasesPane::cleanup()
{
    closeConsole();
}

void TestAliasesPane::emptyStateSaysWhatToDo()
{
    auto *empty = child<QLabel>(m_pane, "aliasesEmptyState");
    QTRY_VERIFY(empty->isVisible());
    QVERIFY2(empty->text().contains(QStringLiteral("No aliases in this region yet")), qPrintable(empty->text()));
    QVERIFY(empty->text().contains(QStringLiteral("Create alias")));
    QVERIFY(button("createAliasButton")->isEnabled());
    QVERIFY(!button("retargetAliasButton")->isEnabled());
    QVERIFY(!button("deleteAliasButton")->isEnabled());
}

void TestAliasesPane::createAndRetargetAnAlias()
{
    const QString a = cliCreateKey(QStringLiteral("payroll v1"));
    const QString b = cliCreateKey(QStringLiteral("payroll v2"));
    const QString h = cliCreateKey(QStringLiteral("mac"), QStringLiteral("HMAC_256"), QStringLiteral("GENERATE_VERIFY_MAC"));
    const QString r = cliCreateKey(QStringLiteral("signing"), QStringLiteral("RSA_2048"), QStringLiteral("SIGN_VERIFY"));

    click(button("createAliasButton"));
    ui::AliasDialog *dialog = nullptr;
    QTRY_VERIFY((dialog = visible<ui::AliasDialog>("createAliasDialog")));
    QTRY_VERIFY(dialog->keysLoaded());
    const QStringList offered = dialog->offeredKeyIds();
    QCOMPARE(QSet<QString>(offered.begin(), offered.end()), QSet<QString>({a, b, h, r}));
    auto *name = child<QLineEdit>(dialog, "aliasNameEdit");
    auto *ok = child<QPushButton>(dialog, "aliasDialogOkButton");
    // The engine's rules as you type.
    name->selectAll();
    QTest::keyClicks(name, QStringLiteral("payroll"));
    QVERIFY2(dialog->nameProblem().startsWith(QStringLiteral("InvalidAliasNameException: ")), qPrintable(dialog->nameProblem()));
    QVERIFY(child<QLabel>(dialog, "aliasNameProblem")->isVisible());
    QVERIFY(!ok->isEnabled());
    name->selectAll();
    QTest::keyClicks(name, QStringLiteral("alias/pay roll"));
    QVERIFY(dialog->nameProblem().startsWith(QStringLiteral("ValidationException: ")));
    QVERIFY(!ok->isEnabled());
    name->selectAll();
    QTest::keyClicks(name, QStringLiteral("alias/payroll"));
    QCOMPARE(dialog->nameProblem(), QString());
    QVERIFY(dialog->selectTargetKey(a));
    click(ok);

    QTRY_VERIFY(m_pane->proxy()->indexOf(QStringLiteral("alias/payroll")) >= 0);
    QTRY_COMPARE(m_pane->selectedAliasName(), QStringLiteral("alias/payroll"));
    QVERIFY2(m_pane->message().startsWith(QStringLiteral("Created alias alias/payroll")), qPrintable(m_pane->message()));
    QCOMPARE(targetOf(QStringLiteral("alias/payroll")), a);
    QVERIFY(child<QTableView>(m_pane, "aliasTable")->isVisible());

    // A second alias of the same name is caught in the dialog already.
    click(button("createAliasButton"));
    QTRY_VERIFY((dialog = visible<ui::AliasDialog>("createAliasDialog")));
    name = child<QLineEdit>(dialog, "aliasNameEdit");
    name->selectAll();
    QTest::keyClicks(name, QStringLiteral("alias/payroll"));
    QVERIFY2(dialog->nameProblem().startsWith(QStringLiteral("AlreadyExistsException: ")), qPrintable(dialog->nameProblem()));
    click(child<QPushButton>(dialog, "aliasDialogCancelButton"));
    QTRY_VERIFY(!m_pane->activeCommand());

    // Retarget: only the other symmetric encryption key is offered.
    QVERIFY(m_pane->selectAlias(QStringLiteral("alias/payroll")));
    click(button("retargetAliasButton"));
    QTRY_VERIFY((dialog = visible<ui::AliasDialog>("retargetAliasDialog")));
    QTRY_VERIFY(dialog->keysLoaded());
    QCOMPARE(dialog->offeredKeyIds(), QStringList{b});
    QVERIFY(!dialog->selectTargetKey(h));
    QVERIFY(!child<QLineEdit>(dialog, "aliasNameEdit")->isEnabled() || child<QLineEdit>(dialog, "aliasNameEdit")->isReadOnly());
    QVERIFY(dialog->selectTargetKey(b));
    click(child<QPushButton>(dialog, "aliasDialogOkButton"));
    QTRY_VERIFY(m_pane->message().startsWith(QStringLiteral("Alias alias/payroll now points at key ") + b));
    QCOMPARE(targetOf(QStringLiteral("alias/payroll")), b);
    const int row = m_pane->proxy()->indexOf(QStringLiteral("alias/payroll"));
    QTRY_COMPARE(m_pane->proxy()->aliasAt(row).targetKeyId, b);
    QCOMPARE(m_pane->selectedAliasName(), QStringLiteral("alias/payroll")); // the selection stayed
}

void TestAliasesPane::deleteAfterConfirmation()
{
    const QString a = cliCreateKey(QStringLiteral("k"));
    QVERIFY(cli().createAlias(cliCaller(), QStringLiteral("alias/doomed"), a).has_value());
    QTRY_VERIFY(m_pane->selectAlias(QStringLiteral("alias/doomed")));

    // Cancel first: nothing happens.
    click(button("deleteAliasButton"));
    QMessageBox *box = nullptr;
    QTRY_VERIFY((box = visible<QMessageBox>("deleteAliasConfirmation")));
    QVERIFY(box->informativeText().contains(QStringLiteral("NotFoundException")));
    click(child<QPushButton>(box, "cancelDeleteAliasButton"));
    QTRY_VERIFY(!m_pane->activeCommand());
    QCOMPARE(targetOf(QStringLiteral("alias/doomed")), a);

    // The Delete key on the table, then confirm.
    auto *table = child<QTableView>(m_pane, "aliasTable");
    table->setFocus();
    QTest::keyClick(table, Qt::Key_Delete);
    QTRY_VERIFY((box = visible<QMessageBox>("deleteAliasConfirmation")));
    click(child<QPushButton>(box, "confirmDeleteAliasButton"));
    QTRY_COMPARE(m_pane->proxy()->indexOf(QStringLiteral("alias/doomed")), -1);
    QCOMPARE(m_pane->message(), QStringLiteral("Deleted alias alias/doomed."));
    QCOMPARE(targetOf(QStringLiteral("alias/doomed")), errors::NotFound);
    QCOMPARE(cli().describeKey(cliCaller(), a).value().keyId, a); // the key itself stays
}

void TestAliasesPane::awsAliasesAreReadOnly()
{
    QVERIFY(cli().awsManagedKey(cliCaller(), QStringLiteral("files")).has_value());
    const QString mine = cliCreateKey(QStringLiteral("mine"));
    QVERIFY(cli().createAlias(cliCaller(), QStringLiteral("alias/mine"), mine).has_value());
    QTRY_VERIFY(m_pane->selectAlias(QStringLiteral("alias/aws/files")));
    QVERIFY(!button("retargetAliasButton")->isEnabled());
    QVERIFY(!button("deleteAliasButton")->isEnabled());
    QVERIFY2(button("deleteAliasButton")->toolTip().contains(QStringLiteral("AWS managed")),
             qPrintable(button("deleteAliasButton")->toolTip()));
    QVERIFY(button("retargetAliasButton")->toolTip().contains(QStringLiteral("AWS managed")));
    // Neither the Delete key nor a double click starts anything.
    auto *table = child<QTableView>(m_pane, "aliasTable");
    table->setFocus();
    QTest::keyClick(table, Qt::Key_Delete);
    QVERIFY(!m_pane->activeCommand());
    QVERIFY(!visible<QMessageBox>("deleteAliasConfirmation"));
    // A customer's alias is editable again.
    QVERIFY(m_pane->selectAlias(QStringLiteral("alias/mine")));
    QVERIFY(button("retargetAliasButton")->isEnabled());
    QVERIFY(button("deleteAliasButton")->isEnabled());
    // The search box filters.
    QTest::keyClicks(child<QLineEdit>(m_pane, "aliasSearchEdit"), QStringLiteral("aws/"));
    QCOMPARE(m_pane->proxy()->rowCount(), 1);
    QCOMPARE(m_pane->proxy()->aliasAt(0).aliasName, QStringLiteral("alias/aws/files"));
}

void TestAliasesPane::aliasFromAnotherProcessAppears()
{
    const QString a = cliCreateKey(QStringLiteral("k"));
    QVERIFY(cli().createAlias(cliCaller(), QStringLiteral("alias/from-cli"), a).has_value());
    QTRY_VERIFY(m_pane->proxy()->indexOf(QStringLiteral("alias/from-cli")) >= 0); // the watcher noticed
    QTRY_VERIFY(child<QTableView>(m_pane, "aliasTable")->isVisible());
    QVERIFY(child<QLabel>(m_pane, "aliasCountLabel")->text().contains(QStringLiteral("1 alias")));
}

QKMS_GUI_TEST_MAIN(TestAliasesPane)
#include "tst_aliases_pane.moc"
