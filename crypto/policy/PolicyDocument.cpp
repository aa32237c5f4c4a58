#include "policy/PolicyDocument.h"

#include "policy/KmsActions.h"
#include "policy/Wildcard.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>

using namespace Qt::StringLiterals;

namespace qkms::policy {

namespace {

const QSet<QString> TopLevelElements{u"Version"_s, u"Id"_s, u"Statement"_s};
const QSet<QString> StatementElements{u"Sid"_s,       u"Effect"_s,   u"Principal"_s,   u"NotPrincipal"_s,
                                      u"Action"_s,    u"NotAction"_s, u"Resource"_s,   u"NotResource"_s,
                                      u"Condition"_s};

std::unexpected<KmsError> malformed(const QString &message)
{
    return fail(errors::MalformedPolicy, message);
}

// A JSON value as written, for messages about values of the wrong type.
QString jsonText(const QJsonValue &value)
{
    const QByteArray wrapped = QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact);
    return QString::fromUtf8(wrapped.mid(1, wrapped.size() - 2));
}

// A string or a non-empty array of strings, as IAM allows for Action, Resource and principals.
Result<QStringList> stringList(const QJsonValue &value, const QString &element, const QString &where)
{
    if (value.isString())
        return QStringList{value.toString()};
    QStringList list;
    if (value.isArray()) {
        for (const QJsonValue &v : value.toArray()) {
            if (!v.isString())
                return malformed(element + u" must be a string or a non-empty array of strings"_s + where);
            list.append(v.toString());
        }
    }
    if (list.isEmpty())
        return malformed(element + u" must be a string or a non-empty array of strings"_s + where);
    return list;
}

Status checkAwsPrincipal(const QString &entry, const PrincipalExists &exists, const QString &where)
{
    if (entry == u"*" || isAccountId(entry))
        return {};
    const QStringList parts = splitArn(entry);
    const QString invalid = u"invalid principal '%1'"_s.arg(entry);
    if (parts.isEmpty() || !isAccountId(parts.at(4)) || parts.at(1) != u"aws")
        return malformed(invalid + where);
    const QString &resource = parts.at(5);
    if (parts.at(2) == u"sts" && resource.startsWith("assumed-role/"_L1))
        return {};
    if (parts.at(2) != u"iam" || !parts.at(3).isEmpty())
        return malformed(invalid + where);
    if (resource == u"root")
        return {};
    if (resource.startsWith("group/"_L1))
        return malformed(invalid + u": IAM groups cannot be principals"_s + where);
    if (!resource.startsWith("user/"_L1) && !resource.startsWith("role/"_L1))
        return malformed(invalid + where);
    if (hasWildcard(resource))
        return malformed(invalid + u": wildcards are not allowed in principal ARNs"_s + where);
    if (exists && !exists(entry))
        return malformed(u"unknown principal '%1'"_s.arg(entry) + where);
    return {};
}

Result<PrincipalSet> parsePrincipal(const QJsonValue &value, const QString &element, const PrincipalExists &exists,
                                    const QString &where)
{
    PrincipalSet set;
    if (value.isString()) {
        if (value.toString() != u"*")
            return malformed(element + u" must be \"*\" or an object such as {\"AWS\": \"arn:aws:iam::111122223333:root\"}"_s
                             + where);
        set.any = true;
        return set;
    }
    if (!value.isObject() || value.toObject().isEmpty())
        return malformed(element + u" must be \"*\" or an object such as {\"AWS\": \"arn:aws:iam::111122223333:root\"}"_s
                         + where);
    const QJsonObject object = value.toObject();
    for (auto it = object.begin(); it != object.end(); ++it) {
        const auto entries = stringList(it.value(), element + u"."_s + it.key(), where);
        if (!entries)
            return std::unexpected(entries.error());
        if (it.key() == u"AWS") {
            for (const QString &entry : *entries) {
                if (const Status ok = checkAwsPrincipal(entry, exists, where); !ok)
                    return std::unexpected(ok.error());
                if (entry == u"*")
                    set.any = true;
                else
                    set.aws.append(isAccountId(entry) ? accountRootArn(entry) : entry);
            }
        } else if (it.key() == u"Service") {
            for (const QString &entry : *entries) {
                if (entry.isEmpty())
                    return malformed(u"empty service principal"_s + where);
                set.services.append(entry);
            }
        } else {
            return malformed(u"unsupported principal type '%1' (KMS policies take AWS or Service)"_s.arg(it.key())
                             + where);
        }
    }
    return set;
}

Status checkAction(const QString &action, const QString &where)
{
    if (action == u"*")
        return {};
    if (!action.startsWith("kms:"_L1, Qt::CaseInsensitive)) {
        if (action.contains(u':'))
            return malformed(u"action '%1' is not a KMS action (only kms: actions are allowed)"_s.arg(action) + where);
        return malformed(u"action '%1' has no kms: prefix (write kms:%1)"_s.arg(action) + where);
    }
    if (action.size() == 4)
        return malformed(u"action '%1' names no action"_s.arg(action) + where);
    if (!hasWildcard(action) && canonicalKmsAction(action).isEmpty())
        return malformed(u"unknown action '%1'"_s.arg(action) + where);
    return {};
}

Status checkResource(const QString &resource, PolicyKind kind, const QString &where)
{
    if (resource == u"*")
        return {};
    if (kind == PolicyKind::KeyPolicy)
        return malformed(u"Resource must be \"*\" in a key policy (found '%1')"_s.arg(resource) + where);
    const QStringList parts = splitArn(resource);
    const bool kmsArn = !parts.isEmpty() && (parts.at(2) == u"kms" || parts.at(2) == u"*")
        && (parts.at(5) == u"*" || parts.at(5).startsWith("key/"_L1) || parts.at(5).startsWith("alias/"_L1));
    if (!kmsArn)
        return malformed(u"invalid resource '%1': expected \"*\", arn:aws:kms:<region>:<account>:key/<id> or an "
                         "alias ARN"_s.arg(resource)
                         + where);
    return {};
}

Result<Statement> parseStatement(const QJsonValue &value, int index, PolicyKind kind, const PrincipalExists &exists)
{
    Statement s;
    s.index = index;
    if (!value.isObject())
        return malformed(u"statement %1 is not an object"_s.arg(index + 1));
    const QJsonObject o = value.toObject();
    if (o.contains("Sid"_L1)) {
        if (!o.value("Sid"_L1).isString())
            return malformed(u"Sid must be a string in statement %1"_s.arg(index + 1));
        s.sid = o.value("Sid"_L1).toString();
    }
    const QString where = u" in "_s + s.label();
    for (auto it = o.begin(); it != o.end(); ++it) {
        if (!StatementElements.contains(it.key()))
            return malformed(u"unknown element '%1'"_s.arg(it.key()) + where);
    }

    if (!o.contains("Effect"_L1))
        return malformed(u"missing Effect"_s + where);
    const QJsonValue effect = o.value("Effect"_L1);
    if (effect == QJsonValue(u"Allow"_s))
        s.effect = Effect::Allow;
    else if (effect == QJsonValue(u"Deny"_s))
        s.effect = Effect::Deny;
    else
        return malformed(u"unknown Effect '%1' (must be Allow or Deny)"_s.arg(
                             effect.isString() ? effect.toString() : jsonText(effect))
                         + where);

    const bool hasP = o.contains("Principal"_L1);
    const bool hasNotP = o.contains("NotPrincipal"_L1);
    if (kind == PolicyKind::IdentityPolicy && (hasP || hasNotP))
        return malformed(u"an identity policy must not have a Principal or NotPrincipal"_s + where);
    if (kind == PolicyKind::KeyPolicy) {
        if (hasP && hasNotP)
            return malformed(u"both Principal and NotPrincipal"_s + where);
        if (!hasP && !hasNotP)
            return malformed(u"missing Principal"_s + where);
        s.hasPrincipal = true;
        s.notPrincipal = hasNotP;
        const QString element = hasNotP ? u"NotPrincipal"_s : u"Principal"_s;
        auto principals = parsePrincipal(o.value(element), element, exists, where);
        if (!principals)
            return std::unexpected(principals.error());
        s.principals = *principals;
    }

    if (o.contains("Action"_L1) == o.contains("NotAction"_L1))
        return malformed((o.contains("Action"_L1) ? u"both Action and NotAction"_s : u"missing Action"_s) + where);
    s.notAction = o.contains("NotAction"_L1);
    const QString actionElement = s.notAction ? u"NotAction"_s : u"Action"_s;
    auto actions = stringList(o.value(actionElement), actionElement, where);
    if (!actions)
        return std::unexpected(actions.error());
    for (const QString &a : *actions) {
        if (const Status ok = checkAction(a, where); !ok)
            return std::unexpected(ok.error());
    }
    s.actions = *actions;

    if (o.contains("Resource"_L1) && o.contains("NotResource"_L1))
        return malformed(u"both Resource and NotResource"_s + where);
    if (o.contains("NotResource"_L1) && kind == PolicyKind::KeyPolicy)
        return malformed(u"NotResource is not allowed in a key policy; Resource must be \"*\""_s + where);
    if (!o.contains("Resource"_L1) && !o.contains("NotResource"_L1))
        return malformed(u"missing Resource"_s + where);
    s.notResource = o.contains("NotResource"_L1);
    const QString resourceElement = s.notResource ? u"NotResource"_s : u"Resource"_s;
    auto resources = stringList(o.value(resourceElement), resourceElement, where);
    if (!resources)
        return std::unexpected(resources.error());
    for (const QString &r : *resources) {
        if (const Status ok = checkResource(r, kind, where); !ok)
            return std::unexpected(ok.error());
    }
    s.resources = *resources;

    if (o.contains("Condition"_L1)) {
        auto conditions = Condition::parseBlock(o.value("Condition"_L1), where);
        if (!conditions)
            return std::unexpected(conditions.error());
        s.conditions = *conditions;
    }
    return s;
}

} // namespace

QString PrincipalSet::describe() const
{
    if (any)
        return u"'*'"_s;
    return quoteValues(aws + services, true);
}

QString Statement::label() const
{
    if (sid.isEmpty())
        return u"statement %1 (no Sid)"_s.arg(index + 1);
    return u"statement %1 (Sid \"%2\")"_s.arg(index + 1).arg(sid);
}

Result<PolicyDocument> PolicyDocument::parse(const QString &json, PolicyKind kind, const PrincipalExists &principalExists,
                                             const QString &name)
{
    const QByteArray utf8 = json.toUtf8();
    if (utf8.size() > MaxBytes)
        return fail(errors::LimitExceeded,
                    u"policy is %1 bytes; the key policy limit is %2 bytes"_s.arg(utf8.size()).arg(MaxBytes));
    if (json.trimmed().isEmpty())
        return malformed(u"policy is empty"_s);
    for (qsizetype i = 0; i < json.size(); ++i) {
        const char16_t c = json.at(i).unicode();
        if (c != u'\t' && c != u'\n' && c != u'\r' && (c < 0x20 || c > 0xFF))
            return malformed(u"character U+%1 at offset %2 is not allowed in a policy (only tab, LF, CR and "
                             "U+0020 to U+00FF)"_s.arg(QString::number(c, 16).toUpper().rightJustified(4, u'0'))
                                 .arg(i));
    }

    QJsonParseError error{};
    const QJsonDocument doc = QJsonDocument::fromJson(utf8, &error);
    if (error.error != QJsonParseError::NoError) {
        // QJsonParseError counts UTF-8 bytes; people count characters.
        const qsizetype offset = QString::fromUtf8(utf8.left(error.offset)).size();
        return malformed(u"policy is not valid JSON: %1 at character offset %2"_s.arg(error.errorString()).arg(offset));
    }
    if (!doc.isObject())
        return malformed(u"policy must be a JSON object"_s);
    const QJsonObject root = doc.object();
    for (auto it = root.begin(); it != root.end(); ++it) {
        if (!TopLevelElements.contains(it.key()))
            return malformed(u"unknown top-level element '%1'"_s.arg(it.key()));
    }

    PolicyDocument policy;
    policy.kind = kind;
    policy.name = name.isEmpty() && kind == PolicyKind::KeyPolicy ? u"default"_s : name;
    if (root.contains("Version"_L1)) {
        policy.version = root.value("Version"_L1).toString();
        if (policy.version != u"2012-10-17" && policy.version != u"2008-10-17")
            return malformed(u"unknown Version (must be \"2012-10-17\" or \"2008-10-17\")"_s);
    }
    if (root.contains("Id"_L1)) {
        if (!root.value("Id"_L1).isString())
            return malformed(u"Id must be a string"_s);
        policy.id = root.value("Id"_L1).toString();
    }
    if (!root.contains("Statement"_L1))
        return malformed(u"missing Statement"_s);
    const QJsonValue statement = root.value("Statement"_L1);
    QJsonArray list;
    if (statement.isObject())
        list.append(statement);
    else if (statement.isArray())
        list = statement.toArray();
    else
        return malformed(u"Statement must be an object or an array of objects"_s);
    if (list.isEmpty())
        return malformed(u"Statement must not be empty"_s);
    for (int i = 0; i < list.size(); ++i) {
        auto s = parseStatement(list.at(i), i, kind, principalExists);
        if (!s)
            return std::unexpected(s.error());
        policy.statements.append(*s);
    }
    return policy;
}

} // namespace qkms::policy
