#include "RegionListModel.h"

#include "core/Regions.h"

#include <QFont>

namespace qkms::model {

RegionListModel::RegionListModel(QObject *parent) : QAbstractListModel(parent), m_regions(awsRegions()) {}

int RegionListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_regions.size());
}

QVariant RegionListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const QString &region = m_regions.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
    case RegionRole:
        return region;
    case InUseRole:
        return m_inUse.contains(region);
    case Qt::FontRole:
        if (m_inUse.contains(region)) {
            QFont f;
            f.setBold(true);
            return f;
        }
        return {};
    case Qt::ToolTipRole:
        return m_inUse.contains(region) ? tr("%1 has keys in this vault").arg(region)
                                        : tr("%1 has no file in this vault yet; choosing it creates one").arg(region);
    default:
        return {};
    }
}

QHash<int, QByteArray> RegionListModel::roleNames() const
{
    return {{Qt::DisplayRole, "display"}, {RegionRole, "region"}, {InUseRole, "inUse"}};
}

QString RegionListModel::regionAt(int row) const
{
    return row >= 0 && row < m_regions.size() ? m_regions.at(row) : QString();
}

int RegionListModel::indexOf(const QString &region) const
{
    return static_cast<int>(m_regions.indexOf(region));
}

void RegionListModel::setRegionsInUse(const QStringList &regions)
{
    const QSet<QString> next(regions.begin(), regions.end());
    for (int row = 0; row < m_regions.size(); ++row) {
        const QString &r = m_regions.at(row);
        if (m_inUse.contains(r) != next.contains(r)) {
            m_inUse = next.contains(r) ? m_inUse + QSet<QString>{r} : m_inUse - QSet<QString>{r};
            const QModelIndex i = index(row);
            Q_EMIT dataChanged(i, i, {InUseRole, Qt::FontRole, Qt::ToolTipRole});
        }
    }
    m_inUse = next;
}

} // namespace qkms::model
