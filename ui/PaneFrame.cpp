#include "PaneFrame.h"

#include <QAction>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QStackedWidget>
#include <QTableView>
#include <QVBoxLayout>

namespace qkms::ui {

QVBoxLayout *makePaneLayout(QWidget *pane)
{
    auto *layout = new QVBoxLayout(pane);
    layout->setContentsMargins(16, 12, 16, 8);
    layout->setSpacing(8);
    return layout;
}

PaneBar makePaneBar(QWidget *parent, const char *name)
{
    PaneBar bar;
    bar.widget = new QWidget(parent);
    if (name)
        bar.widget->setObjectName(QString::fromLatin1(name));
    bar.row = new QHBoxLayout(bar.widget);
    bar.row->setContentsMargins(0, 0, 0, 0);
    return bar;
}

QPushButton *makePaneButton(const QString &text, const char *name, QWidget *parent)
{
    auto *button = new QPushButton(text, parent);
    button->setObjectName(QString::fromLatin1(name));
    return button;
}

PaneHeader makePaneHeader(QWidget *parent, const QString &title, const char *countName, CountStyle countStyle)
{
    PaneHeader h{makePaneBar(parent, nullptr)};
    auto *label = new QLabel(title, h.widget);
    label->setObjectName(QStringLiteral("paneTitle"));
    QFont f = label->font();
    f.setPointSizeF(f.pointSizeF() * 1.5);
    f.setBold(true);
    label->setFont(f);
    h.row->addWidget(label);
    if (countName) {
        h.count = new QLabel(h.widget);
        h.count->setObjectName(QString::fromLatin1(countName));
        h.count->setStyleSheet(countStyle == CountStyle::Grey ? QStringLiteral("color:#5f6368;")
                                                              : QStringLiteral("color: palette(placeholder-text);"));
        h.row->addSpacing(8);
        h.row->addWidget(h.count, 0, Qt::AlignBottom);
    }
    h.row->addStretch();
    return h;
}

QLineEdit *addSearchEdit(const PaneBar &header, const char *name, const QString &placeholder, int minimumWidth)
{
    auto *search = new QLineEdit(header.widget);
    search->setObjectName(QString::fromLatin1(name));
    search->setPlaceholderText(placeholder);
    search->setClearButtonEnabled(true);
    search->setMinimumWidth(minimumWidth);
    header.row->addWidget(search);
    return search;
}

QAction *addFindAction(QWidget *pane, QLineEdit *search, const QString &text, const char *name)
{
    auto *find = new QAction(text, pane);
    find->setObjectName(QString::fromLatin1(name));
    find->setShortcut(QKeySequence::Find);
    find->setShortcutContext(Qt::WindowShortcut); // only while this pane is the visible one
    QObject::connect(find, &QAction::triggered, search, [search] {
        search->setFocus(Qt::ShortcutFocusReason);
        search->selectAll();
    });
    pane->addAction(find);
    return find;
}

QLabel *makeMessageBar(QWidget *parent, const char *name)
{
    auto *bar = new QLabel(parent);
    bar->setObjectName(QString::fromLatin1(name));
    bar->setWordWrap(true);
    bar->setTextInteractionFlags(Qt::TextSelectableByMouse);
    bar->hide();
    return bar;
}

void showPaneMessage(QLabel *bar, const QString &text, bool error, const QString &errorColor)
{
    bar->setText(text);
    bar->setStyleSheet(error ? QStringLiteral("background:#fdecea; color:%1; padding:6px 8px;").arg(errorColor)
                             : QStringLiteral("background:#e6f4ea; color:#1e4620; padding:6px 8px;"));
    bar->setVisible(!text.isEmpty());
}

QAction *addPaneAction(QWidget *owner, const QString &text, const QString &baseName, QPushButton **button)
{
    auto *action = new QAction(text, owner);
    action->setObjectName(baseName + QStringLiteral("Action"));
    auto *b = new QPushButton(text);
    b->setObjectName(baseName + QStringLiteral("Button"));
    QObject::connect(b, &QPushButton::clicked, action, &QAction::trigger);
    QObject::connect(action, &QAction::enabledChanged, b, &QPushButton::setEnabled);
    *button = b;
    return action;
}

void setupTable(QTableView *table, std::span<const int> widths, std::optional<int> sortColumn)
{
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    table->setSelectionMode(QAbstractItemView::SingleSelection);
    table->setAlternatingRowColors(true);
    table->setWordWrap(false);
    table->setShowGrid(false);
    table->verticalHeader()->hide();
    table->verticalHeader()->setDefaultSectionSize(table->fontMetrics().height() + 10);
    QHeaderView *header = table->horizontalHeader();
    header->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
    header->setHighlightSections(false);
    header->setStretchLastSection(true);
    for (int c = 0; c < int(widths.size()); ++c)
        header->resizeSection(c, widths[std::size_t(c)]);
    if (sortColumn) {
        header->setSortIndicator(*sortColumn, Qt::AscendingOrder);
        table->setSortingEnabled(true);
    }
}

QLabel *makeCaption(const QString &text, QWidget *parent)
{
    auto *label = new QLabel(text, parent);
    label->setStyleSheet(QStringLiteral("color: palette(placeholder-text);"));
    return label;
}

QLabel *addEmptyState(QStackedWidget *stack, const char *name)
{
    auto *empty = new QLabel(stack);
    empty->setObjectName(QString::fromLatin1(name));
    empty->setWordWrap(true);
    empty->setAlignment(Qt::AlignCenter);
    empty->setTextFormat(Qt::RichText);
    empty->setMargin(24);
    stack->addWidget(empty);
    return empty;
}

} // namespace qkms::ui
