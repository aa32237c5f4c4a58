#include "AuditEventModel.h"

#include "EngineRunner.h"

#include <QColor>

#include <algorithm>
#include <limits>

namespace qkms::model {

namespace {

// A poll reads at most this many new events; when it gets that many it polls again at once.
constexpr int kPollBatch = 5000;

QString timeText(const QDateTime &t)
{
    return t.isValid() ? t.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")) : QString();
}

} // namespace

AuditEventModel::AuditEventModel(EngineRunner *runner, QObject *parent) : QAbstractTableModel(parent), m_runner(runner)
{
    m_timer.setInterval(kDefaultPollMs);
    connect(&m_timer, &QTimer::timeout, this, &AuditEventModel::poll);
    connect(m_runner, &EngineRunner::serviceChanged, this, &AuditEventModel::reload);
    if (m_runner->hasService())
        reload();
}

int AuditEventModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_events.size());
}

int AuditEventModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant AuditEventModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const AuditEvent &e = m_events.at(index.row());
    switch (role) {
    case SeqRole: return e.seq;
    case TimeRole: return e.time;
    case OperationRole: return e.operation;
    case PrincipalArnRole: return e.principalArn;
    case KeyArnRole: return e.keyArn;
    case ErrorCodeRole: return e.errorCode;
    default: break;
    }
    const int column = index.column();
    if (role == SortRole) {
        switch (column) {
        case TimeColumn: return e.seq; // the chain's order, also for events in the same second
        case OperationColumn: return e.operation;
        case PrincipalColumn: return e.principalArn;
        case KeyColumn: return e.keyArn;
        case OutcomeColumn: return e.errorCode;
        case FrontEndColumn: return e.frontEnd;
        default: return {};
        }
    }
    if (role == Qt::DisplayRole) {
        switch (column) {
        case TimeColumn: return timeText(e.time);
        case OperationColumn: return e.operation;
        case PrincipalColumn: return e.principalName();
        case KeyColumn: return e.keyArn.isEmpty() ? QStringLiteral("—") : e.keyId();
        case OutcomeColumn: return e.succeeded() ? tr("Succeeded") : e.errorCode;
        case FrontEndColumn: return e.frontEnd;
        default: return {};
        }
    }
    if (role == Qt::ToolTipRole) {
        switch (column) {
        case TimeColumn: return tr("Event %1 · %2").arg(e.seq).arg(e.time.toString(Qt::ISODate));
        case PrincipalColumn: return e.principalArn;
        case KeyColumn: return e.keyArn;
        case OutcomeColumn: return e.succeeded() ? QVariant() : QVariant(e.errorMessage);
        default: return {};
        }
    }
    if (role == Qt::ForegroundRole) {
        if (column == OutcomeColumn && !e.succeeded())
            return QColor(0xb0, 0x20, 0x20);
        if (column == KeyColumn && e.keyArn.isEmpty())
            return QColor(0x90, 0x90, 0x90);
    }
    return {};
}

QVariant AuditEventModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case TimeColumn: return tr("Time");
    case OperationColumn: return tr("Operation");
    case PrincipalColumn: return tr("Principal");
    case KeyColumn: return tr("Key ID");
    case OutcomeColumn: return tr("Outcome");
    case FrontEndColumn: return tr("Front end");
    default: return {};
    }
}

QHash<int, QByteArray> AuditEventModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractTableModel::roleNames();
    names.insert(SeqRole, "seq");
    names.insert(TimeRole, "eventTime");
    names.insert(OperationRole, "eventName");
    names.insert(PrincipalArnRole, "principalArn");
    names.insert(KeyArnRole, "keyArn");
    names.insert(ErrorCodeRole, "errorCode");
    names.insert(SortRole, "sort");
    return names;
}

const AuditEvent &AuditEventModel::eventAt(int row) const
{
    static const AuditEvent none;
    return row >= 0 && row < m_events.size() ? m_events.at(row) : none;
}

int AuditEventModel::indexOf(qint64 seq) const
{
    // Rows are in strictly decreasing seq order.
    const auto it = std::lower_bound(m_events.cbegin(), m_events.cend(), seq,
                                     [](const AuditEvent &e, qint64 s) { return e.seq > s; });
    return it != m_events.cend() && it->seq == seq ? static_cast<int>(it - m_events.cbegin()) : -1;
}

QStringList AuditEventModel::operations() const
{
    return m_operations;
}

void AuditEventModel::setPollInterval(int milliseconds)
{
    m_timer.setInterval(milliseconds);
}

void AuditEventModel::setPageSize(int size)
{
    m_pageSize = std::clamp(size, 1, 10000);
}

bool AuditEventModel::canFetchMore(const QModelIndex &parent) const
{
    return !parent.isValid() && m_loaded && m_hasOlder && !m_failed && m_runner->hasService();
}

void AuditEventModel::fetchMore(const QModelIndex &parent)
{
    // While a read runs the request is dropped, not queued: the view asks again when rows
    // arrive, and a queue would read page after page that nobody scrolled to.
    if (m_busy || !canFetchMore(parent))
        return;
    start(Job::Older);
}

void AuditEventModel::reload()
{
    ++m_generation; // a read still in flight belongs to the old list
    beginResetModel();
    m_events.clear();
    m_headSeq = 0;
    m_hasOlder = m_loaded = m_busy = m_failed = m_pollPending = false;
    endResetModel();
    if (!m_operations.isEmpty()) {
        m_operations.clear();
        Q_EMIT operationsChanged();
    }
    m_error.clear();
    if (!m_runner->hasService()) {
        m_timer.stop();
        return;
    }
    m_timer.start();
    start(Job::Newest);
}

void AuditEventModel::poll()
{
    if (!m_runner->hasService() || !m_loaded)
        return; // the first page is on its way and will include whatever a poll would find
    if (m_busy) {
        m_pollPending = true;
        return;
    }
    start(Job::Poll);
}

void AuditEventModel::start(Job job)
{
    const quint64 generation = m_generation;
    const int limit = job == Job::Poll ? kPollBatch : m_pageSize;
    const qint64 bound = job == Job::Newest ? std::numeric_limits<qint64>::max()
                         : job == Job::Older ? m_events.constLast().seq
                                             : newestSeq();
    m_busy = true;
    const bool queued = m_runner->run(
        this,
        [job, bound, limit](kms::KmsService &service, const kms::Caller &) {
            return job == Job::Poll ? auditlog::newer(service, bound, limit) : auditlog::older(service, bound, limit);
        },
        [this, job, generation](Result<QList<AuditEvent>> events) { arrived(job, std::move(events), generation); });
    if (!queued)
        m_busy = false;
}

void AuditEventModel::arrived(Job job, Result<QList<AuditEvent>> events, quint64 generation)
{
    if (generation != m_generation)
        return; // reload() started over; its own read is in flight
    if (!events) {
        m_error = events.error().toString();
        if (job != Job::Poll)
            m_failed = true; // stop paging until a reload; polls keep trying
        m_loaded = m_loaded || job == Job::Newest;
        finishJob();
        return;
    }
    m_error.clear();
    QList<AuditEvent> &got = *events;
    const int n = static_cast<int>(got.size());
    if (job == Job::Poll) {
        if (n > 0) {
            std::reverse(got.begin(), got.end()); // newer() reads oldest first
            beginInsertRows({}, 0, n - 1);
            got.append(std::move(m_events));
            m_events = std::move(got);
            endInsertRows();
            noteOperations(m_events.mid(0, n));
        }
        if (n == kPollBatch)
            m_pollPending = true; // more are waiting
    } else {
        if (n > 0) {
            const int first = static_cast<int>(m_events.size());
            beginInsertRows({}, first, first + n - 1);
            m_events.append(got);
            endInsertRows();
            noteOperations(got);
        }
        m_hasOlder = n == m_pageSize && m_events.constLast().seq > 1;
        m_loaded = true;
    }
    finishJob();
}

void AuditEventModel::noteOperations(const QList<AuditEvent> &events)
{
    bool added = false;
    for (const AuditEvent &e : events) {
        if (e.operation.isEmpty())
            continue;
        const auto it = std::lower_bound(m_operations.begin(), m_operations.end(), e.operation);
        if (it != m_operations.end() && *it == e.operation)
            continue;
        m_operations.insert(it, e.operation);
        added = true;
    }
    if (added)
        Q_EMIT operationsChanged();
}

void AuditEventModel::finishJob()
{
    m_busy = false;
    Q_EMIT loaded();
    if (m_pollPending) {
        m_pollPending = false;
        poll();
    }
}

} // namespace qkms::model
