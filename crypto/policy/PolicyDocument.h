#pragma once

#include "core/KmsError.h"
#include "policy/Condition.h"

#include <QList>
#include <QString>
#include <QStringList>

#include <functional>

namespace qkms::policy {

/// Key policies name their principals and may only say Resource "*" (the key itself); identity
/// policies are attached to a principal, name none, and name keys by ARN.
enum class PolicyKind { KeyPolicy, IdentityPolicy };

enum class Effect { Allow, Deny };

/// Who a Principal/NotPrincipal element names.
struct PrincipalSet {
    bool any = false;     ///< "*" or {"AWS": "*"}
    QStringList aws;      ///< ARNs; bare account ids are stored as "arn:aws:iam::<id>:root"
    QStringList services; ///< {"Service": "ec2.amazonaws.com"}

    /// "['arn:aws:iam::111122223333:root', 'ec2.amazonaws.com']" or "'*'".
    [[nodiscard]] QString describe() const;
};

/// One parsed statement. Lists keep the policy's spelling so traces quote what the author wrote.
struct Statement {
    int index = 0; ///< position in the Statement array, 0-based (messages say index + 1)
    QString sid;
    Effect effect = Effect::Allow;
    bool hasPrincipal = false; ///< false in identity policies
    bool notPrincipal = false;
    PrincipalSet principals;
    QStringList actions;
    bool notAction = false;
    QStringList resources;
    bool notResource = false;
    QList<Condition> conditions;

    /// "statement 2 (Sid "Allow use of the key")" or "statement 1 (no Sid)".
    [[nodiscard]] QString label() const;
};

/// Tells the parser whether an IAM user or role ARN exists. The account root and bare account
/// ids are always accepted and never passed here.
using PrincipalExists = std::function<bool(const QString &arn)>;

/// A parsed, validated key policy or identity policy.
struct PolicyDocument {
    static constexpr int MaxBytes = 32768; ///< the KMS key policy quota (not adjustable)

    PolicyKind kind = PolicyKind::KeyPolicy;
    QString name; ///< "default" for key policies, the policy name for identity policies
    QString version;
    QString id;
    QList<Statement> statements;

    /// Parses and validates `json`. Errors: LimitExceeded when larger than 32768 bytes of UTF-8;
    /// MalformedPolicy for a character outside tab/LF/CR/U+0020–U+00FF (with its offset), JSON
    /// syntax errors (with the character offset), an unknown Version, a missing or empty
    /// Statement, and per statement (each message names the statement and its Sid): a
    /// non-string Sid, a missing or unknown Effect, Principal rules (exactly one of
    /// Principal/NotPrincipal in key policies, none in identity policies, "unknown principal"
    /// when `principalExists` says no), Action rules (exactly one of Action/NotAction, only
    /// "*" or "kms:<Name>", unknown names), Resource rules ("*" only in key policies, kms key or
    /// alias ARNs in identity policies) and Condition errors (see Condition::parseBlock).
    [[nodiscard]] static Result<PolicyDocument> parse(const QString &json, PolicyKind kind,
                                                      const PrincipalExists &principalExists = {},
                                                      const QString &name = {});
};

} // namespace qkms::policy
