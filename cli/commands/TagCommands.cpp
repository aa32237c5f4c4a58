// tag-resource, untag-resource, list-resource-tags.

#include "Output.h"
#include "kms/KmsService.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace qkms::cli {

using namespace Qt::StringLiterals;

namespace {

Result<QJsonObject> tagResource(Session &s, const QStringList &words)
{
    auto a = parseCommand(words, {u"key-id"_s, u"tags"_s}, {}, {u"tags"_s});
    if (!a)
        return std::unexpected(a.error());
    auto keyId = a->args.required(u"key-id"_s);
    if (!keyId)
        return std::unexpected(keyId.error());
    if (!a->args.has(u"tags"_s))
        return fail(kUsageError, u"the following arguments are required: --tags"_s);
    auto tags = parseTags(a->list(u"tags"_s));
    if (!tags)
        return std::unexpected(tags.error());
    auto e = engine(s);
    if (!e)
        return std::unexpected(e.error());
    return nothing(e->service->tagResource(e->caller, *keyId, *tags));
}

Result<QJsonObject> untagResource(Session &s, const QStringList &words)
{
    auto a = parseCommand(words, {u"key-id"_s, u"tag-keys"_s}, {}, {u"tag-keys"_s});
    if (!a)
        return std::unexpected(a.error());
    auto keyId = a->args.required(u"key-id"_s);
    if (!keyId)
        return std::unexpected(keyId.error());
    if (!a->args.has(u"tag-keys"_s))
        return fail(kUsageError, u"the following arguments are required: --tag-keys"_s);
    // `--tag-keys k1 k2` or, as the AWS CLI also takes, one JSON list.
    QStringList keys = a->list(u"tag-keys"_s);
    if (keys.size() == 1 && keys[0].trimmed().startsWith(u'[')) {
        const QJsonDocument doc = QJsonDocument::fromJson(keys[0].toUtf8());
        if (!doc.isArray())
            return fail(kUsageError, u"Error parsing parameter '--tag-keys': Invalid JSON list"_s);
        keys.clear();
        for (const QJsonValue &v : doc.array())
            keys.append(v.toString());
    }
    auto e = engine(s);
    if (!e)
        return std::unexpected(e.error());
    return nothing(e->service->untagResource(e->caller, *keyId, keys));
}

Result<QJsonObject> listResourceTags(Session &s, const QStringList &words)
{
    auto a = parseCommand(words, {u"key-id"_s, u"limit"_s, u"marker"_s});
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
    auto page = e->service->listResourceTags(e->caller, *keyId, limit->value_or(50),
                                             a->args.value(u"marker"_s).value_or(QString()));
    if (!page)
        return std::unexpected(page.error());
    return kms::json::tagList(*page);
}

} // namespace

void registerTagCommands()
{
    addCommand("tag-resource", "TagResource", "add or replace tags (--tags TagKey=k,TagValue=v …)", tagResource);
    addCommand("untag-resource", "UntagResource", "remove tags (--tag-keys k1 k2 …)", untagResource);
    addCommand("list-resource-tags", "ListResourceTags", "list a key's tags", listResourceTags);
}

} // namespace qkms::cli
