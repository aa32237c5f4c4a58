// Inline identity policies of users and roles (PrincipalStore): put, get, list, delete, and the
// parsed documents the authorizer evaluates, cached by their text.

#include "iam/IamSupport.h"
#include "iam/PrincipalStore.h"

#include "policy/RequestContext.h"
#include "store/Database.h"
#include "vault/Vault.h"

using namespace Qt::StringLiterals;

namespace qkms::iam {

namespace {

constexpr int MaxCachedDocuments = 512; ///< the cache is cleared past this; it only saves parsing

} // namespace

using namespace detail;

Status PrincipalStore::putPolicy(const QString &caller, PrincipalKind kind, const QString &name,
                                 const QString &policyName, const QString &document)
{
    const QString Kind = capitalised(kindName(kind));
    if (auto st = requireRoot(caller, u"iam:Put%1Policy"_s.arg(Kind), arnOf(kind, name)); !st)
        return st;
    if (auto st = checkName(policyName, u"policyName"_s, 128); !st)
        return st;
    auto p = get(caller, kind, name);
    if (!p)
        return std::unexpected(p.error());
    auto parsed = policy::PolicyDocument::parse(document, policy::PolicyKind::IdentityPolicy, {}, policyName);
    if (!parsed)
        return std::unexpected(parsed.error());
    auto db = m_vault.accountDb();
    if (!db)
        return std::unexpected(db.error());
    auto tx = store::Transaction::begin(**db);
    if (!tx)
        return std::unexpected(tx.error());
    // IAM's quota is on all inline policies of the principal together, whitespace not counted.
    const int limit = kind == PrincipalKind::User ? 2048 : 10240;
    int total = sizeWithoutWhitespace(document);
    auto others = (*db)->prepare(
        u"SELECT document FROM identity_policies WHERE principal_arn = :arn AND policy_name <> :name"_s);
    if (!others)
        return std::unexpected(others.error());
    others->bind(":arn", p->arn).bind(":name", policyName);
    while (true) {
        auto row = others->step();
        if (!row)
            return std::unexpected(row.error());
        if (!*row)
            break;
        total += sizeWithoutWhitespace(others->columnText(0));
    }
    if (total > limit)
        return fail(qkms::errors::LimitExceeded,
                    u"Maximum policy size of %1 bytes exceeded for %2 %3"_s.arg(limit).arg(kindName(kind), p->name));
    auto q = (*db)->prepare(u"INSERT INTO identity_policies (principal_arn, policy_name, document, updated_at) "
                            "VALUES (:arn, :name, :doc, :now) ON CONFLICT (principal_arn, policy_name) DO UPDATE "
                            "SET document = excluded.document, updated_at = excluded.updated_at"_s);
    if (!q)
        return std::unexpected(q.error());
    q->bind(":arn", p->arn).bind(":name", policyName).bind(":doc", document)
        .bind(":now", store::storedDate(m_vault.clock().now()));
    if (auto st = q->run(); !st)
        return st;
    return tx->commit();
}

Result<QString> PrincipalStore::getPolicy(const QString &caller, PrincipalKind kind, const QString &name,
                                          const QString &policyName)
{
    if (auto st = requireRoot(caller, u"iam:Get%1Policy"_s.arg(capitalised(kindName(kind))), arnOf(kind, name)); !st)
        return std::unexpected(st.error());
    auto p = get(caller, kind, name);
    if (!p)
        return std::unexpected(p.error());
    auto q = prepareAccount(m_vault,
        u"SELECT document FROM identity_policies WHERE principal_arn = :arn AND policy_name = :name"_s);
    if (!q)
        return std::unexpected(q.error());
    auto row = q->bind(":arn", p->arn).bind(":name", policyName).step();
    if (!row)
        return std::unexpected(row.error());
    if (!*row)
        return fail(errors::NoSuchEntity,
                    u"The %1 policy with name %2 cannot be found."_s.arg(kindName(kind), policyName));
    return q->columnText(0);
}

Result<QStringList> PrincipalStore::listPolicies(const QString &caller, PrincipalKind kind, const QString &name)
{
    if (auto st = requireRoot(caller, u"iam:List%1Policies"_s.arg(capitalised(kindName(kind))), arnOf(kind, name)); !st)
        return std::unexpected(st.error());
    auto p = get(caller, kind, name);
    if (!p)
        return std::unexpected(p.error());
    auto q = prepareAccount(m_vault,
        u"SELECT policy_name FROM identity_policies WHERE principal_arn = :arn ORDER BY policy_name"_s);
    if (!q)
        return std::unexpected(q.error());
    return q->bind(":arn", p->arn).columnTexts();
}

Status PrincipalStore::deletePolicy(const QString &caller, PrincipalKind kind, const QString &name,
                                    const QString &policyName)
{
    if (auto st = requireRoot(caller, u"iam:Delete%1Policy"_s.arg(capitalised(kindName(kind))), arnOf(kind, name)); !st)
        return st;
    auto p = get(caller, kind, name);
    if (!p)
        return std::unexpected(p.error());
    auto existing = getPolicy(caller, kind, name, policyName);
    if (!existing)
        return std::unexpected(existing.error());
    auto q = prepareAccount(m_vault,
        u"DELETE FROM identity_policies WHERE principal_arn = :arn AND policy_name = :name"_s);
    if (!q)
        return std::unexpected(q.error());
    return q->bind(":arn", p->arn).bind(":name", policyName).run();
}

Result<QList<policy::PolicyDocument>> PrincipalStore::identityPolicies(const QString &principalArn)
{
    QList<policy::PolicyDocument> out;
    const QString arn = actingArn(principalArn);
    if (policy::accountOfPrincipal(arn) != accountId() || arn == rootArn())
        return out;
    auto q = prepareAccount(m_vault,
        u"SELECT policy_name, document FROM identity_policies WHERE principal_arn = :arn ORDER BY policy_name"_s);
    if (!q)
        return std::unexpected(q.error());
    q->bind(":arn", arn);
    while (true) {
        auto row = q->step();
        if (!row)
            return std::unexpected(row.error());
        if (!*row)
            break;
        const QString name = q->columnText(0);
        const QString text = q->columnText(1);
        const QString cacheKey = name + u'\n' + text;
        std::lock_guard lock(m_mutex);
        auto it = m_parsed.constFind(cacheKey);
        if (it == m_parsed.constEnd()) {
            auto parsed = policy::PolicyDocument::parse(text, policy::PolicyKind::IdentityPolicy, {}, name);
            ++m_parseCount;
            if (!parsed) // stored documents were validated; a failure means the file was edited
                return fail(qkms::errors::Internal,
                            u"The stored identity policy %1 of %2 no longer parses: %3"_s.arg(name, arn,
                                                                                            parsed.error().message));
            if (m_parsed.size() >= MaxCachedDocuments)
                m_parsed.clear();
            it = m_parsed.insert(cacheKey, std::make_shared<const policy::PolicyDocument>(std::move(*parsed)));
        }
        out.append(**it);
    }
    return out;
}

} // namespace qkms::iam
