// The main window's own duties beyond its panes: the scheduler catches up at unlock and keeps
// running while the window is open (issue 5), and a file dropped anywhere on the window goes to
// the Files pane.

#include "EncryptFilesDialog.h"
#include "EngineRunner.h"
#include "FilesPane.h"
#include "ConsoleTest.h"
#include "GuiTestMain.h"
#include "LocalEndpoint.h"
#include "SchedulerDriver.h"

#include <QAction>
#include <QApplication>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QHostAddress>
#include <QLabel>
#include <QMimeData>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTcpSocket>
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
    void localEndpointServesWhileSwitchedOn();

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

void TestMainWindow::localEndpointServesWhileSwitchedOn()
{
    openDefaultWindow();
    auto *action = m_window->findChild<QAction *>(QStringLiteral("localEndpointAction"));
    auto *port = m_window->findChild<QSpinBox *>(QStringLiteral("endpointPortSpin"));
    auto *label = m_window->findChild<QLabel *>(QStringLiteral("endpointStatusLabel"));
    QVERIFY(action && port && label);
    QVERIFY(!action->isChecked());
    QCOMPARE(port->value(), int(ui::LocalEndpoint::kDefaultPort));
    port->setValue(0); // any free port, so parallel test runs do not collide
    action->trigger();
    QVERIFY(action->isChecked());
    ui::LocalEndpoint *endpoint = m_window->localEndpoint();
    QVERIFY(endpoint->isRunning());
    const quint16 bound = endpoint->port();
    QVERIFY(bound > 0);
    QVERIFY2(label->text().contains(QStringLiteral("Listening")), qPrintable(label->text()));
    QVERIFY(!port->isEnabled());

    // An unsigned request gets the AWS protocol's answer from the endpoint's own thread.
    QTcpSocket socket;
    socket.connectToHost(QHostAddress(QHostAddress::LocalHost), bound);
    QVERIFY(socket.waitForConnected(5000));
    socket.write("POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-amz-json-1.1\r\n"
                 "X-Amz-Target: TrentService.ListKeys\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}");
    QByteArray reply;
    while (!reply.contains("__type") && socket.waitForReadyRead(5000))
        reply += socket.readAll();
    QVERIFY2(reply.startsWith("HTTP/1.1 4"), reply.constData());
    QVERIFY2(reply.contains("MissingAuthenticationToken"), reply.constData());
    QTRY_COMPARE(endpoint->requestCount(), 1);
    QTRY_VERIFY2(label->text().contains(QStringLiteral("1 request")), qPrintable(label->text()));

    // Switched off: the port closes and the endpoint's vault handle is gone.
    action->trigger();
    QVERIFY(!endpoint->isRunning());
    QCOMPARE(endpoint->port(), quint16(0));
    QVERIFY2(label->text().contains(QStringLiteral("Stopped")), qPrintable(label->text()));
    QVERIFY(port->isEnabled());
    QTcpSocket again;
    again.connectToHost(QHostAddress(QHostAddress::LocalHost), bound);
    QVERIFY(!again.waitForConnected(2000));

    // Locking the vault stops a running endpoint too.
    action->trigger();
    QVERIFY(endpoint->isRunning());
    m_window->findChild<QAction *>(QStringLiteral("lockAction"))->trigger();
    QVERIFY(!endpoint->isRunning());
}

QKMS_GUI_TEST_MAIN(TestMainWindow)
#include "tst_main_window.moc"
