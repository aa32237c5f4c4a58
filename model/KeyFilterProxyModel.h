#pragma once

#include "kms/KeyRecord.h"

#include <QSortFilterProxyModel>

#include <optional>

namespace qkms::model {

class KeyListModel;

/// Sorts and filters a KeyListModel: by key manager (the customer and the AWS managed panes share
/// one source) and by text typed in a search box, matched case-insensitively against aliases, key
/// id and description. It speaks keys like its source, so views and commands never map indexes.
class KeyFilterProxyModel : public QSortFilterProxyModel
{
    Q_OBJECT
public:
    explicit KeyFilterProxyModel(QObject *parent = nullptr);

    /// The source must be a KeyListModel (anything else is ignored with a warning).
    void setSourceModel(QAbstractItemModel *source) override;
    [[nodiscard]] KeyListModel *keyModel() const { return m_keys; }

    /// Shows only keys with this manager (none: all keys).
    void setKeyManagerFilter(std::optional<kms::KeyManager> manager);
    [[nodiscard]] std::optional<kms::KeyManager> keyManagerFilter() const { return m_manager; }
    /// Shows only keys whose aliases, id or description contain `text` (ignoring case);
    /// surrounding blanks are ignored, and an empty text shows every key.
    void setFilterText(const QString &text);
    [[nodiscard]] QString filterText() const { return m_needle; }

    /// The key at proxy `row` (a default KeyRecord when out of range).
    [[nodiscard]] kms::KeyRecord keyAt(int row) const;
    /// The alias names of the key at proxy `row`.
    [[nodiscard]] QStringList aliasesAt(int row) const;
    /// The proxy row of `keyId`, or -1 when it is not loaded or filtered out.
    [[nodiscard]] int indexOf(const QString &keyId) const;

protected:
    [[nodiscard]] bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;
    [[nodiscard]] bool lessThan(const QModelIndex &left, const QModelIndex &right) const override;

private:
    KeyListModel *m_keys = nullptr;
    std::optional<kms::KeyManager> m_manager;
    QString m_needle; ///< lower case
};

} // namespace qkms::model
