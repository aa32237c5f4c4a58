#pragma once

// How the vault's databases store dates: ISO 8601 text in UTC with milliseconds, so that text
// comparison in SQL (WHERE valid_to <= :now, ORDER BY created_at) orders them in time. One
// definition for every table of region.db and account.db.

#include "store/Database.h"

#include <QDateTime>
#include <QString>

#include <optional>

namespace qkms::store {

/// `t` as stored: "2026-11-29T04:41:21.123Z".
[[nodiscard]] inline QString storedDate(const QDateTime &t)
{
    return t.toUTC().toString(Qt::ISODateWithMs);
}

/// The date in stored text; invalid when the text is not one.
[[nodiscard]] inline QDateTime parseStoredDate(const QString &text)
{
    return QDateTime::fromString(text, Qt::ISODateWithMs);
}

/// Column `i` of `q` as a date, or nothing when it is NULL.
[[nodiscard]] inline std::optional<QDateTime> optionalStoredDate(const Statement &q, int i)
{
    if (q.columnIsNull(i))
        return std::nullopt;
    return parseStoredDate(q.columnText(i));
}

} // namespace qkms::store
