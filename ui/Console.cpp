#include "Console.h"

#include "MainWindow.h"
#include "UnlockDialog.h"

#include <QApplication>

namespace qkms::ui {

Console::Console(QString vaultDir, QString region, std::unique_ptr<Clock> clock, QObject *parent)
    : QObject(parent), m_dir(std::move(vaultDir)), m_region(std::move(region)), m_clock(std::move(clock))
{
}

Console::~Console()
{
    delete m_window;
    delete m_dialog;
}

void Console::start()
{
    m_dialog = new UnlockDialog(m_dir, *m_clock);
    m_dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(m_dialog, &QDialog::accepted, this, &Console::unlocked);
    connect(m_dialog, &QDialog::rejected, this, [this] {
        if (!m_window)
            QApplication::quit();
    });
    m_dialog->show();
}

void Console::unlocked()
{
    auto vault = m_dialog->takeVault();
    if (!vault)
        return;
    m_window = new MainWindow(std::move(vault), m_region);
    m_window->setAttribute(Qt::WA_DeleteOnClose);
    connect(m_window, &MainWindow::lockRequested, this, [this] {
        m_region = m_window->region();
        m_window->close();
        start();
    });
    m_window->show();
}

} // namespace qkms::ui
