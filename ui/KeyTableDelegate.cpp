#include "KeyTableDelegate.h"

#include "KeyListModel.h"

namespace qkms::ui {

void KeyTableDelegate::initStyleOption(QStyleOptionViewItem *option, const QModelIndex &index) const
{
    QStyledItemDelegate::initStyleOption(option, index);
    if (index.column() == model::KeyListModel::KeyIdColumn)
        option->textElideMode = Qt::ElideMiddle;
}

} // namespace qkms::ui
