// PutKeyPolicy, ListKeyPolicies, the checks CreateKey runs on a given policy, and the simulator.
// (GetKeyPolicy is in KeyLifecycle.cpp; evaluation is PolicyAuthorizer's.)

#include "iam/PrincipalStore.h"
#include "kms/KeyRows.h"
#include "kms/KmsService.h"
#include "kms/PolicyAuthorizer.h"
#include "policy/KmsActions.h"
#include "store/Database.h"
#include "vault/Vault.h"

#include <QJsonObject>

using namespace Qt::StringLiterals;

namespace qkms::kms {

namespace {

const QString kDefaultPolicyName = u"default"_s;

std::optional<KmsError> errorOf(const Status &st)
{
    return st ? std::nullopt : std::optional<KmsError>(st.error());
}

QJsonObject contextJson(const EncryptionContext &context)
{
    QJsonObject o;
    for (auto it = context.cbegin(); it != context.cend(); ++it)
        o.insert(it.key(), it.value());
    return o;
}

// The lockout safety check: would `document` let `c` make another PutKeyPolicy call?
Status lockoutCheck(iam::PrincipalStore &principals, const Caller &c, const policy::PolicyDocument &document,
                    const policy::RequestContext &base)
{
    auto identity = principals.identityPolicies(c.principalArn);
    if (!identity)
        return std::unexpected(identity.error());
    const policy::Decision d = policy::PolicyEvaluator::wouldAllowPutKeyPolicy(document, c.principalArn, *identity, base);
    if (!d.allowed())
        return fail(errors::MalformedPolicy,
                    u"The new key policy will not allow you to update the key policy in the future."_s);
    return {};
}

} // namespace

iam::PrincipalStore &KmsService::principals()
{
    return *m_principals;
}

PolicyAuthorizer &KmsService::policyAuthorizer()
{
    return *m_policyAuthorizer;
}

QString KmsService::lastDecisionTrace() const
{
    const auto last = m_policyAuthorizer->lastDecision();
    return last ? last->explain() : QString();
}

Status KmsService::validateNewKeyPolicy(const Caller &c, const std::optional<QString> &policy, bool bypass,
                                        const QString &keyArn)
{
    if (!policy)
        return {};
    auto document = policy::PolicyDocument::parse(
        *policy, policy::PolicyKind::KeyPolicy, [this](const QString &arn) { return m_principals->exists(arn); },
        kDefaultPolicyName);
    if (!document)
        return std::unexpected(document.error());
    if (bypass)
        return {};
    policy::RequestContext base;
    base.accountId = accountId();
    base.resourceArn = keyArn;
    base.setCurrentTime(m_vault.clock().now());
    if (const QString via = PolicyAuthorizer::viaService(c); !via.isEmpty())
        base.set(u"kms:ViaService"_s, via);
    return lockoutCheck(*m_principals, c, *document, base);
}

Status KmsService::putKeyPolicy(const Caller &c, const QString &keyId, const QString &policyName, const QString &policy,
                                bool bypassPolicyLockoutSafetyCheck)
{
    QJsonObject params{{u"keyId"_s, keyId},
                       {u"policyName"_s, policyName},
                       {u"policy"_s, policy},
                       {u"bypassPolicyLockoutSafetyCheck"_s, bypassPolicyLockoutSafetyCheck}};
    auto key = resolveKey(keyId, false);
    auto run = [&]() -> Status {
        if (policyName != kDefaultPolicyName)
            return fail(errors::NotFound,
                        u"No such policy exists: %1 (the only key policy name is default)"_s.arg(policyName));
        if (!key)
            return std::unexpected(key.error());
        const QString bypass = bypassPolicyLockoutSafetyCheck ? u"true"_s : u"false"_s;
        if (auto st = authorize(c, u"kms:PutKeyPolicy"_s, &*key, {}, {{u"kms:BypassPolicyLockoutSafetyCheck"_s, {bypass}}});
            !st)
            return st;
        if (key->keyManager == KeyManager::Aws)
            return fail(errors::UnsupportedOperation,
                        u"%1 is an AWS managed key; its key policy cannot be changed"_s.arg(key->arn));
        auto document = policy::PolicyDocument::parse(
            policy, policy::PolicyKind::KeyPolicy, [this](const QString &arn) { return m_principals->exists(arn); },
            kDefaultPolicyName);
        if (!document)
            return std::unexpected(document.error());
        if (!bypassPolicyLockoutSafetyCheck) {
            AuthRequest request;
            request.caller = &c;
            request.action = u"kms:PutKeyPolicy"_s;
            request.key = &*key;
            auto base = m_policyAuthorizer->requestContext(request);
            if (!base)
                return std::unexpected(base.error());
            if (auto st = lockoutCheck(*m_principals, c, *document, *base); !st)
                return st;
        }
        auto q = m_db->prepare(u"UPDATE keys SET policy = :policy WHERE key_id = :id"_s);
        if (!q)
            return std::unexpected(q.error());
        return q->bind(":policy", policy).bind(":id", key->keyId).run();
    };
    const Status result = run();
    record(c, u"PutKeyPolicy"_s, key ? key->arn : QString(), params, errorOf(result));
    return result;
}

Result<QStringList> KmsService::listKeyPolicies(const Caller &c, const QString &keyId)
{
    auto key = resolveKey(keyId, false);
    auto run = [&]() -> Result<QStringList> {
        if (!key)
            return std::unexpected(key.error());
        if (auto st = authorize(c, u"kms:ListKeyPolicies"_s, &*key); !st)
            return std::unexpected(st.error());
        return QStringList{kDefaultPolicyName};
    };
    auto result = run();
    record(c, u"ListKeyPolicies"_s, key ? key->arn : QString(), {{u"keyId"_s, keyId}},
           result ? std::nullopt : std::optional<KmsError>(result.error()));
    return result;
}

Result<policy::Decision> KmsService::simulate(const Caller &c, const QString &principalArn, const QString &action,
                                              const QString &keyId, const EncryptionContext &context,
                                              const QMap<QString, QStringList> &conditions)
{
    const QJsonObject params{{u"principalArn"_s, principalArn},
                             {u"actionName"_s, action},
                             {u"keyId"_s, keyId},
                             {u"encryptionContext"_s, contextJson(context)}};
    std::optional<KeyRecord> key;
    auto run = [&]() -> Result<policy::Decision> {
        const QString canonical = policy::canonicalKmsAction(action);
        if (canonical.isEmpty())
            return fail(errors::Validation, u"Action '%1' is not a KMS action (kms:<Operation>)"_s.arg(action));
        if (principalArn.isEmpty() || policy::accountOfPrincipal(principalArn).isEmpty())
            return fail(errors::Validation, u"'%1' is not a principal ARN"_s.arg(principalArn));
        if (principalArn != c.principalArn && c.principalArn != rootArn())
            return fail(errors::AccessDenied,
                        u"User: %1 is not authorized to perform: iam:SimulatePrincipalPolicy on resource: %2 because "
                        "no identity-based policy allows the iam:SimulatePrincipalPolicy action"_s.arg(c.principalArn,
                                                                                                   principalArn));
        QMap<QString, QStringList> keys = conditions;
        if (!keyId.isEmpty()) {
            auto resolved = resolveKey(keyId, true);
            if (!resolved)
                return std::unexpected(resolved.error());
            key = *resolved;
            // kms:RequestAlias is the alias the request named, as a name (not an ARN).
            const qsizetype alias = keyId.indexOf(u"alias/"_s);
            if (alias >= 0 && !keys.contains(u"kms:RequestAlias"_s))
                keys.insert(u"kms:RequestAlias"_s, {keyId.mid(alias)});
        }
        const Caller simulated{principalArn, c.frontEnd, c.sourceAddress};
        AuthRequest request;
        request.caller = &simulated;
        request.action = canonical;
        request.key = key ? &*key : nullptr;
        request.encryptionContext = context;
        request.conditions = keys;
        return m_policyAuthorizer->decide(request);
    };
    auto result = run();
    record(c, u"SimulatePolicy"_s, key ? key->arn : QString(), params,
           result ? std::nullopt : std::optional<KmsError>(result.error()));
    return result;
}

} // namespace qkms::kms
