#pragma once

#include <QStyledItemDelegate>

namespace qkms::ui {

/// Draws the keys table: key ids elide in the middle ("1234abcd-…-9f0e12ab34cd"), so both ends
/// stay readable in a narrow column; everything else as usual.
class KeyTableDelegate : public QStyledItemDelegate
{
    Q_OBJECT
public:
    using QStyledItemDelegate::QStyledItemDelegate;

protected:
    void initStyleOption(QStyleOptionViewItem *option, const QModelIndex &index) const override;
};

} // namespace qkms::ui
