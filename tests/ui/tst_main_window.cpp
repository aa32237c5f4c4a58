// The main window's own duties beyond its panes: the scheduler catches up at unlock and keeps
// running while the window is open (issue 5), and a file dropped anywhere on the window goes to
// the Files pane.

#include "EncryptFilesDialog.h"
#include "EngineRunner.h"
#include "FilesPane.h"
#include "GuiTestMain.h"
#include "MainWindow.h"
#include "SchedulerDriver.h"
#include "VaultFixture.h"
#include "kms/KmsService.h"

#include <QApplication>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QMimeData>
#include <QSignalSpy>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTemporaryDir>

using namespace qkms;

class TestMainWindow : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void schedulerCatchesUpAtUnlockAndKeepsRunning();
    void dropAnywhereGoesToTheFilesPane();

private:
    kms::KmsService &cli()
    {
        if (!m_cliService) {
            m_cliVault = m_fx->openAgain();
            m_cliService = kms::KmsService::open(*m_cliVault, QStringLiteral("eu-west-1")).value();
        }
        return *m_cliService;
    }
    kms::Caller root() { return {cli().rootArn(), QStringLiteral("cli"), {}}; }
    int rotationsOf(const QString &keyId)
    {
        auto list = cli().listKeyRotations(root(), keyId);
        return list ? static_cast<int>(list->rotations.size()) : -1;
    }
    void openWindow()
    {
        m_window = std::make_unique<ui::MainWindow>(m_fx->openAgain(), QStringLiteral("eu-west-1"));
        m_window->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    }

    std::unique_ptr<test::VaultFixture> m_fx;
    std::unique_ptr<vault::Vault> m_cliVault;
    std::unique_ptr<kms::KmsService> m_cliService;
    std::unique_ptr<ui::MainWindow> m_window;
};

void TestMainWindow::init()
{
    m_fx = std::make_unique<test::VaultFixture>();
    (void)m_fx->vault();
    m_fx->close();
}

void TestMainWindow::cleanup()
{
    m_window.reset();
    m_cliService.reset();
    m_cliVault.reset();
    m_fx.reset();
}

void TestMainWindow::schedulerCatchesUpAtUnlockAndKeepsRunning()
{
    const QString key = cli().createKey(root(), {}).value().keyId;
    QVERIFY(cli().enableKeyRotation(root(), key, 90));
    m_fx->clock().advanceDays(100); // due while no console was open

    openWindow();
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
    openWindow();
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
