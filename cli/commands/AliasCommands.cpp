// create-alias, update-alias, delete-alias, list-aliases.

#include "Output.h"
#include "kms/KmsService.h"

namespace qkms::cli {

using namespace Qt::StringLiterals;

namespace {

// create-alias and update-alias: --alias-name and --target-key-id, no output.
template <Status (kms::KmsService::*Op)(const kms::Caller &, const QString &, const QString &)>
Result<QJsonObject> aliasToKey(Session &s, const QStringList &words)
{
    auto a = parseCommand(words, {u"alias-name"_s, u"target-key-id"_s});
    if (!a)
        return std::unexpected(a.error());
    auto alias = a->args.required(u"alias-name"_s);
    if (!alias)
        return std::unexpected(alias.error());
    auto target = a->args.required(u"target-key-id"_s);
    if (!target)
        return std::unexpected(target.error());
    auto e = engine(s);
    if (!e)
        return std::unexpected(e.error());
    return nothing((e->service->*Op)(e->caller, *alias, *target));
}

Result<QJsonObject> deleteAlias(Session &s, const QStringList &words)
{
    auto a = parseCommand(words, {u"alias-name"_s});
    if (!a)
        return std::unexpected(a.error());
    auto alias = a->args.required(u"alias-name"_s);
    if (!alias)
        return std::unexpected(alias.error());
    auto e = engine(s);
    if (!e)
        return std::unexpected(e.error());
    return nothing(e->service->deleteAlias(e->caller, *alias));
}

Result<QJsonObject> listAliases(Session &s, const QStringList &words)
{
    auto a = parseCommand(words, {u"key-id"_s, u"limit"_s, u"marker"_s});
    if (!a)
        return std::unexpected(a.error());
    auto limit = intOption(a->args, u"limit"_s);
    if (!limit)
        return std::unexpected(limit.error());
    auto e = engine(s);
    if (!e)
        return std::unexpected(e.error());
    auto page = e->service->listAliases(e->caller, a->args.value(u"key-id"_s).value_or(QString()), limit->value_or(100),
                                        a->args.value(u"marker"_s).value_or(QString()));
    if (!page)
        return std::unexpected(page.error());
    return kms::json::aliasList(*page);
}

} // namespace

void registerAliasCommands()
{
    addCommand("create-alias", "CreateAlias", "give a key an alias (--alias-name alias/…, --target-key-id)",
               aliasToKey<&kms::KmsService::createAlias>);
    addCommand("update-alias", "UpdateAlias", "point an alias at another key of the same type",
               aliasToKey<&kms::KmsService::updateAlias>);
    addCommand("delete-alias", "DeleteAlias", "delete an alias (the key is unaffected)", deleteAlias);
    addCommand("list-aliases", "ListAliases", "list aliases (--key-id, --limit, --marker)", listAliases);
}

} // namespace qkms::cli
