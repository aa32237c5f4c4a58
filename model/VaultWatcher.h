#pragma once

// Notices changes made to the region by anyone else — the CLI, another console, the scheduler —
// so the console's models stay current without a restart. Every change to a key is audited, so a
// poll of the audit log's newest events is a cheap and complete change indicator.

#include <QObject>
#include <QTimer>

namespace qkms::model {

class EngineRunner;

class VaultWatcher : public QObject
{
    Q_OBJECT
public:
    /// Polls through `runner` (which must outlive this) every `intervalMs` while it has a service.
    explicit VaultWatcher(EngineRunner *runner, int intervalMs = 2000, QObject *parent = nullptr);

    /// Changes the poll interval (tests use a short one).
    void setInterval(int intervalMs);
    [[nodiscard]] int interval() const { return m_timer.interval(); }
    /// Polls now instead of at the next tick.
    void pollNow();

Q_SIGNALS:
    /// Something other than a read happened in the region since the last poll.
    void changed();

private:
    void restart();

    EngineRunner *m_runner;
    QTimer m_timer;
    qint64 m_lastSeq = -1; ///< -1: not primed yet (the next poll only reads the audit head)
    bool m_inFlight = false;
};

} // namespace qkms::model
