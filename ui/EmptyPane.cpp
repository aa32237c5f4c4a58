#include "EmptyPane.h"

#include <QLabel>
#include <QVBoxLayout>

namespace qkms::ui {

EmptyPane::EmptyPane(const QString &title, const QString &explanation, QWidget *parent) : QWidget(parent)
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(32, 24, 32, 24);
    auto *heading = new QLabel(title, this);
    heading->setObjectName(QStringLiteral("paneTitle"));
    QFont f = heading->font();
    f.setPointSizeF(f.pointSizeF() * 1.5);
    f.setBold(true);
    heading->setFont(f);
    auto *text = new QLabel(explanation, this);
    text->setObjectName(QStringLiteral("paneEmptyText"));
    text->setWordWrap(true);
    text->setTextFormat(Qt::RichText);
    text->setMaximumWidth(640);
    layout->addWidget(heading);
    layout->addSpacing(8);
    layout->addWidget(text);
    layout->addStretch();
}

} // namespace qkms::ui
