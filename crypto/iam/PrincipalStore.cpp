// Users and roles of the account (PrincipalStore). Identity policies: IdentityPolicies.cpp;
// access keys: AccessKeys.cpp.

#include "iam/PrincipalStore.h"

#include "iam/IamSupport.h"
#include "policy/RequestContext.h"
#include "primitives/Primitives.h"
#include "store/Database.h"
#include "vault/Vault.h"

#include <QJsonDocument>

using namespace Qt::StringLiterals;

namespace qkms::iam {

using namespace detail;

namespace {

// IAM's unique ids: a 4-letter prefix and 17 characters of A–Z, 2–7 (256 is a multiple of 32,
// so masking does not bias the choice).
QString uniqueId(const char *prefix, int length)
{
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    const QByteArray random = crypto::randomBytes(length);
    QString id = QString::fromLatin1(prefix);
    for (char b : random)
        id.append(QLatin1Char(alphabet[static_cast<unsigned char>(b) & 31]));
    return id;
}

Principal principalFromRow(const store::Statement &q)
{
    Principal p;
    p.arn = q.columnText(0);
    p.kind = q.columnText(1) == u"role" ? PrincipalKind::Role : PrincipalKind::User;
    p.name = q.columnText(2);
    p.principalId = q.columnText(3);
    p.trustPolicy = q.columnText(4);
    p.createDate = store::parseStoredDate(q.columnText(5));
    return p;
}

const QString kPrincipalColumns = u"arn, kind, name, principal_id, trust_policy, created_at"_s;

} // namespace

PrincipalStore::PrincipalStore(vault::Vault &vault)
    : m_vault(vault), m_rootArn(policy::accountRootArn(vault.accountId()))
{
}

PrincipalStore::~PrincipalStore() = default;

QString PrincipalStore::accountId() const
{
    return m_vault.accountId();
}

QString PrincipalStore::rootArn() const
{
    return m_rootArn;
}

int PrincipalStore::parseCount() const
{
    std::lock_guard lock(m_mutex);
    return m_parseCount;
}

QString PrincipalStore::kindName(PrincipalKind kind)
{
    switch (kind) {
    case PrincipalKind::Root: return u"root"_s;
    case PrincipalKind::User: return u"user"_s;
    case PrincipalKind::Role: return u"role"_s;
    }
    return {};
}

QString PrincipalStore::arnOf(PrincipalKind kind, const QString &name) const
{
    return u"arn:aws:iam::%1:%2/%3"_s.arg(accountId(), kindName(kind), name);
}

Status PrincipalStore::requireRoot(const QString &caller, const QString &action, const QString &resource) const
{
    if (caller == rootArn())
        return {};
    return fail(qkms::errors::AccessDenied,
                u"User: %1 is not authorized to perform: %2 on resource: %3 because no identity-based policy allows "
                "the %2 action"_s.arg(caller, action, resource));
}

Result<Principal> PrincipalStore::createUser(const QString &caller, const QString &userName)
{
    return create(caller, PrincipalKind::User, userName, {});
}

Result<Principal> PrincipalStore::createRole(const QString &caller, const QString &roleName, const QString &trustPolicy)
{
    return create(caller, PrincipalKind::Role, roleName, trustPolicy);
}

Result<Principal> PrincipalStore::create(const QString &caller, PrincipalKind kind, const QString &name,
                                         const QString &trustPolicy)
{
    const QString Kind = capitalised(kindName(kind));
    if (auto st = requireRoot(caller, u"iam:Create"_s + Kind, arnOf(kind, name)); !st)
        return std::unexpected(st.error());
    if (auto st = checkName(name, kindName(kind) + u"Name"_s, 64); !st)
        return std::unexpected(st.error());
    if (!trustPolicy.isEmpty() && !QJsonDocument::fromJson(trustPolicy.toUtf8()).isObject())
        return fail(qkms::errors::MalformedPolicy, u"The assume role policy document is not a JSON object."_s);
    auto db = m_vault.accountDb();
    if (!db)
        return std::unexpected(db.error());
    Principal p;
    p.kind = kind;
    p.name = name;
    p.arn = arnOf(kind, name);
    p.principalId = uniqueId(kind == PrincipalKind::User ? "AIDA" : "AROA", 17);
    p.trustPolicy = trustPolicy;
    p.createDate = m_vault.clock().now().toUTC();
    auto tx = store::Transaction::begin(**db);
    if (!tx)
        return std::unexpected(tx.error());
    auto dup = (*db)->prepare(u"SELECT 1 FROM principals WHERE kind = :kind AND name = :name COLLATE NOCASE"_s);
    if (!dup)
        return std::unexpected(dup.error());
    auto found = dup->bind(":kind", kindName(kind)).bind(":name", name).step();
    if (!found)
        return std::unexpected(found.error());
    if (*found)
        return fail(errors::EntityAlreadyExists, u"%1 with name %2 already exists."_s.arg(Kind, name));
    auto q = (*db)->prepare(u"INSERT INTO principals (%1) VALUES (:arn, :kind, :name, :id, :trust, :created)"_s.arg(
        kPrincipalColumns));
    if (!q)
        return std::unexpected(q.error());
    q->bind(":arn", p.arn).bind(":kind", kindName(kind)).bind(":name", name).bind(":id", p.principalId);
    if (trustPolicy.isEmpty())
        q->bindNull(":trust");
    else
        q->bind(":trust", trustPolicy);
    q->bind(":created", store::storedDate(p.createDate));
    if (auto st = q->run(); !st)
        return std::unexpected(st.error());
    if (auto st = tx->commit(); !st)
        return std::unexpected(st.error());
    return p;
}

Result<Principal> PrincipalStore::get(const QString &caller, PrincipalKind kind, const QString &name)
{
    if (auto st = requireRoot(caller, u"iam:Get"_s + capitalised(kindName(kind)), arnOf(kind, name)); !st)
        return std::unexpected(st.error());
    auto q = prepareAccount(m_vault,
        u"SELECT %1 FROM principals WHERE kind = :kind AND name = :name COLLATE NOCASE"_s.arg(kPrincipalColumns));
    if (!q)
        return std::unexpected(q.error());
    auto row = q->bind(":kind", kindName(kind)).bind(":name", name).step();
    if (!row)
        return std::unexpected(row.error());
    if (!*row)
        return fail(errors::NoSuchEntity, u"The %1 with name %2 cannot be found."_s.arg(kindName(kind), name));
    return principalFromRow(*q);
}

Status PrincipalStore::deletePrincipal(const QString &caller, PrincipalKind kind, const QString &name)
{
    if (auto st = requireRoot(caller, u"iam:Delete"_s + capitalised(kindName(kind)), arnOf(kind, name)); !st)
        return st;
    auto p = get(caller, kind, name);
    if (!p)
        return std::unexpected(p.error());
    auto db = m_vault.accountDb();
    if (!db)
        return std::unexpected(db.error());
    // IAM refuses to delete a principal that still has things attached, rather than dropping them.
    for (const auto &[table, what] : {std::pair{u"identity_policies"_s, u"policies"_s},
                                      std::pair{u"access_keys"_s, u"access keys"_s}}) {
        auto q = (*db)->prepare(u"SELECT 1 FROM %1 WHERE principal_arn = :arn LIMIT 1"_s.arg(table));
        if (!q)
            return std::unexpected(q.error());
        auto row = q->bind(":arn", p->arn).step();
        if (!row)
            return std::unexpected(row.error());
        if (*row)
            return fail(errors::DeleteConflict, u"Cannot delete entity, must delete %1 first."_s.arg(what));
    }
    auto q = (*db)->prepare(u"DELETE FROM principals WHERE arn = :arn"_s);
    if (!q)
        return std::unexpected(q.error());
    return q->bind(":arn", p->arn).run();
}

Result<QList<Principal>> PrincipalStore::list(const QString &caller, PrincipalKind kind)
{
    if (auto st = requireRoot(caller, u"iam:List"_s + capitalised(kindName(kind)) + u"s"_s,
                              u"arn:aws:iam::%1:%2/"_s.arg(accountId(), kindName(kind)));
        !st)
        return std::unexpected(st.error());
    auto q = prepareAccount(m_vault,
        u"SELECT %1 FROM principals WHERE kind = :kind ORDER BY name COLLATE NOCASE"_s.arg(kPrincipalColumns));
    if (!q)
        return std::unexpected(q.error());
    q->bind(":kind", kindName(kind));
    QList<Principal> out;
    while (true) {
        auto row = q->step();
        if (!row)
            return std::unexpected(row.error());
        if (!*row)
            break;
        out.append(principalFromRow(*q));
    }
    return out;
}

Result<IdentityPolicySet> PrincipalStore::identityPolicySet(const QString &principalArn)
{
    // The root's permissions are implicit: it has no identity policies, whatever the file says.
    static const PolicyList none = std::make_shared<const QList<policy::PolicyDocument>>();
    if (principalArn == m_rootArn)
        return IdentityPolicySet{none, 0};
    auto db = m_vault.accountDb();
    if (!db) {
        // Locked: nothing cached may outlive the handle's files; identityPolicies() decides
        // what a locked store answers (nothing for other accounts, errors::Vault otherwise).
        m_policySets.clear();
        auto policies = identityPolicies(principalArn);
        if (!policies)
            return std::unexpected(policies.error());
        return IdentityPolicySet{std::make_shared<const QList<policy::PolicyDocument>>(std::move(*policies)),
                                 std::nullopt};
    }
    return m_policySets.get(**db, principalArn, [&] { return identityPolicies(principalArn); });
}

int PrincipalStore::identityPolicyReads() const
{
    return m_policySets.reads();
}

bool PrincipalStore::exists(const QString &arn)
{
    const QString account = policy::accountOfPrincipal(arn);
    if (account.isEmpty())
        return false;
    if (account != accountId() || arn == policy::accountRootArn(account))
        return true; // another account's principals are that account's business
    auto db = m_vault.accountDb();
    if (!db)
        return false;
    auto q = (*db)->prepare(u"SELECT 1 FROM principals WHERE arn = :arn"_s);
    if (!q)
        return false;
    auto row = q->bind(":arn", actingArn(arn)).step();
    return row && *row;
}

} // namespace qkms::iam
