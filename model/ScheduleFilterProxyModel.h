#pragma once

#include "ScheduleModel.h"

#include <QSortFilterProxyModel>

namespace qkms::model {

/// What the Rotation schedules pane lists of a ScheduleModel: keys that can rotate and keys with a
/// deletion date (keys that can never rotate only on request), optionally narrowed by text typed
/// in a search box. Sorts by the source's SortRole; speaks entries like its source.
class ScheduleFilterProxyModel : public QSortFilterProxyModel
{
    Q_OBJECT
public:
    explicit ScheduleFilterProxyModel(QObject *parent = nullptr);

    /// The source must be a ScheduleModel (anything else is ignored with a warning).
    void setSourceModel(QAbstractItemModel *source) override;
    [[nodiscard]] ScheduleModel *scheduleModel() const { return m_schedules; }

    /// Also lists keys that cannot rotate and are not pending deletion (asymmetric, HMAC, imported).
    void setShowUnrotatable(bool show);
    [[nodiscard]] bool showUnrotatable() const { return m_showUnrotatable; }
    /// Only keys whose aliases or id contain `text` (ignoring case); empty: every key.
    void setFilterText(const QString &text);

    /// The entry at proxy `row` (a default entry when out of range).
    [[nodiscard]] ScheduleEntry entryAt(int row) const;
    /// The proxy row of `keyId`, or -1 when it is not listed.
    [[nodiscard]] int indexOf(const QString &keyId) const;

protected:
    [[nodiscard]] bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;
    [[nodiscard]] bool lessThan(const QModelIndex &left, const QModelIndex &right) const override;

private:
    ScheduleModel *m_schedules = nullptr;
    bool m_showUnrotatable = false;
    QString m_needle;
};

} // namespace qkms::model
