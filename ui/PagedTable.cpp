#include "PagedTable.h"

#include <QHeaderView>
#include <QLabel>
#include <QTableWidget>

namespace qkms::ui {

bool sameKey(const std::optional<kms::KeyRecord> &a, const std::optional<kms::KeyRecord> &b)
{
    return a && b && a->keyId == b->keyId;
}

QTableWidget *makeReadOnlyTable(const char *name, const QStringList &headers, QWidget *parent)
{
    auto *table = new QTableWidget(0, static_cast<int>(headers.size()), parent);
    table->setObjectName(QString::fromLatin1(name));
    table->setHorizontalHeaderLabels(headers);
    table->horizontalHeader()->setStretchLastSection(true);
    table->horizontalHeader()->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
    table->verticalHeader()->hide();
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    table->setSelectionMode(QAbstractItemView::SingleSelection);
    table->setAlternatingRowColors(true);
    return table;
}

void setTableRows(QTableWidget *table, const QList<QStringList> &rows)
{
    table->clearSpans();
    table->setRowCount(0);
    table->setRowCount(static_cast<int>(rows.size()));
    for (int r = 0; r < rows.size(); ++r)
        for (int c = 0; c < rows.at(r).size(); ++c)
            table->setItem(r, c, new QTableWidgetItem(rows.at(r).at(c)));
}

QLabel *makeTabMessage(const char *name, QWidget *parent)
{
    auto *label = new QLabel(parent);
    label->setObjectName(QString::fromLatin1(name));
    label->setWordWrap(true);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    return label;
}

void showTabMessage(QLabel *label, const QString &text, bool error)
{
    label->setStyleSheet(error ? QStringLiteral("color:#a4262c;") : QString());
    label->setText(text);
}

} // namespace qkms::ui
