#include "PrincipalListModel.h"

#include "EngineRunner.h"
#include "KeyText.h"
#include "kms/KmsService.h"

#include <QSet>

namespace qkms::model {

namespace {

bool samePrincipal(const iam::Principal &a, const iam::Principal &b)
{
    return a.kind == b.kind && a.name == b.name && a.arn == b.arn && a.principalId == b.principalId
           && a.trustPolicy == b.trustPolicy && a.createDate == b.createDate;
}

} // namespace

PrincipalListModel::PrincipalListModel(EngineRunner *runner, int pollMs, QObject *parent)
    : QAbstractTableModel(parent), m_runner(runner)
{
    connect(m_runner, &EngineRunner::serviceChanged, this, &PrincipalListModel::serviceChanged);
    m_poll.setInterval(pollMs);
    connect(&m_poll, &QTimer::timeout, this, &PrincipalListModel::refresh);
    if (m_runner->hasService())
        reload();
}

int PrincipalListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int PrincipalListModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString PrincipalListModel::label(const iam::Principal &p)
{
    if (p.kind == iam::PrincipalKind::Root)
        return tr("root (account %1)").arg(p.principalId);
    return iam::PrincipalStore::kindName(p.kind) + u'/' + p.name;
}

QVariant PrincipalListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const iam::Principal &p = m_rows.at(index.row());
    switch (role) {
    case ArnRole: return p.arn;
    case KindRole: return static_cast<int>(p.kind);
    case NameRole: return p.name;
    case Qt::ToolTipRole: return p.arn;
    default: break;
    }
    if (role != Qt::DisplayRole && role != SortRole)
        return {};
    switch (index.column()) {
    case NameColumn: return label(p);
    case KindColumn:
        switch (p.kind) {
        case iam::PrincipalKind::Root: return tr("Account root");
        case iam::PrincipalKind::User: return tr("IAM user");
        case iam::PrincipalKind::Role: return tr("IAM role");
        }
        return {};
    case ArnColumn: return p.arn;
    case CreatedColumn:
        return role == SortRole ? QVariant(p.createDate) : QVariant(text::dateTime(p.createDate));
    default: return {};
    }
}

QVariant PrincipalListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case NameColumn: return tr("Principal");
    case KindColumn: return tr("Type");
    case ArnColumn: return tr("ARN");
    case CreatedColumn: return tr("Created");
    default: return {};
    }
}

QHash<int, QByteArray> PrincipalListModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractTableModel::roleNames();
    names.insert(ArnRole, "arn");
    names.insert(KindRole, "kind");
    names.insert(NameRole, "name");
    names.insert(SortRole, "sort");
    return names;
}

const iam::Principal &PrincipalListModel::principalAt(int row) const
{
    static const iam::Principal none;
    return row >= 0 && row < m_rows.size() ? m_rows.at(row) : none;
}

int PrincipalListModel::indexOf(const QString &arn) const
{
    return m_rowOf.value(arn, -1);
}

void PrincipalListModel::serviceChanged()
{
    // A new caller lists the same principals: keep the rows (and the selector's choice).
    if (m_runner->serviceGeneration() == m_serviceGeneration && m_runner->hasService())
        return;
    reload();
}

void PrincipalListModel::reload()
{
    m_serviceGeneration = m_runner->serviceGeneration();
    ++m_generation;
    beginResetModel();
    m_rows.clear();
    m_rowOf.clear();
    m_busy = m_refreshPending = false;
    endResetModel();
    m_error.clear();
    m_poll.stop();
    if (!m_runner->hasService())
        return;
    if (m_poll.interval() > 0)
        m_poll.start();
    refresh();
}

void PrincipalListModel::refresh()
{
    if (!m_runner->hasService())
        return;
    if (m_busy) {
        m_refreshPending = true;
        return;
    }
    m_busy = true;
    const quint64 generation = m_generation;
    const bool queued = m_runner->run(
        this, [](kms::KmsService &service, const kms::Caller &) { return fetch(service); },
        [this, generation](Result<QList<iam::Principal>> rows) { readArrived(std::move(rows), generation); });
    if (!queued)
        m_busy = false;
}

void PrincipalListModel::readArrived(Result<QList<iam::Principal>> rows, quint64 generation)
{
    if (generation != m_generation)
        return;
    m_busy = false;
    if (rows) {
        m_error.clear();
        applyDiff(std::move(*rows));
    } else {
        m_error = rows.error().toString(); // keep the last list: the selector must not empty
    }
    Q_EMIT loaded();
    if (m_refreshPending) {
        m_refreshPending = false;
        refresh();
    }
}

void PrincipalListModel::applyDiff(QList<iam::Principal> fresh)
{
    // Root, users, roles, each sorted: the old and new lists share one order, so a merge finds
    // inserts and changes once the rows that disappeared are gone.
    QSet<QString> freshArns;
    for (const iam::Principal &p : fresh)
        freshArns.insert(p.arn);
    for (int i = static_cast<int>(m_rows.size()) - 1; i >= 0; --i) {
        if (freshArns.contains(m_rows.at(i).arn))
            continue;
        beginRemoveRows({}, i, i);
        m_rows.removeAt(i);
        endRemoveRows();
    }
    int i = 0;
    for (iam::Principal &p : fresh) {
        if (i < m_rows.size() && m_rows.at(i).arn == p.arn) {
            if (!samePrincipal(m_rows.at(i), p)) {
                m_rows[i] = std::move(p);
                Q_EMIT dataChanged(index(i, 0), index(i, ColumnCount - 1));
            }
        } else {
            beginInsertRows({}, i, i);
            m_rows.insert(i, std::move(p));
            endInsertRows();
        }
        ++i;
    }
    m_rowOf.clear();
    for (int r = 0; r < m_rows.size(); ++r)
        m_rowOf.insert(m_rows.at(r).arn, r);
}

Result<QList<iam::Principal>> PrincipalListModel::fetch(kms::KmsService &service)
{
    iam::PrincipalStore &store = service.principals();
    const QString root = store.rootArn();
    QList<iam::Principal> out;
    iam::Principal r;
    r.kind = iam::PrincipalKind::Root;
    r.name = QStringLiteral("root");
    r.arn = root;
    r.principalId = store.accountId();
    out.append(r);
    for (const iam::PrincipalKind kind : {iam::PrincipalKind::User, iam::PrincipalKind::Role}) {
        auto list = store.list(root, kind);
        if (!list)
            return std::unexpected(list.error());
        out.append(*list);
    }
    return out;
}

} // namespace qkms::model
