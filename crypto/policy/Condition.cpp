#include "policy/Condition.h"

#include "policy/Wildcard.h"

#include <QJsonArray>
#include <QHash>
#include <QJsonObject>
#include <QTimeZone>

#include <cmath>

using namespace Qt::StringLiterals;

namespace qkms::policy {

namespace {

struct OperatorInfo {
    ConditionType type;
    Comparison comparison;
    bool negated;
};

// The IAM operators KMS policies may use. ArnEquals and ArnLike are the same operator in IAM
// (both take wildcards per ARN component), so both map to Like.
const QHash<QString, OperatorInfo> &operatorTable()
{
    using T = ConditionType;
    using C = Comparison;
    static const QHash<QString, OperatorInfo> table{
        {u"StringEquals"_s, {T::String, C::Equals, false}},
        {u"StringNotEquals"_s, {T::String, C::Equals, true}},
        {u"StringEqualsIgnoreCase"_s, {T::String, C::EqualsIgnoreCase, false}},
        {u"StringNotEqualsIgnoreCase"_s, {T::String, C::EqualsIgnoreCase, true}},
        {u"StringLike"_s, {T::String, C::Like, false}},
        {u"StringNotLike"_s, {T::String, C::Like, true}},
        {u"Bool"_s, {T::Bool, C::Equals, false}},
        {u"NumericEquals"_s, {T::Numeric, C::Equals, false}},
        {u"NumericNotEquals"_s, {T::Numeric, C::Equals, true}},
        {u"NumericLessThan"_s, {T::Numeric, C::LessThan, false}},
        {u"NumericLessThanEquals"_s, {T::Numeric, C::LessThanEquals, false}},
        {u"NumericGreaterThan"_s, {T::Numeric, C::GreaterThan, false}},
        {u"NumericGreaterThanEquals"_s, {T::Numeric, C::GreaterThanEquals, false}},
        {u"DateEquals"_s, {T::Date, C::Equals, false}},
        {u"DateNotEquals"_s, {T::Date, C::Equals, true}},
        {u"DateLessThan"_s, {T::Date, C::LessThan, false}},
        {u"DateLessThanEquals"_s, {T::Date, C::LessThanEquals, false}},
        {u"DateGreaterThan"_s, {T::Date, C::GreaterThan, false}},
        {u"DateGreaterThanEquals"_s, {T::Date, C::GreaterThanEquals, false}},
        {u"ArnEquals"_s, {T::Arn, C::Like, false}},
        {u"ArnNotEquals"_s, {T::Arn, C::Like, true}},
        {u"ArnLike"_s, {T::Arn, C::Like, false}},
        {u"ArnNotLike"_s, {T::Arn, C::Like, true}},
        {u"Null"_s, {T::Null, C::Equals, false}},
    };
    return table;
}

bool isBoolText(const QString &v)
{
    return v.compare("true"_L1, Qt::CaseInsensitive) == 0 || v.compare("false"_L1, Qt::CaseInsensitive) == 0;
}

// JSON scalars become the strings IAM compares: true → "true", 30 → "30", 1.5 → "1.5".
std::optional<QString> scalarText(const QJsonValue &v)
{
    if (v.isString())
        return v.toString();
    if (v.isBool())
        return v.toBool() ? u"true"_s : u"false"_s;
    if (v.isDouble()) {
        const double d = v.toDouble();
        if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 9007199254740992.0)
            return QString::number(static_cast<qint64>(d));
        return QString::number(d, 'g', 17);
    }
    return std::nullopt;
}

template <typename T>
bool compareOrdered(Comparison c, T a, T b)
{
    switch (c) {
    case Comparison::LessThan: return a < b;
    case Comparison::LessThanEquals: return a <= b;
    case Comparison::GreaterThan: return a > b;
    case Comparison::GreaterThanEquals: return a >= b;
    default: return a == b;
    }
}

} // namespace

std::optional<qint64> parsePolicyDate(const QString &text)
{
    bool ok = false;
    const double epoch = text.toDouble(&ok);
    if (ok) {
        // Epoch seconds; bounded so the millisecond value cannot overflow.
        if (!std::isfinite(epoch) || std::fabs(epoch) > 1e14)
            return std::nullopt;
        return static_cast<qint64>(epoch * 1000.0);
    }
    QDateTime dt = QDateTime::fromString(text, Qt::ISODateWithMs);
    if (!dt.isValid()) {
        const QDate date = QDate::fromString(text, Qt::ISODate);
        if (!date.isValid())
            return std::nullopt;
        dt = date.startOfDay(QTimeZone::UTC);
    }
    if (dt.timeSpec() == Qt::LocalTime) // no zone written: AWS means UTC, not our local time
        dt = QDateTime(dt.date(), dt.time(), QTimeZone::UTC);
    return dt.toMSecsSinceEpoch();
}

QString quoteValues(const QStringList &values, bool asList)
{
    if (values.size() == 1 && !asList)
        return u"'"_s + values.first() + u"'"_s;
    QStringList quoted;
    for (const QString &v : values)
        quoted.append(u"'"_s + v + u"'"_s);
    return u"["_s + quoted.join(", "_L1) + u"]"_s;
}

Result<QList<Condition>> Condition::parseBlock(const QJsonValue &block, const QString &where)
{
    if (!block.isObject())
        return fail(errors::MalformedPolicy, u"Condition must be an object"_s + where);
    QList<Condition> conditions;
    const QJsonObject operators = block.toObject();
    for (auto op = operators.begin(); op != operators.end(); ++op) {
        Condition base;
        base.operatorName = op.key();
        QString name = op.key();
        if (name.startsWith("ForAnyValue:"_L1)) {
            base.qualifier = SetQualifier::ForAnyValue;
            name = name.mid(12);
        } else if (name.startsWith("ForAllValues:"_L1)) {
            base.qualifier = SetQualifier::ForAllValues;
            name = name.mid(13);
        }
        if (name.endsWith("IfExists"_L1) && name != "IfExists"_L1) {
            base.ifExists = true;
            name.chop(8);
        }
        const auto info = operatorTable().constFind(name);
        if (info == operatorTable().constEnd()
            || (info->type == ConditionType::Null && (base.ifExists || base.qualifier != SetQualifier::None)))
            return fail(errors::MalformedPolicy, u"unknown condition operator '%1'"_s.arg(op.key()) + where);
        base.type = info->type;
        base.comparison = info->comparison;
        base.negated = info->negated;

        if (!op.value().isObject() || op.value().toObject().isEmpty())
            return fail(errors::MalformedPolicy,
                        u"condition operator '%1' must map condition keys to values"_s.arg(op.key()) + where);
        const QJsonObject keys = op.value().toObject();
        for (auto k = keys.begin(); k != keys.end(); ++k) {
            Condition c = base;
            c.key = k.key();
            if (c.key.isEmpty() || !c.key.contains(u':'))
                return fail(errors::MalformedPolicy,
                            u"condition key '%1' under %2 must be prefix:name (e.g. kms:CallerAccount)"_s.arg(
                                c.key, op.key()) + where);
            const QJsonArray raw = k.value().isArray() ? k.value().toArray() : QJsonArray{k.value()};
            if (raw.isEmpty())
                return fail(errors::MalformedPolicy, u"condition %1 %2 has no values"_s.arg(op.key(), c.key) + where);
            for (const QJsonValue &v : raw) {
                const auto text = scalarText(v);
                if (!text)
                    return fail(errors::MalformedPolicy,
                                u"condition %1 %2: values must be strings, numbers or booleans"_s.arg(op.key(), c.key)
                                    + where);
                bool valid = true;
                switch (c.type) {
                case ConditionType::Numeric: text->toDouble(&valid); break;
                case ConditionType::Date: valid = parsePolicyDate(*text).has_value(); break;
                case ConditionType::Bool:
                case ConditionType::Null: valid = isBoolText(*text); break;
                default: break;
                }
                if (!valid)
                    return fail(errors::MalformedPolicy,
                                u"condition %1 %2: '%3' is not a valid value for this operator"_s.arg(
                                    op.key(), c.key, *text) + where);
                c.values.append(*text);
            }
            conditions.append(c);
        }
    }
    return conditions;
}

namespace {

bool valueMatches(const Condition &c, const QString &requestValue, const QString &policyValue)
{
    switch (c.type) {
    case ConditionType::String:
        if (c.comparison == Comparison::Like)
            return wildcardMatch(policyValue, requestValue, Qt::CaseSensitive);
        return requestValue.compare(policyValue, c.comparison == Comparison::EqualsIgnoreCase ? Qt::CaseInsensitive
                                                                                              : Qt::CaseSensitive)
            == 0;
    case ConditionType::Bool:
        return isBoolText(requestValue) && requestValue.compare(policyValue, Qt::CaseInsensitive) == 0;
    case ConditionType::Numeric: {
        bool okRequest = false;
        bool okPolicy = false;
        const double r = requestValue.toDouble(&okRequest);
        const double p = policyValue.toDouble(&okPolicy);
        return okRequest && okPolicy && compareOrdered(c.comparison, r, p);
    }
    case ConditionType::Date: {
        const auto r = parsePolicyDate(requestValue);
        const auto p = parsePolicyDate(policyValue);
        return r && p && compareOrdered(c.comparison, *r, *p);
    }
    case ConditionType::Arn: return arnMatch(policyValue, requestValue);
    case ConditionType::Null: return false;
    }
    return false;
}

bool matchesAnyPolicyValue(const Condition &c, const QString &requestValue)
{
    for (const QString &p : c.values) {
        if (valueMatches(c, requestValue, p))
            return true;
    }
    return false;
}

} // namespace

ConditionOutcome Condition::evaluate(const RequestContext &request) const
{
    const QString head = u"condition %1 %2: "_s.arg(operatorName, key);
    const std::optional<ContextValue> present = request.value(key);

    if (type == ConditionType::Null) {
        // Null true: the key must be absent; Null false: it must be present. Values are ORed.
        bool holds = false;
        for (const QString &v : values)
            holds = holds || ((v.compare("true"_L1, Qt::CaseInsensitive) == 0) == !present);
        const QString state = present ? u"key is present with "_s + quoteValues(present->values, present->multiValued)
                                      : u"key not present in request"_s;
        return {holds, head + state + u", policy wants Null "_s + quoteValues(values)};
    }

    if (!present) {
        if (ifExists)
            return {true, head + u"key not present in request (IfExists: condition holds)"_s};
        if (qualifier == SetQualifier::ForAllValues)
            return {true, head + u"key not present in request (ForAllValues of an empty set holds)"_s};
        if (qualifier == SetQualifier::ForAnyValue)
            return {false, head + u"key not present in request (ForAnyValue of an empty set fails)"_s};
        if (negated)
            return {true, head + u"key not present in request (a negated operator holds)"_s};
        return {false, head + u"key not present in request"_s};
    }

    const QString has = u"request has "_s + quoteValues(present->values, present->multiValued);
    const QString wants = (negated ? u"policy forbids "_s : u"policy wants "_s) + quoteValues(values, true);
    switch (qualifier) {
    case SetQualifier::ForAllValues:
        for (const QString &r : present->values) {
            if (matchesAnyPolicyValue(*this, r) == negated)
                return {false, head + u"request value '%1' fails, "_s.arg(r) + wants};
        }
        return {true, head + has + u", "_s + wants + u": every value passes"_s};
    case SetQualifier::ForAnyValue:
        for (const QString &r : present->values) {
            if (matchesAnyPolicyValue(*this, r) != negated)
                return {true, head + u"request value '%1' passes, "_s.arg(r) + wants};
        }
        return {false, head + has + u", "_s + wants + u": no value passes"_s};
    case SetQualifier::None: break;
    }
    bool any = false;
    for (const QString &r : present->values)
        any = any || matchesAnyPolicyValue(*this, r);
    const bool holds = any != negated;
    return {holds, head + has + u", "_s + wants + (holds ? u": holds"_s : QString())};
}

QString Condition::describe() const
{
    return operatorName + u" "_s + key + u" "_s + quoteValues(values, true);
}

} // namespace qkms::policy
