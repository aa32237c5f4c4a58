#include "SchedulerDriver.h"

#include "EngineRunner.h"

namespace qkms::model {

SchedulerDriver::SchedulerDriver(EngineRunner *runner, int intervalMs, QObject *parent)
    : QObject(parent), m_runner(runner)
{
    m_timer.setInterval(intervalMs);
    connect(&m_timer, &QTimer::timeout, this, &SchedulerDriver::runNow);
    // A new service is a new region or a fresh unlock: catch up at once, then keep the period.
    connect(m_runner, &EngineRunner::serviceChanged, this, [this] {
        m_inFlight = false; // a run queued against the previous service never reports back
        if (m_runner->hasService()) {
            runNow();
            m_timer.start();
        } else {
            m_timer.stop();
        }
    });
    if (m_runner->hasService()) {
        runNow();
        m_timer.start();
    }
}

void SchedulerDriver::runNow()
{
    if (m_inFlight)
        return;
    m_inFlight = m_runner->run(
        this, [](kms::KmsService &service, const kms::Caller &) { return kms::Scheduler(service).runDue(); },
        [this](Result<kms::SchedulerReport> result) { finished(result); });
}

void SchedulerDriver::finished(const Result<kms::SchedulerReport> &result)
{
    m_inFlight = false;
    m_lastRun = m_runner->now();
    if (result)
        Q_EMIT ran(*result);
    else
        Q_EMIT failed(result.error());
}

QString describeRun(const kms::SchedulerReport &report)
{
    const int rotated = report.count(kms::ScheduledEvent::Kind::Rotation);
    const int deleted = report.count(kms::ScheduledEvent::Kind::Deletion);
    QStringList parts;
    if (rotated > 0)
        parts << QObject::tr("rotated %n key(s)", nullptr, rotated);
    if (deleted > 0)
        parts << QObject::tr("deleted %n key(s) whose waiting period ended", nullptr, deleted);
    if (!report.failures.isEmpty())
        parts << QObject::tr("%n scheduled event(s) failed", nullptr, static_cast<int>(report.failures.size()));
    if (parts.isEmpty())
        return {};
    QString text = QObject::tr("Scheduler: %1").arg(parts.join(QStringLiteral(", ")));
    return text;
}

} // namespace qkms::model
