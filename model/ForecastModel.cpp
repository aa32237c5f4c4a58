#include "ForecastModel.h"

#include "EngineRunner.h"
#include "KeyText.h"
#include "ScheduleModel.h"
#include "kms/KmsService.h"
#include "vault/Vault.h"

#include <QColor>

namespace qkms::model {

namespace schedules {

Result<Forecast> forecast(kms::KmsService &service, int days)
{
    kms::Scheduler scheduler(service);
    auto events = scheduler.forecast(days);
    if (!events)
        return std::unexpected(events.error());
    auto aliases = aliasesByKey(service);
    if (!aliases)
        return std::unexpected(aliases.error());
    Forecast f;
    f.from = service.vault().clock().now();
    f.days = days;
    f.entries.reserve(events->size());
    for (kms::ScheduledEvent &e : *events) {
        const QStringList names = aliases->value(e.keyId);
        QString label = names.isEmpty() ? e.keyId : names.constFirst();
        f.entries.append({std::move(e), std::move(label)});
    }
    return f;
}

} // namespace schedules

ForecastModel::ForecastModel(EngineRunner *runner, QObject *parent) : QAbstractTableModel(parent), m_runner(runner)
{
    connect(m_runner, &EngineRunner::serviceChanged, this, [this] {
        beginResetModel();
        m_rows.clear();
        m_from = {};
        endResetModel();
        m_busy = m_refreshPending = false; // a read of the previous service is dropped by the runner
        m_error.clear();
        refresh();
    });
    refresh();
}

int ForecastModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int ForecastModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ForecastModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const ForecastEntry &f = m_rows.at(index.row());
    const kms::ScheduledEvent &e = f.event;
    const bool deletion = e.kind == kms::ScheduledEvent::Kind::Deletion;
    switch (role) {
    case KeyIdRole: return e.keyId;
    case DueRole: return e.dueAt;
    case IsDeletionRole: return deletion;
    default: break;
    }
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case DateColumn: return text::dateTime(e.dueAt);
        case DaysColumn: return e.daysLeft == 0 ? tr("due now") : tr("in %1").arg(schedules::dayCount(e.daysLeft));
        case KindColumn: return deletion ? tr("Deletion") : e.awsManaged ? tr("Rotation (AWS managed)") : tr("Rotation");
        case KeyColumn: return f.label;
        default: return {};
        }
    }
    if (role == Qt::ToolTipRole && index.column() == KeyColumn)
        return e.keyArn;
    if (role == Qt::ForegroundRole && index.column() == KindColumn && deletion)
        return QColor(0xb0, 0x20, 0x20);
    return {};
}

QVariant ForecastModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case DateColumn: return tr("Date");
    case DaysColumn: return tr("When");
    case KindColumn: return tr("Event");
    case KeyColumn: return tr("Key");
    default: return {};
    }
}

QHash<int, QByteArray> ForecastModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractTableModel::roleNames();
    names.insert(KeyIdRole, "keyId");
    names.insert(DueRole, "dueAt");
    names.insert(IsDeletionRole, "isDeletion");
    return names;
}

const ForecastEntry &ForecastModel::entryAt(int row) const
{
    static const ForecastEntry none;
    return row >= 0 && row < m_rows.size() ? m_rows.at(row) : none;
}

int ForecastModel::indexOf(const QString &keyId) const
{
    for (int i = 0; i < m_rows.size(); ++i)
        if (m_rows.at(i).event.keyId == keyId)
            return i;
    return -1;
}

void ForecastModel::setDays(int days)
{
    days = std::clamp(days, 1, 3650);
    if (days == m_wantedDays)
        return;
    m_wantedDays = days;
    refresh();
}

void ForecastModel::refresh()
{
    if (!m_runner->hasService())
        return;
    if (m_busy) {
        m_refreshPending = true;
        return;
    }
    start();
}

void ForecastModel::start()
{
    m_busy = true;
    const int days = m_wantedDays;
    const bool queued = m_runner->run(
        this, [days](kms::KmsService &service, const kms::Caller &) { return schedules::forecast(service, days); },
        [this](Result<Forecast> f) {
            m_busy = false;
            if (f) {
                m_error.clear();
                beginResetModel();
                m_rows = std::move(f->entries);
                m_from = f->from;
                m_days = f->days;
                endResetModel();
            } else {
                m_error = f.error().toString();
            }
            Q_EMIT loaded();
            if (m_refreshPending) {
                m_refreshPending = false;
                start();
            }
        });
    if (!queued)
        m_busy = false;
}

} // namespace qkms::model
