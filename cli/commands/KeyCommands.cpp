// create-key, describe-key, list-keys, update-key-description, enable-key, disable-key,
// schedule-key-deletion, cancel-key-deletion, get-key-policy: keys and their lifecycle.

#include "Output.h"
#include "kms/KmsService.h"

namespace qkms::cli {

using namespace Qt::StringLiterals;

namespace {

Result<QJsonObject> createKey(Session &s, const QStringList &words)
{
    auto a = parseCommand(words,
                          {u"description"_s, u"key-spec"_s, u"customer-master-key-spec"_s, u"key-usage"_s,
                           u"origin"_s, u"policy"_s, u"bypass-policy-lockout-safety-check"_s, u"tags"_s},
                          {u"bypass-policy-lockout-safety-check"_s}, {u"tags"_s});
    if (!a)
        return std::unexpected(a.error());
    const Args &args = a->args;
    kms::CreateKeyRequest r;
    r.description = args.value(u"description"_s).value_or(QString());
    // --customer-master-key-spec is the deprecated name AWS still accepts.
    r.keySpec = args.value(u"key-spec"_s);
    if (!r.keySpec)
        r.keySpec = args.value(u"customer-master-key-spec"_s);
    r.keyUsage = args.value(u"key-usage"_s);
    r.origin = args.value(u"origin"_s).value_or(QStringLiteral("AWS_KMS"));
    if (auto policy = args.value(u"policy"_s)) {
        auto text = readFileArgument(*policy);
        if (!text)
            return std::unexpected(text.error());
        r.policy = QString::fromUtf8(*text);
    }
    r.bypassPolicyLockoutSafetyCheck = args.flag(u"bypass-policy-lockout-safety-check"_s);
    if (args.has(u"tags"_s)) {
        auto tags = parseTags(a->list(u"tags"_s));
        if (!tags)
            return std::unexpected(tags.error());
        r.tags = *tags;
    }
    auto e = engine(s);
    if (!e)
        return std::unexpected(e.error());
    auto key = e->service->createKey(e->caller, r);
    if (!key)
        return std::unexpected(key.error());
    return QJsonObject{{QStringLiteral("KeyMetadata"), key->toKeyMetadata(e->service->accountId())}};
}

Result<QJsonObject> describeKey(Session &s, const QStringList &words)
{
    auto c = keyCommand(s, words, {u"key-id"_s, u"grant-tokens"_s}, {}, {u"grant-tokens"_s});
    if (!c)
        return std::unexpected(c.error());
    auto key = c->service().describeKey(c->caller(), c->keyId);
    if (!key)
        return std::unexpected(key.error());
    return QJsonObject{{QStringLiteral("KeyMetadata"), key->toKeyMetadata(c->service().accountId())}};
}

Result<QJsonObject> listKeys(Session &s, const QStringList &words)
{
    auto a = parseCommand(words, {u"limit"_s, u"marker"_s});
    if (!a)
        return std::unexpected(a.error());
    auto limit = intOption(a->args, u"limit"_s);
    if (!limit)
        return std::unexpected(limit.error());
    auto e = engine(s);
    if (!e)
        return std::unexpected(e.error());
    auto page = e->service->listKeys(e->caller, limit->value_or(1000), a->args.value(u"marker"_s).value_or(QString()));
    if (!page)
        return std::unexpected(page.error());
    return kms::json::keyList(*page);
}

Result<QJsonObject> updateKeyDescription(Session &s, const QStringList &words)
{
    auto c = parseKeyCommand(words, {u"key-id"_s, u"description"_s});
    if (!c)
        return std::unexpected(c.error());
    auto description = c->parsed.args.required(u"description"_s);
    if (!description)
        return std::unexpected(description.error());
    if (auto opened = openEngine(s, *c); !opened)
        return std::unexpected(opened.error());
    return nothing(c->service().updateKeyDescription(c->caller(), c->keyId, *description));
}

// enable-key and disable-key: --key-id only, no output.
template <Status (kms::KmsService::*Op)(const kms::Caller &, const QString &)>
Result<QJsonObject> keyIdOnly(Session &s, const QStringList &words)
{
    auto c = keyCommand(s, words, {u"key-id"_s});
    if (!c)
        return std::unexpected(c.error());
    return nothing((c->service().*Op)(c->caller(), c->keyId));
}

Result<QJsonObject> scheduleKeyDeletion(Session &s, const QStringList &words)
{
    auto c = parseKeyCommand(words, {u"key-id"_s, u"pending-window-in-days"_s});
    if (!c)
        return std::unexpected(c.error());
    auto days = intOption(c->parsed.args, u"pending-window-in-days"_s);
    if (!days)
        return std::unexpected(days.error());
    if (auto opened = openEngine(s, *c); !opened)
        return std::unexpected(opened.error());
    auto key = c->service().scheduleKeyDeletion(c->caller(), c->keyId, days->value_or(30));
    if (!key)
        return std::unexpected(key.error());
    return kms::json::keyDeletion(*key);
}

Result<QJsonObject> cancelKeyDeletion(Session &s, const QStringList &words)
{
    auto c = keyCommand(s, words, {u"key-id"_s});
    if (!c)
        return std::unexpected(c.error());
    auto key = c->service().cancelKeyDeletion(c->caller(), c->keyId);
    if (!key)
        return std::unexpected(key.error());
    return QJsonObject{{QStringLiteral("KeyId"), key->arn}};
}

Result<QJsonObject> getKeyPolicy(Session &s, const QStringList &words)
{
    auto c = parseKeyCommand(words, {u"key-id"_s, u"policy-name"_s});
    if (!c)
        return std::unexpected(c.error());
    const QString name = c->parsed.args.value(u"policy-name"_s).value_or(QStringLiteral("default"));
    // AWS: "The only valid name is default."
    if (name != QStringLiteral("default"))
        return fail(errors::NotFound, QStringLiteral("No such policy exists: %1 (the only key policy name is default)").arg(name));
    if (auto opened = openEngine(s, *c); !opened)
        return std::unexpected(opened.error());
    auto policy = c->service().getKeyPolicy(c->caller(), c->keyId);
    if (!policy)
        return std::unexpected(policy.error());
    return QJsonObject{{QStringLiteral("Policy"), *policy}, {QStringLiteral("PolicyName"), name}};
}

} // namespace

void registerKeyCommands()
{
    addCommand("create-key", "CreateKey", "create a KMS key (--key-spec, --key-usage, --description, --tags …)", createKey);
    addCommand("describe-key", "DescribeKey", "show a key's metadata (--key-id: id, ARN or alias)", describeKey);
    addCommand("list-keys", "ListKeys", "list the keys of the region (--limit, --marker)", listKeys);
    addCommand("update-key-description", "UpdateKeyDescription", "change a key's description", updateKeyDescription);
    addCommand("enable-key", "EnableKey", "enable a key", keyIdOnly<&kms::KmsService::enableKey>);
    addCommand("disable-key", "DisableKey", "disable a key", keyIdOnly<&kms::KmsService::disableKey>);
    addCommand("schedule-key-deletion", "ScheduleKeyDeletion", "schedule a key's deletion (--pending-window-in-days 7..30)",
        scheduleKeyDeletion);
    addCommand("cancel-key-deletion", "CancelKeyDeletion", "cancel a scheduled deletion (the key stays disabled)",
        cancelKeyDeletion);
    addCommand("get-key-policy", "GetKeyPolicy", "print a key's key policy", getKeyPolicy);
}

} // namespace qkms::cli
