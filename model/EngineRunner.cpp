#include "EngineRunner.h"

#include "vault/Vault.h"

namespace qkms::model {

EngineRunner::EngineRunner(QObject *parent) : QObject(parent)
{
    // One thread: calls on the service are serialized in the order they were asked for.
    m_pool.setMaxThreadCount(1);
    m_pool.setObjectName(QStringLiteral("qkmsEngineWorker"));
}

EngineRunner::~EngineRunner()
{
    m_pool.waitForDone();
}

void EngineRunner::setService(kms::KmsService *service, const kms::Caller &caller)
{
    m_pool.waitForDone();
    ++m_generation; // continuations of earlier jobs see a new generation and drop their results
    m_service = service;
    m_caller = caller;
    m_region = service ? service->region() : QString();
    m_clock = service ? &service->vault().clock() : nullptr;
    Q_EMIT serviceChanged();
}

QDateTime EngineRunner::now() const
{
    return m_clock ? m_clock->now() : QDateTime();
}

void EngineRunner::waitForIdle()
{
    m_pool.waitForDone();
}

} // namespace qkms::model
