#pragma once

#include "core/KmsError.h"
#include "kms/Scheduler.h"

#include <QAbstractTableModel>
#include <QDateTime>

namespace qkms::model {

class EngineRunner;

/// One forecast line: what the scheduler will do, to which key (named by its first alias).
struct ForecastEntry {
    kms::ScheduledEvent event;
    QString label; ///< first alias, or the key id
};

/// What the forecast read: its entries in date order and the clock's time it was counted from.
struct Forecast {
    QDateTime from;
    int days = 0;
    QList<ForecastEntry> entries;
};

namespace schedules {
/// Scheduler::forecast(days) with alias labels. ValidationException outside 0..36500,
/// StorageException on failure.
[[nodiscard]] Result<Forecast> forecast(kms::KmsService &service, int days);
} // namespace schedules

/// The scheduler's forecast for the next N days: rotations and deletions in date order (overdue
/// ones first, "due now"). Small by nature, so every read replaces the rows with a model reset.
class ForecastModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { DateColumn, DaysColumn, KindColumn, KeyColumn, ColumnCount };
    enum Role {
        KeyIdRole = Qt::UserRole + 1, ///< QString
        DueRole,                      ///< QDateTime
        IsDeletionRole,               ///< bool
    };
    static constexpr int kDefaultDays = 90;

    /// A model over `runner`'s region; it reloads whenever the runner's service changes.
    explicit ForecastModel(EngineRunner *runner, QObject *parent = nullptr);

    [[nodiscard]] int rowCount(const QModelIndex &parent = {}) const override;
    [[nodiscard]] int columnCount(const QModelIndex &parent = {}) const override;
    [[nodiscard]] QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    [[nodiscard]] QVariant headerData(int section, Qt::Orientation orientation, int role) const override;
    [[nodiscard]] QHash<int, QByteArray> roleNames() const override;

    /// The entry at `row` (a default entry when out of range).
    [[nodiscard]] const ForecastEntry &entryAt(int row) const;
    /// The first row about `keyId`, or -1.
    [[nodiscard]] int indexOf(const QString &keyId) const;
    /// Where the forecast starts (the vault clock when it was read) and how many days it covers.
    [[nodiscard]] QDateTime from() const { return m_from; }
    [[nodiscard]] int days() const { return m_days; }

    /// Forecasts `days` (1..3650) ahead from now on; reads again when it changed.
    void setDays(int days);
    /// Reads the forecast again. Coalesced while a read runs.
    void refresh();
    [[nodiscard]] bool isBusy() const { return m_busy; }
    /// The last read's failure as "ExceptionName: message" (empty when it succeeded).
    [[nodiscard]] QString errorText() const { return m_error; }

Q_SIGNALS:
    /// A read was applied (or failed: see errorText()).
    void loaded();

private:
    void start();

    EngineRunner *m_runner;
    QList<ForecastEntry> m_rows;
    QDateTime m_from;
    int m_days = kDefaultDays;        ///< what the rows cover
    int m_wantedDays = kDefaultDays;  ///< what the next read asks for
    bool m_busy = false;
    bool m_refreshPending = false;
    QString m_error;
};

} // namespace qkms::model
