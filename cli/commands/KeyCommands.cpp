// create-key, describe-key, list-keys, update-key-description, enable-key, disable-key,
// schedule-key-deletion, cancel-key-deletion, get-key-policy: keys and their lifecycle.

#include "Output.h"
#include "kms/KmsService.h"

#include <QJsonArray>

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
    auto a = parseCommand(words, {u"key-id"_s, u"grant-tokens"_s}, {}, {u"grant-tokens"_s});
    if (!a)
        return std::unexpected(a.error());
    auto keyId = a->args.required(u"key-id"_s);
    if (!keyId)
        return std::unexpected(keyId.error());
    auto e = engine(s);
    if (!e)
        return std::unexpected(e.error());
    e->caller.grantTokens = a->list(u"grant-tokens"_s);
    auto key = e->service->describeKey(e->caller, *keyId);
    if (!key)
        return std::unexpected(key.error());
    return QJsonObject{{QStringLiteral("KeyMetadata"), key->toKeyMetadata(e->service->accountId())}};
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
    QJsonArray keys;
    for (const auto &[id, arn] : page->keys)
        keys.append(QJsonObject{{QStringLiteral("KeyId"), id}, {QStringLiteral("KeyArn"), arn}});
    QJsonObject o{{QStringLiteral("Keys"), keys}, {QStringLiteral("Truncated"), page->nextMarker.has_value()}};
    if (page->nextMarker)
        o.insert(u"NextMarker", *page->nextMarker);
    return o;
}

Result<QJsonObject> updateKeyDescription(Session &s, const QStringList &words)
{
    auto a = parseCommand(words, {u"key-id"_s, u"description"_s});
    if (!a)
        return std::unexpected(a.error());
    auto keyId = a->args.required(u"key-id"_s);
    if (!keyId)
        return std::unexpected(keyId.error());
    auto description = a->args.required(u"description"_s);
    if (!description)
        return std::unexpected(description.error());
    auto e = engine(s);
    if (!e)
        return std::unexpected(e.error());
    return nothing(e->service->updateKeyDescription(e->caller, *keyId, *description));
}

// enable-key and disable-key: --key-id only, no output.
template <Status (kms::KmsService::*Op)(const kms::Caller &, const QString &)>
Result<QJsonObject> keyIdOnly(Session &s, const QStringList &words)
{
    auto a = parseCommand(words, {u"key-id"_s});
    if (!a)
        return std::unexpected(a.error());
    auto keyId = a->args.required(u"key-id"_s);
    if (!keyId)
        return std::unexpected(keyId.error());
    auto e = engine(s);
    if (!e)
        return std::unexpected(e.error());
    return nothing((e->service->*Op)(e->caller, *keyId));
}

Result<QJsonObject> scheduleKeyDeletion(Session &s, const QStringList &words)
{
    auto a = parseCommand(words, {u"key-id"_s, u"pending-window-in-days"_s});
    if (!a)
        return std::unexpected(a.error());
    auto keyId = a->args.required(u"key-id"_s);
    if (!keyId)
        return std::unexpected(keyId.error());
    auto days = intOption(a->args, u"pending-window-in-days"_s);
    if (!days)
        return std::unexpected(days.error());
    auto e = engine(s);
    if (!e)
        return std::unexpected(e.error());
    auto key = e->service->scheduleKeyDeletion(e->caller, *keyId, days->value_or(30));
    if (!key)
        return std::unexpected(key.error());
    QJsonObject o{{QStringLiteral("KeyId"), key->arn}, {QStringLiteral("KeyState"), kms::toString(key->keyState)}};
    if (key->deletionDate)
        o.insert(u"DeletionDate", kms::awsTimestamp(*key->deletionDate));
    if (key->pendingDeletionWindowInDays)
        o.insert(u"PendingWindowInDays", *key->pendingDeletionWindowInDays);
    return o;
}

Result<QJsonObject> cancelKeyDeletion(Session &s, const QStringList &words)
{
    auto a = parseCommand(words, {u"key-id"_s});
    if (!a)
        return std::unexpected(a.error());
    auto keyId = a->args.required(u"key-id"_s);
    if (!keyId)
        return std::unexpected(keyId.error());
    auto e = engine(s);
    if (!e)
        return std::unexpected(e.error());
    auto key = e->service->cancelKeyDeletion(e->caller, *keyId);
    if (!key)
        return std::unexpected(key.error());
    return QJsonObject{{QStringLiteral("KeyId"), key->arn}};
}

Result<QJsonObject> getKeyPolicy(Session &s, const QStringList &words)
{
    auto a = parseCommand(words, {u"key-id"_s, u"policy-name"_s});
    if (!a)
        return std::unexpected(a.error());
    auto keyId = a->args.required(u"key-id"_s);
    if (!keyId)
        return std::unexpected(keyId.error());
    const QString name = a->args.value(u"policy-name"_s).value_or(QStringLiteral("default"));
    // AWS: "The only valid name is default."
    if (name != QStringLiteral("default"))
        return fail(errors::NotFound, QStringLiteral("No such policy exists: %1 (the only key policy name is default)").arg(name));
    auto e = engine(s);
    if (!e)
        return std::unexpected(e.error());
    auto policy = e->service->getKeyPolicy(e->caller, *keyId);
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
