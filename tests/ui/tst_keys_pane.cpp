// The keys panes driven like a user would: the create-key wizard, enable/disable, the
// schedule-deletion dialog, cancel, edit description, search, detail tabs, and a key created by
// another process (as the CLI would) appearing without a restart. Offscreen and deterministic.

#include "CreateKeyWizard.h"
#include "EditDescriptionDialog.h"
#include "ConsoleTest.h"
#include "GuiTestMain.h"
#include "KeyDetailView.h"
#include "KeyFilterProxyModel.h"
#include "KeyListModel.h"
#include "KeysPane.h"
#include "ScheduleDeletionDialog.h"

#include <QAbstractButton>
#include <QCheckBox>
#include <QHeaderView>
#include <QTabBar>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTabWidget>
#include <QTableView>
#include <QTableWidget>

using namespace qkms;
using Column = model::KeyListModel::Column;

class TestKeysPane : public QObject, protected test::ConsoleTest
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void emptyStateSaysWhatToDo();
    void createKeyThroughTheWizard();
    void wizardStaysOpenWhenTheAliasExists();
    void disableScheduleCancelEnable();
    void refusedActionShowsTheException();
    void editDescription();
    void keyFromAnotherProcessAppears();
    void searchAndShortcuts();
    void detailTabs();
    void awsManagedPaneIsReadOnly();

private:
    QPushButton *button(const char *name) { return child<QPushButton>(m_pane, name); }
    /// Radio buttons and check boxes react to clicks on their indicator and text, not on the
    /// empty width a layout gives them: click near the left edge.
    void clickIndicator(QAbstractButton *b)
    {
        QVERIFY(b);
        QTest::mouseClick(b, Qt::LeftButton, {}, QPoint(8, b->height() / 2));
    }
    /// Visible interactive widgets without an objectName under `root` (Qt's own sub-widgets,
    /// such as a line edit's clear button or a spin box's editor, excepted).
    static QStringList unnamedWidgets(QWidget *root)
    {
        QStringList out;
        for (QWidget *w : root->findChildren<QWidget *>()) {
            const bool interactive = qobject_cast<QAbstractButton *>(w) || qobject_cast<QLineEdit *>(w)
                                     || qobject_cast<QComboBox *>(w) || qobject_cast<QAbstractSpinBox *>(w)
                                     || qobject_cast<QAbstractItemView *>(w) || qobject_cast<QPlainTextEdit *>(w)
                                     || qobject_cast<QTabWidget *>(w);
            QWidget *p = w->parentWidget();
            const bool internal = qobject_cast<QHeaderView *>(w) || qobject_cast<QLineEdit *>(p)
                                  || qobject_cast<QAbstractSpinBox *>(p) || qobject_cast<QComboBox *>(p)
                                  || qobject_cast<QTabBar *>(p) || qobject_cast<QAbstractItemView *>(p)
                                  || (p && qobject_cast<QAbstractItemView *>(p->parentWidget()));
            if (interactive && !internal && w->isVisible() && w->objectName().isEmpty())
                out.append(QString::fromLatin1(w->metaObject()->className()));
        }
        return out;
    }
    /// Every key the CLI makes here carries the tag team=finance.
    QString cliCreateKey(const QString &description, const QString &spec = {}, const QString &usage = {})
    {
        return ConsoleTest::cliCreateKey(description, spec, usage, {{QStringLiteral("team"), QStringLiteral("finance")}});
    }
    QString cell(const QString &keyId, int column)
    {
        const int row = m_pane->proxy()->indexOf(keyId);
        return row < 0 ? QString() : m_pane->proxy()->index(row, column).data().toString();
    }
    ui::CreateKeyWizard *openWizard()
    {
        QTest::mouseClick(button("createKeyButton"), Qt::LeftButton);
        ui::CreateKeyWizard *w = nullptr;
        [&] { QTRY_VERIFY((w = visibleWizard())); }();
        return w;
    }
    ui::CreateKeyWizard *visibleWizard()
    {
        for (auto *w : m_window->findChildren<ui::CreateKeyWizard *>())
            if (w->isVisible())
                return w;
        return nullptr;
    }
    void fillLabelsAndFinish(ui::CreateKeyWizard *w, const QString &alias, const QString &description)
    {
        click(child<QPushButton>(w, "wizardNextButton"));
        QCOMPARE(w->currentId(), int(ui::CreateKeyWizard::LabelsPage));
        QTest::keyClicks(child<QLineEdit>(w, "aliasEdit"), alias);
        QTest::keyClicks(child<QPlainTextEdit>(w, "descriptionEdit"), description);
        click(child<QPushButton>(w, "wizardNextButton"));
        QCOMPARE(w->currentId(), int(ui::CreateKeyWizard::PermissionsPage));
        click(child<QPushButton>(w, "wizardNextButton"));
        QCOMPARE(w->currentId(), int(ui::CreateKeyWizard::ReviewPage));
        click(child<QPushButton>(w, "wizardFinishButton"));
    }

    ui::KeysPane *m_pane = nullptr;
};

void TestKeysPane::init()
{
    createVault(); // then open it as the console does
    QVERIFY(openWindow());
    m_pane = child<ui::KeysPane>(m_window.get(), "customerKeysPane");
    QVERIFY(m_pane);
    m_pane->detailView()->setLoadDelay(0);
    QTRY_VERIFY(m_window->keyModel()->isComplete());
}

void TestKeysPane::cleanup()
{
    closeConsole();
}

void TestKeysPane::emptyStateSaysWhatToDo()
{
    auto *empty = child<QLabel>(m_pane, "keysEmptyState");
    QVERIFY(empty);
    QTRY_VERIFY(empty->isVisible());
    QVERIFY2(empty->text().contains(QStringLiteral("No customer managed keys in eu-west-1 yet")), qPrintable(empty->text()));
    QVERIFY(empty->text().contains(QStringLiteral("Ctrl+N")));
    QVERIFY(!child<QTableView>(m_pane, "keyTable")->isVisible());
    // Nothing selected: no key action applies.
    for (const char *name : {"enableKeyButton", "disableKeyButton", "editDescriptionButton", "scheduleDeletionButton",
                             "cancelDeletionButton"})
        QVERIFY2(!button(name)->isEnabled(), name);
    QVERIFY(button("createKeyButton")->isEnabled());
    QCOMPARE(unnamedWidgets(m_pane), QStringList());
}

void TestKeysPane::createKeyThroughTheWizard()
{
    ui::CreateKeyWizard *w = openWizard();
    QVERIFY(child<QRadioButton>(w, "symmetricRadio")->isChecked());
    QCOMPARE(child<QComboBox>(w, "keySpecCombo")->currentText(), QStringLiteral("SYMMETRIC_DEFAULT"));
    // Asymmetric signing offers the RSA and EC specs; back to symmetric for this key.
    clickIndicator(child<QRadioButton>(w, "asymmetricRadio"));
    QVERIFY(child<QRadioButton>(w, "asymmetricRadio")->isChecked());
    auto *usage = child<QComboBox>(w, "keyUsageCombo");
    usage->setCurrentIndex(usage->findData(QStringLiteral("SIGN_VERIFY")));
    QVERIFY(child<QComboBox>(w, "keySpecCombo")->findText(QStringLiteral("ECC_NIST_P256")) >= 0);
    QVERIFY(!child<QCheckBox>(w, "externalOriginCheck")->isEnabled());
    clickIndicator(child<QRadioButton>(w, "symmetricRadio"));
    QCOMPARE(child<QComboBox>(w, "keySpecCombo")->currentText(), QStringLiteral("SYMMETRIC_DEFAULT"));

    QCOMPARE(unnamedWidgets(w), QStringList());
    click(child<QPushButton>(w, "wizardNextButton"));
    QCOMPARE(unnamedWidgets(w), QStringList());
    QTest::keyClicks(child<QLineEdit>(w, "aliasEdit"), QStringLiteral("payroll"));
    QTest::keyClicks(child<QPlainTextEdit>(w, "descriptionEdit"), QStringLiteral("Payroll exports"));
    auto *tags = child<QTableWidget>(w, "tagsTable");
    click(child<QPushButton>(w, "addTagButton"));
    QCOMPARE(tags->rowCount(), 1);
    tags->item(0, 0)->setText(QStringLiteral("team"));
    tags->item(0, 1)->setText(QStringLiteral("finance"));
    click(child<QPushButton>(w, "wizardNextButton"));
    QCOMPARE(w->currentId(), int(ui::CreateKeyWizard::PermissionsPage));
    QTRY_VERIFY(w->principalsLoaded());
    QCOMPARE(unnamedWidgets(w), QStringList());
    click(child<QPushButton>(w, "wizardNextButton"));
    const QString review = child<QLabel>(w, "reviewText")->text();
    QVERIFY2(review.contains(QStringLiteral("alias/payroll")), qPrintable(review));
    QVERIFY(review.contains(QStringLiteral("SYMMETRIC_DEFAULT")));
    QVERIFY(review.contains(QStringLiteral("team = finance")));
    click(child<QPushButton>(w, "wizardFinishButton"));

    QTRY_VERIFY(!visibleWizard());
    QTRY_COMPARE(m_pane->proxy()->rowCount(), 1);
    const kms::KeyRecord key = m_pane->proxy()->keyAt(0);
    QCOMPARE(key.description, QStringLiteral("Payroll exports"));
    QCOMPARE(m_pane->proxy()->aliasesAt(0), QStringList{QStringLiteral("alias/payroll")});
    QCOMPARE(cell(key.keyId, Column::StatusColumn), QStringLiteral("Enabled"));
    QTRY_COMPARE(m_pane->selectedKeyId(), key.keyId); // the new key is selected
    QVERIFY(m_pane->message().contains(QStringLiteral("Created key")));
    QVERIFY(child<QTableView>(m_pane, "keyTable")->isVisible());
    auto tagList = cli().listResourceTags(cliCaller(), key.keyId);
    QCOMPARE(tagList.value().tags.value(QStringLiteral("team")), QStringLiteral("finance"));
}

void TestKeysPane::wizardStaysOpenWhenTheAliasExists()
{
    fillLabelsAndFinish(openWizard(), QStringLiteral("alias/shared"), QStringLiteral("first"));
    QTRY_VERIFY(!visibleWizard());
    QTRY_COMPARE(m_pane->proxy()->rowCount(), 1);

    ui::CreateKeyWizard *w = openWizard();
    fillLabelsAndFinish(w, QStringLiteral("shared"), QStringLiteral("second"));
    QTRY_VERIFY(!w->errorText().isEmpty());
    QVERIFY2(w->errorText().startsWith(QStringLiteral("AlreadyExistsException: ")), qPrintable(w->errorText()));
    QVERIFY(w->isVisible());
    QVERIFY(child<QLabel>(w, "createKeyError")->isVisible());
    const QString created = w->createdKeyId();
    QVERIFY(!created.isEmpty());

    // Fix the alias and finish again: the alias is added, no second key is made.
    click(child<QPushButton>(w, "wizardBackButton"));
    click(child<QPushButton>(w, "wizardBackButton"));
    QCOMPARE(w->currentId(), int(ui::CreateKeyWizard::LabelsPage));
    auto *alias = child<QLineEdit>(w, "aliasEdit");
    alias->selectAll();
    QTest::keyClicks(alias, QStringLiteral("shared-2"));
    click(child<QPushButton>(w, "wizardNextButton"));
    click(child<QPushButton>(w, "wizardNextButton"));
    click(child<QPushButton>(w, "wizardFinishButton"));
    QTRY_VERIFY(!visibleWizard());
    QTRY_COMPARE(m_pane->proxy()->aliasesAt(m_pane->proxy()->indexOf(created)),
                 QStringList{QStringLiteral("alias/shared-2")});
    QCOMPARE(m_pane->proxy()->rowCount(), 2);
    QCOMPARE(cli().listKeys(cliCaller()).value().keys.size(), 2);
}

void TestKeysPane::disableScheduleCancelEnable()
{
    const QString id = cliCreateKey(QStringLiteral("lifecycle"));
    QTRY_VERIFY(m_pane->selectKey(id));
    QVERIFY(button("disableKeyButton")->isEnabled());
    QVERIFY(!button("enableKeyButton")->isEnabled());
    QVERIFY(!button("cancelDeletionButton")->isEnabled());

    click(button("disableKeyButton"));
    QTRY_COMPARE(cell(id, Column::StatusColumn), QStringLiteral("Disabled"));
    QTRY_VERIFY(button("enableKeyButton")->isEnabled());
    QVERIFY(!button("disableKeyButton")->isEnabled());
    QVERIFY(m_pane->message().contains(QStringLiteral("Disabled key")));

    click(button("scheduleDeletionButton"));
    ui::ScheduleDeletionDialog *dialog = nullptr;
    QTRY_VERIFY((dialog = child<ui::ScheduleDeletionDialog>(m_window.get(), "scheduleDeletionDialog"))
                && dialog->isVisible());
    auto *days = child<QSpinBox>(dialog, "waitingPeriodSpin");
    QCOMPARE(days->value(), 30);
    QCOMPARE(days->minimum(), 7);
    QCOMPARE(days->maximum(), 30);
    QVERIFY(child<QLabel>(dialog, "deletionConsequencesLabel")->text().contains(QStringLiteral("can never be decrypted")));
    QCOMPARE(unnamedWidgets(dialog), QStringList());
    auto *schedule = child<QPushButton>(dialog, "scheduleButton");
    QVERIFY(!schedule->isEnabled()); // not before "I understand"
    days->setValue(7);
    auto *understand = child<QCheckBox>(dialog, "confirmDeletionCheck");
    understand->setFocus();
    QTest::keyClick(understand, Qt::Key_Space);
    QVERIFY(understand->isChecked());
    QVERIFY(schedule->isEnabled());
    click(schedule);
    QTRY_COMPARE(cell(id, Column::StatusColumn), QStringLiteral("Pending deletion"));
    const kms::KeyRecord pending = m_pane->proxy()->keyAt(m_pane->proxy()->indexOf(id));
    QCOMPARE(pending.deletionDate.value(), m_fx->clock().now().addDays(7));
    QTRY_VERIFY(child<QLabel>(m_pane, "detailState")->text().contains(QStringLiteral("Pending deletion")));
    QVERIFY(!button("scheduleDeletionButton")->isEnabled());
    QVERIFY(!button("enableKeyButton")->isEnabled());
    QVERIFY(button("cancelDeletionButton")->isEnabled());

    click(button("cancelDeletionButton"));
    QTRY_COMPARE(cell(id, Column::StatusColumn), QStringLiteral("Disabled")); // as AWS leaves it
    QTRY_VERIFY(button("enableKeyButton")->isEnabled());
    click(button("enableKeyButton"));
    QTRY_COMPARE(cell(id, Column::StatusColumn), QStringLiteral("Enabled"));

    // Delete on the table opens the same dialog; cancelling it changes nothing.
    auto *table = child<QTableView>(m_pane, "keyTable");
    QTRY_VERIFY(button("scheduleDeletionButton")->isEnabled());
    m_window->activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(m_window.get()));
    table->setFocus();
    QTRY_VERIFY(table->hasFocus());
    QTest::keyClick(table, Qt::Key_Delete);
    QTRY_VERIFY((dialog = child<ui::ScheduleDeletionDialog>(m_window.get(), "scheduleDeletionDialog"))
                && dialog->isVisible());
    click(child<QPushButton>(dialog, "cancelScheduleButton"));
    QTRY_VERIFY(!m_pane->activeCommand());
    QCOMPARE(cell(id, Column::StatusColumn), QStringLiteral("Enabled"));
}

void TestKeysPane::refusedActionShowsTheException()
{
    const QString id = cliCreateKey(QStringLiteral("contested"));
    QTRY_VERIFY(m_pane->selectKey(id));
    click(button("disableKeyButton"));
    QTRY_VERIFY(button("enableKeyButton")->isEnabled());
    // The CLI schedules the deletion while the console still shows the key as Disabled.
    m_window->watcher()->setInterval(3600 * 1000);
    QVERIFY(cli().scheduleKeyDeletion(cliCaller(), id, 7).has_value());
    click(button("enableKeyButton"));
    QTRY_VERIFY(m_pane->message().startsWith(QStringLiteral("KMSInvalidStateException: ")));
    QVERIFY(m_pane->message().contains(QStringLiteral("is pending deletion")));
    QVERIFY(child<QLabel>(m_pane, "keyPaneMessage")->isVisible());
    QTRY_COMPARE(cell(id, Column::StatusColumn), QStringLiteral("Pending deletion")); // refreshed after the failure
}

void TestKeysPane::editDescription()
{
    const QString id = cliCreateKey(QStringLiteral("old words"));
    QTRY_VERIFY(m_pane->selectKey(id));
    click(button("editDescriptionButton"));
    ui::EditDescriptionDialog *dialog = nullptr;
    QTRY_VERIFY((dialog = child<ui::EditDescriptionDialog>(m_window.get(), "editDescriptionDialog"))
                && dialog->isVisible());
    QCOMPARE(unnamedWidgets(dialog), QStringList());
    auto *edit = child<QPlainTextEdit>(dialog, "descriptionEdit");
    QCOMPARE(edit->toPlainText(), QStringLiteral("old words"));
    edit->selectAll();
    QTest::keyClicks(edit, QStringLiteral("new words"));
    click(child<QPushButton>(dialog, "saveDescriptionButton"));
    QTRY_COMPARE(cell(id, Column::DescriptionColumn), QStringLiteral("new words"));
    QTRY_COMPARE(child<QLabel>(m_pane, "detailDescription")->text(), QStringLiteral("new words"));
}

void TestKeysPane::keyFromAnotherProcessAppears()
{
    const QString id = cliCreateKey(QStringLiteral("made by the CLI"));
    QTRY_VERIFY(m_pane->proxy()->indexOf(id) >= 0); // no refresh asked: the watcher noticed
    QCOMPARE(cell(id, Column::DescriptionColumn), QStringLiteral("made by the CLI"));
    QVERIFY(child<QTableView>(m_pane, "keyTable")->isVisible());
    QVERIFY(cli().disableKey(cliCaller(), id).has_value());
    QTRY_COMPARE(cell(id, Column::StatusColumn), QStringLiteral("Disabled"));
}

void TestKeysPane::searchAndShortcuts()
{
    const QString a = cliCreateKey(QStringLiteral("alpha payroll"));
    cliCreateKey(QStringLiteral("beta logs"));
    const QString c = cliCreateKey(QStringLiteral("gamma PAYROLL"));
    QVERIFY(cli().createAlias(cliCaller(), QStringLiteral("alias/logs-archive"), a).has_value());
    QTRY_COMPARE(m_pane->proxy()->rowCount(), 3);
    QTRY_COMPARE(m_pane->proxy()->aliasesAt(0).size(), 1);

    m_window->activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(m_window.get()));
    auto *search = child<QLineEdit>(m_pane, "keySearchEdit");
    QTest::keyClick(m_window.get(), Qt::Key_F, Qt::ControlModifier);
    QTRY_VERIFY(search->hasFocus());
    QTest::keyClicks(search, QStringLiteral("payroll"));
    QCOMPARE(m_pane->proxy()->rowCount(), 2);
    QCOMPARE(m_pane->proxy()->keyAt(1).keyId, c);
    search->clear();
    QTest::keyClicks(search, QStringLiteral("logs-arch")); // an alias
    QCOMPARE(m_pane->proxy()->rowCount(), 1);
    QCOMPARE(m_pane->proxy()->keyAt(0).keyId, a);
    QTest::keyClicks(search, QStringLiteral("zzz"));
    QCOMPARE(m_pane->proxy()->rowCount(), 0);
    QTRY_VERIFY(child<QLabel>(m_pane, "keysEmptyState")->isVisible());
    QVERIFY(child<QLabel>(m_pane, "keysEmptyState")->text().contains(QStringLiteral("No keys match")));
    search->clear();
    QCOMPARE(m_pane->proxy()->rowCount(), 3);

    // Ctrl+N opens the wizard from anywhere, on the customer keys pane.
    child<QListWidget>(m_window.get(), "paneList")->setCurrentRow(4);
    QTest::keyClick(m_window.get(), Qt::Key_N, Qt::ControlModifier);
    ui::CreateKeyWizard *w = nullptr;
    QTRY_VERIFY((w = visibleWizard()));
    QCOMPARE(child<QListWidget>(m_window.get(), "paneList")->currentRow(), 0);
    click(child<QPushButton>(w, "wizardCancelButton"));
    QTRY_VERIFY(!visibleWizard());
    QTRY_VERIFY(!m_pane->activeCommand());
    QCOMPARE(m_pane->proxy()->rowCount(), 3);
}

void TestKeysPane::detailTabs()
{
    const QString id = cliCreateKey(QStringLiteral("details"));
    QVERIFY(cli().createAlias(cliCaller(), QStringLiteral("alias/detailed"), id).has_value());
    const QString ec = cliCreateKey(QStringLiteral("signing"), QStringLiteral("ECC_NIST_P256"),
                                    QStringLiteral("SIGN_VERIFY"));
    QTRY_VERIFY(m_pane->proxy()->indexOf(ec) >= 0);
    QTRY_COMPARE(m_pane->proxy()->aliasesAt(m_pane->proxy()->indexOf(id)).size(), 1);

    QSignalSpy loaded(m_pane->detailView(), &ui::KeyDetailView::detailsLoaded);
    QVERIFY(m_pane->selectKey(id));
    QTRY_VERIFY(!loaded.isEmpty() && loaded.last().at(0).toString() == id);
    QCOMPARE(unnamedWidgets(m_pane), QStringList());
    auto *tabs = child<QTabWidget>(m_pane, "keyDetailTabs");
    QCOMPARE(tabs->count(), 8);
    QCOMPARE(tabs->tabText(ui::KeyDetailView::GeneralTab), QStringLiteral("General configuration"));
    QVERIFY(child<QLabel>(m_pane, "detailArn")->text().endsWith(QStringLiteral(":key/") + id));
    QCOMPARE(child<QLabel>(m_pane, "detailKeyManager")->text(), QStringLiteral("Customer managed"));
    const QString policy = child<QPlainTextEdit>(m_pane, "keyPolicyText")->toPlainText();
    QVERIFY2(policy.contains(QStringLiteral("\"Statement\"")), qPrintable(policy));
    QVERIFY(policy.contains(QStringLiteral("kms:*")));
    auto *tags = child<QTableWidget>(m_pane, "keyTagsTable");
    QCOMPARE(tags->rowCount(), 1);
    QCOMPARE(tags->item(0, 0)->text(), QStringLiteral("team"));
    QCOMPARE(tags->item(0, 1)->text(), QStringLiteral("finance"));
    auto *aliases = child<QTableWidget>(m_pane, "keyAliasesTable");
    QCOMPARE(aliases->rowCount(), 1);
    QCOMPARE(aliases->item(0, 0)->text(), QStringLiteral("alias/detailed"));
    QCOMPARE(child<QLabel>(m_pane, "detailEncryptionAlgorithms")->text(), QStringLiteral("SYMMETRIC_DEFAULT"));
    QVERIFY(child<QPlainTextEdit>(m_pane, "publicKeyText")->isHidden());

    QVERIFY(m_pane->selectKey(ec));
    QTRY_VERIFY(loaded.last().at(0).toString() == ec);
    QVERIFY(child<QPlainTextEdit>(m_pane, "publicKeyText")->toPlainText().startsWith(
        QStringLiteral("-----BEGIN PUBLIC KEY-----")));
    QVERIFY(child<QLabel>(m_pane, "detailSigningAlgorithms")->text().contains(QStringLiteral("ECDSA_SHA_256")));
}

void TestKeysPane::awsManagedPaneIsReadOnly()
{
    auto files = cli().awsManagedKey(cliCaller(), QStringLiteral("files"));
    QVERIFY(files.has_value());
    const QString customer = cliCreateKey(QStringLiteral("mine"));
    auto *awsPane = child<ui::KeysPane>(m_window.get(), "awsKeysPane");
    QVERIFY(awsPane);
    child<QListWidget>(m_window.get(), "paneList")->setCurrentRow(1);
    QTRY_COMPARE(awsPane->proxy()->rowCount(), 1);
    QCOMPARE(awsPane->proxy()->keyAt(0).keyId, files->keyId);
    QCOMPARE(awsPane->proxy()->aliasesAt(0), QStringList{QStringLiteral("alias/aws/files")});
    QCOMPARE(awsPane->proxy()->indexOf(customer), -1);
    QTRY_COMPARE(m_pane->proxy()->rowCount(), 1);
    QCOMPARE(m_pane->proxy()->indexOf(files->keyId), -1);
    for (const char *name : {"createKeyButton", "enableKeyButton", "disableKeyButton", "scheduleDeletionButton",
                             "cancelDeletionButton", "editDescriptionButton"})
        QVERIFY2(!child<QPushButton>(awsPane, name), name);
    QVERIFY(awsPane->selectKey(files->keyId));
    QTRY_COMPARE(child<QLabel>(awsPane, "detailKeyManager")->text(), QStringLiteral("AWS managed"));
}

QKMS_GUI_TEST_MAIN(TestKeysPane)
#include "tst_keys_pane.moc"
