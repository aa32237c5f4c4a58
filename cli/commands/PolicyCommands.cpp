// put-key-policy, list-key-policies (get-key-policy is with the key commands) and
// simulate-policy, which shows how a call would be decided and why.

#include "Output.h"
#include "kms/KmsService.h"

#include <QJsonArray>

namespace qkms::cli {

using namespace Qt::StringLiterals;

namespace {

Result<QJsonObject> putKeyPolicy(Session &s, const QStringList &words)
{
    auto c = parseKeyCommand(words,
                             {u"key-id"_s, u"policy-name"_s, u"policy"_s, u"bypass-policy-lockout-safety-check"_s},
                             {u"bypass-policy-lockout-safety-check"_s});
    if (!c)
        return std::unexpected(c.error());
    const Args &args = c->parsed.args;
    auto policy = args.required(u"policy"_s);
    if (!policy)
        return std::unexpected(policy.error());
    auto text = readFileArgument(*policy);
    if (!text)
        return std::unexpected(text.error());
    if (auto opened = openEngine(s, *c); !opened)
        return std::unexpected(opened.error());
    return nothing(c->service().putKeyPolicy(c->caller(), c->keyId, args.value(u"policy-name"_s).value_or(u"default"_s),
                                             QString::fromUtf8(*text),
                                             args.flag(u"bypass-policy-lockout-safety-check"_s)));
}

Result<QJsonObject> listKeyPolicies(Session &s, const QStringList &words)
{
    auto c = keyCommand(s, words, {u"key-id"_s, u"limit"_s, u"marker"_s});
    if (!c)
        return std::unexpected(c.error());
    auto names = c->service().listKeyPolicies(c->caller(), c->keyId);
    if (!names)
        return std::unexpected(names.error());
    return QJsonObject{{u"PolicyNames"_s, QJsonArray::fromStringList(*names)}, {u"Truncated"_s, false}};
}

QString decisionName(policy::Outcome outcome)
{
    switch (outcome) {
    case policy::Outcome::Allowed: return u"allowed"_s;
    case policy::Outcome::ImplicitDeny: return u"implicitDeny"_s;
    case policy::Outcome::ExplicitDeny: return u"explicitDeny"_s;
    }
    return {};
}

// Shaped as `aws iam simulate-principal-policy`'s EvaluationResults, plus the trace.
Result<QJsonObject> simulatePolicy(Session &s, const QStringList &words)
{
    auto a = parseCommand(words, {u"principal-arn"_s, u"action-name"_s, u"key-id"_s, u"encryption-context"_s});
    if (!a)
        return std::unexpected(a.error());
    auto action = a->args.required(u"action-name"_s);
    if (!action)
        return std::unexpected(action.error());
    if (!action->contains(u':'))
        action = u"kms:"_s + *action; // --action-name Encrypt
    auto context = contextOption(a->args, u"encryption-context"_s);
    if (!context)
        return std::unexpected(context.error());
    auto e = engine(s);
    if (!e)
        return std::unexpected(e.error());
    const QString principal = a->args.value(u"principal-arn"_s).value_or(e->caller.principalArn);
    const QString keyId = a->args.value(u"key-id"_s).value_or(QString());
    auto d = e->service->simulate(e->caller, principal, *action, keyId, *context);
    if (!d)
        return std::unexpected(d.error());
    QString resource = u"*"_s;
    if (!keyId.isEmpty()) {
        if (auto key = e->service->resolveKey(keyId, true))
            resource = key->arn;
    }
    QJsonArray matched;
    QJsonArray trace;
    for (const policy::TraceEntry &t : d->trace) {
        trace.append(t.toString());
        if (!t.matched)
            continue;
        matched.append(QJsonObject{{u"SourcePolicyId"_s, t.policyName},
                                   {u"SourcePolicyType"_s,
                                    t.kind == policy::PolicyKind::KeyPolicy ? u"Resource Policy"_s : u"IAM Policy"_s},
                                   {u"Sid"_s, t.sid},
                                   {u"Effect"_s, t.effect == policy::Effect::Allow ? u"Allow"_s : u"Deny"_s}});
    }
    QJsonObject result{{u"EvalActionName"_s, *action},
                       {u"EvalResourceName"_s, resource},
                       {u"EvalSourcePrincipal"_s, principal},
                       {u"EvalDecision"_s, decisionName(d->outcome)},
                       {u"Summary"_s, d->summary},
                       {u"AllowedByGrant"_s, d->grantAllows},
                       {u"MatchedStatements"_s, matched},
                       {u"Trace"_s, trace}};
    return QJsonObject{{u"EvaluationResults"_s, QJsonArray{result}}};
}

} // namespace

void registerPolicyCommands()
{
    addCommand("put-key-policy", "PutKeyPolicy",
               "replace a key's policy (--policy file://…, --bypass-policy-lockout-safety-check)", putKeyPolicy);
    addCommand("list-key-policies", "ListKeyPolicies", "list a key's policy names (always default)", listKeyPolicies);
    addCommand("simulate-policy", "SimulatePolicy",
               "explain how a call would be decided (--principal-arn, --action-name, --key-id, --encryption-context)",
               simulatePolicy);
}

} // namespace qkms::cli
