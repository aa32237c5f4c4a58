#pragma once

// IAM of one vault (account-wide, in account.db): the account root, users and roles, their inline
// identity policies, and access keys for a later network endpoint. Only the account root may
// manage principals: identity policies speak the KMS policy language only, so there is no
// iam:* permission a user could be given instead.

#include "core/KmsError.h"
#include "iam/IdentityPolicyCache.h"
#include "policy/PolicyDocument.h"

#include <QDateTime>
#include <QHash>
#include <QList>
#include <QString>
#include <QtCrypto>

#include <memory>
#include <mutex>
#include <optional>

namespace qkms::vault {
class Vault;
}

namespace qkms::iam {

/// IAM's exception names for the principal operations.
namespace errors {
inline const QString EntityAlreadyExists = QStringLiteral("EntityAlreadyExistsException");
inline const QString NoSuchEntity = QStringLiteral("NoSuchEntityException");
inline const QString DeleteConflict = QStringLiteral("DeleteConflictException");
} // namespace errors

enum class PrincipalKind { Root, User, Role };

/// A user or role (or the implicit root) as ListUsers / ListRoles show it.
struct Principal {
    PrincipalKind kind = PrincipalKind::User;
    QString name;        ///< UserName / RoleName ("root" for the root)
    QString arn;         ///< arn:aws:iam::<acct>:user/<name>
    QString principalId; ///< AIDA… / AROA… (the account id for the root)
    QString trustPolicy; ///< roles: AssumeRolePolicyDocument as given, may be empty
    QDateTime createDate;
};

/// An access key without its secret.
struct AccessKeyInfo {
    QString accessKeyId;
    QString userName;
    QString status; ///< Active | Inactive
    QDateTime createDate;
};

/// A new access key: the only time the secret is shown.
struct NewAccessKey {
    AccessKeyInfo info;
    QCA::SecureArray secretAccessKey; ///< 40 characters, base64 alphabet
};

class PrincipalStore
{
public:
    /// The principals of `vault`, which must outlive the store (account.db is reached through it
    /// on every call, so locking the vault makes every call fail with errors::Vault).
    explicit PrincipalStore(vault::Vault &vault);
    ~PrincipalStore();
    PrincipalStore(const PrincipalStore &) = delete;
    PrincipalStore &operator=(const PrincipalStore &) = delete;

    [[nodiscard]] QString accountId() const;
    [[nodiscard]] QString rootArn() const;

    // Users and roles. `caller` must be the account root (else AccessDeniedException). Names
    // match [\w+=,.@-]{1,64} (ValidationException) and are unique per kind regardless of case
    // (EntityAlreadyExistsException); a missing one is NoSuchEntityException.
    [[nodiscard]] Result<Principal> createUser(const QString &caller, const QString &userName);
    /// `trustPolicy` (AssumeRolePolicyDocument) is optional; when given it must be a JSON object.
    [[nodiscard]] Result<Principal> createRole(const QString &caller, const QString &roleName,
                                               const QString &trustPolicy = {});
    /// Refuses with DeleteConflictException while the principal has inline policies or access keys.
    [[nodiscard]] Status deletePrincipal(const QString &caller, PrincipalKind kind, const QString &name);
    /// Users or roles, sorted by name (case-insensitive).
    [[nodiscard]] Result<QList<Principal>> list(const QString &caller, PrincipalKind kind);
    /// The user or role named `name`; NoSuchEntityException when there is none.
    [[nodiscard]] Result<Principal> get(const QString &caller, PrincipalKind kind, const QString &name);

    /// Whether `arn` names a principal that exists: the root of any account, an IAM user or
    /// role of this account, or any principal of another account (which this vault cannot
    /// know). Errors reading the file count as "does not exist". Used by the policy parser.
    [[nodiscard]] bool exists(const QString &arn);

    // Inline identity policies (PutUserPolicy / PutRolePolicy …). Documents are parsed as
    // identity policies: MalformedPolicyDocumentException names the problem. The size of all
    // inline policies of one principal, without whitespace, is limited as in IAM (users 2048,
    // roles 10240 characters: LimitExceededException).
    [[nodiscard]] Status putPolicy(const QString &caller, PrincipalKind kind, const QString &name,
                                   const QString &policyName, const QString &document);
    /// The document as put; NoSuchEntityException for a missing principal or policy.
    [[nodiscard]] Result<QString> getPolicy(const QString &caller, PrincipalKind kind, const QString &name,
                                            const QString &policyName);
    /// Policy names, sorted.
    [[nodiscard]] Result<QStringList> listPolicies(const QString &caller, PrincipalKind kind, const QString &name);
    [[nodiscard]] Status deletePolicy(const QString &caller, PrincipalKind kind, const QString &name,
                                      const QString &policyName);

    /// The parsed identity policies that apply to `principalArn` (an assumed-role session gets
    /// its role's). None for the root (its permissions are implicit), unknown principals and
    /// other accounts. Parsed documents are cached by their text, so an unchanged policy is
    /// parsed once per store; the rows are read on every call, so another process's changes
    /// apply at once.
    [[nodiscard]] Result<QList<policy::PolicyDocument>> identityPolicies(const QString &principalArn);
    /// What identityPolicies() returns, shared, from a cache kept for this store and checked on
    /// every call against account.db (PRAGMA data_version and total_changes(), see
    /// IdentityPolicyCache.h): a change made through any handle or process applies to the very
    /// next call. The root's set (none) needs no file. Errors as identityPolicies().
    [[nodiscard]] Result<IdentityPolicySet> identityPolicySet(const QString &principalArn);
    /// How many identityPolicySet() calls read the file (a test seam: a cache hit does not count).
    [[nodiscard]] int identityPolicyReads() const;

    // Access keys, for the network endpoint to come. No command uses them yet.
    /// A new Active key for user `userName`; the secret is stored wrapped under the domain key.
    [[nodiscard]] Result<NewAccessKey> createAccessKey(const QString &caller, const QString &userName);
    [[nodiscard]] Result<QList<AccessKeyInfo>> listAccessKeys(const QString &caller, const QString &userName);
    /// The user ARN and secret of an Active key, for request authentication; NoSuchEntity otherwise.
    [[nodiscard]] Result<std::pair<QString, QCA::SecureArray>> accessKeySecret(const QString &accessKeyId);

    /// How many documents were parsed since the store was made (a test seam for the cache).
    [[nodiscard]] int parseCount() const;

    /// "user" / "role": how IAM names the kind in ARNs and messages.
    [[nodiscard]] static QString kindName(PrincipalKind kind);

private:
    [[nodiscard]] Status requireRoot(const QString &caller, const QString &action, const QString &resource) const;
    [[nodiscard]] Result<Principal> create(const QString &caller, PrincipalKind kind, const QString &name,
                                           const QString &trustPolicy);
    [[nodiscard]] QString arnOf(PrincipalKind kind, const QString &name) const;

    vault::Vault &m_vault;
    mutable std::mutex m_mutex; ///< guards the cache: the console calls the engine from worker threads too
    QHash<QString, std::shared_ptr<const policy::PolicyDocument>> m_parsed; ///< name and document text → parse
    int m_parseCount = 0;
    const QString m_rootArn; ///< rootArn(), made once: identityPolicySet compares it on every call
    IdentityPolicyCache m_policySets;
};

} // namespace qkms::iam
