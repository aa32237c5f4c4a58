#pragma once

// Keeps a region's schedule running while the console is open: every rotation and deletion that
// came due while qkms was closed runs as soon as a region's engine is attached (unlock, region
// switch), and from then on every interval. The work happens on the EngineRunner's worker thread,
// like every other engine call of the console; the scheduler itself is transactional
// (docs/rotation.md), so a CLI command or `qkms serve` running it on the same vault at the same
// moment cannot make a due rotation happen twice.

#include "kms/Scheduler.h"

#include <QDateTime>
#include <QObject>
#include <QTimer>

namespace qkms::model {

class EngineRunner;

class SchedulerDriver : public QObject
{
    Q_OBJECT
public:
    /// The console's default period between runs: one minute.
    static constexpr int kDefaultIntervalMs = 60'000;

    /// Drives `runner`'s service; runs at once whenever the runner gets a new service.
    explicit SchedulerDriver(EngineRunner *runner, int intervalMs = kDefaultIntervalMs, QObject *parent = nullptr);

    [[nodiscard]] int interval() const { return m_timer.interval(); }
    /// Changes the period between runs (tests shorten it).
    void setInterval(int ms) { m_timer.setInterval(ms); }
    /// The clock's time of the last completed run; invalid before the first.
    [[nodiscard]] QDateTime lastRun() const { return m_lastRun; }
    /// True while a run is queued or running on the worker.
    [[nodiscard]] bool isRunning() const { return m_inFlight; }

public Q_SLOTS:
    /// Queues a run unless one is already in flight (then it is a no-op: that run covers now).
    void runNow();

Q_SIGNALS:
    /// A run finished. `report` lists what it did (often nothing) and the keys that failed.
    void ran(const qkms::kms::SchedulerReport &report);
    /// A run could not list the due keys at all (the region file could not be read).
    void failed(const qkms::KmsError &error);

private:
    void finished(const Result<kms::SchedulerReport> &result);

    EngineRunner *m_runner;
    QTimer m_timer;
    QDateTime m_lastRun;
    bool m_inFlight = false;
};

/// A one-line summary of a run for a status bar ("Rotated 2 keys, deleted 1 key"), empty when the
/// run did nothing.
[[nodiscard]] QString describeRun(const kms::SchedulerReport &report);

} // namespace qkms::model
