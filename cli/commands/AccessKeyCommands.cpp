// create-access-key, list-access-keys, delete-access-key, update-access-key, shaped as `aws iam`.
// The secret access key is printed once, by create-access-key, straight from its SecureArray.

#include "Output.h"
#include "iam/AccessKeys.h"
#include "kms/KmsService.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace qkms::cli {

using namespace Qt::StringLiterals;

namespace {

QString iamDate(const QDateTime &t)
{
    return t.toUTC().toString(Qt::ISODate).replace(u"Z"_s, u"+00:00"_s);
}

QJsonObject keyJson(const iam::AccessKeyInfo &k)
{
    return {{u"UserName"_s, k.userName},
            {u"AccessKeyId"_s, k.accessKeyId},
            {u"Status"_s, k.status},
            {u"CreateDate"_s, iamDate(k.createDate)}};
}

// Runs `body` with the account's access keys, as the session's caller (the root unless --principal).
template <typename Body>
Result<QJsonObject> withKeys(Session &s, Body body)
{
    auto e = engine(s);
    if (!e)
        return std::unexpected(e.error());
    auto vault = s.vault();
    if (!vault)
        return std::unexpected(vault.error());
    iam::AccessKeys keys(**vault, e->service->principals());
    return body(keys, e->caller.principalArn);
}

// The user owning `accessKeyId` when --user-name is not given (IAM defaults to the caller; here
// the caller is the root, so the key's owner is looked up instead).
Result<QString> ownerOf(iam::AccessKeys &keys, const QString &caller, const std::optional<QString> &userName,
                        const QString &accessKeyId)
{
    if (userName)
        return *userName;
    auto all = keys.listAll(caller);
    if (!all)
        return std::unexpected(all.error());
    for (const iam::AccessKeyInfo &k : *all)
        if (k.accessKeyId == accessKeyId)
            return k.userName;
    return fail(iam::errors::NoSuchEntity, u"The Access Key with id %1 cannot be found."_s.arg(accessKeyId));
}

Result<QJsonObject> createAccessKey(Session &s, const QStringList &words)
{
    auto a = parseCommand(words, {u"user-name"_s});
    if (!a)
        return std::unexpected(a.error());
    auto user = a->args.required(u"user-name"_s);
    if (!user)
        return fail(kUsageError, u"the following arguments are required: --user-name"_s);
    return withKeys(s, [&](iam::AccessKeys &keys, const QString &caller) -> Result<QJsonObject> {
        auto key = keys.create(caller, *user);
        if (!key)
            return std::unexpected(key.error());
        QJsonObject inner = keyJson(key->info);
        if (s.options().query == u"AccessKey.SecretAccessKey"_s) {
            s.out().write(key->secretAccessKey.constData(), key->secretAccessKey.size());
            s.out().write("\n");
            return QJsonObject{};
        }
        // The secret is spliced into the printed bytes, never into a QJsonObject or QString.
        inner.insert(u"SecretAccessKey", u"@SECRET@"_s);
        const QByteArray text = QJsonDocument(QJsonObject{{u"AccessKey"_s, inner}}).toJson(QJsonDocument::Indented);
        const qsizetype at = text.indexOf("@SECRET@");
        s.out().write(text.left(at));
        s.out().write(key->secretAccessKey.constData(), key->secretAccessKey.size());
        s.out().write(text.mid(at + 8));
        return QJsonObject{};
    });
}

Result<QJsonObject> listAccessKeys(Session &s, const QStringList &words)
{
    auto a = parseCommand(words, {u"user-name"_s});
    if (!a)
        return std::unexpected(a.error());
    return withKeys(s, [&](iam::AccessKeys &keys, const QString &caller) -> Result<QJsonObject> {
        const auto user = a->args.value(u"user-name"_s);
        auto list = user ? keys.list(caller, *user) : keys.listAll(caller);
        if (!list)
            return std::unexpected(list.error());
        QJsonArray out;
        for (const iam::AccessKeyInfo &k : *list)
            out.append(keyJson(k));
        return QJsonObject{{u"AccessKeyMetadata"_s, out}, {u"IsTruncated"_s, false}};
    });
}

Result<QJsonObject> deleteAccessKey(Session &s, const QStringList &words)
{
    auto a = parseCommand(words, {u"user-name"_s, u"access-key-id"_s});
    if (!a)
        return std::unexpected(a.error());
    auto id = a->args.required(u"access-key-id"_s);
    if (!id)
        return fail(kUsageError, u"the following arguments are required: --access-key-id"_s);
    return withKeys(s, [&](iam::AccessKeys &keys, const QString &caller) -> Result<QJsonObject> {
        auto user = ownerOf(keys, caller, a->args.value(u"user-name"_s), *id);
        if (!user)
            return std::unexpected(user.error());
        return nothing(keys.remove(caller, *user, *id));
    });
}

Result<QJsonObject> updateAccessKey(Session &s, const QStringList &words)
{
    auto a = parseCommand(words, {u"user-name"_s, u"access-key-id"_s, u"status"_s});
    if (!a)
        return std::unexpected(a.error());
    auto id = a->args.required(u"access-key-id"_s);
    auto status = a->args.required(u"status"_s);
    if (!id || !status)
        return fail(kUsageError, u"the following arguments are required: --access-key-id, --status"_s);
    return withKeys(s, [&](iam::AccessKeys &keys, const QString &caller) -> Result<QJsonObject> {
        auto user = ownerOf(keys, caller, a->args.value(u"user-name"_s), *id);
        if (!user)
            return std::unexpected(user.error());
        return nothing(keys.updateStatus(caller, *user, *id, *status));
    });
}

} // namespace

void registerAccessKeyCommands()
{
    addCommand("create-access-key", "CreateAccessKey",
               "an access key for an IAM user (--user-name); the secret is shown once", createAccessKey);
    addCommand("list-access-keys", "ListAccessKeys", "access keys of --user-name, or of every user", listAccessKeys);
    addCommand("delete-access-key", "DeleteAccessKey", "delete an access key (--access-key-id)", deleteAccessKey);
    addCommand("update-access-key", "UpdateAccessKey", "--status Active|Inactive of an access key (--access-key-id)",
               updateAccessKey);
}

} // namespace qkms::cli
