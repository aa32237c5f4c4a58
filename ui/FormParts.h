#pragma once

#include <QMap>
#include <QString>

class QLabel;
class QTableWidget;
class QWidget;

namespace qkms::ui {

// The parts the console's forms share (the create-key wizard's pages, the Try it panel): one
// place decides how a hint, an inline error and a key/value table (tags, encryption context)
// look and behave. Free functions, like PaneFrame.h: each form keeps its own layout.

/// A word-wrapped secondary text (grey) under `parent`.
QLabel *makeHintLabel(const QString &text, QWidget *parent);

/// A hidden, selectable, word-wrapped error line (red) named `name` under `parent`.
QLabel *makeErrorLabel(const char *name, QWidget *parent);

/// An empty two-column table named `name` for key/value pairs: headed `keyHeader` and
/// `valueHeader`, last column stretching, no row numbers. Callers set its height.
QTableWidget *makeKeyValueTable(const char *name, const QString &keyHeader, const QString &valueHeader,
                                QWidget *parent);

/// Appends an empty pair to `table` and starts editing its key.
void appendKeyValueRow(QTableWidget *table);

/// Removes the current row of `table`, if any.
void removeCurrentRow(QTableWidget *table);

/// The pairs in `table`: keys trimmed, rows without a key skipped, a later duplicate key winning.
[[nodiscard]] QMap<QString, QString> keyValuePairs(const QTableWidget *table);

} // namespace qkms::ui
