#pragma once

#include "policy/PolicyDocument.h"
#include "policy/RequestContext.h"

#include <QList>
#include <QString>

namespace qkms::policy {

/// The three answers AWS gives. Only an explicit Deny cannot be overcome by anything.
enum class Outcome { Allowed, ImplicitDeny, ExplicitDeny };

/// How a statement's Principal matched: naming the caller (or "*") is Direct; naming the
/// caller's account root is Account, which in a key policy allows only together with an
/// identity policy of the caller ("delegates to IAM").
enum class PrincipalMatch { None, Direct, Account };

/// Where an explicit Deny came from, which fixes the AccessDenied wording.
enum class DenySource { None, KeyPolicy, IdentityPolicy };

/// One statement of one policy, as the evaluator saw it for one request.
struct TraceEntry {
    QString policyName; ///< "default" for the key policy, else the identity policy's name
    PolicyKind kind = PolicyKind::KeyPolicy;
    int index = 0; ///< 0-based; labels print index + 1
    QString sid;
    Effect effect = Effect::Allow;
    bool matched = false;
    PrincipalMatch principalMatch = PrincipalMatch::None;
    QString reason; ///< why it matched or the first thing that failed

    /// "key policy 'default' statement 1 (Sid "x") Allow: <reason>".
    [[nodiscard]] QString toString() const;
};

/// What the caller's grants said, computed outside the policy language (grants have their
/// own constraints).
struct GrantResult {
    bool allows = false;
    QString description; ///< e.g. "grant 0c1f… allows kms:Decrypt"
};

/// The decision with its reasons.
struct Decision {
    Outcome outcome = Outcome::ImplicitDeny;
    DenySource denySource = DenySource::None;
    int decidingIndex = -1; ///< into trace: the Deny that won or the Allow that decided; -1 if none
    QString summary;        ///< one sentence: what decided
    QList<TraceEntry> trace;

    bool keyPolicyPresent = false;
    bool keyPolicyAllowsPrincipal = false; ///< a key policy Allow named the caller or "*"
    bool keyPolicyAllowsAccount = false;   ///< a key policy Allow named the caller's account root
    bool identityAllows = false;           ///< an identity policy allowed (or the caller is the root)
    bool grantAllows = false;

    [[nodiscard]] bool allowed() const { return outcome == Outcome::Allowed; }
    /// The deciding statement, or nullptr (implicit deny, a grant, the root's own permissions).
    [[nodiscard]] const TraceEntry *decidingStatement() const;
    /// The summary and one line per statement, for --debug and the console simulator.
    [[nodiscard]] QString explain() const;
};

/// Decides requests as AWS KMS does (DESIGN §4, kms-semantics §4). Stateless.
class PolicyEvaluator
{
public:
    /// Evaluates `request` against the key policy (nullptr for CreateKey, ListKeys, ListAliases:
    /// identity policies decide alone), the caller's identity policies and the grant result.
    /// An explicit Deny in any applicable statement wins; else Allowed when the key policy
    /// allows the caller directly, or allows the caller's account and an identity policy
    /// allows, or a grant allows. Cross-account callers need both the key policy (caller or
    /// account) and an identity policy. The account root has all IAM permissions of its own
    /// account, as in AWS, but still needs the key policy to trust it.
    [[nodiscard]] static Decision evaluate(const PolicyDocument *keyPolicy, const QList<PolicyDocument> &identityPolicies,
                                           const GrantResult &grant, const RequestContext &request);

    /// Whether one statement applies to `request`, with the reason (first failed test).
    [[nodiscard]] static TraceEntry evaluateStatement(const Statement &statement, const PolicyDocument &policy,
                                                      const RequestContext &request);

    /// AWS's AccessDeniedException message for a denied decision ("User: <arn> is not
    /// authorized to perform: kms:Encrypt on resource: <key arn> because no identity-based
    /// policy allows the kms:Encrypt action", "... with an explicit deny in a resource-based
    /// policy", ...). Empty for an allowed decision.
    [[nodiscard]] static QString accessDeniedMessage(const Decision &decision, const RequestContext &request);

    /// The PutKeyPolicy lockout safety check: would `newPolicy` let `principalArn` make a later
    /// kms:PutKeyPolicy call on the key? `base` supplies the key ARN, account and condition
    /// keys; kms:BypassPolicyLockoutSafetyCheck is taken as false unless `base` sets it.
    [[nodiscard]] static Decision wouldAllowPutKeyPolicy(const PolicyDocument &newPolicy, const QString &principalArn,
                                                         const QList<PolicyDocument> &identityPolicies,
                                                         const RequestContext &base = {});
};

} // namespace qkms::policy
