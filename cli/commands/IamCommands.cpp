// create-user, delete-user, list-users, create-role, delete-role, list-roles, and the inline
// policies of each (put-/get-/list-/delete-user-policy, …-role-policy), shaped as `aws iam`.

#include "Output.h"
#include "iam/PrincipalStore.h"
#include "kms/KmsService.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace qkms::cli {

using namespace Qt::StringLiterals;
using iam::PrincipalKind;

namespace {

// "User" / "Role": the word AWS puts in field names (UserName, RoleId, Users…).
QString word(PrincipalKind kind)
{
    return kind == PrincipalKind::User ? u"User"_s : u"Role"_s;
}

QString option(PrincipalKind kind)
{
    return kind == PrincipalKind::User ? u"user-name"_s : u"role-name"_s;
}

QJsonObject principalJson(const iam::Principal &p)
{
    const QString w = word(p.kind);
    QJsonObject o{{u"Path"_s, u"/"_s},
                  {w + u"Name"_s, p.name},
                  {w + u"Id"_s, p.principalId},
                  {u"Arn"_s, p.arn},
                  {u"CreateDate"_s, p.createDate.toUTC().toString(Qt::ISODate).replace(u"Z"_s, u"+00:00"_s)}};
    if (p.kind == PrincipalKind::Role && !p.trustPolicy.isEmpty())
        o.insert(u"AssumeRolePolicyDocument", QJsonDocument::fromJson(p.trustPolicy.toUtf8()).object());
    return o;
}

// Every IAM command: parse, open the engine, act as the session's caller.
template <typename Body>
Result<QJsonObject> iamCommand(Session &s, const QStringList &words, const QStringList &known, Body body)
{
    auto a = parseCommand(words, known);
    if (!a)
        return std::unexpected(a.error());
    for (const QString &name : known) {
        if (!a->args.has(name) && name != u"assume-role-policy-document")
            return fail(kUsageError, u"the following arguments are required: --%1"_s.arg(name));
    }
    auto e = engine(s);
    if (!e)
        return std::unexpected(e.error());
    return body(a->args, e->service->principals(), e->caller.principalArn);
}

template <PrincipalKind Kind>
Result<QJsonObject> createPrincipal(Session &s, const QStringList &words)
{
    QStringList known{option(Kind)};
    if (Kind == PrincipalKind::Role)
        known.append(u"assume-role-policy-document"_s);
    return iamCommand(s, words, known, [](const Args &a, iam::PrincipalStore &store, const QString &caller) -> Result<QJsonObject> {
        const QString name = *a.value(option(Kind));
        Result<iam::Principal> p = std::unexpected(KmsError{});
        if (Kind == PrincipalKind::User) {
            p = store.createUser(caller, name);
        } else {
            auto trust = readFileArgument(a.value(u"assume-role-policy-document"_s).value_or(QString()));
            if (!trust)
                return std::unexpected(trust.error());
            p = store.createRole(caller, name, QString::fromUtf8(*trust));
        }
        if (!p)
            return std::unexpected(p.error());
        return QJsonObject{{word(Kind), principalJson(*p)}};
    });
}

template <PrincipalKind Kind>
Result<QJsonObject> deletePrincipal(Session &s, const QStringList &words)
{
    return iamCommand(s, words, {option(Kind)}, [](const Args &a, iam::PrincipalStore &store, const QString &caller) {
        return nothing(store.deletePrincipal(caller, Kind, *a.value(option(Kind))));
    });
}

template <PrincipalKind Kind>
Result<QJsonObject> listPrincipals(Session &s, const QStringList &words)
{
    return iamCommand(s, words, {}, [](const Args &, iam::PrincipalStore &store, const QString &caller) -> Result<QJsonObject> {
        auto list = store.list(caller, Kind);
        if (!list)
            return std::unexpected(list.error());
        QJsonArray items;
        for (const iam::Principal &p : *list)
            items.append(principalJson(p));
        return QJsonObject{{word(Kind) + u"s"_s, items}};
    });
}

template <PrincipalKind Kind>
Result<QJsonObject> putPolicy(Session &s, const QStringList &words)
{
    return iamCommand(s, words, {option(Kind), u"policy-name"_s, u"policy-document"_s},
                      [](const Args &a, iam::PrincipalStore &store, const QString &caller) -> Result<QJsonObject> {
                          auto document = readFileArgument(*a.value(u"policy-document"_s));
                          if (!document)
                              return std::unexpected(document.error());
                          return nothing(store.putPolicy(caller, Kind, *a.value(option(Kind)),
                                                         *a.value(u"policy-name"_s), QString::fromUtf8(*document)));
                      });
}

template <PrincipalKind Kind>
Result<QJsonObject> getPolicy(Session &s, const QStringList &words)
{
    return iamCommand(s, words, {option(Kind), u"policy-name"_s},
                      [](const Args &a, iam::PrincipalStore &store, const QString &caller) -> Result<QJsonObject> {
                          const QString name = *a.value(option(Kind));
                          const QString policyName = *a.value(u"policy-name"_s);
                          auto document = store.getPolicy(caller, Kind, name, policyName);
                          if (!document)
                              return std::unexpected(document.error());
                          // The AWS CLI prints the document decoded, as a JSON object.
                          return QJsonObject{{word(Kind) + u"Name"_s, name},
                                             {u"PolicyName"_s, policyName},
                                             {u"PolicyDocument"_s, QJsonDocument::fromJson(document->toUtf8()).object()}};
                      });
}

template <PrincipalKind Kind>
Result<QJsonObject> listPolicies(Session &s, const QStringList &words)
{
    return iamCommand(s, words, {option(Kind)},
                      [](const Args &a, iam::PrincipalStore &store, const QString &caller) -> Result<QJsonObject> {
                          auto names = store.listPolicies(caller, Kind, *a.value(option(Kind)));
                          if (!names)
                              return std::unexpected(names.error());
                          return QJsonObject{{u"PolicyNames"_s, QJsonArray::fromStringList(*names)},
                                             {u"IsTruncated"_s, false}};
                      });
}

template <PrincipalKind Kind>
Result<QJsonObject> deletePolicy(Session &s, const QStringList &words)
{
    return iamCommand(s, words, {option(Kind), u"policy-name"_s},
                      [](const Args &a, iam::PrincipalStore &store, const QString &caller) {
                          return nothing(store.deletePolicy(caller, Kind, *a.value(option(Kind)), *a.value(u"policy-name"_s)));
                      });
}

} // namespace

void registerIamCommands()
{
    constexpr auto User = PrincipalKind::User;
    constexpr auto Role = PrincipalKind::Role;
    addCommand("create-user", "CreateUser", "create an IAM user (--user-name)", createPrincipal<User>);
    addCommand("delete-user", "DeleteUser", "delete an IAM user without policies (--user-name)", deletePrincipal<User>);
    addCommand("list-users", "ListUsers", "list the IAM users of the vault", listPrincipals<User>);
    addCommand("create-role", "CreateRole", "create an IAM role (--role-name, --assume-role-policy-document)",
               createPrincipal<Role>);
    addCommand("delete-role", "DeleteRole", "delete an IAM role without policies (--role-name)", deletePrincipal<Role>);
    addCommand("list-roles", "ListRoles", "list the IAM roles of the vault", listPrincipals<Role>);
    addCommand("put-user-policy", "PutUserPolicy", "attach an inline identity policy (--policy-name, --policy-document)",
               putPolicy<User>);
    addCommand("get-user-policy", "GetUserPolicy", "print a user's inline policy", getPolicy<User>);
    addCommand("list-user-policies", "ListUserPolicies", "list a user's inline policy names", listPolicies<User>);
    addCommand("delete-user-policy", "DeleteUserPolicy", "delete a user's inline policy", deletePolicy<User>);
    addCommand("put-role-policy", "PutRolePolicy", "attach an inline identity policy to a role", putPolicy<Role>);
    addCommand("get-role-policy", "GetRolePolicy", "print a role's inline policy", getPolicy<Role>);
    addCommand("list-role-policies", "ListRolePolicies", "list a role's inline policy names", listPolicies<Role>);
    addCommand("delete-role-policy", "DeleteRolePolicy", "delete a role's inline policy", deletePolicy<Role>);
}

} // namespace qkms::cli
