#pragma once

#include <QMainWindow>

#include <memory>

class QComboBox;
class QDragEnterEvent;
class QDropEvent;
class QLabel;
class QListWidget;
class QStackedWidget;

namespace qkms::vault {
class Vault;
}
namespace qkms::kms {
class KmsService;
}
namespace qkms::model {
class AliasListModel;
class EngineRunner;
class KeyListModel;
class PrincipalListModel;
class RegionListModel;
class SchedulerDriver;
class VaultWatcher;
} // namespace qkms::model

namespace qkms::ui {

class AliasesPane;
class DenialIndicator;
class EndpointControls;
class FilesPane;
class LocalEndpoint;
class KeysPane;
class PolicyPane;
class PrincipalsPane;
class RotationPane;

/// The console's main window: a side bar of panes, a toolbar (region, acting-as principal, create
/// key, lock) and a status bar (vault path, acting principal, the last access denial, region,
/// account). It owns the open vault and the engine of the current
/// region, which every pane uses through one EngineRunner (one worker thread); Lock stops the
/// worker, closes the engine, wipes the vault and asks the application to show the unlock dialog
/// again (lockRequested).
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
    /// The keys of the current region, shared by the keys panes.
    [[nodiscard]] model::KeyListModel *keyModel() const { return m_keys; }
    /// Polls the region for changes made elsewhere (tests shorten its interval).
    [[nodiscard]] model::VaultWatcher *watcher() const { return m_watcher; }
    /// The worker every engine call of the console goes through.
    [[nodiscard]] model::EngineRunner *engineRunner() const { return m_runner; }
    /// The account's principals (the acting-as selector and the Principals pane share it).
    [[nodiscard]] model::PrincipalListModel *principalModel() const { return m_principals; }
    [[nodiscard]] model::AliasListModel *aliasModel() const { return m_aliases; }
    /// Makes every engine call of the console run as `principalArn` (an ARN the principal model
    /// lists; anything else is ignored and false returned). Kept across region switches.
    bool setActingAs(const QString &principalArn);
    /// Runs the region's due rotations and deletions at unlock, region switch and every minute.
    [[nodiscard]] model::SchedulerDriver *scheduler() const { return m_scheduler; }
    /// The toolbar's "Local endpoint": the AWS KMS API on 127.0.0.1 while the console is open.
    [[nodiscard]] LocalEndpoint *localEndpoint() const;
    /// The Files pane, which takes the files and folders dropped anywhere on the window.
    [[nodiscard]] FilesPane *filesPane() const { return m_filesPane; }

protected:
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dropEvent(QDropEvent *event) override;

Q_SIGNALS:
    /// The vault was locked and its secrets wiped; the window is about to close.
    void lockRequested();

private:
    void buildToolBar();
    void buildPanes();
    /// The widget of side-bar entry `id` (an EmptyPane for panes still to come).
    QWidget *createPane(const QString &id, const QString &title, const QString &explanation);
    void syncActingAs();
    void updateActingStatus();
    void buildStatusBar();
    void lockVault();
    void closeService();
    void updateTitle();

    std::unique_ptr<vault::Vault> m_vault;
    std::unique_ptr<kms::KmsService> m_service; ///< the current region's engine
    model::EngineRunner *m_runner = nullptr;
    model::VaultWatcher *m_watcher = nullptr;
    model::KeyListModel *m_keys = nullptr;
    KeysPane *m_customerKeys = nullptr;
    KeysPane *m_awsKeys = nullptr;
    RotationPane *m_rotation = nullptr;
    PolicyPane *m_policiesPane = nullptr;
    FilesPane *m_filesPane = nullptr;
    model::SchedulerDriver *m_scheduler = nullptr;
    EndpointControls *m_endpointControls = nullptr;
    model::AliasListModel *m_aliases = nullptr;
    model::PrincipalListModel *m_principals = nullptr;
    AliasesPane *m_aliasesPane = nullptr;
    PrincipalsPane *m_principalsPane = nullptr;
    QComboBox *m_actingBox = nullptr;
    QLabel *m_statusActing = nullptr;
    DenialIndicator *m_denialButton = nullptr;
    QString m_region;
    model::RegionListModel *m_regions = nullptr;
    QComboBox *m_regionBox = nullptr;
    QListWidget *m_sideBar = nullptr;
    QStackedWidget *m_stack = nullptr;
    QLabel *m_statusVault = nullptr;
    QLabel *m_statusRegion = nullptr;
};

} // namespace qkms::ui
