#include "ScheduleModel.h"

#include "EngineRunner.h"
#include "KeyText.h"
#include "kms/KmsService.h"
#include "store/Database.h"
#include "vault/Vault.h"

#include <QColor>
#include <QSet>

namespace qkms::model {

bool ScheduleEntry::operator==(const ScheduleEntry &o) const
{
    const kms::KeySchedule &a = schedule;
    const kms::KeySchedule &b = o.schedule;
    return a.keyId == b.keyId && a.keyArn == b.keyArn && a.keyManager == b.keyManager && a.keyState == b.keyState
           && a.rotatable == b.rotatable && a.rotationEnabled == b.rotationEnabled && a.periodDays == b.periodDays
           && a.lastRotation == b.lastRotation && a.nextRotation == b.nextRotation && a.deletionDate == b.deletionDate
           && a.daysLeft == b.daysLeft && aliases == o.aliases && daysToRotation == o.daysToRotation;
}

namespace schedules {

int daysUntil(const QDateTime &now, const QDateTime &t)
{
    const qint64 secs = now.secsTo(t);
    return secs <= 0 ? 0 : static_cast<int>((secs + 86399) / 86400);
}

QString dayCount(int days)
{
    return days == 1 ? ScheduleModel::tr("1 day") : ScheduleModel::tr("%1 days").arg(days);
}

Result<QHash<QString, QStringList>> aliasesByKey(kms::KmsService &service)
{
    auto q = service.database().prepare(
        QStringLiteral("SELECT key_id, alias_name FROM aliases WHERE key_id IS NOT NULL ORDER BY alias_name"));
    if (!q)
        return std::unexpected(q.error());
    QHash<QString, QStringList> out;
    while (true) {
        auto row = q->step();
        if (!row)
            return std::unexpected(row.error());
        if (!*row)
            break;
        out[q->columnText(0)].append(q->columnText(1));
    }
    return out;
}

Result<QList<ScheduleEntry>> load(kms::KmsService &service)
{
    kms::Scheduler scheduler(service);
    auto keys = scheduler.keySchedules(true);
    if (!keys)
        return std::unexpected(keys.error());
    auto aliases = aliasesByKey(service);
    if (!aliases)
        return std::unexpected(aliases.error());
    const QDateTime now = service.vault().clock().now();
    QList<ScheduleEntry> out;
    out.reserve(keys->size());
    for (kms::KeySchedule &k : *keys) {
        ScheduleEntry e;
        e.aliases = aliases->value(k.keyId);
        if (k.nextRotation)
            e.daysToRotation = daysUntil(now, *k.nextRotation);
        e.schedule = std::move(k);
        out.append(std::move(e));
    }
    return out;
}

} // namespace schedules

namespace {

QString rotationText(const ScheduleEntry &e)
{
    const kms::KeySchedule &s = e.schedule;
    if (!s.rotatable)
        return ScheduleModel::tr("Not supported");
    if (!s.rotationEnabled)
        return ScheduleModel::tr("Off");
    return e.awsManaged() ? ScheduleModel::tr("On (AWS managed)") : ScheduleModel::tr("On");
}

QString nextRotationText(const ScheduleEntry &e)
{
    const kms::KeySchedule &s = e.schedule;
    if (s.nextRotation)
        return text::dateTime(*s.nextRotation);
    if (!s.rotationEnabled)
        return QStringLiteral("—");
    // On, but the engine gives no date: the key is not enabled, and disabled keys do not rotate.
    return s.keyState == kms::KeyState::PendingDeletion ? ScheduleModel::tr("Paused: pending deletion")
                                                        : ScheduleModel::tr("Paused: key disabled");
}

QString daysText(int days)
{
    return days == 0 ? ScheduleModel::tr("due now") : schedules::dayCount(days);
}

} // namespace

ScheduleModel::ScheduleModel(EngineRunner *runner, QObject *parent) : QAbstractTableModel(parent), m_runner(runner)
{
    connect(m_runner, &EngineRunner::serviceChanged, this, &ScheduleModel::reload);
    if (m_runner->hasService())
        reload();
}

int ScheduleModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int ScheduleModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ScheduleModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const ScheduleEntry &e = m_rows.at(index.row());
    const kms::KeySchedule &s = e.schedule;
    switch (role) {
    case KeyIdRole: return s.keyId;
    case RotatableRole: return s.rotatable;
    case PendingDeletionRole: return s.deletionDate.has_value();
    default: break;
    }
    const int column = index.column();
    if (role == SortRole) {
        switch (column) {
        case KeyColumn: return e.label();
        case KeyIdColumn: return s.keyId;
        case RotationColumn: return rotationText(e);
        case PeriodColumn: return s.rotationEnabled ? QVariant(s.periodDays.value_or(0)) : QVariant(0);
        case LastRotationColumn: return s.lastRotation ? QVariant(*s.lastRotation) : QVariant(QDateTime());
        case NextRotationColumn: return s.nextRotation ? QVariant(*s.nextRotation) : QVariant(QDateTime());
        case DaysLeftColumn: return e.daysToRotation.value_or(-1);
        case DeletionColumn: return s.deletionDate ? QVariant(*s.deletionDate) : QVariant(QDateTime());
        default: return {};
        }
    }
    if (role == Qt::DisplayRole) {
        switch (column) {
        case KeyColumn: return e.aliases.isEmpty() ? s.keyId : e.aliases.join(QStringLiteral(", "));
        case KeyIdColumn: return s.keyId;
        case RotationColumn: return rotationText(e);
        case PeriodColumn:
            return s.rotationEnabled && s.periodDays ? schedules::dayCount(*s.periodDays) : QStringLiteral("—");
        case LastRotationColumn: return s.lastRotation ? text::dateTime(*s.lastRotation) : tr("Never");
        case NextRotationColumn: return nextRotationText(e);
        case DaysLeftColumn: return e.daysToRotation ? daysText(*e.daysToRotation) : QStringLiteral("—");
        case DeletionColumn:
            if (!s.deletionDate)
                return QStringLiteral("—");
            return tr("%1 (%2 left)").arg(text::dateTime(*s.deletionDate), daysText(s.daysLeft.value_or(0)));
        default: return {};
        }
    }
    if (role == Qt::ToolTipRole) {
        switch (column) {
        case KeyColumn:
        case KeyIdColumn: return s.keyArn;
        case RotationColumn:
            if (!s.rotatable)
                return tr("Only symmetric encryption keys whose key material KMS made can rotate.");
            if (e.awsManaged())
                return tr("AWS managed keys rotate every 365 days; the rotation cannot be switched off.");
            return {};
        case DeletionColumn:
            return s.deletionDate ? tr("The key and all its key material are destroyed on %1 unless the deletion is "
                                       "cancelled.")
                                        .arg(s.deletionDate->toUTC().toString(Qt::ISODate))
                                  : QVariant();
        default: return {};
        }
    }
    if (role == Qt::ForegroundRole) {
        if (column == DeletionColumn && s.deletionDate)
            return QColor(0xb0, 0x20, 0x20);
        if ((column == RotationColumn && !s.rotatable) || (column == NextRotationColumn && !s.nextRotation))
            return QColor(0x70, 0x70, 0x70);
    }
    return {};
}

QVariant ScheduleModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case KeyColumn: return tr("Key");
    case KeyIdColumn: return tr("Key ID");
    case RotationColumn: return tr("Automatic rotation");
    case PeriodColumn: return tr("Period");
    case LastRotationColumn: return tr("Last rotation");
    case NextRotationColumn: return tr("Next rotation");
    case DaysLeftColumn: return tr("Days left");
    case DeletionColumn: return tr("Deletion");
    default: return {};
    }
}

QHash<int, QByteArray> ScheduleModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractTableModel::roleNames();
    names.insert(KeyIdRole, "keyId");
    names.insert(RotatableRole, "rotatable");
    names.insert(PendingDeletionRole, "pendingDeletion");
    names.insert(SortRole, "sort");
    return names;
}

const ScheduleEntry &ScheduleModel::entryAt(int row) const
{
    static const ScheduleEntry none;
    return row >= 0 && row < m_rows.size() ? m_rows.at(row) : none;
}

int ScheduleModel::indexOf(const QString &keyId) const
{
    return m_rowOf.value(keyId, -1);
}

void ScheduleModel::reload()
{
    ++m_generation;
    beginResetModel();
    m_rows.clear();
    m_rowOf.clear();
    m_busy = m_loaded = m_refreshPending = false;
    endResetModel();
    m_error.clear();
    if (m_runner->hasService())
        start();
}

void ScheduleModel::refresh()
{
    if (!m_runner->hasService())
        return;
    if (m_busy) {
        m_refreshPending = true;
        return;
    }
    start();
}

void ScheduleModel::start()
{
    m_busy = true;
    const quint64 generation = m_generation;
    const bool queued = m_runner->run(
        this, [](kms::KmsService &service, const kms::Caller &) { return schedules::load(service); },
        [this, generation](Result<QList<ScheduleEntry>> fresh) { arrived(std::move(fresh), generation); });
    if (!queued)
        m_busy = false;
}

void ScheduleModel::arrived(Result<QList<ScheduleEntry>> fresh, quint64 generation)
{
    if (generation != m_generation)
        return;
    if (fresh) {
        m_error.clear();
        applyDiff(std::move(*fresh));
    } else {
        m_error = fresh.error().toString();
    }
    m_loaded = true;
    m_busy = false;
    Q_EMIT loaded();
    if (m_refreshPending) {
        m_refreshPending = false;
        start();
    }
}

void ScheduleModel::applyDiff(QList<ScheduleEntry> fresh)
{
    QSet<QString> freshIds;
    freshIds.reserve(fresh.size());
    for (const ScheduleEntry &e : std::as_const(fresh))
        freshIds.insert(e.schedule.keyId);
    // Both lists are in creation order, so the keys they share appear in the same order; if
    // they somehow do not, a reset is the honest answer.
    QStringList kept, keptFresh;
    for (const ScheduleEntry &e : std::as_const(m_rows))
        if (freshIds.contains(e.schedule.keyId))
            kept.append(e.schedule.keyId);
    for (const ScheduleEntry &e : std::as_const(fresh))
        if (m_rowOf.contains(e.schedule.keyId))
            keptFresh.append(e.schedule.keyId);
    if (kept != keptFresh) {
        beginResetModel();
        m_rows = std::move(fresh);
        rebuildIndex();
        endResetModel();
        return;
    }
    // Removals, back to front, one signal per contiguous run.
    for (int i = static_cast<int>(m_rows.size()) - 1; i >= 0;) {
        if (freshIds.contains(m_rows.at(i).schedule.keyId)) {
            --i;
            continue;
        }
        const int last = i;
        while (i >= 0 && !freshIds.contains(m_rows.at(i).schedule.keyId))
            --i;
        beginRemoveRows({}, i + 1, last);
        m_rows.remove(i + 1, last - i);
        rebuildIndex(); // before the signal: its receivers may ask indexOf()
        endRemoveRows();
    }
    // Insertions and changes, front to back: m_rows is now a subsequence of fresh.
    int r = 0;
    for (int f = 0; f < fresh.size();) {
        if (r < m_rows.size() && m_rows.at(r).schedule.keyId == fresh.at(f).schedule.keyId) {
            if (!(m_rows.at(r) == fresh.at(f))) {
                m_rows[r] = std::move(fresh[f]);
                Q_EMIT dataChanged(index(r, 0), index(r, ColumnCount - 1));
            }
            ++r;
            ++f;
            continue;
        }
        const int start = f;
        while (f < fresh.size() && (r >= m_rows.size() || fresh.at(f).schedule.keyId != m_rows.at(r).schedule.keyId))
            ++f;
        beginInsertRows({}, r, r + (f - start) - 1);
        for (int k = start; k < f; ++k)
            m_rows.insert(r + (k - start), std::move(fresh[k]));
        rebuildIndex();
        endInsertRows();
        r += f - start;
    }
}

void ScheduleModel::rebuildIndex()
{
    m_rowOf.clear();
    m_rowOf.reserve(m_rows.size());
    for (int i = 0; i < m_rows.size(); ++i)
        m_rowOf.insert(m_rows.at(i).schedule.keyId, i);
}

} // namespace qkms::model
