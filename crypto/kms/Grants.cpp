// CreateGrant, ListGrants, ListRetirableGrants, RetireGrant, RevokeGrant and grant tokens.
// Whether a grant allows a call is decided with the policies, in PolicyAuthorizer.

#include "iam/PrincipalStore.h"
#include "kms/GrantRows.h"
#include "kms/KeyStateRules.h"
#include "kms/KmsService.h"
#include "kms/PolicyAuthorizer.h"
#include "primitives/Primitives.h"
#include "store/Database.h"
#include "vault/Vault.h"

#include <QJsonArray>
#include <QRegularExpression>

using namespace Qt::StringLiterals;

namespace qkms::kms {

namespace {

constexpr int MaxGrantsPerKey = 50000;
constexpr int MaxConstraintPairs = 8;
constexpr int MaxConstraintValue = 384;
constexpr int MaxGrantTokens = 10;
constexpr int MaxGrantTokenLength = 8192;
constexpr char TokenVersion = 1;
// Grant tokens are the grant id sealed under the domain key: unforgeable, unique per call (the
// nonce), and they need no table of their own.
const QByteArray kTokenBinding = QByteArrayLiteral("qkms grant token v1");

std::unexpected<KmsError> validation(const QString &value, const QString &member, const QString &constraint)
{
    return fail(errors::Validation, u"1 validation error detected: Value '%1' at '%2' failed to satisfy constraint: "
                                    "Member must %3"_s.arg(value, member, constraint));
}

bool isGrantId(const QString &id)
{
    static const QRegularExpression hex64(u"^[0-9a-f]{64}$"_s);
    return hex64.match(id).hasMatch();
}

// Operations a grant may give on a key of this kind (AWS refuses the others in CreateGrant).
QStringList operationsFor(const KeyRecord &k)
{
    QStringList ops{u"DescribeKey"_s, u"CreateGrant"_s, u"RetireGrant"_s};
    switch (k.keyUsage) {
    case KeyUsage::EncryptDecrypt:
        ops += {u"Encrypt"_s, u"Decrypt"_s, u"ReEncryptFrom"_s, u"ReEncryptTo"_s};
        if (keyClass(k.keySpec) == KeyClass::Symmetric)
            ops += {u"GenerateDataKey"_s, u"GenerateDataKeyWithoutPlaintext"_s, u"GenerateDataKeyPair"_s,
                    u"GenerateDataKeyPairWithoutPlaintext"_s};
        else
            ops += u"GetPublicKey"_s;
        break;
    case KeyUsage::SignVerify:
        ops += {u"Sign"_s, u"Verify"_s, u"GetPublicKey"_s};
        break;
    case KeyUsage::GenerateVerifyMac:
        ops += {u"GenerateMac"_s, u"VerifyMac"_s};
        break;
    }
    return ops;
}

bool sameParameters(const GrantEntry &g, const CreateGrantRequest &r)
{
    QStringList a = g.operations, b = r.operations;
    a.sort();
    b.sort();
    return g.granteePrincipal == r.granteePrincipal && g.retiringPrincipal == r.retiringPrincipal && a == b
        && g.constraints.type == r.constraints.type && g.constraints.context == r.constraints.context;
}

QJsonObject grantParams(const CreateGrantRequest &r)
{
    QJsonObject p{{u"keyId"_s, r.keyId},
                  {u"granteePrincipal"_s, r.granteePrincipal},
                  {u"operations"_s, QJsonArray::fromStringList(r.operations)}};
    if (!r.retiringPrincipal.isEmpty())
        p.insert(u"retiringPrincipal", r.retiringPrincipal);
    if (!r.name.isEmpty())
        p.insert(u"name", r.name);
    if (!r.constraints.isEmpty())
        p.insert(u"constraints", r.constraints.toJson());
    return p;
}

std::optional<KmsError> errorOf(const Status &st)
{
    return st ? std::nullopt : std::optional<KmsError>(st.error());
}

} // namespace

Status KmsService::checkGrantTokens(const QStringList &grantTokens) const
{
    if (grantTokens.size() > MaxGrantTokens)
        return validation(u"[…]"_s, u"grantTokens"_s, u"have length less than or equal to %1"_s.arg(MaxGrantTokens));
    for (const QString &token : grantTokens) {
        if (token.isEmpty() || token.size() > MaxGrantTokenLength)
            return validation(u"…"_s, u"grantTokens"_s, u"have length between 1 and %1"_s.arg(MaxGrantTokenLength));
        const QByteArray raw = QByteArray::fromBase64(token.toLatin1(), QByteArray::Base64UrlEncoding);
        if (raw.size() < 2 || raw.at(0) != TokenVersion || !m_vault.unwrapMaterial(raw.mid(1), kTokenBinding))
            return fail(errors::InvalidGrantToken, u"The grant token is not valid."_s);
    }
    return {};
}

Result<CreateGrantResponse> KmsService::createGrant(const Caller &c, const CreateGrantRequest &r)
{
    auto key = resolveKey(r.keyId, false);
    auto run = [&]() -> Result<CreateGrantResponse> {
        static const QRegularExpression namePattern(u"^[a-zA-Z0-9:/_-]+$"_s);
        if (r.operations.isEmpty())
            return validation(u"[]"_s, u"operations"_s, u"have length greater than or equal to 1"_s);
        for (const QString &op : r.operations) {
            if (!grantOperationNames().contains(op))
                return validation(op, u"operations"_s, u"satisfy enum value set: [%1]"_s.arg(grantOperationNames().join(u", "_s)));
        }
        if (!r.name.isEmpty() && (r.name.size() > 256 || !namePattern.match(r.name).hasMatch()))
            return validation(r.name, u"name"_s, u"satisfy regular expression pattern: ^[a-zA-Z0-9:/_-]+$"_s);
        for (const auto &[member, principal] : {std::pair{u"granteePrincipal"_s, r.granteePrincipal},
                                                std::pair{u"retiringPrincipal"_s, r.retiringPrincipal}}) {
            if (member == u"retiringPrincipal" && principal.isEmpty())
                continue;
            if (principal.isEmpty() || principal.size() > 256)
                return validation(principal, member, u"have length between 1 and 256"_s);
            if (!m_principals->exists(principal))
                return fail(errors::Validation, u"%1 is not a valid principal: %2"_s.arg(member, principal));
        }
        if (r.constraints.context.size() > MaxConstraintPairs)
            return validation(u"…"_s, u"constraints"_s, u"have at most %1 encryption context pairs"_s.arg(MaxConstraintPairs));
        for (const QString &v : r.constraints.context) {
            if (v.size() > MaxConstraintValue)
                return validation(u"…"_s, u"constraints"_s,
                                  u"have encryption context values of at most %1 characters"_s.arg(MaxConstraintValue));
        }
        if (auto st = checkGrantTokens(r.grantTokens); !st)
            return std::unexpected(st.error());
        if (!key)
            return std::unexpected(key.error());
        QMap<QString, QStringList> conditions{
            {u"kms:GrantOperations"_s, r.operations},
            {u"kms:GranteePrincipal"_s, {r.granteePrincipal}},
            {u"kms:GrantIsForAWSResource"_s, {PolicyAuthorizer::viaService(c).isEmpty() ? u"false"_s : u"true"_s}}};
        if (!r.retiringPrincipal.isEmpty())
            conditions.insert(u"kms:RetiringPrincipal"_s, {r.retiringPrincipal});
        if (!r.constraints.isEmpty())
            conditions.insert(u"kms:GrantConstraintType"_s, {r.constraints.typeName()});
        // For CreateGrant, kms:EncryptionContext:* describe the constraint of the new grant.
        if (auto st = authorize(c, u"kms:CreateGrant"_s, &*key, r.constraints.context, conditions); !st)
            return std::unexpected(st.error());
        if (auto st = checkKeyState(*key, OperationGroup::CreateGrant); !st)
            return std::unexpected(st.error());
        const QStringList allowed = operationsFor(*key);
        for (const QString &op : r.operations) {
            if (!allowed.contains(op))
                return fail(errors::Validation,
                            u"Grant operation %1 is not supported for %2 key %3"_s.arg(op, toString(key->keySpec), key->arn));
        }
        if (!r.constraints.isEmpty() && keyClass(key->keySpec) != KeyClass::Symmetric)
            return fail(errors::Validation,
                        u"Encryption context grant constraints are supported only for symmetric encryption keys"_s);
        auto tx = store::Transaction::begin(*m_db);
        if (!tx)
            return std::unexpected(tx.error());
        CreateGrantResponse out;
        if (!r.name.isEmpty()) {
            auto named = rows::grantsNamed(*m_db, key->keyId, r.name);
            if (!named)
                return std::unexpected(named.error());
            for (const GrantEntry &g : *named) {
                if (sameParameters(g, r))
                    out.grantId = g.grantId;
            }
        }
        if (out.grantId.isEmpty()) {
            auto count = rows::grantCount(*m_db, key->keyId);
            if (!count)
                return std::unexpected(count.error());
            if (*count >= MaxGrantsPerKey)
                return fail(errors::LimitExceeded, u"The key %1 already has %2 grants"_s.arg(key->arn).arg(MaxGrantsPerKey));
            GrantEntry g;
            g.grantId = QString::fromLatin1(crypto::randomBytes(32).toHex());
            g.keyArn = key->arn;
            g.name = r.name;
            g.creationDate = m_vault.clock().now();
            g.granteePrincipal = r.granteePrincipal;
            g.retiringPrincipal = r.retiringPrincipal;
            g.issuingAccount = rootArn();
            g.operations = r.operations;
            g.constraints = r.constraints;
            if (auto st = rows::insertGrant(*m_db, key->keyId, g); !st)
                return std::unexpected(st.error());
            out.grantId = g.grantId;
        }
        if (auto st = tx->commit(); !st)
            return std::unexpected(st.error());
        auto sealed = m_vault.wrapMaterial(QCA::SecureArray(out.grantId.toLatin1()), kTokenBinding);
        if (!sealed)
            return std::unexpected(sealed.error());
        out.grantToken = QString::fromLatin1(
            (QByteArray(1, TokenVersion) + *sealed).toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
        return out;
    };
    auto result = run();
    record(c, u"CreateGrant"_s, key ? key->arn : QString(), grantParams(r),
           result ? std::nullopt : std::optional<KmsError>(result.error()));
    return result;
}

Result<ListGrantsResponse> KmsService::listGrants(const Caller &c, const QString &keyId, int limit,
                                                  const QString &marker, const QString &grantId,
                                                  const QString &granteePrincipal)
{
    auto key = resolveKey(keyId, false);
    auto run = [&]() -> Result<ListGrantsResponse> {
        if (limit < 1 || limit > 100)
            return validation(QString::number(limit), u"limit"_s, u"have value between 1 and 100"_s);
        if (!key)
            return std::unexpected(key.error());
        if (auto st = authorize(c, u"kms:ListGrants"_s, &*key, {},
                                {{u"kms:GrantIsForAWSResource"_s,
                                  {PolicyAuthorizer::viaService(c).isEmpty() ? u"false"_s : u"true"_s}}});
            !st)
            return std::unexpected(st.error());
        if (!grantId.isEmpty() && !isGrantId(grantId))
            return fail(errors::InvalidGrantId, u"Invalid grant ID %1"_s.arg(grantId));
        if (!marker.isEmpty()) {
            auto at = rows::loadGrant(*m_db, key->keyId, marker);
            if (!at)
                return std::unexpected(at.error());
            if (!*at)
                return fail(errors::InvalidMarker, u"Invalid marker: %1"_s.arg(marker));
        }
        auto grants = rows::listGrants(*m_db, key->keyId, grantId, granteePrincipal, marker, limit + 1);
        if (!grants)
            return std::unexpected(grants.error());
        ListGrantsResponse out;
        out.grants = grants->mid(0, limit);
        if (grants->size() > limit)
            out.nextMarker = out.grants.last().grantId;
        return out;
    };
    auto result = run();
    record(c, u"ListGrants"_s, key ? key->arn : QString(), {{u"keyId"_s, keyId}, {u"limit"_s, limit}},
           result ? std::nullopt : std::optional<KmsError>(result.error()));
    return result;
}

Result<ListGrantsResponse> KmsService::listRetirableGrants(const Caller &c, const QString &retiringPrincipal, int limit,
                                                           const QString &marker)
{
    auto run = [&]() -> Result<ListGrantsResponse> {
        if (retiringPrincipal.isEmpty() || retiringPrincipal.size() > 256)
            return validation(retiringPrincipal, u"retiringPrincipal"_s, u"have length between 1 and 256"_s);
        if (limit < 1 || limit > 100)
            return validation(QString::number(limit), u"limit"_s, u"have value between 1 and 100"_s);
        if (auto st = authorize(c, u"kms:ListRetirableGrants"_s, nullptr); !st)
            return std::unexpected(st.error());
        if (!marker.isEmpty()) {
            auto at = rows::loadGrant(*m_db, {}, marker);
            if (!at)
                return std::unexpected(at.error());
            if (!*at || (*at)->retiringPrincipal != retiringPrincipal)
                return fail(errors::InvalidMarker, u"Invalid marker: %1"_s.arg(marker));
        }
        auto grants = rows::retirableGrants(*m_db, retiringPrincipal, marker, limit + 1);
        if (!grants)
            return std::unexpected(grants.error());
        ListGrantsResponse out;
        out.grants = grants->mid(0, limit);
        if (grants->size() > limit)
            out.nextMarker = out.grants.last().grantId;
        return out;
    };
    auto result = run();
    record(c, u"ListRetirableGrants"_s, {}, {{u"retiringPrincipal"_s, retiringPrincipal}, {u"limit"_s, limit}},
           result ? std::nullopt : std::optional<KmsError>(result.error()));
    return result;
}

Status KmsService::retireGrant(const Caller &c, const QString &grantToken, const QString &keyId, const QString &grantId)
{
    QString keyArn;
    QString retiredId = grantId;
    auto run = [&]() -> Status {
        QString keyFilter;
        if (!grantToken.isEmpty()) {
            if (auto st = checkGrantTokens({grantToken}); !st)
                return st;
            const QByteArray raw = QByteArray::fromBase64(grantToken.toLatin1(), QByteArray::Base64UrlEncoding);
            auto id = m_vault.unwrapMaterial(raw.mid(1), kTokenBinding);
            if (!id)
                return fail(errors::InvalidGrantToken, u"The grant token is not valid."_s);
            retiredId = QString::fromLatin1(id->toByteArray());
        } else {
            if (keyId.isEmpty() || grantId.isEmpty())
                return fail(errors::Validation, u"RetireGrant needs a GrantToken, or a KeyId and a GrantId"_s);
            auto key = resolveKey(keyId, false);
            if (!key)
                return std::unexpected(key.error());
            keyArn = key->arn;
            keyFilter = key->keyId;
            if (!isGrantId(grantId))
                return fail(errors::InvalidGrantId, u"Invalid grant ID %1"_s.arg(grantId));
        }
        auto grant = rows::loadGrant(*m_db, keyFilter, retiredId);
        if (!grant)
            return std::unexpected(grant.error());
        if (!*grant)
            return fail(errors::NotFound, u"Grant %1 does not exist"_s.arg(retiredId));
        keyArn = (*grant)->keyArn;
        // Retiring is decided by the grant itself, not by policies (AWS): its retiring principal,
        // its grantee when it includes RetireGrant, or the account that issued it.
        const bool allowed = c.principalArn == (*grant)->retiringPrincipal || c.principalArn == (*grant)->issuingAccount
            || (c.principalArn == (*grant)->granteePrincipal && (*grant)->operations.contains(u"RetireGrant"_s));
        if (!allowed)
            return fail(errors::AccessDenied,
                        u"User: %1 is not authorized to perform: kms:RetireGrant on resource: %2 because the grant "
                        "names it neither as retiring principal nor as a grantee allowed to retire it"_s.arg(c.principalArn,
                                                                                                           keyArn));
        return rows::deleteGrant(*m_db, retiredId);
    };
    const Status result = run();
    QJsonObject params{{u"grantId"_s, retiredId}};
    if (!keyId.isEmpty())
        params.insert(u"keyId", keyId);
    record(c, u"RetireGrant"_s, keyArn, params, errorOf(result));
    return result;
}

Status KmsService::revokeGrant(const Caller &c, const QString &keyId, const QString &grantId)
{
    auto key = resolveKey(keyId, false);
    auto run = [&]() -> Status {
        if (!key)
            return std::unexpected(key.error());
        if (auto st = authorize(c, u"kms:RevokeGrant"_s, &*key, {},
                                {{u"kms:GrantIsForAWSResource"_s,
                                  {PolicyAuthorizer::viaService(c).isEmpty() ? u"false"_s : u"true"_s}}});
            !st)
            return st;
        if (!isGrantId(grantId))
            return fail(errors::InvalidGrantId, u"Invalid grant ID %1"_s.arg(grantId));
        auto grant = rows::loadGrant(*m_db, key->keyId, grantId);
        if (!grant)
            return std::unexpected(grant.error());
        if (!*grant)
            return fail(errors::NotFound, u"Grant %1 does not exist on %2"_s.arg(grantId, key->arn));
        return rows::deleteGrant(*m_db, grantId);
    };
    const Status result = run();
    record(c, u"RevokeGrant"_s, key ? key->arn : QString(), {{u"keyId"_s, keyId}, {u"grantId"_s, grantId}},
           errorOf(result));
    return result;
}

} // namespace qkms::kms
