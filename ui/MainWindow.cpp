#include "MainWindow.h"

#include "AliasListModel.h"
#include "AliasesPane.h"
#include "DenialIndicator.h"
#include "EmptyPane.h"
#include "EndpointControls.h"
#include "FilesPane.h"
#include "PolicyPane.h"
#include "SchedulerDriver.h"
#include "EngineRunner.h"
#include "EventHistoryPane.h"
#include "KeyListModel.h"
#include "KeysPane.h"
#include "LocalEndpoint.h"
#include "PrincipalListModel.h"
#include "PrincipalsPane.h"
#include "RegionListModel.h"
#include "RotationPane.h"
#include "VaultWatcher.h"
#include "core/MemoryLock.h"
#include "kms/KmsService.h"
#include "vault/Vault.h"

#include <QAction>
#include <QComboBox>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QLabel>
#include <QListWidget>
#include <QMessageBox>
#include <QMimeData>
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
    m_aliases = new model::AliasListModel(m_runner, this);
    m_principals = new model::PrincipalListModel(m_runner, 5000, this);
    connect(m_watcher, &model::VaultWatcher::changed, m_keys, &model::KeyListModel::refresh);
    connect(m_watcher, &model::VaultWatcher::changed, m_aliases, &model::AliasListModel::refresh);
    buildToolBar();
    buildPanes();
    connect(m_watcher, &model::VaultWatcher::changed, m_rotation, &RotationPane::refresh);
    connect(m_watcher, &model::VaultWatcher::changed, m_policiesPane, &PolicyPane::refresh);
    buildStatusBar();
    // Made before the first region is attached, so the catch-up run at unlock is its first run.
    m_scheduler = new model::SchedulerDriver(m_runner, model::SchedulerDriver::kDefaultIntervalMs, this);
    connect(m_scheduler, &model::SchedulerDriver::ran, this, [this](const kms::SchedulerReport &report) {
        if (const QString text = model::describeRun(report); !text.isEmpty())
            statusBar()->showMessage(text, 15'000);
    });
    connect(m_scheduler, &model::SchedulerDriver::failed, this, [this](const KmsError &error) {
        statusBar()->showMessage(tr("Scheduler: due rotations and deletions could not run: %1 (%2)")
                                     .arg(error.message, error.type),
                                 30'000);
    });
    setAcceptDrops(true);
    // The Principals pane's "Open in policy editor" leads to the Policies pane's editor.
    connect(m_principalsPane, &PrincipalsPane::editIdentityPolicyRequested, this,
            [this](const iam::Principal &principal, const QString &policyName) {
                model::PolicyRef ref;
                ref.kind = model::PolicyRef::Kind::IdentityPolicy;
                ref.principalKind = principal.kind;
                ref.principalName = principal.name;
                ref.principalArn = principal.arn;
                ref.policyName = policyName;
                m_sideBar->setCurrentRow(static_cast<int>(paneIds().indexOf(QStringLiteral("policies"))));
                m_policiesPane->refresh();
                if (!m_policiesPane->selectPolicy(ref))
                    statusBar()->showMessage(tr("The policy %1 is not listed yet; it appears after the next refresh.")
                                                 .arg(policyName),
                                             10'000);
            });
    m_principalsPane->setPolicyEditorAvailable(true);
    setRegion(m_region);
}

MainWindow::~MainWindow()
{
    // The engine must not die under a running job, nor before the panes that use it stop.
    m_endpointControls->endpoint()->stop();
    closeService();
}

void MainWindow::closeService()
{
    // File jobs hold a data key while they stream; they end before the engine they came from.
    if (m_filesPane)
        m_filesPane->cancelAllAndWait();
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
    // A switch reloads the Policies pane: it first offers to save an edit there (or to stay).
    connect(m_regionBox, &QComboBox::activated, this, [this](int row) {
        const QString target = m_regions->regionAt(row);
        m_regionBox->setCurrentIndex(m_regions->indexOf(m_region));
        m_policiesPane->askToLeave([this, target] { setRegion(target); });
    });
    bar->addWidget(new QLabel(tr("  Acting as: "), bar));
    m_actingBox = new QComboBox(bar);
    m_actingBox->setObjectName(QStringLiteral("actingAsSelector"));
    m_actingBox->setModel(m_principals);
    m_actingBox->setModelColumn(model::PrincipalListModel::NameColumn);
    m_actingBox->setMinimumContentsLength(24);
    m_actingBox->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_actingBox->setToolTip(tr("The principal every action of the console is performed as: key policies, "
                               "identity policies and grants decide what it may do"));
    bar->addWidget(m_actingBox);
    connect(m_actingBox, &QComboBox::activated, this, [this](int row) {
        const QString target = m_principals->principalAt(row).arn;
        syncActingAs();
        m_policiesPane->askToLeave([this, target] { setActingAs(target); });
    });
    // The list reloads with the region and polls for principals added elsewhere: keep the
    // selector on whoever the console acts as (after a whole read, not between its rows).
    connect(m_principals, &model::PrincipalListModel::loaded, this, &MainWindow::syncActingAs);
    connect(m_principals, &QAbstractItemModel::modelReset, this, &MainWindow::syncActingAs);
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
    m_endpointControls = new EndpointControls(*m_vault, bar, this);
    bar->addSeparator();
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
        QWidget *pane = createPane(id, tr(p.title), tr(p.explanation));
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

QWidget *MainWindow::createPane(const QString &id, const QString &title, const QString &explanation)
{
    // One line per pane; the pane's object name is added by buildPanes.
    if (id == QStringLiteral("customerKeys"))
        return m_customerKeys = new KeysPane(KeysPane::Kind::CustomerManaged, m_keys, m_runner, m_stack);
    if (id == QStringLiteral("awsKeys"))
        return m_awsKeys = new KeysPane(KeysPane::Kind::AwsManaged, m_keys, m_runner, m_stack);
    if (id == QStringLiteral("aliases"))
        return m_aliasesPane = new AliasesPane(m_aliases, m_runner, m_stack);
    if (id == QStringLiteral("rotation"))
        return m_rotation = new RotationPane(m_runner, m_stack);
    if (id == QStringLiteral("events"))
        return new EventHistoryPane(m_runner, m_stack);
    if (id == QStringLiteral("policies"))
        return m_policiesPane = new PolicyPane(m_runner, m_stack);
    if (id == QStringLiteral("files"))
        return m_filesPane = new FilesPane(m_runner, m_stack);
    if (id == QStringLiteral("principals"))
        return m_principalsPane = new PrincipalsPane(m_principals, m_runner, m_stack);
    return new EmptyPane(title, explanation, m_stack);
}

void MainWindow::buildStatusBar()
{
    m_statusVault = new QLabel(this);
    m_statusVault->setObjectName(QStringLiteral("vaultStatusLabel"));
    m_statusRegion = new QLabel(this);
    m_statusRegion->setObjectName(QStringLiteral("regionStatusLabel"));
    m_statusActing = new QLabel(this);
    m_statusActing->setObjectName(QStringLiteral("actingAsStatusLabel"));
    m_denialButton = new DenialIndicator(m_runner, this);
    connect(m_runner, &model::EngineRunner::callerChanged, this, &MainWindow::syncActingAs);
    statusBar()->addWidget(m_statusVault, 1);
    statusBar()->addPermanentWidget(m_denialButton);
    statusBar()->addPermanentWidget(m_endpointControls->statusLabel());
    statusBar()->addPermanentWidget(m_statusActing);
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
    // Principals are account-wide: whoever the console acts as stays the caller in every region.
    const QString acting = m_runner->caller().principalArn;
    const kms::Caller caller{acting.isEmpty() ? (*service)->rootArn() : acting, QStringLiteral("console"), {}};
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

bool MainWindow::setActingAs(const QString &principalArn)
{
    if (m_principals->indexOf(principalArn) < 0 || !m_runner->hasService())
        return false;
    m_runner->setCaller({principalArn, QStringLiteral("console"), {}}); // every model reloads as it
    return true;
}

void MainWindow::syncActingAs()
{
    updateActingStatus();
    const QString acting = m_runner->caller().principalArn;
    const int row = m_principals->indexOf(acting);
    if (row >= 0) {
        m_actingBox->setCurrentIndex(row);
        return;
    }
    // The acting principal was deleted (from the CLI, say): fall back to the root rather than
    // keep calling as someone who no longer exists.
    if (m_principals->rowCount() > 0 && !m_principals->isBusy() && m_principals->errorText().isEmpty()
        && m_service && acting != m_service->rootArn())
        setActingAs(m_service->rootArn());
}

void MainWindow::updateActingStatus()
{
    const QString arn = m_runner->caller().principalArn;
    const int row = m_principals->indexOf(arn);
    const QString who = row >= 0 ? model::PrincipalListModel::label(m_principals->principalAt(row)) : arn;
    m_statusActing->setText(tr("Acting as %1").arg(who));
    m_statusActing->setToolTip(arn);
}

LocalEndpoint *MainWindow::localEndpoint() const
{
    return m_endpointControls->endpoint();
}

void MainWindow::updateTitle()
{
    setWindowTitle(tr("qkms — %1 — %2").arg(m_vault->directory(), m_region));
}

void MainWindow::dragEnterEvent(QDragEnterEvent *event)
{
    if (event->mimeData()->hasUrls())
        event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent *event)
{
    // A drop anywhere on the window is a drop on the Files pane, which it brings forward.
    const QList<QUrl> urls = event->mimeData()->urls();
    if (urls.isEmpty())
        return;
    event->acceptProposedAction();
    m_sideBar->setCurrentRow(static_cast<int>(paneIds().indexOf(QStringLiteral("files"))));
    m_filesPane->handleDrop(urls);
}

void MainWindow::lockVault()
{
    m_endpointControls->endpoint()->stop(); // wipes the endpoint's own vault handle
    closeService();
    m_vault->lock();
    Q_EMIT lockRequested();
}

} // namespace qkms::ui
