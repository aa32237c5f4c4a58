// KeyListModel::applyDiff: turns a re-read of the keys into the smallest set of row signals, so
// views keep their selection and scroll position when a key is created, changed or deleted.

#include "KeyListModel.h"

namespace qkms::model {

namespace {

// Past this many separate insert/remove runs a refresh resets the model instead: each run
// re-indexes the rows after it, and a reset is cheaper than thousands of small moves.
constexpr int kMaxDiffRuns = 64;

} // namespace

void KeyListModel::applyDiff(QList<Row> fresh)
{
    QHash<QString, int> freshPos;
    freshPos.reserve(fresh.size());
    for (int i = 0; i < fresh.size(); ++i)
        freshPos.insert(fresh.at(i).key.keyId, i);

    // Both lists are in creation (rowid) order, so the keys they share keep their relative order
    // and the difference is a set of removed runs and inserted runs. Count the runs; bail out to a
    // reset if the order changed (a VACUUM renumbers rowids) or the runs are too many.
    int previous = -1;
    int runs = 0;
    bool ordered = true;
    bool inRemoved = false;
    for (const Row &r : std::as_const(m_rows)) {
        const auto it = freshPos.constFind(r.key.keyId);
        if (it == freshPos.constEnd()) {
            runs += inRemoved ? 0 : 1;
            inRemoved = true;
            continue;
        }
        inRemoved = false;
        if (*it <= previous) {
            ordered = false;
            break;
        }
        runs += *it > previous + 1 ? 1 : 0; // keys inserted before this one
        previous = *it;
    }
    if (!ordered || runs > kMaxDiffRuns) {
        beginResetModel();
        m_rows = std::move(fresh);
        m_rowOf.clear();
        rebuildIndex(0);
        endResetModel();
        return;
    }

    // Removals, last run first so the row numbers of earlier runs stay valid.
    for (int i = static_cast<int>(m_rows.size()) - 1; i >= 0;) {
        if (freshPos.contains(m_rows.at(i).key.keyId)) {
            --i;
            continue;
        }
        const int last = i;
        while (i >= 0 && !freshPos.contains(m_rows.at(i).key.keyId))
            --i;
        beginRemoveRows({}, i + 1, last);
        for (int r = i + 1; r <= last; ++r)
            m_rowOf.remove(m_rows.at(r).key.keyId);
        m_rows.remove(i + 1, last - i);
        rebuildIndex(i + 1);
        endRemoveRows();
    }

    // Inserts and changes, walking both lists together.
    int r = 0;
    int changedFrom = -1;
    auto flushChanged = [&](int end) {
        if (changedFrom >= 0)
            Q_EMIT dataChanged(index(changedFrom, 0), index(end - 1, ColumnCount - 1));
        changedFrom = -1;
    };
    for (int j = 0; j < fresh.size();) {
        if (r < m_rows.size() && m_rows.at(r).key.keyId == fresh.at(j).key.keyId) {
            if (!sameRow(m_rows.at(r), fresh.at(j))) {
                m_rows[r] = std::move(fresh[j]);
                if (changedFrom < 0)
                    changedFrom = r;
            } else {
                flushChanged(r);
            }
            ++r;
            ++j;
            continue;
        }
        flushChanged(r);
        int k = j;
        while (k < fresh.size() && (r >= m_rows.size() || fresh.at(k).key.keyId != m_rows.at(r).key.keyId))
            ++k;
        const int count = k - j;
        beginInsertRows({}, r, r + count - 1);
        m_rows.insert(r, count, Row{});
        for (int t = 0; t < count; ++t)
            m_rows[r + t] = std::move(fresh[j + t]);
        rebuildIndex(r);
        endInsertRows();
        r += count;
        j = k;
    }
    flushChanged(r);
}

} // namespace qkms::model
