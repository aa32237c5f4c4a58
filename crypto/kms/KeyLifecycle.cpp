// CreateKey, DescribeKey, ListKeys, UpdateKeyDescription, Enable/DisableKey, Schedule/CancelKeyDeletion,
// AWS-managed keys, due deletions, GetKeyPolicy.

#include "kms/KeyRows.h"
#include "kms/KeyStateRules.h"
#include "kms/KmsService.h"
#include "kms/Scheduler.h"
#include "policy/DefaultKeyPolicy.h"
#include "primitives/AsymmetricKey.h"
#include "primitives/Primitives.h"
#include "store/Database.h"
#include "store/StoredDate.h"
#include "vault/Vault.h"

#include <QJsonArray>
#include <QUuid>

namespace qkms::kms {

namespace {

std::optional<crypto::KeyKind> asymmetricKind(KeySpec spec)
{
    switch (spec) {
    case KeySpec::Rsa2048: return crypto::KeyKind::Rsa2048;
    case KeySpec::Rsa3072: return crypto::KeyKind::Rsa3072;
    case KeySpec::Rsa4096: return crypto::KeyKind::Rsa4096;
    case KeySpec::EccNistP256: return crypto::KeyKind::EcP256;
    case KeySpec::EccNistP384: return crypto::KeyKind::EcP384;
    case KeySpec::EccNistP521: return crypto::KeyKind::EcP521;
    case KeySpec::EccSecgP256k1: return crypto::KeyKind::EcSecp256k1;
    default: return std::nullopt;
    }
}

QString materialId()
{
    return QString::fromLatin1(crypto::randomBytes(32).toHex());
}

QString validationError(const QString &value, const QString &field, const QString &constraint)
{
    return QStringLiteral("1 validation error detected: Value '%1' at '%2' failed to satisfy constraint: Member must %3")
        .arg(value, field, constraint);
}

} // namespace

Result<KeyRecord> KmsService::createKey(const Caller &c, const CreateKeyRequest &r)
{
    QJsonObject params{{QStringLiteral("description"), r.description},
                       {QStringLiteral("keySpec"), r.keySpec.value_or(QStringLiteral("SYMMETRIC_DEFAULT"))},
                       {QStringLiteral("keyUsage"), r.keyUsage.value_or(QStringLiteral("ENCRYPT_DECRYPT"))},
                       {QStringLiteral("origin"), r.origin}};
    auto failWith = [&](const KmsError &e) -> Result<KeyRecord> {
        record(c, QStringLiteral("CreateKey"), {}, params, e);
        return std::unexpected(e);
    };
    if (auto st = authorize(c, QStringLiteral("kms:CreateKey"), nullptr); !st)
        return failWith(st.error());
    const QString specName = r.keySpec.value_or(QStringLiteral("SYMMETRIC_DEFAULT"));
    const auto spec = keySpecFromString(specName);
    if (!spec)
        return failWith({errors::Validation, validationError(specName, QStringLiteral("keySpec"),
                                                             QStringLiteral("satisfy enum value set: [%1]")
                                                                 .arg(allKeySpecNames().join(QStringLiteral(", "))))});
    std::optional<KeyUsage> usage = r.keyUsage ? keyUsageFromString(*r.keyUsage) : defaultUsage(*spec);
    if (r.keyUsage && !usage)
        return failWith({errors::Validation, validationError(*r.keyUsage, QStringLiteral("keyUsage"),
                                                             QStringLiteral("satisfy enum value set: [SIGN_VERIFY, "
                                                                            "ENCRYPT_DECRYPT, GENERATE_VERIFY_MAC]"))});
    if (!usage || !allowedUsages(*spec).contains(*usage))
        return failWith({errors::Validation,
                         QStringLiteral("KeyUsage %1 is not compatible with KeySpec %2")
                             .arg(r.keyUsage.value_or(QStringLiteral("ENCRYPT_DECRYPT")), specName)});
    const auto origin = originFromString(r.origin);
    if (!origin)
        return failWith({errors::UnsupportedOperation, QStringLiteral("Origin %1 is not supported").arg(r.origin)});
    if (*origin == Origin::External && *spec != KeySpec::SymmetricDefault && keyClass(*spec) != KeyClass::Hmac)
        return failWith({errors::UnsupportedOperation,
                         QStringLiteral("Imported key material is supported for symmetric and HMAC keys")});
    if (r.description.size() > 8192)
        return failWith({errors::Validation, validationError(QStringLiteral("…"), QStringLiteral("description"),
                                                             QStringLiteral("have length less than or equal to 8192"))});
    for (auto it = r.tags.begin(); it != r.tags.end(); ++it) {
        if (it.key().isEmpty() || it.key().size() > 128 || it.value().size() > 256)
            return failWith({errors::Tag, QStringLiteral("Tag keys must be 1..128 and values 0..256 characters")});
        if (it.key().startsWith(QStringLiteral("aws:")))
            return failWith({errors::Tag, QStringLiteral("Tags beginning with aws: are reserved")});
    }
    if (r.tags.size() > 50)
        return failWith({errors::LimitExceeded, QStringLiteral("A key can have at most 50 tags")});

    KeyRecord k;
    k.keyId = QUuid::createUuid().toString(QUuid::WithoutBraces);
    k.arn = QStringLiteral("arn:aws:kms:%1:%2:key/%3").arg(m_region, accountId(), k.keyId);
    k.creationDate = m_vault.clock().now();
    k.description = r.description;
    k.keySpec = *spec;
    k.keyUsage = *usage;
    k.origin = *origin;
    k.keyState = *origin == Origin::External ? KeyState::PendingImport : KeyState::Enabled;
    k.keyManager = KeyManager::Customer;
    const QString policy = r.policy.value_or(policy::DefaultKeyPolicy::forAccount(accountId()));
    if (policy.toUtf8().size() > 32768)
        return failWith({errors::LimitExceeded, QStringLiteral("The key policy is larger than 32 KB")});
    if (auto st = validateNewKeyPolicy(c, r.policy, r.bypassPolicyLockoutSafetyCheck, k.arn); !st)
        return failWith(st.error());

    // Material first, outside the transaction: RSA-4096 generation takes a second.
    QByteArray wrapped;
    QByteArray publicKey;
    if (*origin == Origin::AwsKms) {
        k.currentVersion = 1;
        QCA::SecureArray secret;
        if (const auto kind = asymmetricKind(*spec)) {
            auto pair = crypto::AsymmetricKey::generate(*kind);
            if (!pair)
                return failWith(pair.error());
            auto der = pair->privateKeyDer();
            auto pub = pair->publicKeyDer();
            if (!der || !pub)
                return failWith(!der ? der.error() : pub.error());
            secret = std::move(*der);
            publicKey = *pub;
        } else {
            secret = crypto::randomSecret(secretKeyLength(*spec));
        }
        auto w = m_vault.wrapMaterial(secret, rows::materialBinding(k.arn, 1));
        if (!w)
            return failWith(w.error());
        wrapped = *w;
    }
    auto tx = store::Transaction::begin(*m_db);
    if (!tx)
        return failWith(tx.error());
    if (auto st = rows::insertKey(*m_db, k, policy); !st)
        return failWith(st.error());
    if (k.currentVersion == 1) {
        k.currentMaterialId = materialId();
        if (auto st = rows::insertMaterial(*m_db, k.keyId, 1, k.currentMaterialId, wrapped, publicKey, k.creationDate, {});
            !st)
            return failWith(st.error());
    }
    for (auto it = r.tags.begin(); it != r.tags.end(); ++it) {
        auto q = m_db->prepare(QStringLiteral("INSERT INTO tags (key_id, tag_key, tag_value) VALUES (:id, :k, :v)"));
        if (!q)
            return failWith(q.error());
        if (auto st = q->bind(":id", k.keyId).bind(":k", it.key()).bind(":v", it.value()).run(); !st)
            return failWith(st.error());
    }
    if (auto st = tx->commit(); !st)
        return failWith(st.error());
    record(c, QStringLiteral("CreateKey"), k.arn, params, std::nullopt);
    return k;
}

Result<KeyRecord> KmsService::describeKey(const Caller &c, const QString &keyId)
{
    const QJsonObject params{{QStringLiteral("keyId"), keyId}};
    auto key = resolveKey(keyId, true);
    if (key) {
        if (auto st = authorize(c, QStringLiteral("kms:DescribeKey"), &*key); !st)
            key = std::unexpected(st.error());
    }
    record(c, QStringLiteral("DescribeKey"), key ? key->arn : QString(), params,
           key ? std::nullopt : std::optional<KmsError>(key.error()));
    return key;
}

Result<ListKeysResponse> KmsService::listKeys(const Caller &c, int limit, const QString &marker)
{
    const QJsonObject params{{QStringLiteral("limit"), limit}, {QStringLiteral("marker"), marker}};
    auto run = [&]() -> Result<ListKeysResponse> {
        if (auto st = authorize(c, QStringLiteral("kms:ListKeys"), nullptr); !st)
            return std::unexpected(st.error());
        if (limit < 1 || limit > 1000)
            return fail(errors::Validation, validationError(QString::number(limit), QStringLiteral("limit"),
                                                            QStringLiteral("have value between 1 and 1000")));
        if (!marker.isEmpty() && !rows::loadKey(*m_db, marker).value_or(std::nullopt))
            return fail(errors::InvalidMarker, QStringLiteral("Invalid marker: %1").arg(marker));
        auto keys = rows::listKeys(*m_db, marker, limit + 1);
        if (!keys)
            return std::unexpected(keys.error());
        ListKeysResponse out;
        for (int i = 0; i < keys->size() && i < limit; ++i)
            out.keys.append({keys->at(i).keyId, keys->at(i).arn});
        if (keys->size() > limit)
            out.nextMarker = out.keys.last().first;
        return out;
    };
    auto result = run();
    record(c, QStringLiteral("ListKeys"), {}, params, result ? std::nullopt : std::optional<KmsError>(result.error()));
    return result;
}

namespace {

// The shape of most management operations: resolve, authorize, check state, change, save, audit.
template <typename Change>
Result<KeyRecord> mutateKey(KmsService &s, const Caller &c, const QString &operation, const QString &keyId,
                            OperationGroup group, QJsonObject params, Change change)
{
    auto key = s.resolveKey(keyId, false);
    auto run = [&]() -> Result<KeyRecord> {
        if (!key)
            return std::unexpected(key.error());
        if (auto st = s.authorize(c, QStringLiteral("kms:") + operation, &*key); !st)
            return std::unexpected(st.error());
        if (auto st = checkKeyState(*key, group); !st)
            return std::unexpected(st.error());
        KeyRecord updated = *key;
        if (auto st = change(updated); !st)
            return std::unexpected(st.error());
        if (auto st = s.saveKey(updated); !st)
            return std::unexpected(st.error());
        return updated;
    };
    auto result = run();
    params.insert(QStringLiteral("keyId"), keyId);
    s.record(c, operation, key ? key->arn : QString(), params,
             result ? std::nullopt : std::optional<KmsError>(result.error()));
    return result;
}

Status refuseAwsManaged(const KeyRecord &k)
{
    if (k.keyManager == KeyManager::Aws)
        return fail(errors::UnsupportedOperation,
                    QStringLiteral("%1 is an AWS managed key; this operation is not allowed on it").arg(k.arn));
    return {};
}

} // namespace

Status KmsService::updateKeyDescription(const Caller &c, const QString &keyId, const QString &description)
{
    auto r = mutateKey(*this, c, QStringLiteral("UpdateKeyDescription"), keyId, OperationGroup::Metadata,
                       {{QStringLiteral("description"), description}}, [&](KeyRecord &k) -> Status {
                           if (description.size() > 8192)
                               return fail(errors::Validation,
                                           validationError(QStringLiteral("…"), QStringLiteral("description"),
                                                           QStringLiteral("have length less than or equal to 8192")));
                           if (auto st = refuseAwsManaged(k); !st)
                               return st;
                           k.description = description;
                           return {};
                       });
    return r ? Status{} : std::unexpected(r.error());
}

Status KmsService::enableKey(const Caller &c, const QString &keyId)
{
    auto r = mutateKey(*this, c, QStringLiteral("EnableKey"), keyId, OperationGroup::EnableDisable, {},
                       [](KeyRecord &k) -> Status {
                           k.keyState = KeyState::Enabled;
                           return {};
                       });
    return r ? Status{} : std::unexpected(r.error());
}

Status KmsService::disableKey(const Caller &c, const QString &keyId)
{
    auto r = mutateKey(*this, c, QStringLiteral("DisableKey"), keyId, OperationGroup::EnableDisable, {},
                       [](KeyRecord &k) -> Status {
                           if (auto st = refuseAwsManaged(k); !st)
                               return st;
                           k.keyState = KeyState::Disabled;
                           return {};
                       });
    return r ? Status{} : std::unexpected(r.error());
}

Result<KeyRecord> KmsService::scheduleKeyDeletion(const Caller &c, const QString &keyId, int pendingWindowInDays)
{
    const QDateTime now = m_vault.clock().now();
    return mutateKey(*this, c, QStringLiteral("ScheduleKeyDeletion"), keyId, OperationGroup::ScheduleDeletion,
                     {{QStringLiteral("pendingWindowInDays"), pendingWindowInDays}}, [&](KeyRecord &k) -> Status {
                         if (pendingWindowInDays < 7 || pendingWindowInDays > 30)
                             return fail(errors::Validation,
                                         validationError(QString::number(pendingWindowInDays),
                                                         QStringLiteral("pendingWindowInDays"),
                                                         QStringLiteral("have value between 7 and 30")));
                         if (auto st = refuseAwsManaged(k); !st)
                             return st;
                         k.keyState = KeyState::PendingDeletion;
                         k.deletionDate = now.addDays(pendingWindowInDays);
                         k.pendingDeletionWindowInDays = pendingWindowInDays;
                         return {};
                     });
}

Result<KeyRecord> KmsService::cancelKeyDeletion(const Caller &c, const QString &keyId)
{
    return mutateKey(*this, c, QStringLiteral("CancelKeyDeletion"), keyId, OperationGroup::CancelDeletion, {},
                     [](KeyRecord &k) -> Status {
                         // AWS: a cancelled deletion leaves the key Disabled, not Enabled.
                         k.keyState = k.currentVersion == 0 ? KeyState::PendingImport : KeyState::Disabled;
                         k.deletionDate.reset();
                         k.pendingDeletionWindowInDays.reset();
                         return {};
                     });
}

Result<int> KmsService::runDueDeletions()
{
    // One implementation of deletion, the scheduler's: transactional, so two processes never
    // delete (and audit) the same key twice.
    auto report = Scheduler(*this).runDueDeletions();
    if (!report)
        return std::unexpected(report.error());
    if (!report->failures.isEmpty())
        return std::unexpected(report->failures.first().second);
    return report->count(ScheduledEvent::Kind::Deletion);
}

Result<KeyRecord> KmsService::awsManagedKey(const Caller &c, const QString &service)
{
    const QString alias = QStringLiteral("alias/aws/") + service;
    auto existing = rows::aliasTarget(*m_db, alias);
    if (!existing)
        return std::unexpected(existing.error());
    if (!existing->isEmpty())
        return resolveKey(*existing, false);
    KeyRecord k;
    k.keyId = QUuid::createUuid().toString(QUuid::WithoutBraces);
    k.arn = QStringLiteral("arn:aws:kms:%1:%2:key/%3").arg(m_region, accountId(), k.keyId);
    k.creationDate = m_vault.clock().now();
    k.description = QStringLiteral("Default key that protects my %1 data when no other key is defined").arg(service);
    k.keyManager = KeyManager::Aws;
    k.awsService = service;
    k.currentVersion = 1;
    k.currentMaterialId = materialId();
    auto wrapped = m_vault.wrapMaterial(crypto::randomSecret(32), rows::materialBinding(k.arn, 1));
    if (!wrapped)
        return std::unexpected(wrapped.error());
    auto tx = store::Transaction::begin(*m_db);
    if (!tx)
        return std::unexpected(tx.error());
    // Re-check under the write lock: another process may have created it meanwhile.
    if (auto again = rows::aliasTarget(*m_db, alias); again && !again->isEmpty())
        return resolveKey(*again, false);
    if (auto st = rows::insertKey(*m_db, k, policy::DefaultKeyPolicy::forAccount(accountId())); !st)
        return std::unexpected(st.error());
    if (auto st = rows::insertMaterial(*m_db, k.keyId, 1, k.currentMaterialId, *wrapped, {}, k.creationDate, {}); !st)
        return std::unexpected(st.error());
    auto q = m_db->prepare(QStringLiteral("INSERT INTO aliases (alias_name, key_id, created_at, updated_at) "
                                          "VALUES (:name, :id, :now, :now)"));
    if (!q)
        return std::unexpected(q.error());
    q->bind(":name", alias).bind(":id", k.keyId).bind(":now", store::storedDate(k.creationDate));
    if (auto st = q->run(); !st)
        return std::unexpected(st.error());
    if (auto st = tx->commit(); !st)
        return std::unexpected(st.error());
    record(c, QStringLiteral("CreateKey"), k.arn, {{QStringLiteral("awsManagedFor"), service}}, std::nullopt);
    return k;
}

Result<QString> KmsService::getKeyPolicy(const Caller &c, const QString &keyId)
{
    auto key = resolveKey(keyId, false);
    auto run = [&]() -> Result<QString> {
        if (!key)
            return std::unexpected(key.error());
        if (auto st = authorize(c, QStringLiteral("kms:GetKeyPolicy"), &*key); !st)
            return std::unexpected(st.error());
        return rows::loadPolicy(*m_db, key->keyId);
    };
    auto result = run();
    record(c, QStringLiteral("GetKeyPolicy"), key ? key->arn : QString(),
           {{QStringLiteral("keyId"), keyId}, {QStringLiteral("policyName"), QStringLiteral("default")}},
           result ? std::nullopt : std::optional<KmsError>(result.error()));
    return result;
}

} // namespace qkms::kms
