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

#include <expected>
#include <type_traits>

namespace qkms::model {

namespace detail {
template <typename T>
struct IsKmsResult : std::false_type {};
template <typename T>
struct IsKmsResult<std::expected<T, KmsError>> : std::true_type {};
} // namespace detail

/// An AccessDeniedException an engine call of the console met, with the policy evaluation that
/// decided it (the engine keeps the trace out of the AWS message, as AWS does).
struct Denial {
    KmsError error;
    QString trace;     ///< Decision::explain() of the denying evaluation; empty when none applies
    QString principal; ///< who was denied
};

class EngineRunner : public QObject
{
    Q_OBJECT
public:
    explicit EngineRunner(QObject *parent = nullptr);
    /// Waits for the job in flight (the service must outlive it).
    ~EngineRunner() override;

    /// Points the runner at `service` (null: none) calling as `caller`. Waits for the job in
    /// flight first, so the previous service may be destroyed as soon as this returns; results
    /// of jobs started before are dropped. Emits serviceChanged() and callerChanged().
    void setService(kms::KmsService *service, const kms::Caller &caller);
    [[nodiscard]] bool hasService() const { return m_service != nullptr; }
    [[nodiscard]] const kms::Caller &caller() const { return m_caller; }
    /// Makes every later engine call of the console run as `caller` ("acting as"). Jobs already
    /// queued keep the caller they were started with. Emits callerChanged() and serviceChanged()
    /// (so every model reloads as the new principal) unless the principal is the same.
    void setCaller(const kms::Caller &caller);
    /// The last AccessDeniedException a job returned (none yet: an empty error type).
    [[nodiscard]] const Denial &lastDenial() const { return m_lastDenial; }
    /// The service's region, or an empty string.
    [[nodiscard]] QString region() const { return m_region; }
    /// The vault's clock's time (previews such as a deletion date use it, not the wall clock);
    /// an invalid QDateTime without a service.
    [[nodiscard]] QDateTime now() const;
    /// Changes with every setService() (not with setCaller()): models whose rows do not depend
    /// on the caller reload only when it changes.
    [[nodiscard]] quint64 serviceGeneration() const { return m_generation; }
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
        QtConcurrent::run(&m_pool,
                          [service, caller, job = std::move(job)]() mutable {
                              Outcome<R> out{job(*service, caller), {}};
                              if constexpr (detail::IsKmsResult<R>::value) {
                                  // Read on the worker, right after the call: the service keeps
                                  // only its last decision, and the next job replaces it.
                                  if (!out.result && out.result.error().type == errors::AccessDenied)
                                      out.trace = traceFor(*service, out.result.error());
                              }
                              return out;
                          })
            .then(context, [self, generation, caller, done = std::move(done)](Outcome<R> out) mutable {
                if (!self || self->m_generation != generation)
                    return;
                if constexpr (detail::IsKmsResult<R>::value) {
                    if (!out.result && out.result.error().type == errors::AccessDenied)
                        self->noteDenial({out.result.error(), out.trace, caller.principalArn});
                }
                done(std::move(out.result));
            });
        return true;
    }

Q_SIGNALS:
    /// The service (region) or caller changed; models reload.
    void serviceChanged();
    /// The acting principal changed (after setCaller or setService).
    void callerChanged(const QString &principalArn);
    /// A job returned AccessDeniedException (emitted on the GUI thread before its `done` runs).
    void accessDenied(const qkms::model::Denial &denial);

private:
    template <typename R>
    struct Outcome {
        R result;
        QString trace;
    };
    /// The engine's policy trace for `error` when the engine's authorizer decided it; empty for
    /// denials the authorizer did not make (IAM management is the root's alone).
    static QString traceFor(kms::KmsService &service, const KmsError &error);
    void noteDenial(Denial denial);

    QThreadPool m_pool;
    kms::KmsService *m_service = nullptr;
    kms::Caller m_caller;
    QString m_region;
    const Clock *m_clock = nullptr;
    quint64 m_generation = 0;
    Denial m_lastDenial;
};

} // namespace qkms::model
