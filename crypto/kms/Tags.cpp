// TagResource, UntagResource, ListResourceTags (reference/kms-semantics.md §1, tags). Keys are
// named by key id or key ARN only: AWS does not accept aliases for these operations.

#include "kms/KeyStateRules.h"
#include "kms/KmsService.h"
#include "store/Database.h"

#include <QJsonArray>

namespace qkms::kms {

namespace {

constexpr int kMaxTagsPerKey = 50;
constexpr int kMaxTagKeyLength = 128;
constexpr int kMaxTagValueLength = 256;
const QByteArray kMarkerTag = QByteArrayLiteral("tags:");

std::optional<KmsError> errorOf(const Status &s)
{
    return s ? std::nullopt : std::optional<KmsError>(s.error());
}

Status validateTagKey(const QString &tagKey)
{
    if (tagKey.isEmpty() || tagKey.size() > kMaxTagKeyLength)
        return fail(errors::Tag, QStringLiteral("Tag key '%1' must be 1 to 128 characters long").arg(tagKey));
    // Case-sensitive, as CreateKey checks it: "AWS:x" is an ordinary key.
    if (tagKey.startsWith(QStringLiteral("aws:")))
        return fail(errors::Tag, QStringLiteral("Tag key '%1' is not allowed: tags beginning with aws: are reserved "
                                                "for AWS use")
                                     .arg(tagKey));
    return {};
}

Status validateTags(const Tags &tags)
{
    for (auto it = tags.begin(); it != tags.end(); ++it) {
        if (auto st = validateTagKey(it.key()); !st)
            return st;
        if (it.value().size() > kMaxTagValueLength)
            return fail(errors::Tag, QStringLiteral("The value of tag '%1' must be at most 256 characters long")
                                         .arg(it.key()));
    }
    return {};
}

Status refuseAwsManaged(const KeyRecord &k)
{
    if (k.keyManager == KeyManager::Aws)
        return fail(errors::UnsupportedOperation,
                    QStringLiteral("%1 is an AWS managed key; only customer managed keys can be tagged").arg(k.arn));
    return {};
}

Result<QStringList> tagKeysOf(store::Database &db, const QString &keyId)
{
    auto q = db.prepare(QStringLiteral("SELECT tag_key FROM tags WHERE key_id = :id"));
    if (!q)
        return std::unexpected(q.error());
    return q->bind(":id", keyId).columnTexts();
}

QString encodeMarker(const QString &lastKey)
{
    return QString::fromLatin1((kMarkerTag + lastKey.toUtf8())
                                   .toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

/// The last tag key of the previous page, or nothing when `marker` is not one of ours.
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

Status KmsService::tagResource(const Caller &c, const QString &keyId, const Tags &tags)
{
    std::optional<KeyRecord> key;
    auto run = [&]() -> Status {
        auto found = resolveKey(keyId, false);
        if (!found)
            return std::unexpected(found.error());
        key = *found;
        if (auto st = authorize(c, QStringLiteral("kms:TagResource"), &*key); !st)
            return st;
        if (auto st = validateTags(tags); !st)
            return st;
        if (auto st = refuseAwsManaged(*key); !st)
            return st;
        if (auto st = checkKeyState(*key, OperationGroup::Metadata); !st)
            return st;
        auto tx = store::Transaction::begin(*m_db);
        if (!tx)
            return std::unexpected(tx.error());
        auto existing = tagKeysOf(*m_db, key->keyId);
        if (!existing)
            return std::unexpected(existing.error());
        // Replacing a value does not count against the limit; only new keys do.
        qsizetype total = existing->size();
        for (auto it = tags.begin(); it != tags.end(); ++it)
            total += existing->contains(it.key()) ? 0 : 1;
        if (total > kMaxTagsPerKey)
            return fail(errors::LimitExceeded, QStringLiteral("%1 would have %2 tags; a key can have at most %3")
                                                   .arg(key->arn)
                                                   .arg(total)
                                                   .arg(kMaxTagsPerKey));
        auto q = m_db->prepare(QStringLiteral("INSERT INTO tags (key_id, tag_key, tag_value) VALUES (:id, :k, :v) "
                                              "ON CONFLICT (key_id, tag_key) DO UPDATE SET tag_value = excluded.tag_value"));
        if (!q)
            return std::unexpected(q.error());
        for (auto it = tags.begin(); it != tags.end(); ++it) {
            if (auto st = q->bind(":id", key->keyId).bind(":k", it.key()).bind(":v", it.value()).run(); !st)
                return st;
        }
        return tx->commit();
    };
    const Status result = run();
    QJsonArray tagList;
    for (auto it = tags.begin(); it != tags.end(); ++it)
        tagList.append(QJsonObject{{QStringLiteral("tagKey"), it.key()}, {QStringLiteral("tagValue"), it.value()}});
    record(c, QStringLiteral("TagResource"), key ? key->arn : QString(),
           {{QStringLiteral("keyId"), keyId}, {QStringLiteral("tags"), tagList}}, errorOf(result));
    return result;
}

Status KmsService::untagResource(const Caller &c, const QString &keyId, const QStringList &tagKeys)
{
    std::optional<KeyRecord> key;
    auto run = [&]() -> Status {
        auto found = resolveKey(keyId, false);
        if (!found)
            return std::unexpected(found.error());
        key = *found;
        if (auto st = authorize(c, QStringLiteral("kms:UntagResource"), &*key); !st)
            return st;
        for (const QString &tagKey : tagKeys) {
            if (auto st = validateTagKey(tagKey); !st)
                return st;
        }
        if (auto st = refuseAwsManaged(*key); !st)
            return st;
        if (auto st = checkKeyState(*key, OperationGroup::Metadata); !st)
            return st;
        auto tx = store::Transaction::begin(*m_db);
        if (!tx)
            return std::unexpected(tx.error());
        auto q = m_db->prepare(QStringLiteral("DELETE FROM tags WHERE key_id = :id AND tag_key = :k"));
        if (!q)
            return std::unexpected(q.error());
        // A key the resource does not have is not an error, as in AWS.
        for (const QString &tagKey : tagKeys) {
            if (auto st = q->bind(":id", key->keyId).bind(":k", tagKey).run(); !st)
                return st;
        }
        return tx->commit();
    };
    const Status result = run();
    record(c, QStringLiteral("UntagResource"), key ? key->arn : QString(),
           {{QStringLiteral("keyId"), keyId}, {QStringLiteral("tagKeys"), QJsonArray::fromStringList(tagKeys)}},
           errorOf(result));
    return result;
}

Result<ListTagsResponse> KmsService::listResourceTags(const Caller &c, const QString &keyId, int limit,
                                                      const QString &marker)
{
    std::optional<KeyRecord> key;
    auto run = [&]() -> Result<ListTagsResponse> {
        auto found = resolveKey(keyId, false);
        if (!found)
            return std::unexpected(found.error());
        key = *found;
        if (auto st = authorize(c, QStringLiteral("kms:ListResourceTags"), &*key); !st)
            return std::unexpected(st.error());
        if (auto st = checkKeyState(*key, OperationGroup::ReadOnly); !st)
            return std::unexpected(st.error());
        if (limit < 1 || limit > 50)
            return fail(errors::Validation, QStringLiteral("1 validation error detected: Value '%1' at 'limit' failed "
                                                           "to satisfy constraint: Member must have value between 1 "
                                                           "and 50")
                                                .arg(limit));
        QString after;
        if (!marker.isEmpty()) {
            const auto last = decodeMarker(marker);
            if (!last)
                return fail(errors::InvalidMarker, QStringLiteral("Invalid marker: %1").arg(marker));
            after = *last;
        }
        auto q = m_db->prepare(QStringLiteral("SELECT tag_key, tag_value FROM tags WHERE key_id = :id AND "
                                              "tag_key > :after ORDER BY tag_key LIMIT :limit"));
        if (!q)
            return std::unexpected(q.error());
        q->bind(":id", key->keyId).bind(":after", after).bind(":limit", qint64(limit) + 1);
        ListTagsResponse out;
        QString lastKey;
        while (true) {
            auto row = q->step();
            if (!row)
                return std::unexpected(row.error());
            if (!*row)
                break;
            if (out.tags.size() == limit) { // one more exists: there is a next page
                out.nextMarker = encodeMarker(lastKey);
                break;
            }
            lastKey = q->columnText(0);
            out.tags.insert(lastKey, q->columnText(1));
        }
        return out;
    };
    auto result = run();
    record(c, QStringLiteral("ListResourceTags"), key ? key->arn : QString(),
           {{QStringLiteral("keyId"), keyId}, {QStringLiteral("limit"), limit}, {QStringLiteral("marker"), marker}},
           result ? std::nullopt : std::optional<KmsError>(result.error()));
    return result;
}

} // namespace qkms::kms
