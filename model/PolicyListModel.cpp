#include "PolicyListModel.h"

#include "EngineRunner.h"
#include "KeyCatalog.h"
#include "kms/KmsService.h"

#include <QCoreApplication>

#include <utility>

namespace qkms::model {

using namespace Qt::StringLiterals;

QString PolicyRef::label() const
{
    if (kind == Kind::KeyPolicy)
        return aliases.isEmpty() ? keyId : u"%1 (%2)"_s.arg(aliases.first(), keyId);
    return u"%1/%2 · %3"_s.arg(iam::PrincipalStore::kindName(principalKind), principalName, policyName);
}

bool PolicyRef::sameAs(const PolicyRef &other) const
{
    if (kind != other.kind)
        return false;
    if (kind == Kind::KeyPolicy)
        return keyId == other.keyId;
    return principalArn == other.principalArn && policyName == other.policyName;
}

namespace policycatalog {

namespace {

// Inline policies of every principal of `kind`, appended to `out`.
Status appendIdentityPolicies(iam::PrincipalStore &store, const QString &caller, iam::PrincipalKind kind,
                              PolicyCatalog &out)
{
    auto principals = store.list(caller, kind);
    if (!principals)
        return std::unexpected(principals.error());
    for (const iam::Principal &p : *principals) {
        out.principalArns.append(p.arn);
        auto names = store.listPolicies(caller, kind, p.name);
        if (!names)
            return std::unexpected(names.error());
        for (const QString &name : *names) {
            PolicyRef ref;
            ref.kind = PolicyRef::Kind::IdentityPolicy;
            ref.principalKind = kind;
            ref.principalName = p.name;
            ref.principalArn = p.arn;
            ref.policyName = name;
            out.policies.append(ref);
        }
    }
    return {};
}

} // namespace

Result<PolicyCatalog> load(kms::KmsService &service, const kms::Caller &caller)
{
    PolicyCatalog out;
    auto keys = catalog::fetchPrefix(service, caller, 0, true, 1000);
    if (!keys)
        return std::unexpected(keys.error());
    for (const KeyRow &row : std::as_const(keys->rows)) {
        // AWS managed keys' policies cannot be changed (PutKeyPolicy refuses them).
        if (row.key.keyManager != kms::KeyManager::Customer)
            continue;
        PolicyRef ref;
        ref.keyId = row.key.keyId;
        ref.keyArn = row.key.arn;
        ref.aliases = row.aliases;
        ref.policyName = u"default"_s;
        out.policies.append(ref);
    }
    out.principalArns.append(service.rootArn());
    iam::PrincipalStore &store = service.principals();
    // Only the account root may list principals; anyone else sees key policies and simulates
    // itself.
    if (caller.principalArn != service.rootArn()) {
        out.identityError = QCoreApplication::translate("PolicyListModel",
                                                        "Only the account root can list identity policies.");
        if (!out.principalArns.contains(caller.principalArn))
            out.principalArns.append(caller.principalArn);
        return out;
    }
    for (const auto kind : {iam::PrincipalKind::User, iam::PrincipalKind::Role}) {
        if (auto st = appendIdentityPolicies(store, caller.principalArn, kind, out); !st) {
            if (st.error().type != errors::AccessDenied)
                return std::unexpected(st.error());
            out.identityError = st.error().toString();
        }
    }
    out.principalsListed = out.identityError.isEmpty();
    return out;
}

} // namespace policycatalog

PolicyListModel::PolicyListModel(EngineRunner *runner, QObject *parent) : QAbstractListModel(parent), m_runner(runner)
{
    connect(m_runner, &EngineRunner::serviceChanged, this, [this] {
        // Results of a load for the previous service are dropped by the runner.
        m_busy = false;
        refresh();
    });
}

int PolicyListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_catalog.policies.size());
}

QVariant PolicyListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const PolicyRef &p = m_catalog.policies.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        return p.label();
    case Qt::ToolTipRole:
        return p.kind == PolicyRef::Kind::KeyPolicy ? tr("Key policy of %1").arg(p.keyArn)
                                                    : tr("Inline policy %1 of %2").arg(p.policyName, p.principalArn);
    case KindRole:
        return static_cast<int>(p.kind);
    case KeyIdRole:
        return p.keyId;
    case PrincipalArnRole:
        return p.principalArn;
    case PolicyNameRole:
        return p.policyName;
    default:
        return {};
    }
}

QHash<int, QByteArray> PolicyListModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractListModel::roleNames();
    names.insert(KindRole, "kind");
    names.insert(KeyIdRole, "keyId");
    names.insert(PrincipalArnRole, "principalArn");
    names.insert(PolicyNameRole, "policyName");
    return names;
}

PolicyRef PolicyListModel::policyAt(int row) const
{
    return row >= 0 && row < m_catalog.policies.size() ? m_catalog.policies.at(row) : PolicyRef{};
}

int PolicyListModel::indexOf(const PolicyRef &ref) const
{
    for (int row = 0; row < m_catalog.policies.size(); ++row) {
        if (m_catalog.policies.at(row).sameAs(ref))
            return row;
    }
    return -1;
}

int PolicyListModel::indexOfKey(const QString &keyId) const
{
    PolicyRef ref;
    ref.keyId = keyId;
    return indexOf(ref);
}

void PolicyListModel::refresh()
{
    if (m_busy) {
        m_again = true;
        return;
    }
    m_busy = true;
    const bool queued = m_runner->run(
        this, [](kms::KmsService &service, const kms::Caller &caller) { return policycatalog::load(service, caller); },
        [this](Result<PolicyCatalog> result) {
            m_busy = false;
            beginResetModel();
            if (result) {
                m_catalog = std::move(*result);
                m_error.clear();
            } else {
                m_catalog = {};
                m_error = result.error().toString();
            }
            m_loaded = true;
            endResetModel();
            Q_EMIT loaded();
            if (m_again) {
                m_again = false;
                refresh();
            }
        });
    if (!queued) {
        m_busy = false;
        beginResetModel();
        m_catalog = {};
        m_loaded = false;
        endResetModel();
    }
}

} // namespace qkms::model
