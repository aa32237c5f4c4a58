#pragma once

#include "MainWindow.h"
#include "UnlockDialog.h"
#include "core/Clock.h"

#include <QObject>
#include <QPointer>

#include <memory>

namespace qkms::ui {

/// The console's life cycle: unlock (or create) → main window → lock → unlock again.
class Console : public QObject
{
    Q_OBJECT
public:
    Console(QString vaultDir, QString region, std::unique_ptr<Clock> clock, QObject *parent = nullptr);
    ~Console() override;

    /// Shows the unlock dialog (non-modal to the event loop; the app quits if it is cancelled).
    void start();
    [[nodiscard]] UnlockDialog *unlockDialog() const { return m_dialog; }
    [[nodiscard]] MainWindow *mainWindow() const { return m_window; }

private:
    void unlocked();

    QString m_dir;
    QString m_region;
    std::unique_ptr<Clock> m_clock;
    QPointer<UnlockDialog> m_dialog;
    QPointer<MainWindow> m_window;
};

} // namespace qkms::ui
