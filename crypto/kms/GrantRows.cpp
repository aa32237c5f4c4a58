#include "kms/GrantRows.h"

#include "store/Database.h"
#include "store/StoredDate.h"

#include <QJsonArray>
#include <QJsonDocument>

using namespace Qt::StringLiterals;

namespace qkms::kms {

namespace {

const QString kGrantColumns = u"g.grant_id, k.arn, g.name, g.created_at, g.grantee_principal, g.retiring_principal, "
                              "g.issuing_account, g.operations, g.constraint_type, g.constraint_context"_s;

GrantEntry grantFromRow(const store::Statement &q)
{
    GrantEntry g;
    g.grantId = q.columnText(0);
    g.keyArn = q.columnText(1);
    g.name = q.columnText(2);
    g.creationDate = store::parseStoredDate(q.columnText(3));
    g.granteePrincipal = q.columnText(4);
    g.retiringPrincipal = q.columnText(5);
    g.issuingAccount = q.columnText(6);
    for (const QJsonValue &v : QJsonDocument::fromJson(q.columnText(7).toUtf8()).array())
        g.operations.append(v.toString());
    const QString type = q.columnText(8);
    g.constraints.type = type == u"EncryptionContextEquals"   ? GrantConstraints::Type::EncryptionContextEquals
                         : type == u"EncryptionContextSubset" ? GrantConstraints::Type::EncryptionContextSubset
                                                              : GrantConstraints::Type::None;
    const QJsonObject context = QJsonDocument::fromJson(q.columnText(9).toUtf8()).object();
    for (auto it = context.begin(); it != context.end(); ++it)
        g.constraints.context.insert(it.key(), it.value().toString());
    return g;
}

Result<QList<GrantEntry>> collect(store::Statement &q)
{
    QList<GrantEntry> out;
    while (true) {
        auto row = q.step();
        if (!row)
            return std::unexpected(row.error());
        if (!*row)
            break;
        out.append(grantFromRow(q));
    }
    return out;
}

// The value of `key` in `context`, comparing keys without regard to case (grant constraints only).
std::optional<QString> valueIgnoringKeyCase(const EncryptionContext &context, const QString &key)
{
    for (auto it = context.cbegin(); it != context.cend(); ++it) {
        if (it.key().compare(key, Qt::CaseInsensitive) == 0)
            return it.value();
    }
    return std::nullopt;
}

// Every pair of `required` is in `context` (keys case-insensitive, values case-sensitive).
bool containsAll(const EncryptionContext &context, const EncryptionContext &required)
{
    for (auto it = required.cbegin(); it != required.cend(); ++it) {
        if (valueIgnoringKeyCase(context, it.key()) != it.value())
            return false;
    }
    return true;
}

bool takesEncryptionContext(const QString &operation)
{
    static const QStringList names{u"Encrypt"_s,          u"Decrypt"_s,
                                   u"ReEncryptFrom"_s,    u"ReEncryptTo"_s,
                                   u"GenerateDataKey"_s,  u"GenerateDataKeyWithoutPlaintext"_s,
                                   u"GenerateDataKeyPair"_s, u"GenerateDataKeyPairWithoutPlaintext"_s};
    return names.contains(operation);
}

} // namespace

QString GrantConstraints::typeName() const
{
    switch (type) {
    case Type::EncryptionContextEquals: return u"EncryptionContextEquals"_s;
    case Type::EncryptionContextSubset: return u"EncryptionContextSubset"_s;
    case Type::None: break;
    }
    return {};
}

QJsonObject GrantConstraints::toJson() const
{
    if (type == Type::None)
        return {};
    QJsonObject pairs;
    for (auto it = context.cbegin(); it != context.cend(); ++it)
        pairs.insert(it.key(), it.value());
    return QJsonObject{{typeName(), pairs}};
}

bool GrantConstraints::allows(const EncryptionContext &requestContext) const
{
    switch (type) {
    case Type::None:
        return true;
    case Type::EncryptionContextSubset:
        return containsAll(requestContext, context);
    case Type::EncryptionContextEquals:
        return requestContext.size() == context.size() && containsAll(requestContext, context);
    }
    return false;
}

QJsonObject GrantEntry::toJson() const
{
    QJsonObject o{{u"KeyId"_s, keyArn},
                  {u"GrantId"_s, grantId},
                  {u"CreationDate"_s, awsTimestamp(creationDate)},
                  {u"GranteePrincipal"_s, granteePrincipal},
                  {u"IssuingAccount"_s, issuingAccount},
                  {u"Operations"_s, QJsonArray::fromStringList(operations)}};
    if (!name.isEmpty())
        o.insert(u"Name", name);
    if (!retiringPrincipal.isEmpty())
        o.insert(u"RetiringPrincipal", retiringPrincipal);
    if (!constraints.isEmpty())
        o.insert(u"Constraints", constraints.toJson());
    return o;
}

const QStringList &grantOperationNames()
{
    static const QStringList names{
        u"CreateGrant"_s,     u"Decrypt"_s,       u"DeriveSharedSecret"_s,
        u"DescribeKey"_s,     u"Encrypt"_s,       u"GenerateDataKey"_s,
        u"GenerateDataKeyPair"_s, u"GenerateDataKeyPairWithoutPlaintext"_s, u"GenerateDataKeyWithoutPlaintext"_s,
        u"GenerateMac"_s,     u"GetPublicKey"_s,  u"ReEncryptFrom"_s,
        u"ReEncryptTo"_s,     u"RetireGrant"_s,   u"Sign"_s,
        u"Verify"_s,          u"VerifyMac"_s};
    return names;
}

namespace rows {

Status insertGrant(store::Database &db, const QString &keyId, const GrantEntry &g)
{
    auto q = db.prepare(u"INSERT INTO grants (grant_id, key_id, name, grantee_principal, retiring_principal, "
                        "issuing_account, operations, constraint_type, constraint_context, created_at) VALUES (:id, "
                        ":key, :name, :grantee, :retiring, :issuer, :ops, :ctype, :context, :created)"_s);
    if (!q)
        return std::unexpected(q.error());
    q->bind(":id", g.grantId).bind(":key", keyId).bind(":grantee", g.granteePrincipal).bind(":issuer", g.issuingAccount);
    if (g.name.isEmpty())
        q->bindNull(":name");
    else
        q->bind(":name", g.name);
    if (g.retiringPrincipal.isEmpty())
        q->bindNull(":retiring");
    else
        q->bind(":retiring", g.retiringPrincipal);
    q->bind(":ops", QString::fromUtf8(QJsonDocument(QJsonArray::fromStringList(g.operations)).toJson(QJsonDocument::Compact)));
    if (g.constraints.isEmpty()) {
        q->bindNull(":ctype").bindNull(":context");
    } else {
        q->bind(":ctype", g.constraints.typeName());
        q->bind(":context", QString::fromUtf8(QJsonDocument(g.constraints.toJson().value(g.constraints.typeName()).toObject())
                                                  .toJson(QJsonDocument::Compact)));
    }
    q->bind(":created", store::storedDate(g.creationDate));
    return q->run();
}

Result<std::optional<GrantEntry>> loadGrant(store::Database &db, const QString &keyId, const QString &grantId)
{
    auto q = db.prepare(u"SELECT %1 FROM grants g JOIN keys k ON k.key_id = g.key_id WHERE g.grant_id = :id "
                        "AND (:key = '' OR g.key_id = :key)"_s.arg(kGrantColumns));
    if (!q)
        return std::unexpected(q.error());
    q->bind(":id", grantId).bind(":key", keyId);
    auto all = collect(*q);
    if (!all)
        return std::unexpected(all.error());
    return all->isEmpty() ? std::optional<GrantEntry>{} : std::optional<GrantEntry>{all->first()};
}

Result<QList<GrantEntry>> grantsNamed(store::Database &db, const QString &keyId, const QString &name)
{
    auto q = db.prepare(u"SELECT %1 FROM grants g JOIN keys k ON k.key_id = g.key_id WHERE g.key_id = :key "
                        "AND g.name = :name ORDER BY g.rowid"_s.arg(kGrantColumns));
    if (!q)
        return std::unexpected(q.error());
    q->bind(":key", keyId).bind(":name", name);
    return collect(*q);
}

Result<QList<GrantEntry>> grantsForGrantee(store::Database &db, const QString &keyId, const QString &grantee)
{
    auto q = db.prepare(u"SELECT %1 FROM grants g JOIN keys k ON k.key_id = g.key_id WHERE g.key_id = :key "
                        "AND g.grantee_principal = :grantee ORDER BY g.rowid"_s.arg(kGrantColumns));
    if (!q)
        return std::unexpected(q.error());
    q->bind(":key", keyId).bind(":grantee", grantee);
    return collect(*q);
}

Result<QList<GrantEntry>> listGrants(store::Database &db, const QString &keyId, const QString &grantId,
                                     const QString &grantee, const QString &afterGrantId, int limit)
{
    auto q = db.prepare(u"SELECT %1 FROM grants g JOIN keys k ON k.key_id = g.key_id WHERE g.key_id = :key "
                        "AND (:id = '' OR g.grant_id = :id) AND (:grantee = '' OR g.grantee_principal = :grantee) "
                        "AND g.rowid > COALESCE((SELECT rowid FROM grants WHERE grant_id = :after), 0) "
                        "ORDER BY g.rowid LIMIT :limit"_s.arg(kGrantColumns));
    if (!q)
        return std::unexpected(q.error());
    q->bind(":key", keyId).bind(":id", grantId).bind(":grantee", grantee).bind(":after", afterGrantId);
    q->bind(":limit", qint64(limit));
    return collect(*q);
}

Result<QList<GrantEntry>> retirableGrants(store::Database &db, const QString &retiring, const QString &afterGrantId,
                                          int limit)
{
    auto q = db.prepare(u"SELECT %1 FROM grants g JOIN keys k ON k.key_id = g.key_id WHERE g.retiring_principal = "
                        ":retiring AND g.rowid > COALESCE((SELECT rowid FROM grants WHERE grant_id = :after), 0) "
                        "ORDER BY g.rowid LIMIT :limit"_s.arg(kGrantColumns));
    if (!q)
        return std::unexpected(q.error());
    q->bind(":retiring", retiring).bind(":after", afterGrantId).bind(":limit", qint64(limit));
    return collect(*q);
}

Result<int> grantCount(store::Database &db, const QString &keyId)
{
    auto q = db.prepare(u"SELECT COUNT(*) FROM grants WHERE key_id = :key"_s);
    if (!q)
        return std::unexpected(q.error());
    auto row = q->bind(":key", keyId).step();
    if (!row)
        return std::unexpected(row.error());
    return static_cast<int>(q->columnInt(0));
}

Status deleteGrant(store::Database &db, const QString &grantId)
{
    auto q = db.prepare(u"DELETE FROM grants WHERE grant_id = :id"_s);
    if (!q)
        return std::unexpected(q.error());
    return q->bind(":id", grantId).run();
}

bool grantAllows(const GrantEntry &grant, const QString &action, const EncryptionContext &context)
{
    const QString operation = action.startsWith(u"kms:"_s, Qt::CaseInsensitive) ? action.mid(4) : action;
    if (!grant.operations.contains(operation))
        return false;
    if (!takesEncryptionContext(operation))
        return true;
    return grant.constraints.allows(context);
}

bool grantAllowsChild(const GrantEntry &parent, const QStringList &operations, const GrantConstraints &child)
{
    if (!parent.operations.contains(u"CreateGrant"_s))
        return false;
    for (const QString &op : operations) {
        if (!parent.operations.contains(op))
            return false;
    }
    using Type = GrantConstraints::Type;
    switch (parent.constraints.type) {
    case Type::None:
        return true;
    case Type::EncryptionContextSubset:
        // Any constraint that requires at least the parent's pairs is as strict or stricter.
        return child.type != Type::None && containsAll(child.context, parent.constraints.context);
    case Type::EncryptionContextEquals:
        return child.type == Type::EncryptionContextEquals && child.context.size() == parent.constraints.context.size()
            && containsAll(child.context, parent.constraints.context);
    }
    return false;
}

} // namespace rows

} // namespace qkms::kms
