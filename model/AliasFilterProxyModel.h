#pragma once

#include "AliasListModel.h"

#include <QSortFilterProxyModel>

namespace qkms::model {

/// Sorts and filters an AliasListModel by text typed in a search box (alias name, target key id
/// and target description, ignoring case). It speaks aliases like its source.
class AliasFilterProxyModel : public QSortFilterProxyModel
{
    Q_OBJECT
public:
    explicit AliasFilterProxyModel(QObject *parent = nullptr);

    /// The source must be an AliasListModel (anything else is ignored with a warning).
    void setSourceModel(QAbstractItemModel *source) override;
    [[nodiscard]] AliasListModel *aliasModel() const { return m_aliases; }

    /// Shows only aliases whose name, target key id or target description contain `text`
    /// (ignoring case and surrounding blanks); an empty text shows every alias.
    void setFilterText(const QString &text);
    [[nodiscard]] QString filterText() const { return m_needle; }

    /// The alias at proxy `row` (a default AliasInfo when out of range).
    [[nodiscard]] AliasInfo aliasAt(int row) const;
    /// The proxy row of `aliasName`, or -1 when it is not listed or filtered out.
    [[nodiscard]] int indexOf(const QString &aliasName) const;

protected:
    [[nodiscard]] bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;

private:
    AliasListModel *m_aliases = nullptr;
    QString m_needle; ///< lower case
};

} // namespace qkms::model
