#pragma once

// The fixture of the engine tests (tests/crypto/tst_kms_*.cpp, tst_scheduler.cpp): a temporary
// vault with a mock clock, a region engine on it and the account root as caller, plus the small
// helpers those tests share. A test class inherits it next to QObject:
//
//     class TestX : public QObject, protected test::EngineTest
//
// and calls openEngine() from init() (or initTestCase()) and closeEngine() from the matching
// cleanup. The members keep the names the tests always used, so test bodies read as before.

#include "VaultFixture.h"
#include "core/KmsError.h"
#include "kms/KmsService.h"

#include <QtCrypto>

#include <initializer_list>
#include <memory>
#include <utility>

namespace qkms::test {

/// Test data as a secret, the only type the engine takes plaintext in.
[[nodiscard]] QCA::SecureArray secret(const QByteArray &bytes);

/// The error of a failed call, or a KmsError of type "<success>" when the call succeeded, so a
/// QCOMPARE on `.type` reports an unexpected success readably.
template <typename T>
[[nodiscard]] KmsError errorOf(const Result<T> &r)
{
    return r ? KmsError{QStringLiteral("<success>"), {}} : r.error();
}

/// The exception name of a failed call, or "<success>".
template <typename T>
[[nodiscard]] QString errorType(const Result<T> &r)
{
    return r ? QStringLiteral("<success>") : r.error().type;
}

/// "ok", or the full error text of a failed call (for QVERIFY2 and qFatal messages).
template <typename T>
[[nodiscard]] QString why(const Result<T> &r)
{
    return r ? QStringLiteral("ok") : r.error().toString();
}

/// A CreateKey request with a description and tags; spec and usage are left to AWS's defaults
/// when empty.
[[nodiscard]] kms::CreateKeyRequest keyRequest(const QString &description, const QString &spec = {},
                                               const QString &usage = {}, const kms::Tags &tags = {});

/// An encryption context from UTF-8 literal pairs: ctx({{"purpose", "test"}}).
[[nodiscard]] kms::EncryptionContext ctx(std::initializer_list<std::pair<const char *, const char *>> pairs);

class EngineTest
{
protected:
    EngineTest();
    ~EngineTest();
    EngineTest(const EngineTest &) = delete;
    EngineTest &operator=(const EngineTest &) = delete;

    /// Creates a fresh vault and opens the engine of `region` on it as m_svc, with m_root its
    /// account root calling through `frontEnd`. False (with a warning naming the error) when
    /// the engine does not open; call it as QVERIFY(openEngine()).
    [[nodiscard]] bool openEngine(const QString &region = QStringLiteral("us-east-1"),
                                  const QString &frontEnd = QStringLiteral("cli"));
    /// Closes the engine, then the vault and its directory.
    void closeEngine();

    /// CreateKey as the root; the usage is left to AWS's default when empty. Aborts the test
    /// run on failure: every caller needs the key to go on.
    kms::KeyRecord create(const QString &spec = QStringLiteral("SYMMETRIC_DEFAULT"), const QString &usage = {},
                          const QString &origin = QStringLiteral("AWS_KMS"));
    /// Encrypt as the root; aborts the test run on failure. Returns the ciphertext blob.
    QByteArray encrypt(const kms::KeyRecord &key, const QByteArray &plaintext, const kms::EncryptionContext &context = {});
    /// Encrypt by KeyId (id, ARN or alias) as the root, without a context; aborts on failure.
    QByteArray encrypt(const QString &keyId, const QByteArray &plaintext);

    /// The ARN of `aliasName` ("alias/…") in us-east-1 of this vault's account.
    [[nodiscard]] QString aliasArn(const QString &aliasName) const;
    /// The ARN of IAM user `user` in this vault's account.
    [[nodiscard]] QString arn(const QString &user) const;
    /// A caller acting as IAM user `user`.
    [[nodiscard]] kms::Caller as(const QString &user, const QString &frontEnd = QStringLiteral("cli")) const;
    /// Creates the users alice, bob and carol (as the root); false if one cannot be created.
    [[nodiscard]] bool createUsers();

    /// How many events the audit log holds, or -1 when it cannot be read.
    [[nodiscard]] qsizetype eventCount() const;
    /// Checks that the call under test added exactly one audit event, of this name and outcome
    /// (an empty `errorCode` for success). Records a test failure otherwise.
    void checkAudited(qsizetype before, const QString &eventName, const QString &errorCode) const;

    std::unique_ptr<VaultFixture> m_fixture;
    std::unique_ptr<kms::KmsService> m_svc;
    kms::Caller m_root;
};

/// The engine fixture of the key-policy tests (tst_kms_policies, tst_kms_key_policies): users
/// alice, bob and carol, key policies written in shorthand, identity policies, and Encrypt as
/// any caller.
class PolicyEngineTest : public EngineTest
{
protected:
    /// openEngine() and createUsers(); false when either fails.
    [[nodiscard]] bool openEngineWithUsers();

    /// A key policy: the root statement (unless `withRoot` is false) and `statements`, with
    /// ALICE, BOB and ACCOUNT replaced.
    [[nodiscard]] QString keyPolicy(const QString &statements, bool withRoot = true) const;
    /// CreateKey as the root with a policy, tags and the lockout bypass; aborts on failure.
    kms::KeyRecord createKey(const std::optional<QString> &policy = std::nullopt, const kms::Tags &tags = {},
                             bool bypass = false);
    /// Attaches an identity policy of `statements` to `user` as `name`; aborts on failure.
    void putIdentityPolicy(const QString &user, const QString &name, const QString &statements);
    /// Encrypt of plaintext() under `key` as `caller`.
    [[nodiscard]] Result<kms::EncryptResponse> encryptAs(const kms::Caller &caller, const kms::KeyRecord &key,
                                                         const kms::EncryptionContext &context = {});

    /// The plaintext encryptAs() encrypts.
    [[nodiscard]] static QCA::SecureArray plaintext();
    /// "k=v;k2=v2" → context (test-table shorthand).
    [[nodiscard]] static kms::EncryptionContext contextOf(const QString &text);
};

} // namespace qkms::test
