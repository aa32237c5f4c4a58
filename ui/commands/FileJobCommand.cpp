#include "FileJobCommand.h"

#include "EngineRunner.h"
#include "envelope/FileJob.h"
#include "envelope/KmsKeyring.h"
#include "kms/KmsService.h"

#include <QDeadlineTimer>
#include <QFileInfo>
#include <QMutex>
#include <QThreadPool>
#include <QWaitCondition>
#include <QtConcurrent>

#include <atomic>
#include <optional>

namespace qkms::ui {

using model::FileJob;

struct FileJobCommand::Shared {
    std::atomic<bool> cancel{false};
    std::atomic<bool> started{false};
    std::atomic<qint64> done{0};
    std::atomic<qint64> total{-1};
};

namespace {

KmsError cancelled()
{
    return KmsError{errors::Cancelled, QStringLiteral("The job was cancelled.")};
}

/// One answer from the engine worker, awaited on a job thread.
template <typename T>
class Pending
{
public:
    void set(Result<T> r)
    {
        QMutexLocker lock(&m_mutex);
        m_value = std::move(r);
        m_ready.wakeAll();
    }
    /// The answer, or Cancelled as soon as `cancel` reads true (the engine call still completes
    /// on the worker; its answer, a data key perhaps, is wiped with this object).
    Result<T> wait(const std::atomic<bool> &cancel)
    {
        QMutexLocker lock(&m_mutex);
        while (!m_value) {
            if (cancel.load())
                return std::unexpected(cancelled());
            m_ready.wait(&m_mutex, QDeadlineTimer(50));
        }
        Result<T> r = std::move(*m_value);
        m_value.reset();
        return r;
    }

private:
    QMutex m_mutex;
    QWaitCondition m_ready;
    std::optional<Result<T>> m_value;
};

/// The job's keyring: each call is a KmsKeyring call made on the engine worker. run() is called
/// from the GUI thread (the runner's state belongs to it) and the worker fills the answer in,
/// so the job thread waits neither on the GUI's continuations nor on a dropped result.
class EngineDataKeyProvider final : public envelope::DataKeyProvider
{
public:
    EngineDataKeyProvider(model::EngineRunner *runner, QStringList keyIds, const std::atomic<bool> &cancel)
        : m_runner(runner), m_keyIds(std::move(keyIds)), m_cancel(cancel)
    {
    }

    Result<envelope::GeneratedDataKey> generate(const envelope::EncryptionContext &ctx) override
    {
        auto pending = std::make_shared<Pending<envelope::GeneratedDataKey>>();
        call(pending, [pending, ids = m_keyIds, ctx](kms::KmsService &service, const kms::Caller &caller) {
            QStringList keyIds = ids;
            for (QString &id : keyIds) {
                if (id != kFilesKeyAlias)
                    continue;
                auto managed = service.awsManagedKey(caller, QStringLiteral("files"));
                if (!managed) {
                    pending->set(std::unexpected(managed.error()));
                    return;
                }
                id = managed->arn;
            }
            envelope::KmsKeyring keyring(service, caller, keyIds);
            pending->set(keyring.generate(ctx));
        });
        return pending->wait(m_cancel);
    }

    Result<QCA::SecureArray> decrypt(const QList<envelope::EncryptedDataKey> &edks,
                                     const envelope::EncryptionContext &ctx) override
    {
        auto pending = std::make_shared<Pending<QCA::SecureArray>>();
        call(pending, [pending, edks, ctx](kms::KmsService &service, const kms::Caller &caller) {
            envelope::KmsKeyring keyring(service, caller);
            pending->set(keyring.decrypt(edks, ctx));
        });
        return pending->wait(m_cancel);
    }

private:
    template <typename T, typename Job>
    void call(const std::shared_ptr<Pending<T>> &pending, Job job)
    {
        model::EngineRunner *runner = m_runner;
        QMetaObject::invokeMethod(
            runner,
            [runner, pending, job = std::move(job)]() mutable {
                const bool queued = runner->run(
                    runner,
                    [job = std::move(job)](kms::KmsService &service, const kms::Caller &caller) mutable {
                        job(service, caller);
                        return true;
                    },
                    [](bool) {});
                if (!queued)
                    pending->set(std::unexpected(KmsError{errors::Vault, QStringLiteral("The vault is locked.")}));
            },
            Qt::QueuedConnection);
    }

    model::EngineRunner *m_runner;
    QStringList m_keyIds;
    const std::atomic<bool> &m_cancel;
};

/// The job itself, on a pool thread.
Result<envelope::FileJobResult> runJob(model::EngineRunner *runner, const FileJobSpec &spec,
                                       const std::shared_ptr<FileJobCommand::Shared> &shared)
{
    shared->started.store(true);
    if (shared->cancel.load())
        return std::unexpected(cancelled());
    EngineDataKeyProvider provider(runner, spec.keyIds, shared->cancel);
    envelope::FileJobOptions options;
    options.overwrite = spec.overwrite;
    options.cancel = &shared->cancel;
    options.progress = [shared](qint64 done, qint64 total) {
        shared->done.store(done);
        shared->total.store(total);
    };
    if (spec.direction == FileJob::Direction::Decrypt)
        return envelope::decryptFile(provider, spec.inputPath, spec.outputPath, options);
    envelope::EncryptOptions message;
    message.suite = spec.suite;
    message.frameLength = spec.frameLength;
    message.context = spec.context;
    return envelope::encryptFile(provider, spec.inputPath, spec.outputPath, message, options);
}

} // namespace

FileJobCommand::FileJobCommand(model::EngineRunner *runner, model::FileJobModel *jobs, QThreadPool *pool,
                               FileJobSpec spec, QWidget *parentWidget)
    : Command(runner, parentWidget), m_jobs(jobs), m_pool(pool), m_spec(std::move(spec)),
      m_shared(std::make_shared<Shared>())
{
    m_jobId = m_jobs->addJob(m_spec.inputPath, m_spec.outputPath, m_spec.direction);
}

FileJobCommand::~FileJobCommand()
{
    // A command destroyed with its pane: the job must not go on writing.
    m_shared->cancel.store(true);
}

void FileJobCommand::start()
{
    model::EngineRunner *engine = runner();
    const FileJobSpec spec = m_spec;
    const std::shared_ptr<Shared> shared = m_shared;
    QtConcurrent::run(m_pool, [engine, spec, shared] { return runJob(engine, spec, shared); })
        .then(this, [this](Result<envelope::FileJobResult> r) {
            updateProgress();
            if (r)
                jobDone(nullptr, r->outputPath);
            else
                jobDone(&r.error(), {});
        });
}

void FileJobCommand::cancel()
{
    m_shared->cancel.store(true);
}

void FileJobCommand::updateProgress()
{
    if (!m_jobs || isFinished() || !m_shared->started.load())
        return;
    if (!m_started) {
        m_started = true;
        m_elapsed.start();
        m_jobs->setRunning(m_jobId);
    }
    const qint64 done = m_shared->done.load();
    const qint64 total = m_shared->total.load();
    const qint64 ms = m_elapsed.elapsed();
    const double speed = ms > 0 ? double(done) * 1000.0 / double(ms) : 0.0;
    const auto job = m_jobs->job(m_jobId);
    if (job)
        m_jobs->setProgress(m_jobId, done, total >= 0 ? total : job->bytesTotal, speed);
}

void FileJobCommand::jobDone(const KmsError *error, const QString &outputPath)
{
    CommandResult result;
    if (!error) {
        const QString out = QFileInfo(outputPath).fileName();
        result = {CommandResult::Outcome::Succeeded,
                  m_spec.direction == FileJob::Direction::Encrypt ? tr("Encrypted to %1.").arg(out)
                                                                  : tr("Decrypted to %1.").arg(out),
                  {}};
        if (m_jobs)
            m_jobs->finishJob(m_jobId, FileJob::State::Done, result.message, {}, outputPath);
    } else if (error->type == errors::Cancelled) {
        result = {CommandResult::Outcome::Canceled, describeError(*error, m_spec.outputPath), {}};
        if (m_jobs)
            m_jobs->finishJob(m_jobId, FileJob::State::Cancelled, result.message, error->type);
    } else {
        result = {CommandResult::Outcome::Failed, describeError(*error, m_spec.outputPath), {}};
        if (m_jobs)
            m_jobs->finishJob(m_jobId, FileJob::State::Failed, result.message, error->type);
    }
    finish(result);
}

QString FileJobCommand::describeError(const KmsError &error, const QString &outputPath)
{
    const QString &t = error.type;
    QString sentence;
    if (t == errors::Cancelled)
        sentence = tr("Cancelled; nothing was written.");
    else if (t == errors::NotFound)
        sentence = tr("No such key: %1").arg(error.message);
    else if (t == errors::AccessDenied)
        sentence = tr("Not permitted: %1").arg(error.message);
    else if (t == errors::InvalidCiphertext)
        sentence = tr("The file is damaged or was tampered with (%1); nothing was written.").arg(error.message);
    else if (t == errors::Disabled || t == errors::InvalidState || t == errors::InvalidKeyUsage)
        sentence = tr("The key cannot be used for this: %1").arg(error.message);
    else if (t == errors::AlreadyExists)
        sentence = tr("%1 already exists; choose “Overwrite existing files” to replace it.")
                       .arg(QFileInfo(outputPath).fileName());
    else if (t == errors::Storage && (error.message.startsWith(u"No space left on device while writing")
                                      || error.message.startsWith(u"Disk quota exceeded while writing")))
        sentence = tr("The disk is full: %1").arg(error.message);
    else if (t == errors::Storage)
        sentence = tr("Cannot read or write the file: %1").arg(error.message);
    else
        sentence = error.message;
    return tr("%1 (%2)").arg(sentence, t);
}

} // namespace qkms::ui
