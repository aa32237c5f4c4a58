#pragma once

// The engine's authorization hook as AWS KMS decides (DESIGN §4): the key policy, the caller's
// identity policies and the key's grants, evaluated by policy::PolicyEvaluator over a request
// context the engine fills in from the call and the key. KmsService::open installs one.

#include "core/KmsError.h"
#include "kms/KmsService.h"
#include "policy/PolicyEvaluator.h"

#include <QHash>

#include <memory>
#include <mutex>
#include <optional>

namespace qkms::iam {
class PrincipalStore;
}

namespace qkms::kms {

class PolicyAuthorizer
{
public:
    /// Both must outlive the authorizer.
    PolicyAuthorizer(KmsService &service, iam::PrincipalStore &principals);
    PolicyAuthorizer(const PolicyAuthorizer &) = delete;
    PolicyAuthorizer &operator=(const PolicyAuthorizer &) = delete;

    /// The hook: success to allow, else AccessDeniedException with AWS's message (no trace in
    /// the message; lastDecision() has it). Storage errors reading policies are returned as they
    /// are: a call is never allowed because its policies could not be read.
    [[nodiscard]] Status authorize(const AuthRequest &request);
    /// The decision for `request`, without remembering it (the simulator). `context`, when
    /// given, receives the request context the policies saw.
    [[nodiscard]] Result<policy::Decision> decide(const AuthRequest &request, policy::RequestContext *context = nullptr);
    /// What the policies see for `request`: principal, action, key ARN and account, the
    /// encryption context, the key's spec, usage, origin, aliases and tags, kms:ViaService for
    /// a service front end, aws:CurrentTime from the vault's clock, and request.conditions.
    [[nodiscard]] Result<policy::RequestContext> requestContext(const AuthRequest &request);
    /// The parsed key policy of `key`. Parses are cached by key and policy text, so an
    /// unchanged policy is parsed once however many calls use it.
    [[nodiscard]] Result<std::shared_ptr<const policy::PolicyDocument>> keyPolicy(const KeyRecord &key);

    /// The decision of the last authorize() call, for --debug and the console.
    [[nodiscard]] std::optional<policy::Decision> lastDecision() const;
    /// How many key policies were parsed (a test seam for the cache).
    [[nodiscard]] int keyPolicyParseCount() const;
    /// How many authorize() calls were answered from remembered decisions (a test seam).
    /// Decisions on a key are remembered for every caller while neither the region file nor
    /// account.db changed (see memoKey).
    [[nodiscard]] int rememberedDecisionCount() const;

    /// kms:ViaService for a front end: callers acting for a service use the service's endpoint
    /// name as their front end ("files.us-east-1.amazonaws.com"); others have none.
    [[nodiscard]] static QString viaService(const Caller &caller);

private:
    [[nodiscard]] Result<policy::GrantResult> grantResult(const AuthRequest &request);
    /// decide() with the caller's identity policies already read.
    [[nodiscard]] Result<policy::Decision> decideWith(const AuthRequest &request,
                                                      const QList<policy::PolicyDocument> &identity,
                                                      policy::RequestContext *context);
    /// The key under which the decision of `request` may be remembered, or an empty string when
    /// it may not (see memoKey's comment). `identityEpoch` is the caller's IdentityPolicySet::epoch.
    [[nodiscard]] QString memoKey(const AuthRequest &request, std::optional<quint64> identityEpoch);

    struct Remembered {
        policy::Decision decision;
        QString denyMessage; ///< AccessDeniedException's message when denied
    };

    KmsService &m_service;
    iam::PrincipalStore &m_principals;
    struct CachedPolicy {
        QString text;
        std::shared_ptr<const policy::PolicyDocument> document;
    };
    // The console calls the engine from worker threads (file encryption) too.
    mutable std::mutex m_mutex;                 ///< guards the members below
    QHash<QString, CachedPolicy> m_keyPolicies; ///< key id → last parsed policy
    std::optional<policy::Decision> m_last;
    int m_parseCount = 0;
    QHash<QString, Remembered> m_decisions; ///< memoKey → decision
    int m_remembered = 0;
};

/// An Authorizer hook that shares ownership of `authorizer`.
[[nodiscard]] Authorizer makeHook(std::shared_ptr<PolicyAuthorizer> authorizer);

} // namespace qkms::kms
