#pragma once

#include "core/KmsError.h"
#include "policy/RequestContext.h"

#include <QJsonValue>
#include <QList>
#include <QString>
#include <QStringList>

namespace qkms::policy {

/// ForAnyValue:/ForAllValues: — how a key with several values in the request is compared.
enum class SetQualifier { None, ForAnyValue, ForAllValues };

/// The family of an operator, which fixes how values are parsed and compared.
enum class ConditionType { String, Numeric, Date, Bool, Arn, Null };

/// The comparison an operator makes, before negation.
enum class Comparison { Equals, EqualsIgnoreCase, Like, LessThan, LessThanEquals, GreaterThan, GreaterThanEquals };

/// What one condition said about one request, with a sentence a person can read.
struct ConditionOutcome {
    bool holds = false;
    QString explanation; ///< "condition StringEquals kms:EncryptionContext:dept: request has 'sales', policy wants ['hr']"
};

/// One operator/key pair of a Condition block, e.g. {"StringEquals": {"kms:CallerAccount": "1111"}}.
/// A statement's conditions are ANDed; the values of one condition are ORed.
struct Condition {
    QString operatorName; ///< as written: "ForAnyValue:StringLikeIfExists"
    ConditionType type = ConditionType::String;
    Comparison comparison = Comparison::Equals;
    bool negated = false;  ///< StringNotEquals, NumericNotEquals, ArnNotLike...: NOT(any value matches)
    bool ifExists = false; ///< …IfExists: an absent key makes the condition true
    SetQualifier qualifier = SetQualifier::None;
    QString key;        ///< as written: "kms:EncryptionContext:Department"
    QStringList values; ///< policy values as strings (JSON true → "true", 30 → "30")

    /// Parses a whole Condition element. `where` ends every error message ("in statement 2
    /// (Sid "x")"). Errors: MalformedPolicy for a non-object block, an unknown operator (named),
    /// an empty key, an empty or non-scalar value list, or a value its operator cannot read
    /// (a non-number for Numeric*, a non-date for Date*, not true/false for Bool and Null).
    [[nodiscard]] static Result<QList<Condition>> parseBlock(const QJsonValue &block, const QString &where);

    /// Decides this condition for `request`, following AWS: an absent key is false, except for
    /// negated operators and ForAllValues (true), …IfExists (true) and Null (its own test).
    [[nodiscard]] ConditionOutcome evaluate(const RequestContext &request) const;

    /// "StringEquals kms:EncryptionContext:dept ['hr']", for traces and the console.
    [[nodiscard]] QString describe() const;
};

/// A date as AWS reads one in Date* conditions: ISO 8601 (a missing zone means UTC) or epoch
/// seconds. Milliseconds since the epoch, or nullopt.
[[nodiscard]] std::optional<qint64> parsePolicyDate(const QString &text);

/// "'a'" for one value, "['a', 'b']" for several: how traces quote values.
[[nodiscard]] QString quoteValues(const QStringList &values, bool asList = false);

} // namespace qkms::policy
