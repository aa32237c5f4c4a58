#pragma once

#include <QAbstractListModel>
#include <QSet>

namespace qkms::model {

/// The AWS region codes for the region selector. Regions that already have a file in the vault
/// are marked (InUseRole, and bold), so a user sees where their keys are.
class RegionListModel : public QAbstractListModel
{
    Q_OBJECT
public:
    enum Role { RegionRole = Qt::UserRole + 1, InUseRole };

    explicit RegionListModel(QObject *parent = nullptr);

    [[nodiscard]] int rowCount(const QModelIndex &parent = {}) const override;
    [[nodiscard]] QVariant data(const QModelIndex &index, int role) const override;
    [[nodiscard]] QHash<int, QByteArray> roleNames() const override;

    /// The region at `row`, or an empty string.
    [[nodiscard]] QString regionAt(int row) const;
    /// The row of `region`, or -1.
    [[nodiscard]] int indexOf(const QString &region) const;
    /// Marks the regions that have a vault file; emits dataChanged for rows that changed.
    void setRegionsInUse(const QStringList &regions);

private:
    QStringList m_regions;
    QSet<QString> m_inUse;
};

} // namespace qkms::model
