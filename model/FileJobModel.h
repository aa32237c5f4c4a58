#pragma once

// The Files pane's job list: one row per file being encrypted or decrypted, with its progress,
// speed, state and the sentence that says how it ended. The model only holds what the jobs
// report; running them is the console's FileJobCommand (jobs stream on their own thread pool and
// report here from the GUI thread, at most a few times a second).

#include <QAbstractTableModel>
#include <QList>
#include <QString>

#include <optional>

namespace qkms::model {

/// One file job as the list shows it.
struct FileJob {
    enum class Direction { Encrypt, Decrypt };
    enum class State { Queued, Running, Done, Failed, Cancelled };

    quint64 id = 0;          ///< stable while the row exists (rows move when others are cleared)
    QString inputPath;       ///< absolute path of the dropped file
    QString outputPath;      ///< where the result goes (appears only once complete)
    Direction direction = Direction::Encrypt;
    State state = State::Queued;
    qint64 bytesDone = 0;    ///< input bytes consumed so far
    qint64 bytesTotal = -1;  ///< input size, -1 when unknown
    double bytesPerSecond = 0;
    QString message;         ///< how it ended: a sentence, with the AWS exception name on failure
    QString errorType;       ///< the AWS exception name of a failure, else empty

    /// 0..100; a finished job is at 100 whatever its size (an empty file has nothing to count).
    [[nodiscard]] int percent() const;
    [[nodiscard]] bool isFinished() const { return state == State::Done || state == State::Failed || state == State::Cancelled; }
};

/// Counts for the pane's summary line.
struct FileJobSummary {
    int queued = 0;
    int running = 0;
    int done = 0;
    int failed = 0;
    int cancelled = 0;
    qint64 bytesDone = 0; ///< input bytes of every job, finished or not

    [[nodiscard]] int total() const { return queued + running + done + failed + cancelled; }
    [[nodiscard]] int active() const { return queued + running; }
};

class FileJobModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { FileColumn, DirectionColumn, ProgressColumn, SpeedColumn, StateColumn, MessageColumn, ColumnCount };
    enum Role {
        JobIdRole = Qt::UserRole + 1, ///< quint64
        ProgressRole,                 ///< int 0..100 (the progress bar delegate draws it)
        StateRole,                    ///< int(FileJob::State)
        SortRole,                     ///< numbers as numbers
    };

    explicit FileJobModel(QObject *parent = nullptr);

    [[nodiscard]] int rowCount(const QModelIndex &parent = {}) const override;
    [[nodiscard]] int columnCount(const QModelIndex &parent = {}) const override;
    [[nodiscard]] QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    [[nodiscard]] QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    /// Appends a queued job and returns its id.
    quint64 addJob(const QString &inputPath, const QString &outputPath, FileJob::Direction direction);
    /// Appends a job that failed before it could start (an unreadable file), with `message`.
    quint64 addFailedJob(const QString &inputPath, FileJob::Direction direction, const QString &message,
                         const QString &errorType);

    /// The job in `row`, nothing when out of range.
    [[nodiscard]] std::optional<FileJob> jobAt(int row) const;
    /// The job with `id`, nothing when it is not (or no longer) listed.
    [[nodiscard]] std::optional<FileJob> job(quint64 id) const;
    /// The row of job `id`, -1 when not listed.
    [[nodiscard]] int indexOf(quint64 id) const;

    /// Marks job `id` running. Ignored for unknown or finished jobs.
    void setRunning(quint64 id);
    /// Records progress of a running job (its callers throttle; every call emits dataChanged).
    void setProgress(quint64 id, qint64 bytesDone, qint64 bytesTotal, double bytesPerSecond);
    /// Ends job `id` in `state` (Done, Failed or Cancelled) with `message`; `outputPath` replaces
    /// the planned one when not empty (the job reports the absolute path it wrote).
    void finishJob(quint64 id, FileJob::State state, const QString &message, const QString &errorType = {},
                   const QString &outputPath = {});
    /// Removes every finished job (the pane's "Clear finished").
    void removeFinished();

    [[nodiscard]] FileJobSummary summary() const;

    /// "3 of 5 files done, 1 failed, 1 running — 12.0 MiB processed" (empty list: empty string).
    [[nodiscard]] static QString summaryText(const FileJobSummary &s);
    /// "1.5 MiB" etc.
    [[nodiscard]] static QString formatBytes(double bytes);
    [[nodiscard]] static QString stateName(FileJob::State state);

Q_SIGNALS:
    /// Any job was added, progressed, finished or removed.
    void summaryChanged();

private:
    void rowChanged(int row);

    QList<FileJob> m_jobs;
    quint64 m_nextId = 1;
};

} // namespace qkms::model
