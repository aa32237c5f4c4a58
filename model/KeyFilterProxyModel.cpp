#include "KeyFilterProxyModel.h"

#include "KeyListModel.h"

namespace qkms::model {

KeyFilterProxyModel::KeyFilterProxyModel(QObject *parent) : QSortFilterProxyModel(parent)
{
    setSortRole(KeyListModel::SortRole);
    setSortCaseSensitivity(Qt::CaseInsensitive);
    setDynamicSortFilter(true);
}

void KeyFilterProxyModel::setSourceModel(QAbstractItemModel *source)
{
    m_keys = qobject_cast<KeyListModel *>(source);
    if (source && !m_keys)
        qWarning("KeyFilterProxyModel: the source must be a KeyListModel");
    QSortFilterProxyModel::setSourceModel(m_keys);
}

void KeyFilterProxyModel::setKeyManagerFilter(std::optional<kms::KeyManager> manager)
{
    if (manager == m_manager)
        return;
    m_manager = manager;
    invalidateRowsFilter();
}

void KeyFilterProxyModel::setFilterText(const QString &text)
{
    const QString needle = text.trimmed().toLower();
    if (needle == m_needle)
        return;
    m_needle = needle;
    // invalidate(), not invalidateRowsFilter(): the latter reports every run of rows that
    // appears or disappears as its own insert/remove, which over 100,000 keys and a one-letter
    // change of the search text costs seconds; one layout change costs milliseconds.
    invalidate();
}

kms::KeyRecord KeyFilterProxyModel::keyAt(int row) const
{
    if (!m_keys || row < 0 || row >= rowCount())
        return {};
    return m_keys->keyAt(mapToSource(index(row, 0)).row());
}

QStringList KeyFilterProxyModel::aliasesAt(int row) const
{
    if (!m_keys || row < 0 || row >= rowCount())
        return {};
    return m_keys->aliasesAt(mapToSource(index(row, 0)).row());
}

int KeyFilterProxyModel::indexOf(const QString &keyId) const
{
    if (!m_keys)
        return -1;
    const int sourceRow = m_keys->indexOf(keyId);
    if (sourceRow < 0)
        return -1;
    return mapFromSource(m_keys->index(sourceRow, 0)).row();
}

bool KeyFilterProxyModel::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    if (!m_keys || sourceParent.isValid())
        return false;
    // Straight to the source's rows, not through data(): this runs for every key on every
    // keystroke, and 100,000 QVariants per keystroke is what makes a search box lag.
    if (m_manager && m_keys->keyAt(sourceRow).keyManager != *m_manager)
        return false;
    return m_needle.isEmpty() || m_keys->searchTextAt(sourceRow).contains(m_needle);
}

bool KeyFilterProxyModel::lessThan(const QModelIndex &left, const QModelIndex &right) const
{
    if (!m_keys)
        return false;
    const kms::KeyRecord &a = m_keys->keyAt(left.row());
    const kms::KeyRecord &b = m_keys->keyAt(right.row());
    // Creation order breaks ties, so equal values keep a stable, meaningful order.
    auto byCreation = [&] { return a.creationDate < b.creationDate; };
    switch (left.column()) {
    case KeyListModel::CreatedColumn:
        return a.creationDate != b.creationDate ? a.creationDate < b.creationDate : a.keyId < b.keyId;
    case KeyListModel::KeyIdColumn:
        return a.keyId < b.keyId;
    case KeyListModel::DescriptionColumn: {
        const int c = a.description.compare(b.description, Qt::CaseInsensitive);
        return c != 0 ? c < 0 : byCreation();
    }
    case KeyListModel::AliasesColumn: {
        // Keys without an alias sort after those with one, as in the AWS console.
        const QString x = m_keys->aliasesAt(left.row()).value(0);
        const QString y = m_keys->aliasesAt(right.row()).value(0);
        if (x.isEmpty() != y.isEmpty())
            return !x.isEmpty();
        const int c = x.compare(y, Qt::CaseInsensitive);
        return c != 0 ? c < 0 : byCreation();
    }
    default: {
        const int c = QString::compare(left.data(sortRole()).toString(), right.data(sortRole()).toString(),
                                       Qt::CaseInsensitive);
        return c != 0 ? c < 0 : byCreation();
    }
    }
}

} // namespace qkms::model
