#include "ScheduleFilterProxyModel.h"

namespace qkms::model {

ScheduleFilterProxyModel::ScheduleFilterProxyModel(QObject *parent) : QSortFilterProxyModel(parent)
{
    setSortRole(ScheduleModel::SortRole);
    setSortCaseSensitivity(Qt::CaseInsensitive);
    setDynamicSortFilter(true);
}

void ScheduleFilterProxyModel::setSourceModel(QAbstractItemModel *source)
{
    m_schedules = qobject_cast<ScheduleModel *>(source);
    if (source && !m_schedules)
        qWarning("ScheduleFilterProxyModel: the source must be a ScheduleModel");
    QSortFilterProxyModel::setSourceModel(m_schedules);
}

void ScheduleFilterProxyModel::setShowUnrotatable(bool show)
{
    if (show == m_showUnrotatable)
        return;
    m_showUnrotatable = show;
    invalidateRowsFilter();
}

void ScheduleFilterProxyModel::setFilterText(const QString &text)
{
    const QString needle = text.trimmed();
    if (needle == m_needle)
        return;
    m_needle = needle;
    invalidateRowsFilter();
}

ScheduleEntry ScheduleFilterProxyModel::entryAt(int row) const
{
    if (!m_schedules || row < 0 || row >= rowCount())
        return {};
    return m_schedules->entryAt(mapToSource(index(row, 0)).row());
}

int ScheduleFilterProxyModel::indexOf(const QString &keyId) const
{
    if (!m_schedules)
        return -1;
    const int sourceRow = m_schedules->indexOf(keyId);
    if (sourceRow < 0)
        return -1;
    return mapFromSource(m_schedules->index(sourceRow, 0)).row();
}

bool ScheduleFilterProxyModel::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    if (!m_schedules || sourceParent.isValid())
        return false;
    const ScheduleEntry &e = m_schedules->entryAt(sourceRow);
    if (!m_showUnrotatable && !e.schedule.rotatable && !e.schedule.deletionDate)
        return false;
    if (m_needle.isEmpty() || e.schedule.keyId.contains(m_needle, Qt::CaseInsensitive))
        return true;
    for (const QString &alias : e.aliases)
        if (alias.contains(m_needle, Qt::CaseInsensitive))
            return true;
    return false;
}

bool ScheduleFilterProxyModel::lessThan(const QModelIndex &left, const QModelIndex &right) const
{
    const QVariant a = left.data(sortRole());
    const QVariant b = right.data(sortRole());
    // Empty dates and "no days left" sort after real values (in ascending order); ties keep
    // creation order (the source order).
    const bool aNone = (a.typeId() == QMetaType::QDateTime && !a.toDateTime().isValid())
                       || (a.typeId() == QMetaType::Int && a.toInt() < 0);
    const bool bNone = (b.typeId() == QMetaType::QDateTime && !b.toDateTime().isValid())
                       || (b.typeId() == QMetaType::Int && b.toInt() < 0);
    if (aNone != bNone)
        return bNone;
    const QPartialOrdering order = QVariant::compare(a, b);
    if (order == QPartialOrdering::Less)
        return true;
    if (order == QPartialOrdering::Greater)
        return false;
    return left.row() < right.row();
}

} // namespace qkms::model
