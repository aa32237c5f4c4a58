#pragma once

#include "AuditEvent.h"

#include <QDateTime>
#include <QSortFilterProxyModel>

namespace qkms::model {

class AuditEventModel;

/// Filters an AuditEventModel by operation, key, principal, outcome and time range, keeping the
/// source's order (newest first). It speaks events like its source, so the pane never maps
/// indexes. Filters see only the loaded events; the view's fetchMore reads older pages as it
/// needs them.
class AuditFilterProxyModel : public QSortFilterProxyModel
{
    Q_OBJECT
public:
    enum class Outcome { Any, Succeeded, Failed };

    explicit AuditFilterProxyModel(QObject *parent = nullptr);

    /// The source must be an AuditEventModel (anything else is ignored with a warning).
    void setSourceModel(QAbstractItemModel *source) override;
    [[nodiscard]] AuditEventModel *auditModel() const { return m_events; }

    /// Only events of this operation ("Encrypt"); empty: every operation.
    void setOperationFilter(const QString &operation);
    [[nodiscard]] QString operationFilter() const { return m_operation; }
    /// Only events whose key ARN contains `text` (ignoring case; a key id matches its ARN).
    void setKeyFilter(const QString &text);
    /// Only events whose principal ARN contains `text` (ignoring case): "alice", "role/".
    void setPrincipalFilter(const QString &text);
    /// Only successful or only failed calls.
    void setOutcomeFilter(Outcome outcome);
    [[nodiscard]] Outcome outcomeFilter() const { return m_outcome; }
    /// Only events at or after `from` and before `until`; an invalid bound is open.
    void setTimeRange(const QDateTime &from, const QDateTime &until);
    /// Whether any filter is set.
    [[nodiscard]] bool isFiltering() const;

    /// The event at proxy `row` (a default AuditEvent when out of range).
    [[nodiscard]] AuditEvent eventAt(int row) const;
    /// The proxy row of event `seq`, or -1 when it is not loaded or filtered out.
    [[nodiscard]] int indexOf(qint64 seq) const;

protected:
    [[nodiscard]] bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;

private:
    AuditEventModel *m_events = nullptr;
    QString m_operation;
    QString m_key;
    QString m_principal;
    Outcome m_outcome = Outcome::Any;
    QDateTime m_from;
    QDateTime m_until;
};

} // namespace qkms::model
