#include "KeyListModel.h"

#include "EngineRunner.h"
#include "KeyText.h"

#include <QColor>

namespace qkms::model {

KeyListModel::KeyListModel(EngineRunner *runner, QObject *parent) : QAbstractTableModel(parent), m_runner(runner)
{
    connect(m_runner, &EngineRunner::serviceChanged, this, &KeyListModel::reload);
    if (m_runner->hasService())
        reload();
}

int KeyListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int KeyListModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant KeyListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row &row = m_rows.at(index.row());
    const kms::KeyRecord &k = row.key;
    switch (role) {
    case KeyIdRole:
        return k.keyId;
    case KeyArnRole:
        return k.arn;
    case KeyStateRole:
        return kms::toString(k.keyState);
    case KeyManagerRole:
        return kms::toString(k.keyManager);
    case AliasesRole:
        return row.aliases;
    default:
        break;
    }
    const int column = index.column();
    if (role == Qt::DisplayRole || role == SortRole) {
        switch (column) {
        case AliasesColumn:
            if (role == SortRole)
                return row.aliases.value(0);
            return row.aliases.isEmpty() ? QStringLiteral("—") : row.aliases.join(QStringLiteral(", "));
        case KeyIdColumn: return k.keyId;
        case StatusColumn: return text::keyState(k.keyState);
        case KeySpecColumn: return kms::toString(k.keySpec);
        case KeyUsageColumn: return text::keyUsage(k.keyUsage);
        case OriginColumn: return kms::toString(k.origin);
        case CreatedColumn:
            return role == SortRole ? QVariant(k.creationDate) : QVariant(text::dateTime(k.creationDate));
        case DescriptionColumn: return k.description;
        default: return {};
        }
    }
    if (role == Qt::ToolTipRole) {
        switch (column) {
        case AliasesColumn: return row.aliases.join(u'\n');
        case KeyIdColumn: return k.arn;
        case StatusColumn: return text::keyStateExplanation(k);
        case CreatedColumn: return k.creationDate.toUTC().toString(Qt::ISODate);
        case DescriptionColumn: return k.description;
        default: return {};
        }
    }
    if (role == Qt::ForegroundRole) {
        if (column == StatusColumn && k.keyState == kms::KeyState::PendingDeletion)
            return QColor(0xb0, 0x20, 0x20);
        if (column == StatusColumn && k.keyState != kms::KeyState::Enabled)
            return QColor(0x70, 0x70, 0x70);
        if (column == AliasesColumn && row.aliases.isEmpty())
            return QColor(0x90, 0x90, 0x90);
        return {};
    }
    return {};
}

QVariant KeyListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case AliasesColumn: return tr("Aliases");
    case KeyIdColumn: return tr("Key ID");
    case StatusColumn: return tr("Status");
    case KeySpecColumn: return tr("Key spec");
    case KeyUsageColumn: return tr("Key usage");
    case OriginColumn: return tr("Origin");
    case CreatedColumn: return tr("Created");
    case DescriptionColumn: return tr("Description");
    default: return {};
    }
}

QHash<int, QByteArray> KeyListModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractTableModel::roleNames();
    names.insert(KeyIdRole, "keyId");
    names.insert(KeyArnRole, "keyArn");
    names.insert(KeyStateRole, "keyState");
    names.insert(KeyManagerRole, "keyManager");
    names.insert(AliasesRole, "aliases");
    names.insert(SortRole, "sort");
    return names;
}

const kms::KeyRecord &KeyListModel::keyAt(int row) const
{
    static const kms::KeyRecord none;
    return row >= 0 && row < m_rows.size() ? m_rows.at(row).key : none;
}

QStringList KeyListModel::aliasesAt(int row) const
{
    return row >= 0 && row < m_rows.size() ? m_rows.at(row).aliases : QStringList();
}

int KeyListModel::indexOf(const QString &keyId) const
{
    return m_rowOf.value(keyId, -1);
}

QString KeyListModel::searchTextAt(int row) const
{
    return row >= 0 && row < m_rows.size() ? m_rows.at(row).searchText : QString();
}

void KeyListModel::setPageSize(int size)
{
    m_pageSize = std::clamp(size, 1, kDefaultPageSize);
}

bool KeyListModel::canFetchMore(const QModelIndex &parent) const
{
    return !parent.isValid() && m_runner->hasService() && !m_failed && (!m_started || m_nextMarker.has_value());
}

void KeyListModel::fetchMore(const QModelIndex &parent)
{
    if (parent.isValid() || m_busy || !canFetchMore(parent))
        return;
    startFetch();
}

void KeyListModel::fetchAll()
{
    m_fetchAll = true;
    if (!m_busy && canFetchMore({}))
        startFetch();
}

void KeyListModel::reload()
{
    ++m_generation; // a read still in flight belongs to the old list
    beginResetModel();
    m_rows.clear();
    m_rowOf.clear();
    m_nextMarker.reset();
    m_started = m_busy = m_failed = m_refreshPending = m_fetchAll = false;
    endResetModel();
    setError({});
    if (m_runner->hasService())
        startFetch();
}

void KeyListModel::refresh()
{
    if (!m_runner->hasService())
        return;
    if (m_busy) {
        m_refreshPending = true;
        return;
    }
    if (!m_started) {
        startFetch();
        return;
    }
    startRefresh();
}

void KeyListModel::startFetch()
{
    m_started = true;
    m_busy = true;
    const QString marker = m_nextMarker.value_or(QString());
    const int limit = m_pageSize;
    const quint64 generation = m_generation;
    const bool queued = m_runner->run(
        this,
        [marker, limit](kms::KmsService &service, const kms::Caller &caller) {
            return catalog::fetchPage(service, caller, marker, limit);
        },
        [this, generation](Result<KeyPage> page) {
            if (generation == m_generation)
                pageArrived(std::move(page));
        });
    if (!queued)
        m_busy = false;
}

void KeyListModel::startRefresh()
{
    // After a failure the end of the list is unknown: read one page rather than everything.
    const bool toEnd = !m_nextMarker && !m_failed;
    const int minimum = static_cast<int>(m_rows.size());
    const int pageSize = m_pageSize;
    const quint64 generation = m_generation;
    m_busy = true;
    m_failed = false;
    const bool queued = m_runner->run(
        this,
        [minimum, toEnd, pageSize](kms::KmsService &service, const kms::Caller &caller) {
            return catalog::fetchPrefix(service, caller, minimum, toEnd, pageSize);
        },
        [this, generation](Result<KeyPage> page) { refreshArrived(std::move(page), generation); });
    if (!queued)
        m_busy = false;
}

void KeyListModel::pageArrived(Result<KeyPage> page)
{
    if (!page) {
        // The marker key was deleted between two pages: re-read the loaded range instead.
        if (page.error().type == errors::InvalidMarker)
            m_refreshPending = true;
        else
            m_failed = true;
        setError(page.error().toString());
        finishJob();
        return;
    }
    setError({});
    QList<Row> rows;
    rows.reserve(page->rows.size());
    for (KeyRow &r : page->rows) {
        if (!m_rowOf.contains(r.key.keyId))
            rows.append(makeRow(std::move(r)));
    }
    if (!rows.isEmpty()) {
        const int first = static_cast<int>(m_rows.size());
        beginInsertRows({}, first, first + static_cast<int>(rows.size()) - 1);
        m_rows.append(std::move(rows));
        rebuildIndex(first);
        endInsertRows();
    }
    m_nextMarker = page->nextMarker;
    finishJob();
}

void KeyListModel::refreshArrived(Result<KeyPage> page, quint64 generation)
{
    if (generation != m_generation)
        return;
    if (!page) {
        m_failed = true;
        setError(page.error().toString());
        finishJob();
        return;
    }
    setError({});
    QList<Row> fresh;
    fresh.reserve(page->rows.size());
    for (KeyRow &r : page->rows)
        fresh.append(makeRow(std::move(r)));
    applyDiff(std::move(fresh));
    m_nextMarker = page->nextMarker;
    finishJob();
}

void KeyListModel::finishJob()
{
    m_busy = false;
    Q_EMIT loaded();
    if (m_refreshPending) {
        m_refreshPending = false;
        startRefresh();
    } else if (m_fetchAll && canFetchMore({})) {
        startFetch();
    } else if (m_fetchAll && !m_nextMarker) {
        m_fetchAll = false;
    }
}

void KeyListModel::setError(const QString &text)
{
    if (text == m_error)
        return;
    m_error = text;
    Q_EMIT errorChanged(m_error);
}

KeyListModel::Row KeyListModel::makeRow(KeyRow &&r)
{
    Row row{std::move(r.key), std::move(r.aliases), {}};
    row.searchText = (row.aliases.join(u' ') + u' ' + row.key.keyId + u' ' + row.key.description).toLower();
    return row;
}

bool KeyListModel::sameRow(const Row &a, const Row &b)
{
    const kms::KeyRecord &x = a.key;
    const kms::KeyRecord &y = b.key;
    return a.aliases == b.aliases && x.keyState == y.keyState && x.description == y.description
           && x.deletionDate == y.deletionDate && x.pendingDeletionWindowInDays == y.pendingDeletionWindowInDays
           && x.keySpec == y.keySpec && x.keyUsage == y.keyUsage && x.origin == y.origin
           && x.keyManager == y.keyManager && x.creationDate == y.creationDate && x.validTo == y.validTo
           && x.currentVersion == y.currentVersion && x.currentMaterialId == y.currentMaterialId;
}

void KeyListModel::rebuildIndex(int fromRow)
{
    for (int i = fromRow; i < m_rows.size(); ++i)
        m_rowOf.insert(m_rows.at(i).key.keyId, i);
}

} // namespace qkms::model
