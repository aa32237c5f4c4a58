#include "FilesPane.h"

#include "EncryptFilesDialog.h"
#include "EngineRunner.h"
#include "FileDropZone.h"
#include "FileJobModel.h"
#include "InspectFileDialog.h"
#include "OutputPlan.h"
#include "ProgressDelegate.h"
#include "commands/FileJobCommand.h"
#include "envelope/FileJob.h"

#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QPushButton>
#include <QTableView>
#include <QThread>
#include <QTimer>
#include <QVBoxLayout>

#include <algorithm>

namespace qkms::ui {

using model::FileJob;
using model::FileJobModel;

namespace {

/// At most 10 model updates a second per job, whatever the frame size.
constexpr int kProgressIntervalMs = 100;

} // namespace

FilesPane::FilesPane(model::EngineRunner *runner, QWidget *parent) : QWidget(parent), m_runner(runner)
{
    // Streaming is CPU- and disk-bound: a few files at a time, leaving a core for the GUI.
    m_pool.setMaxThreadCount(std::clamp(QThread::idealThreadCount() - 1, 1, 4));
    m_pool.setObjectName(QStringLiteral("qkmsFileJobs"));
    m_jobs = new FileJobModel(this);
    m_jobs->setObjectName(QStringLiteral("fileJobModel"));
    m_progressTimer = new QTimer(this);
    m_progressTimer->setInterval(kProgressIntervalMs);
    connect(m_progressTimer, &QTimer::timeout, this, &FilesPane::pollProgress);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(16, 12, 16, 8);
    layout->setSpacing(8);
    auto *title = new QLabel(tr("Files"), this);
    title->setObjectName(QStringLiteral("paneTitle"));
    QFont f = title->font();
    f.setPointSizeF(f.pointSizeF() * 1.5);
    f.setBold(true);
    title->setFont(f);
    layout->addWidget(title);
    layout->addWidget(buildDropZone());
    layout->addWidget(buildActions());

    m_table = new QTableView(this);
    m_table->setObjectName(QStringLiteral("fileJobTable"));
    m_table->setModel(m_jobs);
    m_table->setItemDelegate(new ProgressDelegate(FileJobModel::ProgressColumn, FileJobModel::ProgressRole, m_table));
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setColumnWidth(FileJobModel::FileColumn, 220);
    m_table->setColumnWidth(FileJobModel::ProgressColumn, 160);
    m_table->setWordWrap(false);
    layout->addWidget(m_table, 1);
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this, &FilesPane::updateActions);
    connect(m_table, &QAbstractItemView::doubleClicked, this, [this] {
        if (const QString f = selectedEncryptedFile(); !f.isEmpty())
            inspectFile(f);
    });

    m_summary = new QLabel(this);
    m_summary->setObjectName(QStringLiteral("filesSummaryLabel"));
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_summary);
    connect(m_jobs, &FileJobModel::summaryChanged, this, &FilesPane::updateSummary);
    connect(m_jobs, &FileJobModel::summaryChanged, this, &FilesPane::updateActions);
    updateSummary();
    updateActions();
}

EncryptFilesDialog *FilesPane::encryptDialog() const
{
    return m_encryptDialog;
}

InspectFileDialog *FilesPane::inspectDialog() const
{
    return m_inspectDialog;
}

FilesPane::~FilesPane()
{
    cancelAllAndWait();
}

QWidget *FilesPane::buildDropZone()
{
    auto *zone = new FileDropZone([this](const QList<QUrl> &urls) { handleDrop(urls); }, this);
    zone->setObjectName(QStringLiteral("fileDropZone"));
    zone->setMinimumHeight(110);
    auto *row = new QHBoxLayout(zone);
    auto *text = new QLabel(tr("Drop files or folders here.\nPlain files are encrypted; encrypted files "
                               "(recognised by their header, not their name) are decrypted."),
                            zone);
    text->setObjectName(QStringLiteral("fileDropZoneText"));
    text->setAlignment(Qt::AlignCenter);
    row->addWidget(text, 1);
    auto *add = new QPushButton(tr("Add files…"), zone);
    add->setObjectName(QStringLiteral("addFilesButton"));
    connect(add, &QPushButton::clicked, this, [this] {
        const QStringList files = QFileDialog::getOpenFileNames(this, tr("Encrypt or decrypt files"));
        if (!files.isEmpty())
            addPaths(files);
    });
    row->addWidget(add);
    return zone;
}

QWidget *FilesPane::buildActions()
{
    auto *bar = new QWidget(this);
    auto *row = new QHBoxLayout(bar);
    row->setContentsMargins(0, 0, 0, 0);
    auto button = [&](const QString &text, const char *name) {
        auto *b = new QPushButton(text, bar);
        b->setObjectName(QString::fromLatin1(name));
        row->addWidget(b);
        return b;
    };
    m_cancelJob = button(tr("Cancel"), "cancelJobButton");
    m_cancelJob->setToolTip(tr("Stop the selected jobs; nothing of theirs is written"));
    connect(m_cancelJob, &QPushButton::clicked, this, [this] {
        const QList<quint64> ids = selectedJobIds();
        for (const QPointer<FileJobCommand> &c : std::as_const(m_commands))
            if (c && ids.contains(c->jobId()))
                c->cancel();
    });
    m_cancelAll = button(tr("Cancel all"), "cancelAllButton");
    connect(m_cancelAll, &QPushButton::clicked, this, &FilesPane::cancelAll);
    m_clearFinished = button(tr("Clear finished"), "clearFinishedButton");
    connect(m_clearFinished, &QPushButton::clicked, m_jobs, &FileJobModel::removeFinished);
    row->addSpacing(12);
    m_inspectSelected = button(tr("Inspect"), "inspectSelectedButton");
    m_inspectSelected->setToolTip(tr("Show the selected encrypted file's header and who may decrypt it"));
    connect(m_inspectSelected, &QPushButton::clicked, this, [this] {
        if (const QString f = selectedEncryptedFile(); !f.isEmpty())
            inspectFile(f);
    });
    auto *inspectOther = button(tr("Inspect a file…"), "inspectFileButton");
    connect(inspectOther, &QPushButton::clicked, this, [this] {
        const QString f = QFileDialog::getOpenFileName(this, tr("Inspect an encrypted file"));
        if (!f.isEmpty())
            inspectFile(f);
    });
    row->addStretch();
    return bar;
}

QStringList FilesPane::localPaths(const QList<QUrl> &urls)
{
    QStringList paths;
    for (const QUrl &url : urls)
        if (url.isLocalFile())
            paths.append(url.toLocalFile());
    return paths;
}

void FilesPane::handleDrop(const QList<QUrl> &urls)
{
    addPaths(localPaths(urls));
}

void FilesPane::addPaths(const QStringList &paths)
{
    QList<model::DroppedFile> toEncrypt;
    QList<model::DroppedFile> toDecrypt;
    for (const model::DroppedFile &file : model::expandDrop(paths)) {
        switch (envelope::classifyFile(file.path)) {
        case envelope::FileKind::Plaintext:
            toEncrypt.append(file);
            break;
        case envelope::FileKind::Encrypted:
            toDecrypt.append(file);
            break;
        case envelope::FileKind::Directory: // expandDrop recursed already; an empty folder adds nothing
            break;
        case envelope::FileKind::Unreadable:
            m_jobs->addFailedJob(file.path, FileJob::Direction::Encrypt,
                                 tr("Cannot read %1: it is missing or you may not open it. (%2)")
                                     .arg(QFileInfo(file.path).fileName(), errors::Storage),
                                 errors::Storage);
            break;
        }
    }
    // Messages are decrypted next to themselves; the plan still keeps two of them (x and
    // x.decrypted.encrypted, say) from writing the same file.
    const QStringList decrypted = model::planOutputs(toDecrypt, FileJob::Direction::Decrypt);
    for (qsizetype i = 0; i < toDecrypt.size(); ++i) {
        FileJobSpec spec;
        spec.direction = FileJob::Direction::Decrypt;
        spec.inputPath = toDecrypt[i].path;
        spec.outputPath = decrypted[i];
        startJob(new FileJobCommand(m_runner, m_jobs, &m_pool, spec, this));
    }
    if (!toEncrypt.isEmpty())
        openEncryptDialog(toEncrypt);
}

void FilesPane::openEncryptDialog(const QList<model::DroppedFile> &files)
{
    QStringList paths;
    for (const model::DroppedFile &f : files)
        paths.append(f.path);
    auto *dialog = new EncryptFilesDialog(m_runner, paths, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    m_encryptDialog = dialog;
    connect(dialog, &QDialog::accepted, this, [this, dialog, files] {
        // With an output folder the drop's folders are recreated under it (see OutputPlan.h).
        const QString folder = dialog->outputFolder();
        const QStringList outputs = model::planOutputs(files, FileJob::Direction::Encrypt, folder);
        for (qsizetype i = 0; i < files.size(); ++i) {
            if (!folder.isEmpty())
                QDir().mkpath(QFileInfo(outputs[i]).absolutePath()); // a failure is the job's to report
            FileJobSpec spec;
            spec.direction = FileJob::Direction::Encrypt;
            spec.inputPath = files[i].path;
            spec.outputPath = outputs[i];
            spec.keyIds = dialog->keyIds();
            spec.context = dialog->context();
            spec.suite = dialog->suite();
            spec.frameLength = dialog->frameLength();
            spec.overwrite = dialog->overwrite();
            startJob(new FileJobCommand(m_runner, m_jobs, &m_pool, spec, this));
        }
    });
    dialog->open();
}

void FilesPane::startJob(FileJobCommand *command)
{
    m_commands.append(command);
    connect(command, &Command::finished, this, [this] {
        m_commands.removeIf([](const QPointer<FileJobCommand> &c) { return !c || c->isFinished(); });
        if (m_commands.isEmpty())
            m_progressTimer->stop();
    });
    command->start();
    if (!m_progressTimer->isActive())
        m_progressTimer->start();
}

void FilesPane::pollProgress()
{
    for (const QPointer<FileJobCommand> &c : std::as_const(m_commands))
        if (c)
            c->updateProgress();
}

void FilesPane::cancelAll()
{
    for (const QPointer<FileJobCommand> &c : std::as_const(m_commands))
        if (c)
            c->cancel();
}

void FilesPane::cancelAllAndWait()
{
    cancelAll();
    m_pool.waitForDone();
}

void FilesPane::inspectFile(const QString &path)
{
    if (m_inspectDialog)
        m_inspectDialog->close();
    auto *dialog = new InspectFileDialog(m_runner, path, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    m_inspectDialog = dialog;
    dialog->open();
}

QString FilesPane::summary() const
{
    return m_summary->text();
}

int FilesPane::activeJobCount() const
{
    return m_jobs->summary().active();
}

void FilesPane::updateSummary()
{
    const QString text = FileJobModel::summaryText(m_jobs->summary());
    m_summary->setText(text.isEmpty() ? tr("No files yet.") : text);
}

void FilesPane::updateActions()
{
    bool selectedActive = false;
    for (quint64 id : selectedJobIds())
        if (auto j = m_jobs->job(id); j && !j->isFinished())
            selectedActive = true;
    const model::FileJobSummary s = m_jobs->summary();
    m_cancelJob->setEnabled(selectedActive);
    m_cancelAll->setEnabled(s.active() > 0);
    m_clearFinished->setEnabled(s.done + s.failed + s.cancelled > 0);
    m_inspectSelected->setEnabled(!selectedEncryptedFile().isEmpty());
}

QList<quint64> FilesPane::selectedJobIds() const
{
    QList<quint64> ids;
    for (const QModelIndex &index : m_table->selectionModel()->selectedRows())
        ids.append(index.data(FileJobModel::JobIdRole).value<quint64>());
    return ids;
}

QString FilesPane::selectedEncryptedFile() const
{
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    if (rows.size() != 1)
        return {};
    const auto job = m_jobs->jobAt(rows.first().row());
    if (!job)
        return {};
    // An encryption's result, or the message a decryption read.
    const QString file = job->direction == FileJob::Direction::Encrypt
                             ? (job->state == FileJob::State::Done ? job->outputPath : QString())
                             : job->inputPath;
    return !file.isEmpty() && QFileInfo(file).isFile() ? file : QString();
}

} // namespace qkms::ui
