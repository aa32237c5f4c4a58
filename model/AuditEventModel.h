#pragma once

#include "AuditEvent.h"

#include <QAbstractTableModel>
#include <QTimer>

namespace qkms::model {

class EngineRunner;

/// The audit trail of the runner's region as a table, newest first. It reads lazily: the newest
/// page first, older pages as the view scrolls down (canFetchMore/fetchMore), and new events by
/// polling the events after the newest one it has (a primary-key range read, cheap enough for a
/// timer), which arrive as rows inserted at the top. Reads run on the engine worker, one at a time.
class AuditEventModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { TimeColumn, OperationColumn, PrincipalColumn, KeyColumn, OutcomeColumn, FrontEndColumn, ColumnCount };
    enum Role {
        SeqRole = Qt::UserRole + 1, ///< qint64
        TimeRole,                   ///< QDateTime, UTC
        OperationRole,              ///< QString, eventName
        PrincipalArnRole,           ///< QString
        KeyArnRole,                 ///< QString (empty when the event names no key)
        ErrorCodeRole,              ///< QString (empty on success)
        SortRole,                   ///< a value that sorts the column
    };
    static constexpr int kDefaultPageSize = 500;
    static constexpr int kDefaultPollMs = 2000;

    /// A model over `runner`'s region; it reloads whenever the runner's service changes.
    explicit AuditEventModel(EngineRunner *runner, QObject *parent = nullptr);

    [[nodiscard]] int rowCount(const QModelIndex &parent = {}) const override;
    [[nodiscard]] int columnCount(const QModelIndex &parent = {}) const override;
    [[nodiscard]] QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    [[nodiscard]] QVariant headerData(int section, Qt::Orientation orientation, int role) const override;
    [[nodiscard]] QHash<int, QByteArray> roleNames() const override;
    /// True while older events than the loaded ones exist.
    [[nodiscard]] bool canFetchMore(const QModelIndex &parent) const override;
    /// Reads the next older page; its rows arrive later, appended at the bottom.
    void fetchMore(const QModelIndex &parent) override;

    /// The event at `row` (a default AuditEvent when out of range). Valid until the model changes.
    [[nodiscard]] const AuditEvent &eventAt(int row) const;
    /// The row of event `seq`, or -1 when it is not loaded.
    [[nodiscard]] int indexOf(qint64 seq) const;
    /// The distinct operations among the loaded events, sorted (for a filter's choices).
    [[nodiscard]] QStringList operations() const;
    /// The newest loaded sequence number (0 when none).
    [[nodiscard]] qint64 newestSeq() const { return m_events.isEmpty() ? m_headSeq : m_events.constFirst().seq; }

    /// Drops every row and reads the newest page again.
    void reload();
    /// Reads the events written since the newest loaded one now (the timer does this too).
    void poll();
    /// How often poll() runs while there is a service (ms; tests use a short interval).
    void setPollInterval(int milliseconds);
    [[nodiscard]] int pollInterval() const { return m_timer.interval(); }
    /// Rows per page of reload/fetchMore (1..10000).
    void setPageSize(int size);
    [[nodiscard]] bool isBusy() const { return m_busy; }
    /// Whether the first page has arrived since the last reload.
    [[nodiscard]] bool isLoaded() const { return m_loaded; }
    /// The last read's failure as "ExceptionName: message" (empty when it succeeded).
    [[nodiscard]] QString errorText() const { return m_error; }

Q_SIGNALS:
    /// A read was applied (or failed: see errorText()).
    void loaded();
    /// operations() has a new member.
    void operationsChanged();

private:
    enum class Job { None, Newest, Older, Poll };
    void start(Job job);
    void arrived(Job job, Result<QList<AuditEvent>> events, quint64 generation);
    void noteOperations(const QList<AuditEvent> &events);
    void finishJob();

    EngineRunner *m_runner;
    QList<AuditEvent> m_events; ///< newest first: row r is m_events[r]
    QStringList m_operations;   ///< sorted, distinct
    QTimer m_timer;
    int m_pageSize = kDefaultPageSize;
    qint64 m_headSeq = 0;        ///< newest seq seen when no event is loaded (an empty log: 0)
    bool m_hasOlder = false;     ///< events older than the last row exist
    bool m_loaded = false;
    bool m_busy = false;
    bool m_failed = false;
    bool m_pollPending = false;  ///< poll() was asked for while a read ran
    quint64 m_generation = 0;
    QString m_error;
};

} // namespace qkms::model
