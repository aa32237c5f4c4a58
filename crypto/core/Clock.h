#pragma once

#include <QDateTime>

namespace qkms {

/// Where the engine and the models get the time. Nothing in crypto/ or model/ reads the wall
/// clock directly, so tests can move time by days and the scheduler can be driven from outside.
class Clock
{
public:
    virtual ~Clock() = default;
    /// The current time, in UTC.
    [[nodiscard]] virtual QDateTime now() const = 0;
    /// True when the time is not the real one (QKMS_NOW or a test clock): audit events say so.
    [[nodiscard]] virtual bool isSimulated() const { return false; }
};

/// The real clock.
class SystemClock final : public Clock
{
public:
    [[nodiscard]] QDateTime now() const override { return QDateTime::currentDateTimeUtc(); }
};

/// A clock that starts at a given time and only moves when told. Used by tests, and by the
/// console and CLI when the QKMS_NOW environment variable sets the time (a testing and
/// demonstration aid).
class ManualClock final : public Clock
{
public:
    explicit ManualClock(QDateTime start) : m_now(start.toUTC()) {}
    [[nodiscard]] QDateTime now() const override { return m_now; }
    [[nodiscard]] bool isSimulated() const override { return true; }
    void set(const QDateTime &t) { m_now = t.toUTC(); }
    void advanceDays(int days) { m_now = m_now.addDays(days); }
    void advanceSecs(qint64 secs) { m_now = m_now.addSecs(secs); }

private:
    QDateTime m_now;
};

} // namespace qkms
