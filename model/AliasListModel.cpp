#include "AliasListModel.h"

#include "EngineRunner.h"
#include "KeyText.h"
#include "kms/AliasNames.h"
#include "kms/KmsService.h"
#include "store/Database.h"

#include <QColor>
#include <QSet>

namespace qkms::model {

namespace {

QString searchText(const AliasInfo &a)
{
    return (a.aliasName + u' ' + a.targetKeyId + u' ' + a.targetDescription).toLower();
}

QString targetType(const AliasInfo &a)
{
    return kms::toString(a.targetKeySpec) + QStringLiteral(" · ") + text::keyUsage(a.targetKeyUsage);
}

} // namespace

AliasListModel::AliasListModel(EngineRunner *runner, QObject *parent) : QAbstractTableModel(parent), m_runner(runner)
{
    connect(m_runner, &EngineRunner::serviceChanged, this, &AliasListModel::reload);
    if (m_runner->hasService())
        reload();
}

int AliasListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int AliasListModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant AliasListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const AliasInfo &a = m_rows.at(index.row());
    switch (role) {
    case AliasNameRole: return a.aliasName;
    case AliasArnRole: return a.aliasArn;
    case TargetKeyIdRole: return a.targetKeyId;
    case ReadOnlyRole: return a.isAwsManaged();
    default: break;
    }
    const int column = index.column();
    if (role == Qt::DisplayRole || role == SortRole) {
        switch (column) {
        case AliasNameColumn: return a.aliasName;
        case TargetKeyColumn: return a.targetKeyId;
        case TargetTypeColumn: return targetType(a);
        case CreatedColumn:
            return role == SortRole ? QVariant(a.creationDate) : QVariant(text::dateTime(a.creationDate));
        case UpdatedColumn:
            return role == SortRole ? QVariant(a.lastUpdatedDate) : QVariant(text::dateTime(a.lastUpdatedDate));
        default: return {};
        }
    }
    if (role == Qt::ToolTipRole) {
        switch (column) {
        case AliasNameColumn:
            return a.isAwsManaged() ? tr("%1\nAn AWS managed alias: read-only.").arg(a.aliasArn) : a.aliasArn;
        case TargetKeyColumn:
            return a.targetDescription.isEmpty()
                       ? text::keyState(a.targetKeyState)
                       : tr("%1\n%2").arg(a.targetDescription, text::keyState(a.targetKeyState));
        case CreatedColumn: return a.creationDate.toUTC().toString(Qt::ISODate);
        case UpdatedColumn: return a.lastUpdatedDate.toUTC().toString(Qt::ISODate);
        default: return {};
        }
    }
    if (role == Qt::ForegroundRole && a.isAwsManaged())
        return QColor(0x5f, 0x63, 0x68);
    return {};
}

QVariant AliasListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case AliasNameColumn: return tr("Alias");
    case TargetKeyColumn: return tr("Target key ID");
    case TargetTypeColumn: return tr("Target key type");
    case CreatedColumn: return tr("Created");
    case UpdatedColumn: return tr("Updated");
    default: return {};
    }
}

QHash<int, QByteArray> AliasListModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractTableModel::roleNames();
    names.insert(AliasNameRole, "aliasName");
    names.insert(AliasArnRole, "aliasArn");
    names.insert(TargetKeyIdRole, "targetKeyId");
    names.insert(ReadOnlyRole, "readOnly");
    names.insert(SortRole, "sort");
    return names;
}

const AliasInfo &AliasListModel::aliasAt(int row) const
{
    static const AliasInfo none;
    return row >= 0 && row < m_rows.size() ? m_rows.at(row) : none;
}

int AliasListModel::indexOf(const QString &aliasName) const
{
    return m_rowOf.value(aliasName, -1);
}

QString AliasListModel::searchTextAt(int row) const
{
    return row >= 0 && row < m_search.size() ? m_search.at(row) : QString();
}

void AliasListModel::reload()
{
    ++m_generation;
    beginResetModel();
    m_rows.clear();
    m_search.clear();
    m_rowOf.clear();
    m_busy = m_loaded = m_refreshPending = false;
    endResetModel();
    setError({});
    if (m_runner->hasService())
        startRead();
}

void AliasListModel::refresh()
{
    if (!m_runner->hasService())
        return;
    if (m_busy) {
        m_refreshPending = true;
        return;
    }
    startRead();
}

void AliasListModel::startRead()
{
    m_busy = true;
    const quint64 generation = m_generation;
    const bool queued = m_runner->run(
        this, [](kms::KmsService &service, const kms::Caller &caller) { return fetch(service, caller); },
        [this, generation](Result<QList<AliasInfo>> rows) { readArrived(std::move(rows), generation); });
    if (!queued)
        m_busy = false;
}

void AliasListModel::readArrived(Result<QList<AliasInfo>> rows, quint64 generation)
{
    if (generation != m_generation)
        return;
    m_busy = false;
    m_loaded = true;
    if (rows) {
        setError({});
        applyDiff(std::move(*rows));
    } else {
        setError(rows.error().toString());
        applyDiff({}); // what the caller may not list, the table does not show
    }
    Q_EMIT loaded();
    if (m_refreshPending) {
        m_refreshPending = false;
        startRead();
    }
}

void AliasListModel::applyDiff(QList<AliasInfo> fresh)
{
    // Both lists are sorted by name (the query's order), so one merge finds every change.
    QSet<QString> freshNames;
    for (const AliasInfo &a : fresh)
        freshNames.insert(a.aliasName);
    for (int i = static_cast<int>(m_rows.size()) - 1; i >= 0; --i) {
        if (freshNames.contains(m_rows.at(i).aliasName))
            continue;
        int first = i;
        while (first > 0 && !freshNames.contains(m_rows.at(first - 1).aliasName))
            --first;
        beginRemoveRows({}, first, i);
        m_rows.remove(first, i - first + 1);
        m_search.remove(first, i - first + 1);
        endRemoveRows();
        i = first;
    }
    int i = 0;
    for (AliasInfo &a : fresh) {
        if (i < m_rows.size() && m_rows.at(i).aliasName == a.aliasName) {
            if (!(m_rows.at(i) == a)) {
                m_search[i] = searchText(a);
                m_rows[i] = std::move(a);
                Q_EMIT dataChanged(index(i, 0), index(i, ColumnCount - 1));
            }
        } else {
            beginInsertRows({}, i, i);
            m_search.insert(i, searchText(a));
            m_rows.insert(i, std::move(a));
            endInsertRows();
        }
        ++i;
    }
    rebuildIndex();
}

void AliasListModel::rebuildIndex()
{
    m_rowOf.clear();
    for (int i = 0; i < m_rows.size(); ++i)
        m_rowOf.insert(m_rows.at(i).aliasName, i);
}

void AliasListModel::setError(const QString &text)
{
    if (text == m_error)
        return;
    m_error = text;
    Q_EMIT errorChanged(m_error);
}

Result<QList<AliasInfo>> AliasListModel::fetch(kms::KmsService &service, const kms::Caller &caller)
{
    // ListAliases decides whether the caller may list aliases at all, and records that it did.
    auto listed = service.listAliases(caller, {}, 1);
    if (!listed)
        return std::unexpected(listed.error());
    auto q = service.database().prepare(QStringLiteral(
        "SELECT a.alias_name, a.key_id, a.created_at, a.updated_at, k.key_spec, k.key_usage, k.key_state, "
        "k.key_manager, k.description FROM aliases a JOIN keys k ON k.key_id = a.key_id ORDER BY a.alias_name"));
    if (!q)
        return std::unexpected(q.error());
    const QString arnPrefix = QStringLiteral("arn:aws:kms:%1:%2:").arg(service.region(), service.accountId());
    QList<AliasInfo> out;
    while (true) {
        auto row = q->step();
        if (!row)
            return std::unexpected(row.error());
        if (!*row)
            break;
        AliasInfo a;
        a.aliasName = q->columnText(0);
        a.aliasArn = arnPrefix + a.aliasName;
        a.targetKeyId = q->columnText(1);
        a.creationDate = QDateTime::fromString(q->columnText(2), Qt::ISODateWithMs);
        a.lastUpdatedDate = QDateTime::fromString(q->columnText(3), Qt::ISODateWithMs);
        a.targetKeySpec = kms::keySpecFromString(q->columnText(4)).value_or(kms::KeySpec::SymmetricDefault);
        a.targetKeyUsage = kms::keyUsageFromString(q->columnText(5)).value_or(kms::KeyUsage::EncryptDecrypt);
        a.targetKeyState = kms::keyStateFromString(q->columnText(6)).value_or(kms::KeyState::Enabled);
        a.targetKeyManager = kms::keyManagerFromString(q->columnText(7)).value_or(kms::KeyManager::Customer);
        a.targetDescription = q->columnText(8);
        out.append(std::move(a));
    }
    return out;
}

Status AliasListModel::validateAliasName(const QString &name)
{
    return kms::validateAliasName(name); // the engine's own rules and words, not a copy
}

bool AliasListModel::canRetargetTo(const AliasInfo &alias, const QString &keyId, kms::KeySpec spec,
                                   kms::KeyUsage usage, kms::KeyManager manager, kms::KeyState state)
{
    // UpdateAlias's own rules: code that used the alias must keep working with the new key.
    return !alias.isAwsManaged() && keyId != alias.targetKeyId && manager == kms::KeyManager::Customer
           && state != kms::KeyState::PendingDeletion && kms::keyClass(spec) == kms::keyClass(alias.targetKeySpec)
           && usage == alias.targetKeyUsage;
}

} // namespace qkms::model
