#include "FileJobModel.h"

#include <QFileInfo>

namespace qkms::model {

int FileJob::percent() const
{
    if (state == State::Done)
        return 100;
    if (bytesTotal <= 0)
        return 0;
    return int(qBound(qint64(0), bytesDone * 100 / bytesTotal, qint64(100)));
}

FileJobModel::FileJobModel(QObject *parent) : QAbstractTableModel(parent)
{
}

int FileJobModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_jobs.size());
}

int FileJobModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant FileJobModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const FileJob &j = m_jobs[index.row()];
    switch (role) {
    case JobIdRole:
        return QVariant::fromValue(j.id);
    case ProgressRole:
        return j.percent();
    case StateRole:
        return int(j.state);
    case Qt::ToolTipRole:
        return index.column() == MessageColumn && !j.message.isEmpty() ? j.message : j.inputPath;
    case SortRole:
        switch (index.column()) {
        case ProgressColumn:
            return j.percent();
        case SpeedColumn:
            return j.bytesPerSecond;
        case StateColumn:
            return int(j.state);
        default:
            break;
        }
        [[fallthrough]];
    case Qt::DisplayRole:
        switch (index.column()) {
        case FileColumn:
            return QFileInfo(j.inputPath).fileName();
        case DirectionColumn:
            return j.direction == FileJob::Direction::Encrypt ? tr("Encrypt") : tr("Decrypt");
        case ProgressColumn:
            return tr("%1%").arg(j.percent());
        case SpeedColumn:
            // Only while it runs: a finished job's last speed is noise next to its result.
            return j.state == FileJob::State::Running && j.bytesPerSecond > 0
                       ? tr("%1/s").arg(formatBytes(j.bytesPerSecond))
                       : QString();
        case StateColumn:
            return stateName(j.state);
        case MessageColumn:
            return j.message;
        default:
            return {};
        }
    default:
        return {};
    }
}

QVariant FileJobModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case FileColumn:
        return tr("File");
    case DirectionColumn:
        return tr("Action");
    case ProgressColumn:
        return tr("Progress");
    case SpeedColumn:
        return tr("Speed");
    case StateColumn:
        return tr("State");
    case MessageColumn:
        return tr("Result");
    default:
        return {};
    }
}

quint64 FileJobModel::addJob(const QString &inputPath, const QString &outputPath, FileJob::Direction direction)
{
    FileJob j;
    j.id = m_nextId++;
    j.inputPath = inputPath;
    j.outputPath = outputPath;
    j.direction = direction;
    j.bytesTotal = QFileInfo(inputPath).size();
    beginInsertRows({}, int(m_jobs.size()), int(m_jobs.size()));
    m_jobs.append(j);
    endInsertRows();
    Q_EMIT summaryChanged();
    return j.id;
}

quint64 FileJobModel::addFailedJob(const QString &inputPath, FileJob::Direction direction, const QString &message,
                                   const QString &errorType)
{
    const quint64 id = addJob(inputPath, {}, direction);
    finishJob(id, FileJob::State::Failed, message, errorType);
    return id;
}

std::optional<FileJob> FileJobModel::jobAt(int row) const
{
    if (row < 0 || row >= m_jobs.size())
        return std::nullopt;
    return m_jobs[row];
}

std::optional<FileJob> FileJobModel::job(quint64 id) const
{
    return jobAt(indexOf(id));
}

int FileJobModel::indexOf(quint64 id) const
{
    for (int row = 0; row < m_jobs.size(); ++row)
        if (m_jobs[row].id == id)
            return row;
    return -1;
}

void FileJobModel::setRunning(quint64 id)
{
    const int row = indexOf(id);
    if (row < 0 || m_jobs[row].isFinished() || m_jobs[row].state == FileJob::State::Running)
        return;
    m_jobs[row].state = FileJob::State::Running;
    rowChanged(row);
}

void FileJobModel::setProgress(quint64 id, qint64 bytesDone, qint64 bytesTotal, double bytesPerSecond)
{
    const int row = indexOf(id);
    if (row < 0 || m_jobs[row].isFinished())
        return;
    FileJob &j = m_jobs[row];
    j.bytesDone = bytesDone;
    j.bytesTotal = bytesTotal;
    j.bytesPerSecond = bytesPerSecond;
    rowChanged(row);
}

void FileJobModel::finishJob(quint64 id, FileJob::State state, const QString &message, const QString &errorType,
                             const QString &outputPath)
{
    const int row = indexOf(id);
    if (row < 0 || m_jobs[row].isFinished())
        return;
    Q_ASSERT(state == FileJob::State::Done || state == FileJob::State::Failed || state == FileJob::State::Cancelled);
    FileJob &j = m_jobs[row];
    j.state = state;
    j.message = message;
    j.errorType = errorType;
    j.bytesPerSecond = 0;
    if (state == FileJob::State::Done && j.bytesTotal >= 0)
        j.bytesDone = j.bytesTotal;
    if (!outputPath.isEmpty())
        j.outputPath = outputPath;
    rowChanged(row);
}

void FileJobModel::removeFinished()
{
    // Back to front, one contiguous run at a time, so each removal signal names real rows.
    int row = int(m_jobs.size()) - 1;
    bool removed = false;
    while (row >= 0) {
        if (!m_jobs[row].isFinished()) {
            --row;
            continue;
        }
        int first = row;
        while (first > 0 && m_jobs[first - 1].isFinished())
            --first;
        beginRemoveRows({}, first, row);
        m_jobs.remove(first, row - first + 1);
        endRemoveRows();
        removed = true;
        row = first - 1;
    }
    if (removed)
        Q_EMIT summaryChanged();
}

FileJobSummary FileJobModel::summary() const
{
    FileJobSummary s;
    for (const FileJob &j : m_jobs) {
        s.bytesDone += qMax<qint64>(0, j.bytesDone);
        switch (j.state) {
        case FileJob::State::Queued:
            ++s.queued;
            break;
        case FileJob::State::Running:
            ++s.running;
            break;
        case FileJob::State::Done:
            ++s.done;
            break;
        case FileJob::State::Failed:
            ++s.failed;
            break;
        case FileJob::State::Cancelled:
            ++s.cancelled;
            break;
        }
    }
    return s;
}

QString FileJobModel::summaryText(const FileJobSummary &s)
{
    if (s.total() == 0)
        return {};
    QStringList parts{s.total() == 1 ? tr("%1 of 1 file done").arg(s.done)
                                     : tr("%1 of %2 files done").arg(s.done).arg(s.total())};
    if (s.failed)
        parts.append(tr("%1 failed").arg(s.failed));
    if (s.cancelled)
        parts.append(tr("%1 cancelled").arg(s.cancelled));
    if (s.running)
        parts.append(tr("%1 running").arg(s.running));
    if (s.queued)
        parts.append(tr("%1 queued").arg(s.queued));
    return parts.join(QStringLiteral(", ")) + tr(" — %1 processed").arg(formatBytes(double(s.bytesDone)));
}

QString FileJobModel::formatBytes(double bytes)
{
    static const char *const units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    int unit = 0;
    while (bytes >= 1024.0 && unit < 4) {
        bytes /= 1024.0;
        ++unit;
    }
    return unit == 0 ? QStringLiteral("%1 B").arg(qint64(bytes))
                     : QStringLiteral("%1 %2").arg(bytes, 0, 'f', 1).arg(QLatin1StringView(units[unit]));
}

QString FileJobModel::stateName(FileJob::State state)
{
    switch (state) {
    case FileJob::State::Queued:
        return tr("Queued");
    case FileJob::State::Running:
        return tr("Running");
    case FileJob::State::Done:
        return tr("Done");
    case FileJob::State::Failed:
        return tr("Failed");
    case FileJob::State::Cancelled:
        return tr("Cancelled");
    }
    return {};
}

void FileJobModel::rowChanged(int row)
{
    Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
    Q_EMIT summaryChanged();
}

} // namespace qkms::model
