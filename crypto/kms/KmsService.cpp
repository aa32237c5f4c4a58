#include "kms/KmsService.h"

#include "iam/PrincipalStore.h"
#include "kms/AuditLog.h"
#include "kms/KeyRows.h"
#include "kms/PolicyAuthorizer.h"
#include "kms/RegionCache.h"
#include "primitives/Primitives.h"
#include "store/Database.h"
#include "vault/Vault.h"

#include <QJsonArray>
#include <QUuid>

namespace qkms::kms {

namespace {

/// A key id: lower-case UUID text, 8-4-4-4-12 (a regular expression cost more than the lookup).
bool isKeyUuid(QStringView id)
{
    if (id.size() != 36)
        return false;
    for (qsizetype i = 0; i < id.size(); ++i) {
        const char16_t ch = id[i].unicode();
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (ch != u'-')
                return false;
        } else if (!((ch >= u'0' && ch <= u'9') || (ch >= u'a' && ch <= u'f'))) {
            return false;
        }
    }
    return true;
}

} // namespace

Result<std::unique_ptr<KmsService>> KmsService::open(vault::Vault &vault, const QString &region)
{
    auto db = vault.regionDb(region);
    if (!db)
        return std::unexpected(db.error());
    return std::unique_ptr<KmsService>(new KmsService(vault, region, *db));
}

KmsService::KmsService(vault::Vault &vault, QString region, store::Database *db)
    : m_vault(vault), m_region(std::move(region)), m_db(db), m_audit(std::make_unique<AuditLog>(*db)),
      m_cache(std::make_unique<RegionCache>(*db, m_audit.get()))
{
    // Every call is decided by the key policy, the caller's identity policies and the key's grants.
    m_principals = std::make_unique<iam::PrincipalStore>(vault);
    m_policyAuthorizer = std::make_shared<PolicyAuthorizer>(*this, *m_principals);
    m_authorizer = makeHook(m_policyAuthorizer);
}

KmsService::~KmsService() = default;

QString KmsService::accountId() const
{
    return m_vault.accountId();
}

QString KmsService::rootArn() const
{
    return QStringLiteral("arn:aws:iam::%1:root").arg(accountId());
}

void KmsService::setAuthorizer(Authorizer authorizer)
{
    m_authorizer = std::move(authorizer);
}

AuditLog &KmsService::audit()
{
    return *m_audit;
}

store::Database &KmsService::database()
{
    return *m_db;
}

RegionCache &KmsService::cache()
{
    return *m_cache;
}

Result<KeyRecord> KmsService::resolveKey(const QString &keyId, bool allowAlias)
{
    if (keyId.isEmpty() || keyId.size() > 2048)
        return fail(errors::Validation, QStringLiteral("1 validation error detected: Value at 'keyId' failed to satisfy "
                                                       "constraint: Member must have length between 1 and 2048"));
    // Every operation on a key comes here first: from now on it sees the file as it is (a
    // change by this or any other process since the cache was filled empties it).
    if (auto st = m_cache->revalidate(); !st)
        return std::unexpected(st.error());
    QString id = keyId;
    const QString arnPrefix = QStringLiteral("arn:aws:kms:");
    if (id.startsWith(arnPrefix)) {
        // arn:aws:kms:<region>:<account>:key/<id> or …:alias/<name>
        const QStringList parts = id.split(u':');
        if (parts.size() < 6)
            return fail(errors::InvalidArn, QStringLiteral("ARN %1 is not a valid KMS ARN").arg(keyId));
        const QString resource = parts.mid(5).join(u':');
        if (parts[3] != m_region || parts[4] != accountId())
            return fail(errors::NotFound, QStringLiteral("Invalid arn %1").arg(keyId)); // another region or account
        if (resource.startsWith(QStringLiteral("key/")))
            id = resource.mid(4);
        else if (resource.startsWith(QStringLiteral("alias/")) && allowAlias)
            id = resource;
        else
            return fail(errors::InvalidArn, QStringLiteral("ARN %1 is not a valid key ARN").arg(keyId));
    }
    if (id.startsWith(QStringLiteral("alias/"))) {
        if (!allowAlias)
            return fail(errors::NotFound, QStringLiteral("Invalid keyId %1").arg(keyId));
        auto target = m_cache->aliasTarget(id);
        if (!target)
            return std::unexpected(target.error());
        if (target->isEmpty())
            return fail(errors::NotFound, QStringLiteral("Alias %1 is not found.")
                                              .arg(QStringLiteral("arn:aws:kms:%1:%2:%3").arg(m_region, accountId(), id)));
        id = *target;
    }
    if (!isKeyUuid(id))
        return fail(errors::NotFound, QStringLiteral("Invalid keyId %1").arg(keyId));
    auto key = m_cache->key(id);
    if (!key)
        return std::unexpected(key.error());
    if (!*key)
        return fail(errors::NotFound, QStringLiteral("Key '%1' does not exist")
                                          .arg(QStringLiteral("arn:aws:kms:%1:%2:key/%3").arg(m_region, accountId(), id)));
    return **key;
}

Result<QCA::SecureArray> KmsService::material(const KeyRecord &key, int version)
{
    const int v = version == 0 ? key.currentVersion : version;
    auto wrapped = m_cache->wrappedMaterial(key.keyId, v);
    if (!wrapped)
        return std::unexpected(wrapped.error());
    if (wrapped->isEmpty())
        return fail(errors::InvalidCiphertext,
                    QStringLiteral("The ciphertext refers to key material that does not exist for %1").arg(key.arn));
    return m_vault.unwrapMaterial(*wrapped, rows::materialBinding(key.arn, v));
}

Status KmsService::authorize(const Caller &c, const QString &action, const KeyRecord *key,
                             const EncryptionContext &context, const QMap<QString, QStringList> &conditions)
{
    // GrantTokens are checked before the decision, as AWS does, on every call that takes them.
    if (auto st = checkGrantTokens(c.grantTokens); !st)
        return st;
    AuthRequest r;
    r.caller = &c;
    r.action = action;
    r.key = key;
    r.encryptionContext = context;
    r.conditions = conditions;
    return m_authorizer(r);
}

void KmsService::record(const Caller &c, const QString &operation, const QString &keyArn, const QJsonObject &params,
                        const std::optional<KmsError> &error)
{
    append(c, operation, keyArn, params, {}, error);
}

void KmsService::recordJson(const Caller &c, const QString &operation, const QString &keyArn, QByteArray paramsJson,
                            const std::optional<KmsError> &error)
{
    append(c, operation, keyArn, {}, std::move(paramsJson), error);
}

void KmsService::append(const Caller &c, const QString &operation, const QString &keyArn, const QJsonObject &params,
                        QByteArray paramsJson, const std::optional<KmsError> &error)
{
    // The values only: the event's JSON is written with its batch (AuditRecord, AuditLog::flush).
    const Clock &clock = m_vault.clock();
    AuditRecord e;
    e.principalArn = c.principalArn;
    e.accountId = accountId();
    e.region = m_region;
    e.frontEnd = c.frontEnd;
    e.sourceAddress = c.sourceAddress;
    e.time = clock.now();
    e.operation = operation;
    e.keyArn = keyArn;
    e.params = params;
    e.paramsJson = std::move(paramsJson);
    e.error = error;
    e.eventId = QUuid::createUuid();
    e.simulatedTime = clock.isSimulated(); // QKMS_NOW or a test clock set the time
    m_cache->markStale(); // the next operation checks the file again
    if (auto st = m_audit->append(std::move(e)); !st)
        qWarning("qkms: could not write the audit event for %s: %s", qPrintable(operation),
                 qPrintable(st.error().message));
}

Status KmsService::saveKey(const KeyRecord &key)
{
    return rows::updateKey(*m_db, key);
}

} // namespace qkms::kms
