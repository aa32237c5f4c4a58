#include "kms/KmsService.h"

#include "iam/PrincipalStore.h"
#include "kms/AuditLog.h"
#include "kms/KeyRows.h"
#include "kms/PolicyAuthorizer.h"
#include "primitives/Primitives.h"
#include "store/Database.h"
#include "vault/Vault.h"

#include <QJsonArray>
#include <QRegularExpression>
#include <QUuid>

namespace qkms::kms {

Result<std::unique_ptr<KmsService>> KmsService::open(vault::Vault &vault, const QString &region)
{
    auto db = vault.regionDb(region);
    if (!db)
        return std::unexpected(db.error());
    return std::unique_ptr<KmsService>(new KmsService(vault, region, *db));
}

KmsService::KmsService(vault::Vault &vault, QString region, store::Database *db)
    : m_vault(vault), m_region(std::move(region)), m_db(db), m_audit(std::make_unique<AuditLog>(*db))
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

Result<KeyRecord> KmsService::resolveKey(const QString &keyId, bool allowAlias)
{
    if (keyId.isEmpty() || keyId.size() > 2048)
        return fail(errors::Validation, QStringLiteral("1 validation error detected: Value at 'keyId' failed to satisfy "
                                                       "constraint: Member must have length between 1 and 2048"));
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
        auto target = rows::aliasTarget(*m_db, id);
        if (!target)
            return std::unexpected(target.error());
        if (target->isEmpty())
            return fail(errors::NotFound, QStringLiteral("Alias %1 is not found.")
                                              .arg(QStringLiteral("arn:aws:kms:%1:%2:%3").arg(m_region, accountId(), id)));
        id = *target;
    }
    static const QRegularExpression uuid(QStringLiteral("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"));
    if (!uuid.match(id).hasMatch())
        return fail(errors::NotFound, QStringLiteral("Invalid keyId %1").arg(keyId));
    auto key = rows::loadKey(*m_db, id);
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
    auto wrapped = rows::loadWrappedMaterial(*m_db, key.keyId, v);
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
    const Clock &clock = m_vault.clock();
    QJsonObject identity;
    const bool isRoot = c.principalArn.endsWith(QStringLiteral(":root"));
    identity.insert(u"type", isRoot ? QStringLiteral("Root")
                             : c.principalArn.contains(QStringLiteral(":role/")) ? QStringLiteral("AssumedRole")
                                                                                 : QStringLiteral("IAMUser"));
    identity.insert(u"arn", c.principalArn);
    identity.insert(u"accountId", accountId());
    QJsonObject e;
    e.insert(u"eventVersion", QStringLiteral("1.08"));
    e.insert(u"userIdentity", identity);
    e.insert(u"eventTime", clock.now().toString(Qt::ISODate));
    e.insert(u"eventSource", QStringLiteral("kms.amazonaws.com"));
    e.insert(u"eventName", operation);
    e.insert(u"awsRegion", m_region);
    e.insert(u"sourceIPAddress", c.sourceAddress.isEmpty() ? QStringLiteral("qkms-") + c.frontEnd : c.sourceAddress);
    e.insert(u"userAgent", QStringLiteral("qkms/%1 %2").arg(QStringLiteral(QKMS_VERSION), c.frontEnd));
    e.insert(u"requestParameters", params);
    if (error) {
        e.insert(u"errorCode", error->type);
        e.insert(u"errorMessage", error->message);
    }
    e.insert(u"eventID", QUuid::createUuid().toString(QUuid::WithoutBraces));
    e.insert(u"readOnly", operation.startsWith(QStringLiteral("Describe")) || operation.startsWith(QStringLiteral("List"))
                              || operation.startsWith(QStringLiteral("Get")));
    if (!keyArn.isEmpty())
        e.insert(u"resources", QJsonArray{QJsonObject{{QStringLiteral("accountId"), accountId()},
                                                      {QStringLiteral("type"), QStringLiteral("AWS::KMS::Key")},
                                                      {QStringLiteral("ARN"), keyArn}}});
    e.insert(u"eventType", QStringLiteral("AwsApiCall"));
    e.insert(u"managementEvent", true);
    e.insert(u"recipientAccountId", accountId());
    QJsonObject extra{{QStringLiteral("frontEnd"), c.frontEnd}};
    if (clock.isSimulated())
        extra.insert(u"simulatedTime", true); // QKMS_NOW or a test clock set the time
    e.insert(u"additionalEventData", extra);
    if (auto st = m_audit->append(e); !st)
        qWarning("qkms: could not write the audit event for %s: %s", qPrintable(operation),
                 qPrintable(st.error().message));
}

Status KmsService::saveKey(const KeyRecord &key)
{
    return rows::updateKey(*m_db, key);
}

} // namespace qkms::kms
