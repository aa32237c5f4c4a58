#pragma once

// The fixture of the console tests that drive a real MainWindow (tests/ui/tst_aliases_pane.cpp,
// tst_principals_pane.cpp, tst_keys_pane.cpp, tst_main_window.cpp): a temporary vault created
// and closed again, the window opened on it as the console does, and a second handle on the same
// vault that plays another process (the CLI) changing things behind the window's back, plus the
// widget look-ups those tests share. A test class inherits it next to QObject:
//
//     class TestX : public QObject, protected test::ConsoleTest
//
// and calls createVault() from init(), then openWindow() when it wants the window, and
// closeConsole() from cleanup().
//
// Header-only on purpose: tests/support's library links only qkms_crypto, and MainWindow lives
// in qkms_ui, which only the ui tests link.

#include "EngineTest.h"
#include "MainWindow.h"
#include "VaultFixture.h"
#include "VaultWatcher.h"
#include "kms/KmsService.h"

#include <QTest>
#include <QWidget>

#include <memory>

namespace qkms::test {

class ConsoleTest
{
protected:
    /// Creates the vault and closes it again, so that the window (and cli()) open it as a
    /// process that finds an existing vault does.
    void createVault()
    {
        m_fx = std::make_unique<VaultFixture>();
        (void)m_fx->vault();
        m_fx->close();
    }
    /// Opens the eu-west-1 console on the vault and shows it. The vault watcher polls every
    /// `watchIntervalMs` (short, so changes made through cli() appear quickly); a negative value
    /// keeps the window's own interval. False when the window is never exposed; call it as
    /// QVERIFY(openWindow()).
    [[nodiscard]] bool openWindow(int watchIntervalMs = 50)
    {
        m_window = std::make_unique<ui::MainWindow>(m_fx->openAgain(), QStringLiteral("eu-west-1"));
        if (watchIntervalMs >= 0)
            m_window->watcher()->setInterval(watchIntervalMs);
        m_window->show();
        return QTest::qWaitForWindowExposed(m_window.get());
    }
    /// Closes the window first (its runner may still use its engine), then the CLI's engine
    /// and vault handle, then the vault and its directory.
    void closeConsole()
    {
        m_window.reset();
        m_cliService.reset();
        m_cliVault.reset();
        m_fx.reset();
    }

    /// The engine as another process sees it: a second vault handle, its own connection.
    /// Opened on first use; aborts the test run when it cannot be opened.
    kms::KmsService &cli()
    {
        if (!m_cliService) {
            m_cliVault = m_fx->openAgain();
            auto s = kms::KmsService::open(*m_cliVault, QStringLiteral("eu-west-1"));
            if (!s)
                qFatal("KmsService::open: %s", qPrintable(s.error().toString()));
            m_cliService = std::move(*s);
        }
        return *m_cliService;
    }
    /// The account root calling through the CLI.
    kms::Caller cliCaller() { return {cli().rootArn(), QStringLiteral("cli"), {}}; }
    /// CreateKey through cli() as the root (see keyRequest()); aborts the test run on failure:
    /// every caller needs the key to go on. Returns the KeyId.
    QString cliCreateKey(const QString &description, const QString &spec = {}, const QString &usage = {},
                         const kms::Tags &tags = {})
    {
        auto k = cli().createKey(cliCaller(), keyRequest(description, spec, usage, tags));
        if (!k)
            qFatal("createKey: %s", qPrintable(k.error().toString()));
        return k->keyId;
    }

    /// The child of `root` named `name`, or null.
    template <typename T>
    T *child(QObject *root, const char *name)
    {
        return root->findChild<T *>(QString::fromLatin1(name));
    }
    /// Clicks `w` as a user would; records a failure when it is missing or disabled.
    void click(QWidget *w)
    {
        QVERIFY(w);
        QVERIFY2(w->isEnabled(), qPrintable(w->objectName()));
        QTest::mouseClick(w, Qt::LeftButton);
    }
    /// The visible widget named `name` anywhere under the window (dialogs included), or null.
    template <typename T>
    T *visible(const char *name)
    {
        for (T *w : m_window->findChildren<T *>(QString::fromLatin1(name)))
            if (w->isVisible())
                return w;
        return nullptr;
    }

    std::unique_ptr<VaultFixture> m_fx;
    std::unique_ptr<ui::MainWindow> m_window;
    std::unique_ptr<vault::Vault> m_cliVault;
    std::unique_ptr<kms::KmsService> m_cliService;
};

} // namespace qkms::test
