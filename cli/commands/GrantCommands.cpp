// create-grant, list-grants, list-retirable-grants, retire-grant, revoke-grant.

#include "Output.h"
#include "kms/KmsService.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace qkms::cli {

using namespace Qt::StringLiterals;

namespace {

/// --constraints as the AWS CLI takes it: JSON ({"EncryptionContextSubset": {"k": "v"}}, also
/// from file://) or shorthand (EncryptionContextSubset={k=v,k2=v2}).
Result<kms::GrantConstraints> parseConstraints(const QString &value)
{
    auto parseError = [](const QString &why) {
        return fail(kUsageError, u"Error parsing parameter '--constraints': %1"_s.arg(why));
    };
    auto text = readFileArgument(value);
    if (!text)
        return std::unexpected(text.error());
    QJsonObject object;
    const QString trimmed = QString::fromUtf8(*text).trimmed();
    if (trimmed.startsWith(u'{')) {
        QJsonParseError err{};
        const QJsonDocument doc = QJsonDocument::fromJson(trimmed.toUtf8(), &err);
        if (err.error != QJsonParseError::NoError || !doc.isObject())
            return parseError(u"Invalid JSON: "_s + err.errorString());
        object = doc.object();
    } else {
        const qsizetype eq = trimmed.indexOf(u'=');
        if (eq <= 0 || !trimmed.mid(eq + 1).startsWith(u'{') || !trimmed.endsWith(u'}'))
            return parseError(u"expected EncryptionContextSubset={k=v,…} or EncryptionContextEquals={k=v,…}"_s);
        QJsonObject pairs;
        const QString body = trimmed.mid(eq + 2).chopped(1);
        for (const QString &pair : body.split(u',', Qt::SkipEmptyParts)) {
            const qsizetype at = pair.indexOf(u'=');
            if (at <= 0)
                return parseError(u"Expected: '=', received: '%1'"_s.arg(pair));
            pairs.insert(pair.left(at), pair.mid(at + 1));
        }
        object.insert(trimmed.left(eq), pairs);
    }
    if (object.size() != 1)
        return parseError(u"give exactly one of EncryptionContextSubset and EncryptionContextEquals"_s);
    kms::GrantConstraints c;
    const QString type = object.begin().key();
    if (type == u"EncryptionContextSubset")
        c.type = kms::GrantConstraints::Type::EncryptionContextSubset;
    else if (type == u"EncryptionContextEquals")
        c.type = kms::GrantConstraints::Type::EncryptionContextEquals;
    else
        return parseError(u"Unknown constraint '%1'"_s.arg(type));
    const QJsonObject pairs = object.begin().value().toObject();
    for (auto it = pairs.begin(); it != pairs.end(); ++it) {
        if (!it.value().isString())
            return parseError(u"the value of '%1' must be a string"_s.arg(it.key()));
        c.context.insert(it.key(), it.value().toString());
    }
    return c;
}

QJsonObject grantList(const kms::ListGrantsResponse &r)
{
    QJsonArray grants;
    for (const kms::GrantEntry &g : r.grants)
        grants.append(g.toJson());
    QJsonObject o{{u"Grants"_s, grants}, {u"Truncated"_s, r.nextMarker.has_value()}};
    if (r.nextMarker)
        o.insert(u"NextMarker", *r.nextMarker);
    return o;
}

Result<QJsonObject> createGrant(Session &s, const QStringList &words)
{
    auto a = parseCommand(words,
                          {u"key-id"_s, u"grantee-principal"_s, u"retiring-principal"_s, u"operations"_s,
                           u"constraints"_s, u"grant-tokens"_s, u"name"_s},
                          {}, {u"operations"_s, u"grant-tokens"_s});
    if (!a)
        return std::unexpected(a.error());
    kms::CreateGrantRequest r;
    for (const QString &name : {u"key-id"_s, u"grantee-principal"_s, u"operations"_s}) {
        if (!a->args.has(name))
            return fail(kUsageError, u"the following arguments are required: --%1"_s.arg(name));
    }
    r.keyId = *a->args.value(u"key-id"_s);
    r.granteePrincipal = *a->args.value(u"grantee-principal"_s);
    r.retiringPrincipal = a->args.value(u"retiring-principal"_s).value_or(QString());
    // The AWS CLI takes `--operations Encrypt Decrypt` and also `--operations Encrypt,Decrypt`.
    for (const QString &word : a->list(u"operations"_s))
        r.operations += word.split(u',', Qt::SkipEmptyParts);
    r.grantTokens = a->list(u"grant-tokens"_s);
    r.name = a->args.value(u"name"_s).value_or(QString());
    if (auto c = a->args.value(u"constraints"_s)) {
        auto constraints = parseConstraints(*c);
        if (!constraints)
            return std::unexpected(constraints.error());
        r.constraints = *constraints;
    }
    auto e = engine(s);
    if (!e)
        return std::unexpected(e.error());
    auto g = e->service->createGrant(e->caller, r);
    if (!g)
        return std::unexpected(g.error());
    return QJsonObject{{u"GrantToken"_s, g->grantToken}, {u"GrantId"_s, g->grantId}};
}

Result<QJsonObject> listGrants(Session &s, const QStringList &words)
{
    auto a = parseCommand(words, {u"key-id"_s, u"limit"_s, u"marker"_s, u"grant-id"_s, u"grantee-principal"_s});
    if (!a)
        return std::unexpected(a.error());
    auto keyId = a->args.required(u"key-id"_s);
    if (!keyId)
        return std::unexpected(keyId.error());
    auto limit = intOption(a->args, u"limit"_s);
    if (!limit)
        return std::unexpected(limit.error());
    auto e = engine(s);
    if (!e)
        return std::unexpected(e.error());
    auto r = e->service->listGrants(e->caller, *keyId, limit->value_or(50), a->args.value(u"marker"_s).value_or(QString()),
                                    a->args.value(u"grant-id"_s).value_or(QString()),
                                    a->args.value(u"grantee-principal"_s).value_or(QString()));
    if (!r)
        return std::unexpected(r.error());
    return grantList(*r);
}

Result<QJsonObject> listRetirableGrants(Session &s, const QStringList &words)
{
    auto a = parseCommand(words, {u"retiring-principal"_s, u"limit"_s, u"marker"_s});
    if (!a)
        return std::unexpected(a.error());
    auto retiring = a->args.required(u"retiring-principal"_s);
    if (!retiring)
        return std::unexpected(retiring.error());
    auto limit = intOption(a->args, u"limit"_s);
    if (!limit)
        return std::unexpected(limit.error());
    auto e = engine(s);
    if (!e)
        return std::unexpected(e.error());
    auto r = e->service->listRetirableGrants(e->caller, *retiring, limit->value_or(50),
                                             a->args.value(u"marker"_s).value_or(QString()));
    if (!r)
        return std::unexpected(r.error());
    return grantList(*r);
}

Result<QJsonObject> retireGrant(Session &s, const QStringList &words)
{
    auto a = parseCommand(words, {u"grant-token"_s, u"key-id"_s, u"grant-id"_s});
    if (!a)
        return std::unexpected(a.error());
    if (!a->args.has(u"grant-token"_s) && (!a->args.has(u"key-id"_s) || !a->args.has(u"grant-id"_s)))
        return fail(kUsageError, u"give --grant-token, or --key-id and --grant-id"_s);
    auto e = engine(s);
    if (!e)
        return std::unexpected(e.error());
    return nothing(e->service->retireGrant(e->caller, a->args.value(u"grant-token"_s).value_or(QString()),
                                           a->args.value(u"key-id"_s).value_or(QString()),
                                           a->args.value(u"grant-id"_s).value_or(QString())));
}

Result<QJsonObject> revokeGrant(Session &s, const QStringList &words)
{
    auto a = parseCommand(words, {u"key-id"_s, u"grant-id"_s});
    if (!a)
        return std::unexpected(a.error());
    auto keyId = a->args.required(u"key-id"_s);
    if (!keyId)
        return std::unexpected(keyId.error());
    auto grantId = a->args.required(u"grant-id"_s);
    if (!grantId)
        return std::unexpected(grantId.error());
    auto e = engine(s);
    if (!e)
        return std::unexpected(e.error());
    return nothing(e->service->revokeGrant(e->caller, *keyId, *grantId));
}

} // namespace

void registerGrantCommands()
{
    addCommand("create-grant", "CreateGrant",
               "let a principal use a key (--grantee-principal, --operations …, --constraints, --name)", createGrant);
    addCommand("list-grants", "ListGrants", "list a key's grants (--grant-id, --grantee-principal, --limit, --marker)",
               listGrants);
    addCommand("list-retirable-grants", "ListRetirableGrants", "grants a principal may retire (--retiring-principal)",
               listRetirableGrants);
    addCommand("retire-grant", "RetireGrant", "retire a grant (--grant-token, or --key-id and --grant-id)", retireGrant);
    addCommand("revoke-grant", "RevokeGrant", "revoke a grant (--key-id, --grant-id)", revokeGrant);
}

} // namespace qkms::cli
