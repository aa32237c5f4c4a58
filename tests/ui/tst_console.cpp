// The console's first minutes: create a vault through the dialog, reach the main window, switch
// region, lock, fail with a wrong passphrase, unlock again. Offscreen and deterministic.

#include "Console.h"
#include "GuiTestMain.h"
#include "MainWindow.h"
#include "UnlockDialog.h"
#include "VaultFixture.h"

#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QStackedWidget>
#include <QTemporaryDir>

using namespace qkms;

class TestConsole : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void createUnlockLockCycle();
    void mismatchedPassphrasesAreRefused();

private:
    static void typeInto(QWidget *root, const char *name, const QString &text)
    {
        auto *edit = root->findChild<QLineEdit *>(QString::fromLatin1(name));
        QVERIFY2(edit, name);
        edit->setFocus();
        QTest::keyClicks(edit, text);
    }
};

void TestConsole::createUnlockLockCycle()
{
    QTemporaryDir tmp;
    const QString dir = tmp.path() + QStringLiteral("/vault");
    ui::Console console(dir, QStringLiteral("us-east-1"),
                        std::make_unique<ManualClock>(QDateTime(QDate(2026, 3, 1), QTime(12, 0), QTimeZone::UTC)));
    console.start();
    ui::UnlockDialog *dialog = console.unlockDialog();
    QVERIFY(dialog);
    QVERIFY(dialog->isCreateMode());
    QCOMPARE(dialog->findChild<QLabel *>(QStringLiteral("vaultPathLabel"))->text(), dir);
    typeInto(dialog, "passphraseEdit", QStringLiteral("console passphrase"));
    typeInto(dialog, "confirmEdit", QStringLiteral("console passphrase"));
    QTest::mouseClick(dialog->findChild<QPushButton *>(QStringLiteral("unlockButton")), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(console.mainWindow() && console.mainWindow()->isVisible(), 20000);

    ui::MainWindow *window = console.mainWindow();
    QVERIFY(window->windowTitle().contains(QStringLiteral("us-east-1")));
    QVERIFY(window->windowTitle().contains(dir));
    auto *panes = window->findChild<QListWidget *>(QStringLiteral("paneList"));
    QCOMPARE(panes->count(), 8);
    auto *stack = window->findChild<QStackedWidget *>(QStringLiteral("paneStack"));
    panes->setCurrentRow(2);
    QCOMPARE(stack->currentWidget()->objectName(), QStringLiteral("aliasesPane"));
    QVERIFY(window->findChild<QLabel *>(QStringLiteral("vaultStatusLabel"))->text().contains(dir));

    // Switching region opens that region's file.
    auto *regions = window->findChild<QComboBox *>(QStringLiteral("regionSelector"));
    QVERIFY(regions);
    const int euWest1 = regions->findText(QStringLiteral("eu-west-1"));
    QVERIFY(euWest1 >= 0);
    regions->setCurrentIndex(euWest1);
    Q_EMIT regions->activated(euWest1);
    QCOMPARE(window->region(), QStringLiteral("eu-west-1"));
    QVERIFY(window->windowTitle().contains(QStringLiteral("eu-west-1")));
    QVERIFY(QFile::exists(dir + QStringLiteral("/eu-west-1.db")));

    // Lock wipes the vault and brings back the dialog, now in unlock mode.
    vault::Vault *vault = window->vault();
    QVERIFY(vault->holdsSecrets());
    QAction *lock = window->findChild<QAction *>(QStringLiteral("lockAction"));
    QVERIFY(lock);
    lock->trigger();
    QTRY_VERIFY(!console.mainWindow());
    dialog = console.unlockDialog();
    QVERIFY(dialog);
    QVERIFY(!dialog->isCreateMode());

    typeInto(dialog, "passphraseEdit", QStringLiteral("not the passphrase"));
    QTest::mouseClick(dialog->findChild<QPushButton *>(QStringLiteral("unlockButton")), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!dialog->errorText().isEmpty(), 20000);
    QVERIFY2(dialog->errorText().contains(QStringLiteral("wrong passphrase")), qPrintable(dialog->errorText()));
    QVERIFY(!console.mainWindow());

    typeInto(dialog, "passphraseEdit", QStringLiteral("console passphrase"));
    QTest::mouseClick(dialog->findChild<QPushButton *>(QStringLiteral("unlockButton")), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(console.mainWindow() && console.mainWindow()->isVisible(), 20000);
    QCOMPARE(console.mainWindow()->region(), QStringLiteral("eu-west-1"));
}

void TestConsole::mismatchedPassphrasesAreRefused()
{
    QTemporaryDir tmp;
    const QString dir = tmp.path() + QStringLiteral("/vault");
    ui::Console console(dir, QStringLiteral("us-east-1"), std::make_unique<SystemClock>());
    console.start();
    ui::UnlockDialog *dialog = console.unlockDialog();
    typeInto(dialog, "passphraseEdit", QStringLiteral("one passphrase"));
    typeInto(dialog, "confirmEdit", QStringLiteral("another passphrase"));
    QTest::mouseClick(dialog->findChild<QPushButton *>(QStringLiteral("unlockButton")), Qt::LeftButton);
    QVERIFY(dialog->errorText().contains(QStringLiteral("differ")));
    QVERIFY(!vault::Vault::exists(dir));
    QVERIFY(!console.mainWindow());
}

QKMS_GUI_TEST_MAIN(TestConsole)
#include "tst_console.moc"
