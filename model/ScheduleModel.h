#pragma once

#include "core/KmsError.h"
#include "kms/Scheduler.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QStringList>

#include <optional>

namespace qkms::kms {
class KmsService;
}

namespace qkms::model {

class EngineRunner;

/// One key's line in the Rotation schedules pane: the engine's KeySchedule, the key's aliases, and
/// the days until its next rotation as of the clock when it was read.
struct ScheduleEntry {
    kms::KeySchedule schedule;
    QStringList aliases;                 ///< sorted
    std::optional<int> daysToRotation;   ///< rounded up; 0 = due now; absent without a next rotation

    /// The first alias, or the key id.
    [[nodiscard]] QString label() const { return aliases.isEmpty() ? schedule.keyId : aliases.constFirst(); }
    [[nodiscard]] bool awsManaged() const { return schedule.keyManager == kms::KeyManager::Aws; }
    bool operator==(const ScheduleEntry &) const;
};

namespace schedules {

/// Alias names by key id (each list sorted), read in one query. StorageException on failure.
[[nodiscard]] Result<QHash<QString, QStringList>> aliasesByKey(kms::KmsService &service);
/// Every key of the region in creation order with its schedule and aliases (Scheduler::
/// keySchedules(true)). StorageException on failure.
[[nodiscard]] Result<QList<ScheduleEntry>> load(kms::KmsService &service);
/// Whole days from `now` to `t`, rounded up, never negative (the scheduler's rule).
[[nodiscard]] int daysUntil(const QDateTime &now, const QDateTime &t);
/// "1 day", "90 days".
[[nodiscard]] QString dayCount(int days);

} // namespace schedules

/// Every key's rotation schedule and deletion date, in creation order. refresh() reads them again
/// on the engine worker and applies the difference as row inserts, removals and dataChanged, so
/// the selection survives a refresh. Which keys a pane shows is its proxy's business.
class ScheduleModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column {
        KeyColumn,
        KeyIdColumn,
        RotationColumn,
        PeriodColumn,
        LastRotationColumn,
        NextRotationColumn,
        DaysLeftColumn,
        DeletionColumn,
        ColumnCount
    };
    enum Role {
        KeyIdRole = Qt::UserRole + 1, ///< QString
        RotatableRole,                ///< bool: the key can rotate at all
        PendingDeletionRole,          ///< bool: the key has a deletion date
        SortRole,                     ///< a value that sorts the column (dates as QDateTime)
    };

    /// A model over `runner`'s region; it reloads whenever the runner's service changes.
    explicit ScheduleModel(EngineRunner *runner, QObject *parent = nullptr);

    [[nodiscard]] int rowCount(const QModelIndex &parent = {}) const override;
    [[nodiscard]] int columnCount(const QModelIndex &parent = {}) const override;
    [[nodiscard]] QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    [[nodiscard]] QVariant headerData(int section, Qt::Orientation orientation, int role) const override;
    [[nodiscard]] QHash<int, QByteArray> roleNames() const override;

    /// The entry at `row` (a default entry when out of range). Valid until the model changes.
    [[nodiscard]] const ScheduleEntry &entryAt(int row) const;
    /// The row of `keyId`, or -1.
    [[nodiscard]] int indexOf(const QString &keyId) const;

    /// Drops every row and reads them again.
    void reload();
    /// Reads the schedules again and applies the difference. Coalesced while a read runs.
    void refresh();
    [[nodiscard]] bool isBusy() const { return m_busy; }
    /// Whether a read has completed since the last reload.
    [[nodiscard]] bool isLoaded() const { return m_loaded; }
    /// The last read's failure as "ExceptionName: message" (empty when it succeeded).
    [[nodiscard]] QString errorText() const { return m_error; }

Q_SIGNALS:
    /// A read was applied (or failed: see errorText()).
    void loaded();

private:
    void start();
    void arrived(Result<QList<ScheduleEntry>> fresh, quint64 generation);
    void applyDiff(QList<ScheduleEntry> fresh);
    void rebuildIndex();

    EngineRunner *m_runner;
    QList<ScheduleEntry> m_rows;
    QHash<QString, int> m_rowOf;
    bool m_busy = false;
    bool m_loaded = false;
    bool m_refreshPending = false;
    quint64 m_generation = 0;
    QString m_error;
};

} // namespace qkms::model
