#include "AuditFilterProxyModel.h"

#include "AuditEventModel.h"

namespace qkms::model {

AuditFilterProxyModel::AuditFilterProxyModel(QObject *parent) : QSortFilterProxyModel(parent)
{
    setDynamicSortFilter(true);
}

void AuditFilterProxyModel::setSourceModel(QAbstractItemModel *source)
{
    m_events = qobject_cast<AuditEventModel *>(source);
    if (source && !m_events)
        qWarning("AuditFilterProxyModel: the source must be an AuditEventModel");
    QSortFilterProxyModel::setSourceModel(m_events);
}

void AuditFilterProxyModel::setOperationFilter(const QString &operation)
{
    if (operation == m_operation)
        return;
    m_operation = operation;
    invalidateRowsFilter();
}

void AuditFilterProxyModel::setKeyFilter(const QString &text)
{
    const QString needle = text.trimmed();
    if (needle == m_key)
        return;
    m_key = needle;
    invalidateRowsFilter();
}

void AuditFilterProxyModel::setPrincipalFilter(const QString &text)
{
    const QString needle = text.trimmed();
    if (needle == m_principal)
        return;
    m_principal = needle;
    invalidateRowsFilter();
}

void AuditFilterProxyModel::setOutcomeFilter(Outcome outcome)
{
    if (outcome == m_outcome)
        return;
    m_outcome = outcome;
    invalidateRowsFilter();
}

void AuditFilterProxyModel::setTimeRange(const QDateTime &from, const QDateTime &until)
{
    if (from == m_from && until == m_until)
        return;
    m_from = from;
    m_until = until;
    invalidateRowsFilter();
}

bool AuditFilterProxyModel::isFiltering() const
{
    return !m_operation.isEmpty() || !m_key.isEmpty() || !m_principal.isEmpty() || m_outcome != Outcome::Any
           || m_from.isValid() || m_until.isValid();
}

AuditEvent AuditFilterProxyModel::eventAt(int row) const
{
    if (!m_events || row < 0 || row >= rowCount())
        return {};
    return m_events->eventAt(mapToSource(index(row, 0)).row());
}

int AuditFilterProxyModel::indexOf(qint64 seq) const
{
    if (!m_events)
        return -1;
    const int sourceRow = m_events->indexOf(seq);
    if (sourceRow < 0)
        return -1;
    return mapFromSource(m_events->index(sourceRow, 0)).row();
}

bool AuditFilterProxyModel::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    if (!m_events || sourceParent.isValid())
        return false;
    // Straight to the event, not through data(): this runs for every loaded event per keystroke.
    const AuditEvent &e = m_events->eventAt(sourceRow);
    if (!m_operation.isEmpty() && e.operation != m_operation)
        return false;
    if (m_outcome == Outcome::Succeeded && !e.succeeded())
        return false;
    if (m_outcome == Outcome::Failed && e.succeeded())
        return false;
    if (m_from.isValid() && e.time < m_from)
        return false;
    if (m_until.isValid() && e.time >= m_until)
        return false;
    if (!m_key.isEmpty() && !e.keyArn.contains(m_key, Qt::CaseInsensitive))
        return false;
    return m_principal.isEmpty() || e.principalArn.contains(m_principal, Qt::CaseInsensitive);
}

} // namespace qkms::model
