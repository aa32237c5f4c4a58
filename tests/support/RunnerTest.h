#pragma once

// The fixture of the model tests that drive the engine through model::EngineRunner
// (tests/model/tst_alias_model.cpp, tst_schedule_model.cpp, tst_audit_model.cpp,
// tst_scheduler_driver.cpp): a temporary vault with a mock clock, the eu-west-1 engine on it and
// a runner the models under test are given. A test class inherits it next to QObject:
//
//     class TestX : public QObject, protected test::RunnerTest
//
// and calls openRunner() from init() and closeRunner() from cleanup().
//
// Header-only on purpose: tests/support's library links only qkms_crypto, and the runner lives
// in qkms_model, which only the model and ui tests link.

#include "EngineRunner.h"
#include "EngineTest.h"
#include "VaultFixture.h"
#include "kms/KmsService.h"

#include <memory>

namespace qkms::test {

class RunnerTest
{
protected:
    /// Creates a fresh vault, opens its eu-west-1 engine as m_service and makes an idle runner
    /// with no service attached (attach() does). False, with a warning naming the error, when
    /// the engine does not open; call it as QVERIFY(openRunner()).
    [[nodiscard]] bool openRunner()
    {
        m_fx = std::make_unique<VaultFixture>();
        auto s = kms::KmsService::open(m_fx->vault(), QStringLiteral("eu-west-1"));
        if (!s) {
            qWarning("KmsService::open: %s", qPrintable(s.error().toString()));
            return false;
        }
        m_service = std::move(*s);
        m_runner = std::make_unique<model::EngineRunner>();
        return true;
    }
    /// Stops the runner first (its worker may still use the engine), then the engine, then the
    /// vault and its directory.
    void closeRunner()
    {
        m_runner.reset();
        m_service.reset();
        m_fx.reset();
    }

    /// The engine, for calls from the test thread: waits until the runner's worker is idle,
    /// because the two threads must not use the service at the same time.
    kms::KmsService &engine()
    {
        m_runner->waitForIdle();
        return *m_service;
    }
    /// The account root calling through the CLI (the test's own calls).
    [[nodiscard]] kms::Caller root() const { return {m_service->rootArn(), QStringLiteral("cli"), {}}; }
    /// Gives the runner the engine, with the root calling through the console.
    void attach() { m_runner->setService(m_service.get(), {m_service->rootArn(), QStringLiteral("console"), {}}); }

    /// CreateKey as the root with a description; spec and usage are AWS's defaults when empty.
    /// Aborts the test run on failure: every caller needs the key to go on. Returns the KeyId.
    QString createKey(const QString &description, const QString &spec = {}, const QString &usage = {})
    {
        auto k = engine().createKey(root(), keyRequest(description, spec, usage));
        if (!k)
            qFatal("createKey: %s", qPrintable(k.error().toString()));
        return k->keyId;
    }

    std::unique_ptr<VaultFixture> m_fx;
    std::unique_ptr<kms::KmsService> m_service;
    std::unique_ptr<model::EngineRunner> m_runner;
};

} // namespace qkms::test
