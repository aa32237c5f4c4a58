#pragma once

#include "core/KmsError.h"
#include "kms/KeyRecord.h"

#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

class QLabel;
class QTableWidget;
class QWidget;

namespace qkms::ui {

// What the key detail view's list tabs (Tags, Grants) share: reading every page of a List*
// call on the engine worker, and the read-only table and message line that show the result.

/// Reads every page of a paginated List* call into a `T`: calls `fetchPage(marker)` with an
/// empty marker, hands each page to `take(all, page)`, and follows the page's nextMarker until a
/// page has none. Runs on the engine worker (it blocks); the first failed page's error is returned.
template <typename T, typename FetchPage, typename Take>
[[nodiscard]] Result<T> readEveryPage(FetchPage fetchPage, Take take)
{
    T all;
    QString marker;
    while (true) {
        auto page = fetchPage(marker);
        if (!page)
            return std::unexpected(page.error());
        take(all, *page);
        if (!page->nextMarker)
            return all;
        marker = *page->nextMarker;
    }
}

/// Whether `a` and `b` are both set and name the same key (a tab keeps its rows then).
[[nodiscard]] bool sameKey(const std::optional<kms::KeyRecord> &a, const std::optional<kms::KeyRecord> &b);

/// An empty read-only table named `name` with `headers`: whole-row single selection,
/// alternating rows, no row numbers, left-aligned header with a stretching last section.
QTableWidget *makeReadOnlyTable(const char *name, const QStringList &headers, QWidget *parent);

/// Replaces the rows of `table` with `rows`, one cell a string (spans cleared).
void setTableRows(QTableWidget *table, const QList<QStringList> &rows);

/// A selectable, word-wrapped line named `name` under a tab's table for its actions' outcome.
QLabel *makeTabMessage(const char *name, QWidget *parent);

/// Shows `text` in `label`, red when `error`.
void showTabMessage(QLabel *label, const QString &text, bool error);

} // namespace qkms::ui
