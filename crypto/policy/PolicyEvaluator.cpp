#include "policy/PolicyEvaluator.h"

#include "policy/KmsActions.h"
#include "policy/Wildcard.h"

using namespace Qt::StringLiterals;

namespace qkms::policy {

namespace {

QString policyLabel(PolicyKind kind, const QString &name)
{
    return (kind == PolicyKind::KeyPolicy ? u"key policy '"_s : u"identity policy '"_s) + name + u"'"_s;
}

QString statementLabel(const TraceEntry &e)
{
    return e.sid.isEmpty() ? u"statement %1 (no Sid)"_s.arg(e.index + 1)
                           : u"statement %1 (Sid \"%2\")"_s.arg(e.index + 1).arg(e.sid);
}

// An assumed-role session acts as its role: arn:aws:sts::1:assumed-role/R/s → arn:aws:iam::1:role/R.
QString roleOfSession(const QString &principal)
{
    const auto parts = arnParts(principal);
    if (!parts || (*parts)[2] != u"sts" || !(*parts)[5].startsWith("assumed-role/"_L1))
        return {};
    const QString role = (*parts)[5].toString().section(u'/', 1, 1);
    return u"arn:aws:iam::%1:role/%2"_s.arg((*parts)[4], role);
}

bool namesCaller(const PrincipalSet &set, const RequestContext &r)
{
    const QString role = roleOfSession(r.principalArn);
    return set.aws.contains(r.principalArn) || (!role.isEmpty() && set.aws.contains(role))
        || set.services.contains(r.principalArn);
}

/// arn == accountRootArn(account), without building that string (once per key policy statement).
bool isRootOf(QStringView arn, QStringView account)
{
    static constexpr QLatin1StringView prefix("arn:aws:iam::");
    static constexpr QLatin1StringView suffix(":root");
    return arn.size() == prefix.size() + account.size() + suffix.size() && arn.startsWith(prefix)
        && arn.endsWith(suffix) && arn.sliced(prefix.size(), account.size()) == account;
}

PrincipalMatch matchPrincipal(const Statement &s, const RequestContext &r)
{
    if (!s.hasPrincipal)
        return PrincipalMatch::Direct; // identity policies apply to the principal they belong to
    const QString account = accountOfPrincipal(r.principalArn);
    bool accountListed = false;
    if (!account.isEmpty()) {
        for (const QString &arn : s.principals.aws)
            accountListed = accountListed || isRootOf(arn, account);
    }
    if (!s.notPrincipal) {
        if (s.principals.any || namesCaller(s.principals, r))
            return PrincipalMatch::Direct;
        return accountListed ? PrincipalMatch::Account : PrincipalMatch::None;
    }
    // NotPrincipal: AWS checks every identity of the caller (itself and its account); the
    // statement applies unless all of them are excluded, so excluding a user without its
    // account still leaves the user covered.
    if (s.principals.any)
        return PrincipalMatch::None;
    // As comparing with the root's ARN did, where a caller without an account has an empty one.
    const bool callerIsRoot = account.isEmpty() ? r.principalArn.isEmpty() : isRootOf(r.principalArn, account);
    const bool selfListed = callerIsRoot || namesCaller(s.principals, r);
    const bool excluded = selfListed && (account.isEmpty() || callerIsRoot || accountListed);
    return excluded ? PrincipalMatch::None : PrincipalMatch::Direct;
}

bool matchesAny(const QStringList &patterns, const QString &action)
{
    for (const QString &p : patterns) {
        if (wildcardMatch(p, action, Qt::CaseInsensitive))
            return true;
    }
    return false;
}

bool resourceMatches(const QStringList &patterns, const QString &resource)
{
    for (const QString &p : patterns) {
        if (p == u"*" || arnMatch(p, resource))
            return true;
    }
    return false;
}

} // namespace

QString TraceEntry::toString() const
{
    return policyLabel(kind, policyName) + u" "_s + statementLabel(*this)
        + (effect == Effect::Allow ? u" Allow: "_s : u" Deny: "_s) + reason;
}

const TraceEntry *Decision::decidingStatement() const
{
    return decidingIndex >= 0 && decidingIndex < trace.size() ? &trace.at(decidingIndex) : nullptr;
}

QString Decision::explain() const
{
    static const QString names[] = {u"Allowed"_s, u"ImplicitDeny"_s, u"ExplicitDeny"_s};
    QStringList lines{names[static_cast<int>(outcome)] + u": "_s + summary};
    for (const TraceEntry &e : trace)
        lines.append(u"  "_s + e.toString());
    return lines.join(u'\n');
}

TraceEntry PolicyEvaluator::evaluateStatement(const Statement &s, const PolicyDocument &policy,
                                              const RequestContext &request)
{
    TraceEntry e{policy.name, policy.kind, s.index, s.sid, s.effect, false, PrincipalMatch::None, {}};
    e.principalMatch = matchPrincipal(s, request);
    if (e.principalMatch == PrincipalMatch::None) {
        e.reason = s.notPrincipal ? u"principal does not match: %1 is excluded by NotPrincipal %2"_s.arg(
                                        request.principalArn, s.principals.describe())
                                  : u"principal does not match: %1 not in %2"_s.arg(request.principalArn,
                                                                                   s.principals.describe());
        return e;
    }
    const bool actionListed = matchesAny(s.actions, request.action);
    if (actionListed == s.notAction) {
        e.reason = s.notAction ? u"action %1 is excluded by NotAction %2"_s.arg(request.action, quoteValues(s.actions, true))
                               : u"action %1 not in %2"_s.arg(request.action, quoteValues(s.actions, true));
        return e;
    }
    const QString resource = request.resourceArn.isEmpty() ? u"*"_s : request.resourceArn;
    // In a key policy "*" is the key the policy is attached to.
    const bool resourceListed = policy.kind == PolicyKind::KeyPolicy || resourceMatches(s.resources, request.resourceArn);
    if (resourceListed == s.notResource) {
        e.reason = s.notResource ? u"resource %1 is excluded by NotResource %2"_s.arg(resource, quoteValues(s.resources, true))
                                 : u"resource %1 not in %2"_s.arg(resource, quoteValues(s.resources, true));
        return e;
    }
    for (const Condition &c : s.conditions) {
        const ConditionOutcome outcome = c.evaluate(request);
        if (!outcome.holds) {
            e.reason = outcome.explanation;
            return e;
        }
    }
    e.matched = true;
    if (e.principalMatch == PrincipalMatch::Account && policy.kind == PolicyKind::KeyPolicy && s.effect == Effect::Allow)
        e.reason = u"matched: allows the account %1, which delegates to the caller's identity policies"_s.arg(
            accountRootArn(accountOfPrincipal(request.principalArn)));
    else
        e.reason = s.conditions.isEmpty() ? u"matched"_s
                                          : u"matched (%1 of %1 conditions hold)"_s.arg(s.conditions.size());
    return e;
}

Decision PolicyEvaluator::evaluate(const PolicyDocument *keyPolicy, const QList<PolicyDocument> &identityPolicies,
                                   const GrantResult &grant, const RequestContext &request)
{
    Decision d;
    d.keyPolicyPresent = keyPolicy != nullptr;
    int keyDeny = -1, identityDeny = -1, keyDirect = -1, keyAccount = -1, identityAllow = -1;
    auto scan = [&](const PolicyDocument &policy) {
        for (const Statement &s : policy.statements) {
            const TraceEntry e = evaluateStatement(s, policy, request);
            const int at = static_cast<int>(d.trace.size());
            d.trace.append(e);
            if (!e.matched)
                continue;
            const bool key = policy.kind == PolicyKind::KeyPolicy;
            int &slot = e.effect == Effect::Deny ? (key ? keyDeny : identityDeny)
                        : !key                   ? identityAllow
                        : e.principalMatch == PrincipalMatch::Direct ? keyDirect
                                                                     : keyAccount;
            if (slot < 0)
                slot = at;
        }
    };
    if (keyPolicy)
        scan(*keyPolicy);
    for (const PolicyDocument &p : identityPolicies)
        scan(p);

    const QString callerAccount = accountOfPrincipal(request.principalArn);
    const bool isRoot = !callerAccount.isEmpty() && isRootOf(request.principalArn, callerAccount);
    const bool sameAccount = callerAccount.isEmpty() || request.resourceAccount() == callerAccount;
    d.keyPolicyAllowsPrincipal = keyDirect >= 0;
    d.keyPolicyAllowsAccount = keyAccount >= 0;
    d.identityAllows = identityAllow >= 0 || isRoot;
    d.grantAllows = grant.allows;
    auto label = [&](int i) { return policyLabel(d.trace.at(i).kind, d.trace.at(i).policyName) + u" "_s + statementLabel(d.trace.at(i)); };

    if (keyDeny >= 0 || identityDeny >= 0) {
        d.outcome = Outcome::ExplicitDeny;
        d.denySource = keyDeny >= 0 ? DenySource::KeyPolicy : DenySource::IdentityPolicy;
        d.decidingIndex = keyDeny >= 0 ? keyDeny : identityDeny;
        d.summary = u"explicitly denied by "_s + label(d.decidingIndex);
        return d;
    }
    const QString identityWhy = identityAllow >= 0 ? label(identityAllow) : u"the account root's own permissions"_s;
    if (!keyPolicy) {
        if (d.identityAllows) {
            d.outcome = Outcome::Allowed;
            d.decidingIndex = identityAllow;
            d.summary = u"allowed by "_s + identityWhy + u" (no key policy applies to this action)"_s;
        }
    } else if (sameAccount && keyDirect >= 0) {
        d.outcome = Outcome::Allowed;
        d.decidingIndex = keyDirect;
        d.summary = u"allowed by "_s + label(keyDirect);
    } else if ((keyAccount >= 0 || (!sameAccount && keyDirect >= 0)) && d.identityAllows) {
        d.outcome = Outcome::Allowed;
        d.decidingIndex = identityAllow >= 0 ? identityAllow : (keyDirect >= 0 ? keyDirect : keyAccount);
        d.summary = u"allowed by "_s + identityWhy + u", which "_s + label(keyDirect >= 0 ? keyDirect : keyAccount)
            + (keyDirect >= 0 ? u" trusts for this cross-account call"_s : u" delegates to"_s);
    }
    if (d.outcome == Outcome::Allowed)
        return d;
    if (grant.allows) {
        d.outcome = Outcome::Allowed;
        d.summary = u"allowed by a grant: "_s + grant.description;
        return d;
    }
    if (keyPolicy && keyDirect < 0 && keyAccount < 0)
        d.summary = u"no statement of the key policy allows the caller or its account, and no grant allows"_s;
    else if (keyPolicy && keyDirect >= 0)
        d.summary = u"the key policy allows the caller, but a cross-account call also needs an identity policy"_s;
    else if (keyPolicy)
        d.summary = u"the key policy delegates to IAM, but no identity policy of the caller allows, and no grant allows"_s;
    else
        d.summary = u"no identity policy of the caller allows"_s;
    return d;
}

QString PolicyEvaluator::accessDeniedMessage(const Decision &decision, const RequestContext &request)
{
    if (decision.allowed())
        return {};
    const QString canonical = canonicalKmsAction(request.action);
    const QString action = canonical.isEmpty() ? request.action : canonical;
    const QString head = u"User: %1 is not authorized to perform: %2 on resource: %3 "_s.arg(
        request.principalArn, action, request.resourceArn.isEmpty() ? u"*"_s : request.resourceArn);
    if (decision.outcome == Outcome::ExplicitDeny)
        return head
            + (decision.denySource == DenySource::KeyPolicy ? u"with an explicit deny in a resource-based policy"_s
                                                             : u"with an explicit deny in an identity-based policy"_s);
    if (decision.keyPolicyPresent && !decision.keyPolicyAllowsPrincipal && !decision.keyPolicyAllowsAccount)
        return head + u"because no resource-based policy allows the %1 action"_s.arg(action);
    return head + u"because no identity-based policy allows the %1 action"_s.arg(action);
}

Decision PolicyEvaluator::wouldAllowPutKeyPolicy(const PolicyDocument &newPolicy, const QString &principalArn,
                                                 const QList<PolicyDocument> &identityPolicies, const RequestContext &base)
{
    RequestContext request = base;
    request.principalArn = principalArn;
    request.action = u"kms:PutKeyPolicy"_s;
    if (!request.value(u"kms:BypassPolicyLockoutSafetyCheck"_s))
        request.set(u"kms:BypassPolicyLockoutSafetyCheck"_s, u"false"_s);
    // Grants cannot allow PutKeyPolicy, so none is passed.
    return evaluate(&newPolicy, identityPolicies, GrantResult{}, request);
}

} // namespace qkms::policy
