#include "kms/PolicyAuthorizer.h"

#include "iam/PrincipalStore.h"
#include "kms/AuditRecord.h"
#include "kms/GrantRows.h"
#include "kms/KeyRows.h"
#include "kms/RegionCache.h"
#include "policy/Wildcard.h"
#include "store/Database.h"
#include "vault/Vault.h"

#include <QVarLengthArray>

using namespace Qt::StringLiterals;

namespace qkms::kms {

namespace {

constexpr int MaxCachedKeyPolicies = 1024; ///< the cache is cleared past this; it only saves parsing
constexpr int MaxRememberedDecisions = 1024; ///< likewise for remembered decisions

/// The memo key under construction: UTF-16 units in a stack buffer, turned into one QString at
/// the end (appending QChar by QChar to a QString cost more than the lookup it keys).
using KeyBuffer = QVarLengthArray<char16_t, 512>;

/// Appends `text` length-prefixed (two UTF-16 units of length), so that no two different
/// field lists give one key.
void appendField(KeyBuffer &key, QStringView text)
{
    const auto size = static_cast<quint32>(text.size());
    key.append(static_cast<char16_t>(size & 0xffff));
    key.append(static_cast<char16_t>(size >> 16));
    key.append(reinterpret_cast<const char16_t *>(text.utf16()), text.size());
}

void appendNumber(KeyBuffer &key, quint64 n)
{
    for (int shift = 0; shift < 64; shift += 16)
        key.append(static_cast<char16_t>((n >> shift) & 0xffff));
}

/// Condition keys that are lists even with one value (ForAnyValue/ForAllValues read them so).
bool isMultiValued(const QString &key)
{
    static const QStringList keys{u"kms:encryptioncontextkeys"_s, u"kms:grantoperations"_s,
                                  u"kms:resourcealiases"_s, u"aws:tagkeys"_s};
    return keys.contains(policy::RequestContext::canonicalKey(key));
}

// Grants name IAM roles; an assumed-role session acts with its role's grants.
QStringList granteeNames(const QString &principalArn)
{
    QStringList names{principalArn};
    const auto parts = policy::arnParts(principalArn);
    if (parts && (*parts)[2] == u"sts" && (*parts)[5].startsWith("assumed-role/"_L1))
        names.append(u"arn:aws:iam::%1:role/%2"_s.arg((*parts)[4], (*parts)[5].toString().section(u'/', 1, 1)));
    return names;
}

} // namespace

PolicyAuthorizer::PolicyAuthorizer(KmsService &service, iam::PrincipalStore &principals)
    : m_service(service), m_principals(principals)
{
}

std::optional<policy::Decision> PolicyAuthorizer::lastDecision() const
{
    std::lock_guard lock(m_mutex);
    return m_last;
}

int PolicyAuthorizer::keyPolicyParseCount() const
{
    std::lock_guard lock(m_mutex);
    return m_parseCount;
}

int PolicyAuthorizer::rememberedDecisionCount() const
{
    std::lock_guard lock(m_mutex);
    return m_remembered;
}

QString PolicyAuthorizer::viaService(const Caller &caller)
{
    // "<service>.<region>.amazonaws.com", the form AWS puts in kms:ViaService.
    static const QString suffix = u".amazonaws.com"_s;
    if (caller.frontEnd.endsWith(suffix) && caller.frontEnd.count(u'.') >= 3)
        return caller.frontEnd;
    return {};
}

Result<std::shared_ptr<const policy::PolicyDocument>> PolicyAuthorizer::keyPolicy(const KeyRecord &key)
{
    auto text = m_service.cache().policyText(key.keyId);
    if (!text)
        return std::unexpected(text.error());
    std::lock_guard lock(m_mutex);
    const auto it = m_keyPolicies.constFind(key.keyId);
    if (it != m_keyPolicies.constEnd() && it->text == *text)
        return it->document;
    auto parsed = policy::PolicyDocument::parse(*text, policy::PolicyKind::KeyPolicy, {}, u"default"_s);
    ++m_parseCount;
    if (!parsed) // PutKeyPolicy and CreateKey validated it; a failure means the file was edited
        return fail(errors::Internal,
                    u"The stored key policy of %1 no longer parses: %2"_s.arg(key.arn, parsed.error().message));
    if (m_keyPolicies.size() >= MaxCachedKeyPolicies)
        m_keyPolicies.clear();
    auto document = std::make_shared<const policy::PolicyDocument>(std::move(*parsed));
    m_keyPolicies.insert(key.keyId, CachedPolicy{*text, document});
    return document;
}

Result<policy::RequestContext> PolicyAuthorizer::requestContext(const AuthRequest &r)
{
    policy::RequestContext context;
    context.principalArn = r.caller->principalArn;
    context.action = r.action;
    context.accountId = m_service.accountId();
    if (r.key) {
        context.resourceArn = r.key->arn;
        context.set(u"kms:KeySpec"_s, toString(r.key->keySpec));
        context.set(u"kms:KeyUsage"_s, toString(r.key->keyUsage));
        context.set(u"kms:KeyOrigin"_s, toString(r.key->origin));
        auto aliases = m_service.cache().aliasesOf(r.key->keyId);
        if (!aliases)
            return std::unexpected(aliases.error());
        context.setMulti(u"kms:ResourceAliases"_s, *aliases);
        auto tags = m_service.cache().tagsOf(r.key->keyId);
        if (!tags)
            return std::unexpected(tags.error());
        context.setResourceTags(*tags);
    }
    context.setEncryptionContext(r.encryptionContext);
    // What setCurrentTime() stores, formatted once per second rather than once per call.
    const QDateTime now = m_service.vault().clock().now();
    context.set(u"aws:CurrentTime"_s, isoDateTime(now.timeSpec() == Qt::UTC ? now : now.toUTC()));
    if (const QString via = viaService(*r.caller); !via.isEmpty())
        context.set(u"kms:ViaService"_s, via);
    // The operation's own keys last: they know better (kms:ViaService for a service call…).
    for (auto it = r.conditions.cbegin(); it != r.conditions.cend(); ++it) {
        if (it.value().size() == 1 && !isMultiValued(it.key()))
            context.set(it.key(), it.value().first());
        else
            context.setMulti(it.key(), it.value());
    }
    return context;
}

Result<policy::GrantResult> PolicyAuthorizer::grantResult(const AuthRequest &r)
{
    policy::GrantResult result;
    // Grants are on keys; RetireGrant is decided by the grant being retired (Grants.cpp), and
    // no grant can allow a policy or management action.
    if (!r.key || r.action == u"kms:RetireGrant")
        return result;
    const bool createGrant = r.action == u"kms:CreateGrant";
    GrantConstraints child;
    if (createGrant) {
        const QString type = r.conditions.value(u"kms:GrantConstraintType"_s).value(0);
        child.type = type == u"EncryptionContextEquals"   ? GrantConstraints::Type::EncryptionContextEquals
                     : type == u"EncryptionContextSubset" ? GrantConstraints::Type::EncryptionContextSubset
                                                          : GrantConstraints::Type::None;
        child.context = r.encryptionContext;
    }
    for (const QString &grantee : granteeNames(r.caller->principalArn)) {
        auto grants = m_service.cache().grantsFor(r.key->keyId, grantee);
        if (!grants)
            return std::unexpected(grants.error());
        for (const GrantEntry &g : *grants) {
            const bool allows = createGrant
                ? rows::grantAllowsChild(g, r.conditions.value(u"kms:GrantOperations"_s), child)
                : rows::grantAllows(g, r.action, r.encryptionContext);
            if (allows) {
                result.allows = true;
                result.description = u"grant %1 allows %2 to %3%4"_s.arg(
                    g.grantId, r.action, grantee,
                    g.constraints.isEmpty() ? QString() : u" (constraint %1 holds)"_s.arg(g.constraints.typeName()));
                return result;
            }
        }
    }
    return result;
}

Result<policy::Decision> PolicyAuthorizer::decide(const AuthRequest &r, policy::RequestContext *contextOut)
{
    auto identity = m_principals.identityPolicySet(r.caller->principalArn);
    if (!identity)
        return std::unexpected(identity.error());
    return decideWith(r, *identity->policies, contextOut);
}

Result<policy::Decision> PolicyAuthorizer::decideWith(const AuthRequest &r,
                                                      const QList<policy::PolicyDocument> &identity,
                                                      policy::RequestContext *contextOut)
{
    auto context = requestContext(r);
    if (!context)
        return std::unexpected(context.error());
    std::shared_ptr<const policy::PolicyDocument> keyPolicyDocument;
    if (r.key) {
        auto p = keyPolicy(*r.key);
        if (!p)
            return std::unexpected(p.error());
        keyPolicyDocument = *p;
    }
    auto grant = grantResult(r);
    if (!grant)
        return std::unexpected(grant.error());
    policy::Decision d = policy::PolicyEvaluator::evaluate(keyPolicyDocument.get(), identity, *grant, *context);
    if (contextOut)
        *contextOut = std::move(*context);
    return d;
}

QString PolicyAuthorizer::memoKey(const AuthRequest &r, std::optional<quint64> identityEpoch)
{
    // A decision is a function of the key policy, the caller's identity policies, the grants
    // and the request context. Only calls on a key are remembered, and only while both caches
    // vouch for what entered the decision: the caller's identity policies (account.db) by the
    // identity cache's epoch, which changes with any change to account.db; everything else is
    // either in this key — the region cache's epoch changes with any change to the region file
    // (policy, grants, aliases, tags), or with the key record, whose fields are part of the
    // key — or in the request: caller, action, front end (kms:ViaService), encryption context,
    // condition keys and the current second (aws:CurrentTime).
    if (!r.key || !r.caller || !identityEpoch)
        return {};
    const std::optional<quint64> epoch = m_service.cache().epoch();
    if (!epoch)
        return {};
    const QDateTime now = m_service.vault().clock().now();
    KeyBuffer key;
    appendNumber(key, *epoch);
    appendNumber(key, *identityEpoch);
    appendField(key, r.caller->principalArn);
    appendField(key, r.action);
    appendField(key, r.caller->frontEnd);
    appendField(key, r.key->keyId);
    appendField(key, r.key->arn);
    // The enums' values name them as uniquely as their strings do.
    appendNumber(key, quint64(r.key->keySpec));
    appendNumber(key, quint64(r.key->keyUsage));
    appendNumber(key, quint64(r.key->origin));
    appendField(key, isoDateTime(now.timeSpec() == Qt::UTC ? now : now.toUTC()));
    appendNumber(key, quint64(r.encryptionContext.size()));
    for (auto it = r.encryptionContext.cbegin(); it != r.encryptionContext.cend(); ++it) {
        appendField(key, it.key());
        appendField(key, it.value());
    }
    appendNumber(key, quint64(r.conditions.size()));
    for (auto it = r.conditions.cbegin(); it != r.conditions.cend(); ++it) {
        appendField(key, it.key());
        appendNumber(key, quint64(it.value().size()));
        for (const QString &v : it.value())
            appendField(key, v);
    }
    return QString(reinterpret_cast<const QChar *>(key.constData()), key.size());
}

Status PolicyAuthorizer::authorize(const AuthRequest &r)
{
    // The caller's identity policies first: the memo key needs their epoch.
    auto identity = m_principals.identityPolicySet(r.caller->principalArn);
    if (!identity) {
        std::lock_guard lock(m_mutex);
        m_last.reset();
        return std::unexpected(identity.error());
    }
    const QString memo = memoKey(r, identity->epoch);
    if (!memo.isEmpty()) {
        std::lock_guard lock(m_mutex);
        if (const auto it = m_decisions.constFind(memo); it != m_decisions.constEnd()) {
            ++m_remembered;
            m_last = it->decision;
            if (it->decision.allowed())
                return {};
            return fail(errors::AccessDenied, it->denyMessage);
        }
    }
    policy::RequestContext context;
    auto d = decideWith(r, *identity->policies, &context);
    std::lock_guard lock(m_mutex);
    m_last = d ? std::optional<policy::Decision>(*d) : std::nullopt;
    if (!d)
        return std::unexpected(d.error());
    const QString message = d->allowed() ? QString() : policy::PolicyEvaluator::accessDeniedMessage(*d, context);
    if (!memo.isEmpty()) {
        if (m_decisions.size() >= MaxRememberedDecisions)
            m_decisions.clear();
        m_decisions.insert(memo, Remembered{*d, message});
    }
    if (d->allowed())
        return {};
    return fail(errors::AccessDenied, message);
}

Authorizer makeHook(std::shared_ptr<PolicyAuthorizer> authorizer)
{
    return [authorizer = std::move(authorizer)](const AuthRequest &r) { return authorizer->authorize(r); };
}

} // namespace qkms::kms
