#pragma once

// Helpers shared by the PrincipalStore implementation files (PrincipalStore.cpp,
// IdentityPolicies.cpp, AccessKeys.cpp). Internal to crypto/iam.

#include "core/KmsError.h"
#include "policy/Wildcard.h"
#include "store/Database.h"
#include "store/StoredDate.h"
#include "vault/Vault.h"

#include <QDateTime>
#include <QRegularExpression>

#include <source_location>

namespace qkms::iam::detail {

using namespace Qt::StringLiterals;

/// Prepares `sql` on `vault`'s account.db: the first step of every IAM query. Errors: the vault is
/// locked (errors::Vault), the SQL does not prepare (errors::Storage, naming the caller's `where`).
[[nodiscard]] inline Result<store::Statement> prepareAccount(vault::Vault &vault, const QString &sql,
                                                             std::source_location where = std::source_location::current())
{
    auto db = vault.accountDb();
    if (!db)
        return std::unexpected(db.error());
    return (*db)->prepare(sql, where);
}

/// ValidationException unless `value` is an IAM name of 1..maxLength characters. IAM's \w is ASCII; QRegularExpression's would also take other scripts' letters.
inline Status checkName(const QString &value, const QString &member, int maxLength)
{
    static const QRegularExpression pattern(u"^[A-Za-z0-9_+=,.@-]+$"_s);
    if (value.isEmpty() || value.size() > maxLength)
        return fail(qkms::errors::Validation,
                    u"1 validation error detected: Value '%1' at '%2' failed to satisfy constraint: Member must have "
                    "length between 1 and %3"_s.arg(value, member).arg(maxLength));
    if (!pattern.match(value).hasMatch())
        return fail(qkms::errors::Validation,
                    u"1 validation error detected: Value '%1' at '%2' failed to satisfy constraint: Member must "
                    "satisfy regular expression pattern: [\\w+=,.@-]+"_s.arg(value, member));
    return {};
}

/// IAM counts policy size without whitespace.
inline int sizeWithoutWhitespace(const QString &text)
{
    int n = 0;
    for (QChar c : text)
        n += c.isSpace() ? 0 : 1;
    return n;
}

/// "user" → "User", for IAM action names (iam:CreateUser) and messages.
inline QString capitalised(const QString &word)
{
    return word.left(1).toUpper() + word.mid(1);
}

// An assumed-role session acts as its role: arn:aws:sts::1:assumed-role/R/s → arn:aws:iam::1:role/R.
inline QString actingArn(const QString &principalArn)
{
    const QStringList parts = policy::splitArn(principalArn);
    if (parts.size() < 6 || parts.at(2) != u"sts" || !parts.at(5).startsWith("assumed-role/"_L1))
        return principalArn;
    return u"arn:aws:iam::%1:role/%2"_s.arg(parts.at(4), parts.at(5).section(u'/', 1, 1));
}

} // namespace qkms::iam::detail
