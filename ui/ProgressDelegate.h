#pragma once

#include <QStyledItemDelegate>

namespace qkms::ui {

/// Draws a progress bar in the cells of one column, from the model's `role` (an int 0..100), with
/// the cell's display text on it; other columns are drawn as usual.
class ProgressDelegate : public QStyledItemDelegate
{
    Q_OBJECT
public:
    ProgressDelegate(int column, int role, QObject *parent = nullptr);

    void paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const override;

private:
    int m_column;
    int m_role;
};

} // namespace qkms::ui
