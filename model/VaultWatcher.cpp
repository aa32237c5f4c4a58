#include "VaultWatcher.h"

#include "EngineRunner.h"
#include "KeyCatalog.h"

namespace qkms::model {

VaultWatcher::VaultWatcher(EngineRunner *runner, int intervalMs, QObject *parent) : QObject(parent), m_runner(runner)
{
    setObjectName(QStringLiteral("vaultWatcher"));
    m_timer.setInterval(intervalMs);
    connect(&m_timer, &QTimer::timeout, this, &VaultWatcher::pollNow);
    connect(m_runner, &EngineRunner::serviceChanged, this, &VaultWatcher::restart);
    restart();
}

void VaultWatcher::setInterval(int intervalMs)
{
    m_timer.setInterval(intervalMs);
}

void VaultWatcher::restart()
{
    m_lastSeq = -1;
    m_inFlight = false; // a poll of the previous service is dropped by the runner
    if (!m_runner->hasService()) {
        m_timer.stop();
        return;
    }
    m_timer.start();
    // Prime at once: this job is queued before the models' first page, so nothing written
    // between that page and the first tick can be missed.
    pollNow();
}

void VaultWatcher::pollNow()
{
    if (m_inFlight || !m_runner->hasService())
        return;
    m_inFlight = true;
    const qint64 after = m_lastSeq;
    m_runner->run(
        this,
        [after](kms::KmsService &service, const kms::Caller &) -> Result<AuditScan> {
            if (after < 0) {
                auto head = catalog::auditHead(service);
                if (!head)
                    return std::unexpected(head.error());
                return AuditScan{*head, 0};
            }
            return catalog::scanWrites(service, after);
        },
        [this](Result<AuditScan> scan) {
            m_inFlight = false;
            if (!scan) {
                qWarning("qkms: change poll failed: %s", qPrintable(scan.error().toString()));
                return;
            }
            m_lastSeq = scan->lastSeq;
            if (scan->writes > 0)
                Q_EMIT changed();
        });
}

} // namespace qkms::model
