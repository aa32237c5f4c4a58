#pragma once

// One file of the Files pane, encrypted or decrypted.
//
// Why the job runs where it does: a file job needs the engine only for its data key —
// GenerateDataKey when encrypting, Decrypt of an encrypted data key when decrypting, each called
// once by the message layer through its DataKeyProvider — and then streams for as long as the
// file is large. So the streaming runs on the pane's own thread pool (several files at a time,
// the GUI never waits), and the job's DataKeyProvider hands just those calls to the
// EngineRunner's single worker (the only thread that may touch the KmsService and its SQLCipher
// connection), waiting for the answer on the job's thread. A big file never holds the engine:
// other jobs and the rest of the console get their engine calls between.
//
// Cancel sets an atomic flag that the message layer reads before every frame (and the data-key
// wait reads every 50 ms); the job then stops, its temporary file goes, and the row says
// Cancelled. Progress goes through atomics too; the pane polls them on a timer, so the view
// sees at most a handful of updates a second however small the frames.

#include "commands/Command.h"

#include "FileJobModel.h"
#include "core/KmsError.h"
#include "envelope/EncryptionContext.h"
#include "envelope/MessageFormat.h"

#include <QElapsedTimer>
#include <QPointer>
#include <QStringList>

#include <memory>

class QThreadPool;

namespace qkms::ui {

/// The AWS-managed key for files, created by the engine on first use (as `qkms encrypt-file`
/// without --key-id does).
inline constexpr QLatin1StringView kFilesKeyAlias{"alias/aws/files"};

/// What one job does.
struct FileJobSpec {
    model::FileJob::Direction direction = model::FileJob::Direction::Encrypt;
    QString inputPath;
    QString outputPath;
    /// Encrypt: key ids, ARNs or alias names (the first generates the data key, each further
    /// one wraps it again); kFilesKeyAlias is created when missing. Decrypt: unused — any data
    /// key of the message that the acting principal may use opens it.
    QStringList keyIds;
    envelope::EncryptionContext context;
    envelope::AlgorithmSuite suite = envelope::AlgorithmSuite::AesGcmHkdfSha512Commit;
    quint32 frameLength = envelope::kDefaultFrameLength;
    bool overwrite = false;
};

/// Runs one FileJobSpec on `pool` and reports it in `jobs` (the row is added by the constructor,
/// Queued). finished() says Succeeded, Failed (message: a sentence and the AWS exception name)
/// or Canceled, once the job has really stopped and removed its temporary file.
class FileJobCommand : public Command
{
    Q_OBJECT
public:
    /// `runner` and `pool` must outlive the command's job: the pane owning them cancels its jobs
    /// and waits for `pool` before it goes.
    FileJobCommand(model::EngineRunner *runner, model::FileJobModel *jobs, QThreadPool *pool, FileJobSpec spec,
                   QWidget *parentWidget);
    ~FileJobCommand() override;

    /// Queues the job on the pool.
    void start() override;
    /// Asks the job to stop; finished(Canceled) follows when it has (at once if not started).
    void cancel() override;
    [[nodiscard]] quint64 jobId() const { return m_jobId; }
    [[nodiscard]] const FileJobSpec &spec() const { return m_spec; }
    /// Copies the job's progress into the model (the pane calls it on a timer).
    void updateProgress();

    /// An engine or file error in plain words for the job list: a sentence, then the AWS
    /// exception name in parentheses. `outputPath` names the target of AlreadyExists.
    [[nodiscard]] static QString describeError(const KmsError &error, const QString &outputPath);

    /// What the job thread and the command share (flags and counters); opaque.
    struct Shared;

private:
    void jobDone(const KmsError *error, const QString &outputPath);

    QPointer<model::FileJobModel> m_jobs;
    QThreadPool *m_pool;
    FileJobSpec m_spec;
    quint64 m_jobId = 0;
    std::shared_ptr<Shared> m_shared;
    QElapsedTimer m_elapsed; ///< since the job started streaming, for its speed
    bool m_started = false;
};

} // namespace qkms::ui
