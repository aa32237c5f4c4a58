#include "AliasFilterProxyModel.h"

namespace qkms::model {

AliasFilterProxyModel::AliasFilterProxyModel(QObject *parent) : QSortFilterProxyModel(parent)
{
    setSortRole(AliasListModel::SortRole);
    setSortCaseSensitivity(Qt::CaseInsensitive);
    setDynamicSortFilter(true);
}

void AliasFilterProxyModel::setSourceModel(QAbstractItemModel *source)
{
    m_aliases = qobject_cast<AliasListModel *>(source);
    if (source && !m_aliases)
        qWarning("AliasFilterProxyModel: the source must be an AliasListModel");
    QSortFilterProxyModel::setSourceModel(m_aliases);
}

void AliasFilterProxyModel::setFilterText(const QString &text)
{
    const QString needle = text.trimmed().toLower();
    if (needle == m_needle)
        return;
    m_needle = needle;
    // One layout change rather than a remove/insert per run of rows (see KeyFilterProxyModel).
    invalidate();
}

AliasInfo AliasFilterProxyModel::aliasAt(int row) const
{
    if (!m_aliases || row < 0 || row >= rowCount())
        return {};
    return m_aliases->aliasAt(mapToSource(index(row, 0)).row());
}

int AliasFilterProxyModel::indexOf(const QString &aliasName) const
{
    if (!m_aliases)
        return -1;
    const int sourceRow = m_aliases->indexOf(aliasName);
    if (sourceRow < 0)
        return -1;
    return mapFromSource(m_aliases->index(sourceRow, 0)).row();
}

bool AliasFilterProxyModel::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    if (!m_aliases || sourceParent.isValid())
        return false;
    return m_needle.isEmpty() || m_aliases->searchTextAt(sourceRow).contains(m_needle);
}

} // namespace qkms::model
