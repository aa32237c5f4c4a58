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
    Q_EMIT callerChanged(m_caller.principalArn);
}

void EngineRunner::setCaller(const kms::Caller &caller)
{
    if (caller.principalArn == m_caller.principalArn && caller.frontEnd == m_caller.frontEnd)
        return;
    // No new generation: a command already running finishes and reports as the caller it
    // started with; the models reload as the new one.
    m_caller = caller;
    Q_EMIT callerChanged(m_caller.principalArn);
    Q_EMIT serviceChanged();
}

QString EngineRunner::traceFor(kms::KmsService &service, const KmsError &error)
{
    // The authorizer's denials name the KMS action ("…perform: kms:Encrypt…"); a denial made
    // elsewhere (IAM management) has no decision of its own, and the last one would mislead.
    if (!error.message.contains(QStringLiteral("perform: kms:")))
        return {};
    return service.lastDecisionTrace();
}

void EngineRunner::noteDenial(Denial denial)
{
    m_lastDenial = std::move(denial);
    Q_EMIT accessDenied(m_lastDenial);
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
