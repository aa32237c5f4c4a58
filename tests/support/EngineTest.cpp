#include "EngineTest.h"

#include "iam/PrincipalStore.h"
#include "kms/AuditLog.h"

#include <QTest>

namespace qkms::test {

QCA::SecureArray secret(const QByteArray &bytes)
{
    return QCA::SecureArray(bytes);
}

kms::EncryptionContext ctx(std::initializer_list<std::pair<const char *, const char *>> pairs)
{
    kms::EncryptionContext c;
    for (const auto &[k, v] : pairs)
        c.insert(QString::fromUtf8(k), QString::fromUtf8(v));
    return c;
}

kms::CreateKeyRequest keyRequest(const QString &description, const QString &spec, const QString &usage,
                                 const kms::Tags &tags)
{
    kms::CreateKeyRequest r;
    r.description = description;
    if (!spec.isEmpty())
        r.keySpec = spec;
    if (!usage.isEmpty())
        r.keyUsage = usage;
    r.tags = tags;
    return r;
}

EngineTest::EngineTest() = default;

// Out of line: KmsService is complete here.
EngineTest::~EngineTest() = default;

bool EngineTest::openEngine(const QString &region, const QString &frontEnd)
{
    m_fixture = std::make_unique<VaultFixture>();
    auto svc = kms::KmsService::open(m_fixture->vault(), region);
    if (!svc) {
        qWarning("KmsService::open: %s", qPrintable(svc.error().toString()));
        return false;
    }
    m_svc = std::move(*svc);
    m_root = kms::Caller{m_svc->rootArn(), frontEnd, {}};
    return true;
}

void EngineTest::closeEngine()
{
    // The engine holds the vault's database: it goes first.
    m_svc.reset();
    m_fixture.reset();
}

kms::KeyRecord EngineTest::create(const QString &spec, const QString &usage, const QString &origin)
{
    kms::CreateKeyRequest r;
    r.keySpec = spec;
    if (!usage.isEmpty())
        r.keyUsage = usage;
    r.origin = origin;
    auto k = m_svc->createKey(m_root, r);
    if (!k)
        qFatal("createKey: %s", qPrintable(k.error().toString()));
    return *k;
}

QByteArray EngineTest::encrypt(const kms::KeyRecord &key, const QByteArray &plaintext, const kms::EncryptionContext &context)
{
    auto r = m_svc->encrypt(m_root, key.keyId, secret(plaintext), context);
    if (!r)
        qFatal("encrypt: %s", qPrintable(r.error().toString()));
    return r->ciphertextBlob;
}

QByteArray EngineTest::encrypt(const QString &keyId, const QByteArray &plaintext)
{
    auto r = m_svc->encrypt(m_root, keyId, secret(plaintext));
    if (!r)
        qFatal("encrypt: %s", qPrintable(r.error().toString()));
    return r->ciphertextBlob;
}

QString EngineTest::aliasArn(const QString &aliasName) const
{
    return QStringLiteral("arn:aws:kms:us-east-1:%1:%2").arg(m_svc->accountId(), aliasName);
}

QString EngineTest::arn(const QString &user) const
{
    return QStringLiteral("arn:aws:iam::%1:user/%2").arg(m_svc->accountId(), user);
}

kms::Caller EngineTest::as(const QString &user, const QString &frontEnd) const
{
    return kms::Caller{arn(user), frontEnd, {}};
}

bool EngineTest::createUsers()
{
    for (const QString &name : {QStringLiteral("alice"), QStringLiteral("bob"), QStringLiteral("carol")}) {
        if (!m_svc->principals().createUser(m_root.principalArn, name))
            return false;
    }
    return true;
}

qsizetype EngineTest::eventCount() const
{
    auto events = m_svc->audit().events();
    return events ? events->size() : -1;
}

void EngineTest::checkAudited(qsizetype before, const QString &eventName, const QString &errorCode) const
{
    auto events = m_svc->audit().events();
    QVERIFY(events);
    QCOMPARE(events->size(), before + 1);
    QCOMPARE(events->last().value(u"eventName").toString(), eventName);
    QCOMPARE(events->last().value(u"errorCode").toString(), errorCode);
}

// ---- PolicyEngineTest ------------------------------------------------------------------------

bool PolicyEngineTest::openEngineWithUsers()
{
    return openEngine() && createUsers();
}

QString PolicyEngineTest::keyPolicy(const QString &statements, bool withRoot) const
{
    QString body = statements;
    if (withRoot)
        body.prepend(QStringLiteral(R"({"Sid":"Enable IAM User Permissions","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::ACCOUNT:root"},"Action":"kms:*","Resource":"*"})")
                     + (statements.isEmpty() ? QString() : QStringLiteral(",")));
    return (QStringLiteral(R"({"Version":"2012-10-17","Statement":[)") + body + QStringLiteral("]}"))
        .replace(QStringLiteral("ALICE"), arn(QStringLiteral("alice")))
        .replace(QStringLiteral("BOB"), arn(QStringLiteral("bob")))
        .replace(QStringLiteral("ACCOUNT"), m_svc->accountId());
}

kms::KeyRecord PolicyEngineTest::createKey(const std::optional<QString> &policy, const kms::Tags &tags, bool bypass)
{
    kms::CreateKeyRequest r;
    r.policy = policy;
    r.tags = tags;
    r.bypassPolicyLockoutSafetyCheck = bypass;
    auto k = m_svc->createKey(m_root, r);
    if (!k)
        qFatal("createKey: %s", qPrintable(why(k)));
    return *k;
}

void PolicyEngineTest::putIdentityPolicy(const QString &user, const QString &name, const QString &statements)
{
    const QString doc = QStringLiteral(R"({"Version":"2012-10-17","Statement":[%1]})").arg(statements);
    auto st = m_svc->principals().putPolicy(m_root.principalArn, iam::PrincipalKind::User, user, name, doc);
    if (!st)
        qFatal("putPolicy: %s", qPrintable(why(st)));
}

Result<kms::EncryptResponse> PolicyEngineTest::encryptAs(const kms::Caller &caller, const kms::KeyRecord &key,
                                                         const kms::EncryptionContext &context)
{
    return m_svc->encrypt(caller, key.keyId, plaintext(), context);
}

QCA::SecureArray PolicyEngineTest::plaintext()
{
    return QCA::SecureArray(QByteArrayLiteral("payroll 2026"));
}

kms::EncryptionContext PolicyEngineTest::contextOf(const QString &text)
{
    kms::EncryptionContext c;
    for (const QString &pair : text.split(u';', Qt::SkipEmptyParts))
        c.insert(pair.section(u'=', 0, 0), pair.section(u'=', 1));
    return c;
}

} // namespace qkms::test
