#pragma once

#include <QString>

#include <optional>
#include <span>

class QAction;
class QHBoxLayout;
class QLabel;
class QLineEdit;
class QPushButton;
class QStackedWidget;
class QTableView;
class QVBoxLayout;
class QWidget;

namespace qkms::ui {

// The parts every list pane of the console shares (Keys, Aliases, Principals, Rotation, Event
// history): one place decides how a pane's title, message bar, table and empty state look, so the
// panes cannot drift apart. Free functions rather than a base class: each pane keeps its own
// layout and only asks for the pieces it has.

/// The pane's top-level layout, with the margins and spacing of every console pane.
QVBoxLayout *makePaneLayout(QWidget *pane);

/// A row of controls: a margin-less widget and its horizontal layout.
struct PaneBar {
    QWidget *widget = nullptr;
    QHBoxLayout *row = nullptr;
};

/// The title row of a pane: the title (objectName "paneTitle"), the optional count label and the
/// stretch after them; callers append their search box or buttons to `row`.
struct PaneHeader : PaneBar {
    QLabel *count = nullptr; ///< null unless a count name was given
};

/// An empty action or filter bar named `name` under `parent`.
PaneBar makePaneBar(QWidget *parent, const char *name);

/// A push button named `name`.
QPushButton *makePaneButton(const QString &text, const char *name, QWidget *parent);

/// How the count label after a pane's title is coloured.
enum class CountStyle { Grey, Placeholder };

/// Builds a title row under `parent` titled `title`; with `countName` it holds a count label of
/// that objectName in `countStyle`.
PaneHeader makePaneHeader(QWidget *parent, const QString &title, const char *countName = nullptr,
                          CountStyle countStyle = CountStyle::Grey);

/// Appends a search box named `name` to `header`'s row.
QLineEdit *addSearchEdit(const PaneBar &header, const char *name, const QString &placeholder, int minimumWidth);

/// Adds to `pane` a window-wide Find (Ctrl+F) action named `name` that focuses `search`.
QAction *addFindAction(QWidget *pane, QLineEdit *search, const QString &text, const char *name);

/// A hidden, selectable message bar named `name` under `parent` (see showPaneMessage).
QLabel *makeMessageBar(QWidget *parent, const char *name);

/// Shows `text` in `bar`, red when `error` (its foreground `errorColor`), green otherwise; hides the
/// bar when `text` is empty.
void showPaneMessage(QLabel *bar, const QString &text, bool error,
                     const QString &errorColor = QStringLiteral("#611a15"));

/// A toolbar pair: an action `<baseName>Action` owned by `owner` and a push button
/// `<baseName>Button` (returned in `button`, unparented until laid out) that triggers it and
/// follows its enabled state.
QAction *addPaneAction(QWidget *owner, const QString &text, const QString &baseName, QPushButton **button);

/// Gives `table` the console's look: whole-row single selection, alternating rows, no grid or
/// wrapping, no row numbers, left-aligned header with a stretching last section; columns 0.. take
/// `widths`. With `sortColumn` the table sorts, indicator on that column (-1: source order first).
void setupTable(QTableView *table, std::span<const int> widths = {}, std::optional<int> sortColumn = std::nullopt);

/// A secondary label (placeholder colour) such as "every" between two controls.
QLabel *makeCaption(const QString &text, QWidget *parent);

/// Adds to `stack` the rich-text label that stands in for an empty table, named `name`.
QLabel *addEmptyState(QStackedWidget *stack, const char *name);

} // namespace qkms::ui
