// Key management, aliases, tags, key policies, grants and rotation over JSON 1.1. Response
// shapes match the AWS API reference (and the aws kms CLI, which prints them unchanged).

#include "OperationSupport.h"
#include "kms/KmsService.h"
#include "kms/ResponseJson.h"

using namespace Qt::StringLiterals;

namespace qkms::server {

namespace {

using Need = JsonArgs::Need;

QJsonObject grantList(const kms::ListGrantsResponse &r)
{
    QJsonArray grants;
    for (const kms::GrantEntry &g : r.grants)
        grants.append(g.toJson());
    QJsonObject o{{u"Grants"_s, grants}};
    addPaging(o, r.nextMarker);
    return o;
}

Result<kms::GrantConstraints> constraintsOf(const QJsonObject &o)
{
    kms::GrantConstraints c;
    if (o.isEmpty())
        return c;
    if (o.size() != 1)
        return fail(qkms::errors::Validation,
                    u"Constraints take one of EncryptionContextSubset and EncryptionContextEquals."_s);
    const QString type = o.begin().key();
    if (type == u"EncryptionContextSubset")
        c.type = kms::GrantConstraints::Type::EncryptionContextSubset;
    else if (type == u"EncryptionContextEquals")
        c.type = kms::GrantConstraints::Type::EncryptionContextEquals;
    else
        return fail(errors::Serialization, u"Unknown member '%1' in Constraints."_s.arg(type));
    JsonArgs pairs(o);
    c.context = pairs.stringMap(type.toLatin1().constData());
    if (auto e = pairs.error())
        return std::unexpected(*e);
    return c;
}

void addKeys(OperationTable &t)
{
    t.insert(u"CreateKey"_s, [](kms::KmsService &s, const kms::Caller &c, JsonArgs &a) -> Result<OperationResult> {
        kms::CreateKeyRequest r;
        r.description = a.string("Description");
        r.keySpec = a.optionalString("KeySpec");
        if (!r.keySpec)
            r.keySpec = a.optionalString("CustomerMasterKeySpec"); // the deprecated name AWS still takes
        r.keyUsage = a.optionalString("KeyUsage");
        r.origin = a.string("Origin", Need::Optional, u"AWS_KMS"_s);
        r.policy = a.optionalString("Policy");
        r.bypassPolicyLockoutSafetyCheck = a.boolean("BypassPolicyLockoutSafetyCheck");
        r.tags = a.tags("Tags");
        if (auto e = a.error())
            return std::unexpected(*e);
        auto key = s.createKey(c, r);
        if (!key)
            return std::unexpected(key.error());
        return reply({{u"KeyMetadata"_s, key->toKeyMetadata(s.accountId())}});
    });
    t.insert(u"DescribeKey"_s, [](kms::KmsService &s, const kms::Caller &c, JsonArgs &a) -> Result<OperationResult> {
        const QString keyId = a.string("KeyId", Need::Required);
        if (auto e = a.error())
            return std::unexpected(*e);
        auto key = s.describeKey(c, keyId);
        if (!key)
            return std::unexpected(key.error());
        return reply({{u"KeyMetadata"_s, key->toKeyMetadata(s.accountId())}});
    });
    t.insert(u"ListKeys"_s, [](kms::KmsService &s, const kms::Caller &c, JsonArgs &a) -> Result<OperationResult> {
        const auto limit = a.integer("Limit");
        const QString marker = a.string("Marker");
        if (auto e = a.error())
            return std::unexpected(*e);
        auto page = s.listKeys(c, limit.value_or(1000), marker);
        if (!page)
            return std::unexpected(page.error());
        return reply(kms::json::keyList(*page));
    });
    t.insert(u"UpdateKeyDescription"_s, [](kms::KmsService &s, const kms::Caller &c, JsonArgs &a) -> Result<OperationResult> {
        const QString keyId = a.string("KeyId", Need::Required);
        const QString description = a.string("Description", Need::Required);
        if (auto e = a.error())
            return std::unexpected(*e);
        return empty(s.updateKeyDescription(c, keyId, description));
    });
    for (const auto &[name, op] : {std::pair{u"EnableKey"_s, &kms::KmsService::enableKey},
                                   std::pair{u"DisableKey"_s, &kms::KmsService::disableKey},
                                   std::pair{u"DisableKeyRotation"_s, &kms::KmsService::disableKeyRotation}}) {
        t.insert(name, [op](kms::KmsService &s, const kms::Caller &c, JsonArgs &a) -> Result<OperationResult> {
            const QString keyId = a.string("KeyId", Need::Required);
            if (auto e = a.error())
                return std::unexpected(*e);
            return empty((s.*op)(c, keyId));
        });
    }
    t.insert(u"ScheduleKeyDeletion"_s, [](kms::KmsService &s, const kms::Caller &c, JsonArgs &a) -> Result<OperationResult> {
        const QString keyId = a.string("KeyId", Need::Required);
        const auto days = a.integer("PendingWindowInDays");
        if (auto e = a.error())
            return std::unexpected(*e);
        auto key = s.scheduleKeyDeletion(c, keyId, days.value_or(30));
        if (!key)
            return std::unexpected(key.error());
        return reply(kms::json::keyDeletion(*key));
    });
    t.insert(u"CancelKeyDeletion"_s, [](kms::KmsService &s, const kms::Caller &c, JsonArgs &a) -> Result<OperationResult> {
        const QString keyId = a.string("KeyId", Need::Required);
        if (auto e = a.error())
            return std::unexpected(*e);
        auto key = s.cancelKeyDeletion(c, keyId);
        if (!key)
            return std::unexpected(key.error());
        return reply({{u"KeyId"_s, key->arn}});
    });
}

void addAliasesAndTags(OperationTable &t)
{
    for (const auto &[name, op] : {std::pair{u"CreateAlias"_s, &kms::KmsService::createAlias},
                                   std::pair{u"UpdateAlias"_s, &kms::KmsService::updateAlias}}) {
        t.insert(name, [op](kms::KmsService &s, const kms::Caller &c, JsonArgs &a) -> Result<OperationResult> {
            const QString alias = a.string("AliasName", Need::Required);
            const QString target = a.string("TargetKeyId", Need::Required);
            if (auto e = a.error())
                return std::unexpected(*e);
            return empty((s.*op)(c, alias, target));
        });
    }
    t.insert(u"DeleteAlias"_s, [](kms::KmsService &s, const kms::Caller &c, JsonArgs &a) -> Result<OperationResult> {
        const QString alias = a.string("AliasName", Need::Required);
        if (auto e = a.error())
            return std::unexpected(*e);
        return empty(s.deleteAlias(c, alias));
    });
    t.insert(u"ListAliases"_s, [](kms::KmsService &s, const kms::Caller &c, JsonArgs &a) -> Result<OperationResult> {
        const QString keyId = a.string("KeyId");
        const auto limit = a.integer("Limit");
        const QString marker = a.string("Marker");
        if (auto e = a.error())
            return std::unexpected(*e);
        auto page = s.listAliases(c, keyId, limit.value_or(100), marker);
        if (!page)
            return std::unexpected(page.error());
        return reply(kms::json::aliasList(*page));
    });
    t.insert(u"TagResource"_s, [](kms::KmsService &s, const kms::Caller &c, JsonArgs &a) -> Result<OperationResult> {
        const QString keyId = a.string("KeyId", Need::Required);
        const kms::Tags tags = a.tags("Tags");
        if (auto e = a.error())
            return std::unexpected(*e);
        return empty(s.tagResource(c, keyId, tags));
    });
    t.insert(u"UntagResource"_s, [](kms::KmsService &s, const kms::Caller &c, JsonArgs &a) -> Result<OperationResult> {
        const QString keyId = a.string("KeyId", Need::Required);
        const QStringList keys = a.stringList("TagKeys", Need::Required);
        if (auto e = a.error())
            return std::unexpected(*e);
        return empty(s.untagResource(c, keyId, keys));
    });
    t.insert(u"ListResourceTags"_s, [](kms::KmsService &s, const kms::Caller &c, JsonArgs &a) -> Result<OperationResult> {
        const QString keyId = a.string("KeyId", Need::Required);
        const auto limit = a.integer("Limit");
        const QString marker = a.string("Marker");
        if (auto e = a.error())
            return std::unexpected(*e);
        auto page = s.listResourceTags(c, keyId, limit.value_or(50), marker);
        if (!page)
            return std::unexpected(page.error());
        return reply(kms::json::tagList(*page));
    });
}

void addPoliciesAndGrants(OperationTable &t)
{
    t.insert(u"GetKeyPolicy"_s, [](kms::KmsService &s, const kms::Caller &c, JsonArgs &a) -> Result<OperationResult> {
        const QString keyId = a.string("KeyId", Need::Required);
        const QString name = a.string("PolicyName", Need::Optional, u"default"_s);
        if (auto e = a.error())
            return std::unexpected(*e);
        if (name != u"default"_s)
            return fail(qkms::errors::NotFound, u"No such policy exists: %1 (the only key policy name is default)"_s.arg(name));
        auto policy = s.getKeyPolicy(c, keyId);
        if (!policy)
            return std::unexpected(policy.error());
        return reply({{u"Policy"_s, *policy}, {u"PolicyName"_s, name}});
    });
    t.insert(u"PutKeyPolicy"_s, [](kms::KmsService &s, const kms::Caller &c, JsonArgs &a) -> Result<OperationResult> {
        const QString keyId = a.string("KeyId", Need::Required);
        const QString name = a.string("PolicyName", Need::Optional, u"default"_s);
        const QString policy = a.string("Policy", Need::Required);
        const bool bypass = a.boolean("BypassPolicyLockoutSafetyCheck");
        if (auto e = a.error())
            return std::unexpected(*e);
        return empty(s.putKeyPolicy(c, keyId, name, policy, bypass));
    });
    t.insert(u"ListKeyPolicies"_s, [](kms::KmsService &s, const kms::Caller &c, JsonArgs &a) -> Result<OperationResult> {
        const QString keyId = a.string("KeyId", Need::Required);
        if (auto e = a.error())
            return std::unexpected(*e);
        auto names = s.listKeyPolicies(c, keyId);
        if (!names)
            return std::unexpected(names.error());
        return reply({{u"PolicyNames"_s, QJsonArray::fromStringList(*names)}, {u"Truncated"_s, false}});
    });
    t.insert(u"CreateGrant"_s, [](kms::KmsService &s, const kms::Caller &c, JsonArgs &a) -> Result<OperationResult> {
        kms::CreateGrantRequest r;
        r.keyId = a.string("KeyId", Need::Required);
        r.granteePrincipal = a.string("GranteePrincipal", Need::Required);
        r.retiringPrincipal = a.string("RetiringPrincipal");
        r.operations = a.stringList("Operations", Need::Required);
        r.name = a.string("Name");
        r.grantTokens = a.stringList("GrantTokens");
        const QJsonObject constraints = a.object("Constraints");
        if (auto e = a.error())
            return std::unexpected(*e);
        auto parsed = constraintsOf(constraints);
        if (!parsed)
            return std::unexpected(parsed.error());
        r.constraints = *parsed;
        auto g = s.createGrant(c, r);
        if (!g)
            return std::unexpected(g.error());
        return reply({{u"GrantToken"_s, g->grantToken}, {u"GrantId"_s, g->grantId}});
    });
    t.insert(u"ListGrants"_s, [](kms::KmsService &s, const kms::Caller &c, JsonArgs &a) -> Result<OperationResult> {
        const QString keyId = a.string("KeyId", Need::Required);
        const auto limit = a.integer("Limit");
        const QString marker = a.string("Marker");
        const QString grantId = a.string("GrantId");
        const QString grantee = a.string("GranteePrincipal");
        if (auto e = a.error())
            return std::unexpected(*e);
        auto r = s.listGrants(c, keyId, limit.value_or(50), marker, grantId, grantee);
        if (!r)
            return std::unexpected(r.error());
        return reply(grantList(*r));
    });
    t.insert(u"ListRetirableGrants"_s, [](kms::KmsService &s, const kms::Caller &c, JsonArgs &a) -> Result<OperationResult> {
        const QString retiring = a.string("RetiringPrincipal", Need::Required);
        const auto limit = a.integer("Limit");
        const QString marker = a.string("Marker");
        if (auto e = a.error())
            return std::unexpected(*e);
        auto r = s.listRetirableGrants(c, retiring, limit.value_or(50), marker);
        if (!r)
            return std::unexpected(r.error());
        return reply(grantList(*r));
    });
    t.insert(u"RetireGrant"_s, [](kms::KmsService &s, const kms::Caller &c, JsonArgs &a) -> Result<OperationResult> {
        const QString token = a.string("GrantToken");
        const QString keyId = a.string("KeyId");
        const QString grantId = a.string("GrantId");
        if (auto e = a.error())
            return std::unexpected(*e);
        return empty(s.retireGrant(c, token, keyId, grantId));
    });
    t.insert(u"RevokeGrant"_s, [](kms::KmsService &s, const kms::Caller &c, JsonArgs &a) -> Result<OperationResult> {
        const QString keyId = a.string("KeyId", Need::Required);
        const QString grantId = a.string("GrantId", Need::Required);
        if (auto e = a.error())
            return std::unexpected(*e);
        return empty(s.revokeGrant(c, keyId, grantId));
    });
}

void addRotation(OperationTable &t)
{
    t.insert(u"EnableKeyRotation"_s, [](kms::KmsService &s, const kms::Caller &c, JsonArgs &a) -> Result<OperationResult> {
        const QString keyId = a.string("KeyId", Need::Required);
        const auto days = a.integer("RotationPeriodInDays");
        if (auto e = a.error())
            return std::unexpected(*e);
        return empty(s.enableKeyRotation(c, keyId, days.value_or(365)));
    });
    t.insert(u"GetKeyRotationStatus"_s, [](kms::KmsService &s, const kms::Caller &c, JsonArgs &a) -> Result<OperationResult> {
        const QString keyId = a.string("KeyId", Need::Required);
        if (auto e = a.error())
            return std::unexpected(*e);
        auto status = s.getKeyRotationStatus(c, keyId);
        if (!status)
            return std::unexpected(status.error());
        return reply(kms::json::rotationStatus(*status));
    });
    t.insert(u"RotateKeyOnDemand"_s, [](kms::KmsService &s, const kms::Caller &c, JsonArgs &a) -> Result<OperationResult> {
        const QString keyId = a.string("KeyId", Need::Required);
        if (auto e = a.error())
            return std::unexpected(*e);
        auto rotated = s.rotateKeyOnDemand(c, keyId);
        if (!rotated)
            return std::unexpected(rotated.error());
        return reply({{u"KeyId"_s, *rotated}});
    });
    t.insert(u"ListKeyRotations"_s, [](kms::KmsService &s, const kms::Caller &c, JsonArgs &a) -> Result<OperationResult> {
        const QString keyId = a.string("KeyId", Need::Required);
        const auto limit = a.integer("Limit");
        const QString marker = a.string("Marker");
        if (auto e = a.error())
            return std::unexpected(*e);
        auto page = s.listKeyRotations(c, keyId, limit.value_or(100), marker);
        if (!page)
            return std::unexpected(page.error());
        return reply(kms::json::rotationList(*page));
    });
}

} // namespace

void addKeyOperations(OperationTable &table)
{
    addKeys(table);
    addAliasesAndTags(table);
    addPoliciesAndGrants(table);
    addRotation(table);
}

} // namespace qkms::server
