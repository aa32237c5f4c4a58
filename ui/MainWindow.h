#pragma once

#include <QMainWindow>

#include <memory>

class QComboBox;
class QLabel;
class QListWidget;
class QStackedWidget;

namespace qkms::vault {
class Vault;
}
namespace qkms::model {
class RegionListModel;
}

namespace qkms::ui {

/// The console's main window: a side bar of panes, a toolbar (region, lock) and a status bar
/// (vault path, region, account). It owns the open vault; Lock wipes it and asks the
/// application to show the unlock dialog again (lockRequested).
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    MainWindow(std::unique_ptr<vault::Vault> vault, QString region, QWidget *parent = nullptr);
    ~MainWindow() override;

    [[nodiscard]] QString region() const { return m_region; }
    [[nodiscard]] vault::Vault *vault() const { return m_vault.get(); }
    /// Switches to `region`, opening (or creating) its file. Returns false and shows why on error.
    bool setRegion(const QString &region);
    /// Names of the panes in side-bar order (stable identifiers for tests).
    [[nodiscard]] static QStringList paneIds();

Q_SIGNALS:
    /// The vault was locked and its secrets wiped; the window is about to close.
    void lockRequested();

private:
    void buildToolBar();
    void buildPanes();
    void buildStatusBar();
    void lockVault();
    void updateTitle();

    std::unique_ptr<vault::Vault> m_vault;
    QString m_region;
    model::RegionListModel *m_regions = nullptr;
    QComboBox *m_regionBox = nullptr;
    QListWidget *m_sideBar = nullptr;
    QStackedWidget *m_stack = nullptr;
    QLabel *m_statusVault = nullptr;
    QLabel *m_statusRegion = nullptr;
};

} // namespace qkms::ui
