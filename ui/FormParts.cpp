#include "FormParts.h"

#include <QHeaderView>
#include <QLabel>
#include <QTableWidget>

namespace qkms::ui {

QLabel *makeHintLabel(const QString &text, QWidget *parent)
{
    auto *label = new QLabel(text, parent);
    label->setWordWrap(true);
    label->setStyleSheet(QStringLiteral("color:#5f6368;"));
    return label;
}

QLabel *makeErrorLabel(const char *name, QWidget *parent)
{
    auto *label = new QLabel(parent);
    label->setObjectName(QString::fromLatin1(name));
    label->setWordWrap(true);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    label->setStyleSheet(QStringLiteral("color:#a4262c;"));
    label->hide();
    return label;
}

QTableWidget *makeKeyValueTable(const char *name, const QString &keyHeader, const QString &valueHeader,
                                QWidget *parent)
{
    auto *table = new QTableWidget(0, 2, parent);
    table->setObjectName(QString::fromLatin1(name));
    table->setHorizontalHeaderLabels({keyHeader, valueHeader});
    table->horizontalHeader()->setStretchLastSection(true);
    table->verticalHeader()->hide();
    return table;
}

void appendKeyValueRow(QTableWidget *table)
{
    const int row = table->rowCount();
    table->insertRow(row);
    table->setItem(row, 0, new QTableWidgetItem);
    table->setItem(row, 1, new QTableWidgetItem);
    table->setCurrentCell(row, 0);
    table->editItem(table->item(row, 0));
}

void removeCurrentRow(QTableWidget *table)
{
    if (table->currentRow() >= 0)
        table->removeRow(table->currentRow());
}

QMap<QString, QString> keyValuePairs(const QTableWidget *table)
{
    QMap<QString, QString> out;
    for (int row = 0; row < table->rowCount(); ++row) {
        const QTableWidgetItem *key = table->item(row, 0);
        const QTableWidgetItem *value = table->item(row, 1);
        if (key && !key->text().trimmed().isEmpty())
            out.insert(key->text().trimmed(), value ? value->text() : QString());
    }
    return out;
}

} // namespace qkms::ui
