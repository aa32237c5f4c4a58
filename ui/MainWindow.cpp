#include "MainWindow.h"

#include "EmptyPane.h"
#include "EngineRunner.h"
#include "EventHistoryPane.h"
#include "KeyListModel.h"
#include "KeysPane.h"
#include "RegionListModel.h"
#include "RotationPane.h"
#include "VaultWatcher.h"
#include "core/MemoryLock.h"
#include "kms/KmsService.h"
#include "vault/Vault.h"

#include <QAction>
#include <QComboBox>
#include <QLabel>
#include <QListWidget>
#include <QMessageBox>
#include <QSplitter>
#include <QStackedWidget>
#include <QStatusBar>
#include <QToolBar>

namespace qkms::ui {

namespace {

struct PaneInfo {
    const char *id;
    const char *title;
    const char *explanation;
};

// Side-bar order follows the AWS KMS console, with qkms's own panes after it.
const PaneInfo kPanes[] = {
    {"customerKeys", QT_TRANSLATE_NOOP("MainWindow", "Customer managed keys"),
     QT_TRANSLATE_NOOP("MainWindow", "Keys you create and control: symmetric keys for encryption, RSA and elliptic-curve "
                                     "keys for signing, HMAC keys. None exist in this region yet.")},
    {"awsKeys", QT_TRANSLATE_NOOP("MainWindow", "AWS managed keys"),
     QT_TRANSLATE_NOOP("MainWindow", "Keys qkms creates for its own services the first time they need one, such as "
                                     "<tt>alias/aws/files</tt> for file encryption. They rotate every year.")},
    {"aliases", QT_TRANSLATE_NOOP("MainWindow", "Aliases"),
     QT_TRANSLATE_NOOP("MainWindow", "Friendly names such as <tt>alias/payroll</tt> that point at a key, so "
                                     "applications can switch keys without changing code.")},
    {"policies", QT_TRANSLATE_NOOP("MainWindow", "Policies"),
     QT_TRANSLATE_NOOP("MainWindow", "Key policies and identity policies decide who may use and manage each key. "
                                     "The simulator explains any decision.")},
    {"rotation", QT_TRANSLATE_NOOP("MainWindow", "Rotation schedules"),
     QT_TRANSLATE_NOOP("MainWindow", "When each key's material rotates next, and which keys are pending deletion.")},
    {"files", QT_TRANSLATE_NOOP("MainWindow", "Files"),
     QT_TRANSLATE_NOOP("MainWindow", "Drop files here to encrypt them under a key (AWS Encryption SDK format), or "
                                     "drop <tt>.encrypted</tt> files to decrypt them.")},
    {"events", QT_TRANSLATE_NOOP("MainWindow", "Event history"),
     QT_TRANSLATE_NOOP("MainWindow", "Every operation on this region's keys, from the console and the command line, "
                                     "in a tamper-evident chain.")},
    {"principals", QT_TRANSLATE_NOOP("MainWindow", "Principals"),
     QT_TRANSLATE_NOOP("MainWindow", "The account root, IAM users and roles, and their identity policies. The "
                                     "toolbar's “acting as” chooses who the console calls as.")},
};

} // namespace

QStringList MainWindow::paneIds()
{
    QStringList ids;
    for (const PaneInfo &p : kPanes)
        ids.append(QString::fromLatin1(p.id));
    return ids;
}

MainWindow::MainWindow(std::unique_ptr<vault::Vault> vault, QString region, QWidget *parent)
    : QMainWindow(parent), m_vault(std::move(vault)), m_region(std::move(region))
{
    setObjectName(QStringLiteral("mainWindow"));
    setWindowIcon(QIcon(QStringLiteral(":/qkms/icons/qkms.svg")));
    resize(1240, 780);
    m_regions = new model::RegionListModel(this);
    m_runner = new model::EngineRunner(this);
    // The watcher before the model: on a region switch its first poll (which reads where the
    // audit log ends) is queued before the model's first page, so no change falls between them.
    m_watcher = new model::VaultWatcher(m_runner, 2000, this);
    m_keys = new model::KeyListModel(m_runner, this);
    connect(m_watcher, &model::VaultWatcher::changed, m_keys, &model::KeyListModel::refresh);
    buildToolBar();
    buildPanes();
    connect(m_watcher, &model::VaultWatcher::changed, m_rotation, &RotationPane::refresh);
    buildStatusBar();
    setRegion(m_region);
}

MainWindow::~MainWindow()
{
    // The engine must not die under a running job, nor before the panes that use it stop.
    closeService();
}

void MainWindow::closeService()
{
    m_runner->setService(nullptr, {}); // waits for the job in flight
    m_service.reset();
}

void MainWindow::buildToolBar()
{
    auto *bar = addToolBar(tr("Main"));
    bar->setObjectName(QStringLiteral("mainToolBar"));
    bar->setMovable(false);
    bar->addWidget(new QLabel(tr(" Region: "), bar));
    m_regionBox = new QComboBox(bar);
    m_regionBox->setObjectName(QStringLiteral("regionSelector"));
    m_regionBox->setModel(m_regions);
    m_regionBox->setMinimumContentsLength(16);
    m_regionBox->setToolTip(tr("Each region is a separate, isolated file in the vault"));
    bar->addWidget(m_regionBox);
    connect(m_regionBox, &QComboBox::activated, this, [this](int row) { setRegion(m_regions->regionAt(row)); });
    bar->addSeparator();
    auto *create = bar->addAction(tr("Create key"));
    create->setObjectName(QStringLiteral("createKeyAction"));
    create->setShortcut(QKeySequence::New);
    create->setToolTip(tr("Create a customer managed key (Ctrl+N)"));
    connect(create, &QAction::triggered, this, [this] {
        m_sideBar->setCurrentRow(0);
        m_customerKeys->createKey();
    });

    auto *spacer = new QWidget(bar);
    spacer->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
    bar->addWidget(spacer);
    auto *lock = bar->addAction(tr("Lock"));
    lock->setObjectName(QStringLiteral("lockAction"));
    lock->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_L));
    lock->setToolTip(tr("Lock the vault (Ctrl+L): wipes every key from memory"));
    connect(lock, &QAction::triggered, this, &MainWindow::lockVault);
}

void MainWindow::buildPanes()
{
    auto *splitter = new QSplitter(this);
    splitter->setObjectName(QStringLiteral("mainSplitter"));
    m_sideBar = new QListWidget(splitter);
    m_sideBar->setObjectName(QStringLiteral("paneList"));
    m_sideBar->setFrameShape(QFrame::NoFrame);
    m_sideBar->setSpacing(2);
    m_stack = new QStackedWidget(splitter);
    m_stack->setObjectName(QStringLiteral("paneStack"));
    for (const PaneInfo &p : kPanes) {
        auto *item = new QListWidgetItem(tr(p.title), m_sideBar);
        item->setData(Qt::UserRole, QString::fromLatin1(p.id));
        item->setSizeHint(QSize(0, 30));
        const QString id = QString::fromLatin1(p.id);
        QWidget *pane = nullptr;
        if (id == QStringLiteral("customerKeys"))
            pane = m_customerKeys = new KeysPane(KeysPane::Kind::CustomerManaged, m_keys, m_runner, m_stack);
        else if (id == QStringLiteral("awsKeys"))
            pane = m_awsKeys = new KeysPane(KeysPane::Kind::AwsManaged, m_keys, m_runner, m_stack);
        else if (id == QStringLiteral("rotation"))
            pane = m_rotation = new RotationPane(m_runner, m_stack);
        else if (id == QStringLiteral("events"))
            pane = new EventHistoryPane(m_runner, m_stack);
        else
            pane = new EmptyPane(tr(p.title), tr(p.explanation), m_stack);
        pane->setObjectName(id + QStringLiteral("Pane"));
        m_stack->addWidget(pane);
    }
    connect(m_sideBar, &QListWidget::currentRowChanged, m_stack, &QStackedWidget::setCurrentIndex);
    m_sideBar->setCurrentRow(0);
    m_sideBar->setMinimumWidth(200);
    m_sideBar->setMaximumWidth(260);
    splitter->setStretchFactor(1, 1);
    splitter->setSizes({220, 980});
    setCentralWidget(splitter);
}

void MainWindow::buildStatusBar()
{
    m_statusVault = new QLabel(this);
    m_statusVault->setObjectName(QStringLiteral("vaultStatusLabel"));
    m_statusRegion = new QLabel(this);
    m_statusRegion->setObjectName(QStringLiteral("regionStatusLabel"));
    statusBar()->addWidget(m_statusVault, 1);
    statusBar()->addPermanentWidget(m_statusRegion);
    if (const QString warning = memoryLockWarning(); !warning.isEmpty()) {
        auto *banner = new QLabel(QStringLiteral("⚠ ") + warning, this);
        banner->setObjectName(QStringLiteral("memoryWarningBanner"));
        banner->setWordWrap(true);
        banner->setStyleSheet(QStringLiteral("background:#fff4ce; color:#5c4400; padding:4px;"));
        statusBar()->addWidget(banner, 2);
    }
}

bool MainWindow::setRegion(const QString &region)
{
    // The vault's region table must not change under a running job.
    m_runner->waitForIdle();
    auto service = kms::KmsService::open(*m_vault, region);
    if (!service) {
        QMessageBox::warning(this, tr("Cannot open region"),
                             tr("%1\n\n(%2)").arg(service.error().message, service.error().type));
        m_regionBox->setCurrentIndex(m_regions->indexOf(m_region));
        return false;
    }
    // The console calls as the account root until principals and "acting as" arrive.
    const kms::Caller caller{(*service)->rootArn(), QStringLiteral("console"), {}};
    m_runner->setService(service->get(), caller); // the models reload from the new region
    m_service = std::move(*service);              // only now is the previous engine closed
    m_region = region;
    m_customerKeys->setRegion(region);
    m_awsKeys->setRegion(region);
    m_regions->setRegionsInUse(m_vault->regionsOnDisk());
    m_regionBox->setCurrentIndex(m_regions->indexOf(region));
    m_statusVault->setText(tr("Vault: %1").arg(m_vault->directory()));
    m_statusRegion->setText(tr("Account %1 · %2").arg(m_vault->accountId(), region));
    updateTitle();
    return true;
}

void MainWindow::updateTitle()
{
    setWindowTitle(tr("qkms — %1 — %2").arg(m_vault->directory(), m_region));
}

void MainWindow::lockVault()
{
    closeService();
    m_vault->lock();
    Q_EMIT lockRequested();
}

} // namespace qkms::ui
