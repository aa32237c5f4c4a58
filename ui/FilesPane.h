#pragma once

#include <QList>
#include <QPointer>
#include <QThreadPool>
#include <QUrl>
#include <QWidget>

class QLabel;
class QPushButton;
class QTableView;
class QTimer;

namespace qkms::model {
class EngineRunner;
class FileJobModel;
struct DroppedFile;
} // namespace qkms::model

namespace qkms::ui {

class EncryptFilesDialog;
class FileJobCommand;
class InspectFileDialog;

/// The Files pane: a drop zone (and "Add files…") for files and folders, each file classified by
/// its header — plaintext is encrypted after a dialog asks for the key and context, messages are
/// decrypted next to themselves — a job list with a progress bar, speed and result per file,
/// cancel per job and for all, a summary line, and an Inspect view of encrypted files.
/// Jobs stream on the pane's own thread pool; only their data-key calls go through the engine
/// runner (see FileJobCommand). The main window forwards drops from anywhere to handleDrop().
class FilesPane : public QWidget
{
    Q_OBJECT
public:
    /// `runner` must outlive the pane.
    explicit FilesPane(model::EngineRunner *runner, QWidget *parent = nullptr);
    /// Cancels every job and waits for them to stop (their temporary files removed).
    ~FilesPane() override;

    [[nodiscard]] model::FileJobModel *jobModel() const { return m_jobs; }
    /// The encrypt dialog of the latest drop while it is open, else null.
    [[nodiscard]] EncryptFilesDialog *encryptDialog() const;
    /// The inspect dialog while it is open, else null.
    [[nodiscard]] InspectFileDialog *inspectDialog() const;
    /// The summary line ("2 of 3 files done, 1 failed — 4.0 MiB processed").
    [[nodiscard]] QString summary() const;
    /// Jobs queued or running.
    [[nodiscard]] int activeJobCount() const;
    /// Cancels every job and blocks until all have stopped (before the vault is locked).
    void cancelAllAndWait();

    /// The local paths of `urls`, others skipped.
    [[nodiscard]] static QStringList localPaths(const QList<QUrl> &urls);

public Q_SLOTS:
    /// Classifies every file of the drop by its header and starts the work: plaintext → the
    /// encrypt dialog (one for the whole drop; with an output folder, dropped folders are
    /// mirrored under it), messages → decryption jobs now, next to themselves, unreadable
    /// files → a failed row saying so. A mixed drop does both. No two jobs of a drop write the
    /// same file (model/OutputPlan.h).
    void handleDrop(const QList<QUrl> &urls);
    /// handleDrop for local paths.
    void addPaths(const QStringList &paths);
    /// Opens the Inspect view for `path`.
    void inspectFile(const QString &path);
    /// Asks every job to stop.
    void cancelAll();

private:
    QWidget *buildDropZone();
    QWidget *buildActions();
    void openEncryptDialog(const QList<model::DroppedFile> &files);
    void startJob(FileJobCommand *command);
    void pollProgress();
    void updateSummary();
    void updateActions();
    [[nodiscard]] QList<quint64> selectedJobIds() const;
    [[nodiscard]] QString selectedEncryptedFile() const;

    model::EngineRunner *m_runner;
    model::FileJobModel *m_jobs = nullptr;
    QThreadPool m_pool;
    QList<QPointer<FileJobCommand>> m_commands;
    QTimer *m_progressTimer = nullptr;
    QTableView *m_table = nullptr;
    QLabel *m_summary = nullptr;
    QPushButton *m_cancelJob = nullptr;
    QPushButton *m_cancelAll = nullptr;
    QPushButton *m_clearFinished = nullptr;
    QPushButton *m_inspectSelected = nullptr;
    QPointer<EncryptFilesDialog> m_encryptDialog;
    QPointer<InspectFileDialog> m_inspectDialog;
};

} // namespace qkms::ui
