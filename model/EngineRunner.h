#pragma once

// Runs engine calls off the GUI thread, one at a time. KmsService and its SQLCipher connection are
// not thread-safe, so every model, command and dialog of the console goes through the one
// single-thread pool here instead of starting threads of its own.

#include "core/Clock.h"
#include "kms/KmsService.h"
#include "kms/Requests.h"

#include <QFuture>
#include <QObject>
#include <QPointer>
#include <QThreadPool>
#include <QtConcurrent>

#include <type_traits>

namespace qkms::model {

class EngineRunner : public QObject
{
    Q_OBJECT
public:
    explicit EngineRunner(QObject *parent = nullptr);
    /// Waits for the job in flight (the service must outlive it).
    ~EngineRunner() override;

    /// Points the runner at `service` (null: none) calling as `caller`. Waits for the job in
    /// flight first, so the previous service may be destroyed as soon as this returns; results
    /// of jobs started before are dropped. Emits serviceChanged().
    void setService(kms::KmsService *service, const kms::Caller &caller);
    [[nodiscard]] bool hasService() const { return m_service != nullptr; }
    [[nodiscard]] const kms::Caller &caller() const { return m_caller; }
    /// The service's region, or an empty string.
    [[nodiscard]] QString region() const { return m_region; }
    /// The vault's clock's time (previews such as a deletion date use it, not the wall clock);
    /// an invalid QDateTime without a service.
    [[nodiscard]] QDateTime now() const;
    /// Blocks until no job runs (used before the vault is locked or a region closed).
    void waitForIdle();

    /// Runs `job(service, caller)` on the worker thread, then `done(result)` on `context`'s thread
    /// (the GUI thread). `done` is skipped when `context` is destroyed or the service changed
    /// meanwhile. Returns false (and runs nothing) when there is no service.
    template <typename Job, typename Done>
    bool run(QObject *context, Job job, Done done)
    {
        using R = std::invoke_result_t<Job &, kms::KmsService &, const kms::Caller &>;
        if (!m_service)
            return false;
        kms::KmsService *service = m_service;
        const kms::Caller caller = m_caller;
        const quint64 generation = m_generation;
        const QPointer<EngineRunner> self(this);
        QtConcurrent::run(&m_pool, [service, caller, job = std::move(job)]() mutable { return job(*service, caller); })
            .then(context, [self, generation, done = std::move(done)](R result) mutable {
                if (self && self->m_generation == generation)
                    done(std::move(result));
            });
        return true;
    }

Q_SIGNALS:
    /// The service (region) or caller changed; models reload.
    void serviceChanged();

private:
    QThreadPool m_pool;
    kms::KmsService *m_service = nullptr;
    kms::Caller m_caller;
    QString m_region;
    const Clock *m_clock = nullptr;
    quint64 m_generation = 0;
};

} // namespace qkms::model
