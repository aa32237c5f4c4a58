// CreateAlias, UpdateAlias, DeleteAlias, ListAliases (reference/kms-semantics.md §1, alias rules).
// Resolution of alias names and alias ARNs lives in KmsService::resolveKey.

#include "kms/AliasNames.h"
#include "kms/KeyStateRules.h"
#include "kms/KmsService.h"
#include "store/Database.h"
#include "store/StoredDate.h"
#include "vault/Vault.h"

namespace qkms::kms {

namespace {

constexpr int kMaxAliasesPerKey = 50;
const QByteArray kMarkerTag = QByteArrayLiteral("aliases:");

struct AliasRow {
    QString name;
    QString keyId;
    QDateTime created;
    QDateTime updated;
};

std::optional<KmsError> errorOf(const Status &s)
{
    return s ? std::nullopt : std::optional<KmsError>(s.error());
}

Result<std::optional<AliasRow>> loadAlias(store::Database &db, const QString &name)
{
    auto q = db.prepare(QStringLiteral("SELECT alias_name, key_id, created_at, updated_at FROM aliases "
                                       "WHERE alias_name = :name"));
    if (!q)
        return std::unexpected(q.error());
    q->bind(":name", name);
    auto row = q->step();
    if (!row)
        return std::unexpected(row.error());
    if (!*row)
        return std::optional<AliasRow>{};
    return std::optional<AliasRow>{AliasRow{q->columnText(0), q->columnText(1),
                                            store::parseStoredDate(q->columnText(2)),
                                            store::parseStoredDate(q->columnText(3))}};
}

Result<int> aliasCount(store::Database &db, const QString &keyId)
{
    auto q = db.prepare(QStringLiteral("SELECT COUNT(*) FROM aliases WHERE key_id = :id"));
    if (!q)
        return std::unexpected(q.error());
    q->bind(":id", keyId);
    auto row = q->step();
    if (!row)
        return std::unexpected(row.error());
    return static_cast<int>(q->columnInt(0));
}

Status checkRoomFor(store::Database &db, const KeyRecord &key)
{
    auto count = aliasCount(db, key.keyId);
    if (!count)
        return std::unexpected(count.error());
    if (*count >= kMaxAliasesPerKey)
        return fail(errors::LimitExceeded, QStringLiteral("%1 already has %2 aliases, the most a key can have")
                                               .arg(key.arn)
                                               .arg(kMaxAliasesPerKey));
    return {};
}

/// The key an alias may point at: a customer-managed key named by key id or key ARN (never by
/// another alias), in a state that allows CreateAlias, that `c` may `action`.
Result<KeyRecord> aliasTarget(KmsService &s, const Caller &c, const QString &action, const QString &targetKeyId)
{
    if (targetKeyId.startsWith(kAliasNamePrefix)
        || (targetKeyId.startsWith(QStringLiteral("arn:aws:kms:")) && targetKeyId.contains(QStringLiteral(":alias/"))))
        return fail(errors::NotFound, QStringLiteral("Invalid keyId %1: the target of an alias must be a key ID or "
                                                     "key ARN, not an alias")
                                          .arg(targetKeyId));
    auto key = s.resolveKey(targetKeyId, false);
    if (!key)
        return key;
    if (auto st = s.authorize(c, action, &*key); !st)
        return std::unexpected(st.error());
    if (key->keyManager == KeyManager::Aws)
        return fail(errors::UnsupportedOperation,
                    QStringLiteral("%1 is an AWS managed key; aliases can only point to customer managed keys")
                        .arg(key->arn));
    if (auto st = checkKeyState(*key, OperationGroup::Metadata); !st)
        return std::unexpected(st.error());
    return key;
}

QString encodeMarker(const QString &lastName)
{
    return QString::fromLatin1((kMarkerTag + lastName.toUtf8())
                                   .toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

/// The last alias name of the previous page, or nothing when `marker` is not one of ours.
std::optional<QString> decodeMarker(const QString &marker)
{
    const auto decoded = QByteArray::fromBase64Encoding(marker.toLatin1(), QByteArray::Base64UrlEncoding
                                                                                | QByteArray::OmitTrailingEquals
                                                                                | QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded || !decoded.decoded.startsWith(kMarkerTag) || decoded.decoded.size() == kMarkerTag.size())
        return std::nullopt;
    return QString::fromUtf8(decoded.decoded.mid(kMarkerTag.size()));
}

} // namespace

Status KmsService::createAlias(const Caller &c, const QString &aliasName, const QString &targetKeyId)
{
    std::optional<KeyRecord> key;
    auto run = [&]() -> Status {
        if (auto st = validateAliasName(aliasName); !st)
            return st;
        auto target = aliasTarget(*this, c, QStringLiteral("kms:CreateAlias"), targetKeyId);
        if (!target)
            return std::unexpected(target.error());
        key = *target;
        auto tx = store::Transaction::begin(*m_db);
        if (!tx)
            return std::unexpected(tx.error());
        auto existing = loadAlias(*m_db, aliasName);
        if (!existing)
            return std::unexpected(existing.error());
        if (*existing)
            return fail(errors::AlreadyExists, QStringLiteral("An alias with the name arn:aws:kms:%1:%2:%3 already exists")
                                                   .arg(m_region, accountId(), aliasName));
        if (auto st = checkRoomFor(*m_db, *key); !st)
            return st;
        auto q = m_db->prepare(QStringLiteral("INSERT INTO aliases (alias_name, key_id, created_at, updated_at) "
                                              "VALUES (:name, :id, :now, :now)"));
        if (!q)
            return std::unexpected(q.error());
        q->bind(":name", aliasName).bind(":id", key->keyId).bind(":now", store::storedDate(m_vault.clock().now()));
        if (auto st = q->run(); !st)
            return st;
        return tx->commit();
    };
    const Status result = run();
    record(c, QStringLiteral("CreateAlias"), key ? key->arn : QString(),
           {{QStringLiteral("aliasName"), aliasName}, {QStringLiteral("targetKeyId"), targetKeyId}}, errorOf(result));
    return result;
}

Status KmsService::updateAlias(const Caller &c, const QString &aliasName, const QString &targetKeyId)
{
    std::optional<KeyRecord> key;
    auto run = [&]() -> Status {
        if (auto st = validateAliasName(aliasName); !st)
            return st;
        auto alias = loadAlias(*m_db, aliasName);
        if (!alias)
            return std::unexpected(alias.error());
        if (!*alias)
            return fail(errors::NotFound, QStringLiteral("Alias arn:aws:kms:%1:%2:%3 is not found.")
                                              .arg(m_region, accountId(), aliasName));
        // The current key may be in any state (footnote 10: a PendingDeletion source is fine), but
        // the caller must be allowed to take the alias away from it.
        auto source = resolveKey((*alias)->keyId, false);
        if (!source)
            return std::unexpected(source.error());
        if (auto st = authorize(c, QStringLiteral("kms:UpdateAlias"), &*source); !st)
            return st;
        auto target = aliasTarget(*this, c, QStringLiteral("kms:UpdateAlias"), targetKeyId);
        if (!target)
            return std::unexpected(target.error());
        key = *target;
        // Code that used the alias keeps working only with a key that does the same things.
        if (keyClass(source->keySpec) != keyClass(key->keySpec) || source->keyUsage != key->keyUsage)
            return fail(errors::Validation,
                        QStringLiteral("%1 cannot be moved from %2 (%3, %4) to %5 (%6, %7): the current and the new key "
                                       "must be the same type (both symmetric, both asymmetric or both HMAC) and "
                                       "have the same key usage")
                            .arg(aliasName, source->arn, toString(source->keySpec), toString(source->keyUsage),
                                 key->arn, toString(key->keySpec), toString(key->keyUsage)));
        auto tx = store::Transaction::begin(*m_db);
        if (!tx)
            return std::unexpected(tx.error());
        if (key->keyId != source->keyId) {
            if (auto st = checkRoomFor(*m_db, *key); !st)
                return st;
        }
        auto q = m_db->prepare(QStringLiteral("UPDATE aliases SET key_id = :id, updated_at = :now "
                                              "WHERE alias_name = :name"));
        if (!q)
            return std::unexpected(q.error());
        q->bind(":name", aliasName).bind(":id", key->keyId).bind(":now", store::storedDate(m_vault.clock().now()));
        if (auto st = q->run(); !st)
            return st;
        if (m_db->changes() != 1) // deleted by another process since we looked
            return fail(errors::NotFound, QStringLiteral("Alias arn:aws:kms:%1:%2:%3 is not found.")
                                              .arg(m_region, accountId(), aliasName));
        return tx->commit();
    };
    const Status result = run();
    record(c, QStringLiteral("UpdateAlias"), key ? key->arn : QString(),
           {{QStringLiteral("aliasName"), aliasName}, {QStringLiteral("targetKeyId"), targetKeyId}}, errorOf(result));
    return result;
}

Status KmsService::deleteAlias(const Caller &c, const QString &aliasName)
{
    std::optional<KeyRecord> key;
    auto run = [&]() -> Status {
        if (auto st = validateAliasName(aliasName); !st)
            return st;
        auto alias = loadAlias(*m_db, aliasName);
        if (!alias)
            return std::unexpected(alias.error());
        if (!*alias)
            return fail(errors::NotFound, QStringLiteral("Alias arn:aws:kms:%1:%2:%3 is not found.")
                                              .arg(m_region, accountId(), aliasName));
        auto target = resolveKey((*alias)->keyId, false);
        if (!target)
            return std::unexpected(target.error());
        key = *target;
        // DeleteAlias is allowed in every key state (OperationGroup::ReadOnly).
        if (auto st = authorize(c, QStringLiteral("kms:DeleteAlias"), &*key); !st)
            return st;
        auto q = m_db->prepare(QStringLiteral("DELETE FROM aliases WHERE alias_name = :name"));
        if (!q)
            return std::unexpected(q.error());
        return q->bind(":name", aliasName).run();
    };
    const Status result = run();
    record(c, QStringLiteral("DeleteAlias"), key ? key->arn : QString(), {{QStringLiteral("aliasName"), aliasName}},
           errorOf(result));
    return result;
}

Result<ListAliasesResponse> KmsService::listAliases(const Caller &c, const QString &keyId, int limit,
                                                    const QString &marker)
{
    std::optional<KeyRecord> key;
    auto run = [&]() -> Result<ListAliasesResponse> {
        // AWS decides ListAliases on identity policies alone: there is no key to ask.
        if (auto st = authorize(c, QStringLiteral("kms:ListAliases"), nullptr); !st)
            return std::unexpected(st.error());
        if (limit < 1 || limit > 100)
            return fail(errors::Validation, QStringLiteral("1 validation error detected: Value '%1' at 'limit' failed "
                                                           "to satisfy constraint: Member must have value between 1 "
                                                           "and 100")
                                                .arg(limit));
        QString after;
        if (!marker.isEmpty()) {
            const auto last = decodeMarker(marker);
            if (!last)
                return fail(errors::InvalidMarker, QStringLiteral("Invalid marker: %1").arg(marker));
            after = *last;
        }
        if (!keyId.isEmpty()) {
            auto filter = resolveKey(keyId, false);
            if (!filter)
                return std::unexpected(filter.error());
            key = *filter;
        }
        auto q = m_db->prepare(QStringLiteral("SELECT alias_name, key_id, created_at, updated_at FROM aliases "
                                              "WHERE alias_name > :after AND (:key = '' OR key_id = :key) "
                                              "ORDER BY alias_name LIMIT :limit"));
        if (!q)
            return std::unexpected(q.error());
        q->bind(":after", after).bind(":key", key ? key->keyId : QString()).bind(":limit", qint64(limit) + 1);
        ListAliasesResponse out;
        while (true) {
            auto row = q->step();
            if (!row)
                return std::unexpected(row.error());
            if (!*row)
                break;
            if (out.aliases.size() == limit) { // one more exists: there is a next page
                out.nextMarker = encodeMarker(out.aliases.last().aliasName);
                break;
            }
            const QString name = q->columnText(0);
            out.aliases.append({name, QStringLiteral("arn:aws:kms:%1:%2:%3").arg(m_region, accountId(), name),
                                q->columnText(1), store::parseStoredDate(q->columnText(2)),
                                store::parseStoredDate(q->columnText(3))});
        }
        return out;
    };
    auto result = run();
    record(c, QStringLiteral("ListAliases"), key ? key->arn : QString(),
           {{QStringLiteral("keyId"), keyId}, {QStringLiteral("limit"), limit}, {QStringLiteral("marker"), marker}},
           result ? std::nullopt : std::optional<KmsError>(result.error()));
    return result;
}

} // namespace qkms::kms
