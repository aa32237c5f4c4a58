// The main window's own duties beyond its panes: the scheduler catches up at unlock and keeps
// running while the window is open (issue 5), and a file dropped anywhere on the window goes to
// the Files pane.

#include "EncryptFilesDialog.h"
#include "EngineRunner.h"
#include "FilesPane.h"
#include "ConsoleTest.h"
#include "GuiTestMain.h"
#include "SchedulerDriver.h"

#include <QApplication>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QMimeData>
#include <QSignalSpy>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTemporaryDir>

using namespace qkms;

class TestMainWindow : public QObject, protected test::ConsoleTest
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void schedulerCatchesUpAtUnlockAndKeepsRunning();
    void dropAnywhereGoesToTheFilesPane();

private:
    kms::Caller root() { return cliCaller(); }
    int rotationsOf(const QString &keyId)
    {
        auto list = cli().listKeyRotations(root(), keyId);
        return list ? static_cast<int>(list->rotations.size()) : -1;
    }
    /// The console with its own watch interval.
    void openDefaultWindow() { QVERIFY(openWindow(-1)); }
};

void TestMainWindow::init()
{
    createVault();
}

void TestMainWindow::cleanup()
{
    closeConsole();
}

void TestMainWindow::schedulerCatchesUpAtUnlockAndKeepsRunning()
{
    const QString key = cli().createKey(root(), {}).value().keyId;
    QVERIFY(cli().enableKeyRotation(root(), key, 90));
    m_fx->clock().advanceDays(100); // due while no console was open

    openDefaultWindow();
    model::SchedulerDriver *scheduler = m_window->scheduler();
    QVERIFY(scheduler);
    QCOMPARE(scheduler->interval(), model::SchedulerDriver::kDefaultIntervalMs);
    QTRY_COMPARE_WITH_TIMEOUT(rotationsOf(key), 1, 10'000);
    QTRY_VERIFY(m_window->statusBar()->currentMessage().contains(QStringLiteral("rotated 1 key")));

    // The window stays open past the next due date: the timer, not a restart, rotates again.
    m_window->engineRunner()->waitForIdle();
    QSignalSpy ran(scheduler, &model::SchedulerDriver::ran);
    m_fx->clock().advanceDays(90);
    scheduler->setInterval(20);
    QTRY_COMPARE_WITH_TIMEOUT(rotationsOf(key), 2, 10'000);
    QVERIFY(!ran.isEmpty());
}

void TestMainWindow::dropAnywhereGoesToTheFilesPane()
{
    openDefaultWindow();
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("notes.txt"));
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("plain words");
    f.close();

    QMimeData mime;
    mime.setUrls({QUrl::fromLocalFile(path)});
    const QPoint at(m_window->width() / 2, m_window->height() / 2);
    QDragEnterEvent enter(at, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(m_window.get(), &enter);
    QVERIFY(enter.isAccepted());
    QDropEvent drop(QPointF(at), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(m_window.get(), &drop);
    QVERIFY(drop.isAccepted());

    auto *stack = m_window->findChild<QStackedWidget *>(QStringLiteral("paneStack"));
    QCOMPARE(stack->currentWidget()->objectName(), QStringLiteral("filesPane"));
    // A plaintext file asks where and under which key to encrypt it.
    QTRY_VERIFY(m_window->filesPane()->encryptDialog() != nullptr);
    QVERIFY(m_window->filesPane()->encryptDialog()->isVisible());
}

QKMS_GUI_TEST_MAIN(TestMainWindow)
#include "tst_main_window.moc"
