#pragma once

#include "KeyCatalog.h"

#include <QAbstractTableModel>
#include <QHash>

#include <optional>

namespace qkms::model {

class EngineRunner;

/// The keys of the runner's region as a table, in creation order (the order of ListKeys). Rows are
/// fetched lazily a page at a time (canFetchMore/fetchMore) on the engine worker, so 100,000 keys
/// cost nothing until they are scrolled to or searched. refresh() reads the loaded range again
/// and applies the difference as row inserts, removals and dataChanged, keeping selections.
class KeyListModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column {
        AliasesColumn,
        KeyIdColumn,
        StatusColumn,
        KeySpecColumn,
        KeyUsageColumn,
        OriginColumn,
        CreatedColumn,
        DescriptionColumn,
        ColumnCount
    };
    enum Role {
        KeyIdRole = Qt::UserRole + 1, ///< QString
        KeyArnRole,                   ///< QString
        KeyStateRole,                 ///< QString, AWS spelling ("PendingDeletion")
        KeyManagerRole,               ///< QString, "AWS" | "CUSTOMER"
        AliasesRole,                  ///< QStringList
        SortRole,                     ///< a value that sorts the column (dates as QDateTime)
    };
    static constexpr int kDefaultPageSize = 1000;

    /// A model over `runner`'s service; it reloads whenever the runner's service changes.
    explicit KeyListModel(EngineRunner *runner, QObject *parent = nullptr);

    [[nodiscard]] int rowCount(const QModelIndex &parent = {}) const override;
    [[nodiscard]] int columnCount(const QModelIndex &parent = {}) const override;
    [[nodiscard]] QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    [[nodiscard]] QVariant headerData(int section, Qt::Orientation orientation, int role) const override;
    [[nodiscard]] QHash<int, QByteArray> roleNames() const override;
    [[nodiscard]] bool canFetchMore(const QModelIndex &parent) const override;
    /// Starts reading the next page; its rows arrive later as rowsInserted.
    void fetchMore(const QModelIndex &parent) override;

    /// The key at `row` (a default KeyRecord when out of range). The reference is valid until
    /// the model next changes.
    [[nodiscard]] const kms::KeyRecord &keyAt(int row) const;
    /// The alias names of the key at `row`.
    [[nodiscard]] QStringList aliasesAt(int row) const;
    /// The row of `keyId`, or -1 when it is not (yet) loaded.
    [[nodiscard]] int indexOf(const QString &keyId) const;
    /// Lower-case aliases, id and description of `row`: what the search box matches.
    [[nodiscard]] QString searchTextAt(int row) const;

    /// Drops every row and reads the first page again (after a region switch).
    void reload();
    /// Reads the loaded range again (and keys created since, when everything was loaded) and
    /// applies the difference. Coalesced: a refresh asked for while one runs runs once after it.
    void refresh();
    /// Keeps fetching pages until every key is loaded (a search must see all of them).
    void fetchAll();

    /// Page size of fetchMore (1..1000); tests use small pages.
    void setPageSize(int size);
    [[nodiscard]] int pageSize() const { return m_pageSize; }
    /// Whether every key of the region is loaded.
    [[nodiscard]] bool isComplete() const { return m_started && !m_nextMarker && !m_busy; }
    /// Whether a page or refresh is being read.
    [[nodiscard]] bool isBusy() const { return m_busy; }
    /// The last read's failure as "ExceptionName: message" (empty when it succeeded).
    [[nodiscard]] QString errorText() const { return m_error; }

Q_SIGNALS:
    /// A page or a refresh was applied (or failed: see errorText()).
    void loaded();
    void errorChanged(const QString &errorText);

private:
    struct Row {
        kms::KeyRecord key;
        QStringList aliases;
        QString searchText;
    };
    static Row makeRow(KeyRow &&r);
    static bool sameRow(const Row &a, const Row &b);
    void startFetch();
    void startRefresh();
    void pageArrived(Result<KeyPage> page);
    void refreshArrived(Result<KeyPage> page, quint64 generation);
    void applyDiff(QList<Row> fresh);
    void rebuildIndex(int fromRow);
    void setError(const QString &text);
    void finishJob();

    EngineRunner *m_runner;
    QList<Row> m_rows;
    QHash<QString, int> m_rowOf;
    std::optional<QString> m_nextMarker; ///< where the next page starts; none when all are loaded
    int m_pageSize = kDefaultPageSize;
    bool m_started = false;        ///< the first page was asked for
    bool m_busy = false;           ///< a read is in flight (reads are serialized)
    bool m_failed = false;         ///< the last read failed: stop fetching until reload/refresh
    bool m_refreshPending = false; ///< refresh() was called while busy
    bool m_fetchAll = false;
    quint64 m_generation = 0;      ///< bumped by reload(): results of older reads are dropped
    QString m_error;
};

} // namespace qkms::model
