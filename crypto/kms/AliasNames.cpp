#include "kms/AliasNames.h"

#include <QRegularExpression>

namespace qkms::kms {

namespace {

constexpr int kMaxAliasNameLength = 256;

/// AWS's wording for a request that fails its API model, before KMS itself looks at it.
QString modelError(const QString &value, const QString &constraint)
{
    return QStringLiteral("1 validation error detected: Value '%1' at 'aliasName' failed to satisfy constraint: "
                          "Member must %2")
        .arg(value, constraint);
}

} // namespace

Status validateAliasName(const QString &name)
{
    // Length and character set are AWS model constraints (ValidationException, checked before
    // the service looks at the request); the prefix rules are KMS's own (InvalidAliasName).
    if (name.isEmpty())
        return fail(errors::Validation, modelError(name, QStringLiteral("have length greater than or equal to 1")));
    if (name.size() > kMaxAliasNameLength)
        return fail(errors::Validation, modelError(name, QStringLiteral("have length less than or equal to 256")));
    static const QRegularExpression pattern(QStringLiteral("^[a-zA-Z0-9:/_-]+$"));
    if (!pattern.match(name).hasMatch())
        return fail(errors::Validation,
                    modelError(name, QStringLiteral("satisfy regular expression pattern: ^[a-zA-Z0-9:/_-]+$")));
    if (!name.startsWith(kAliasNamePrefix))
        return fail(errors::InvalidAliasName, QStringLiteral("Alias must start with the prefix \"alias/\"."));
    // alias/aws/… names belong to AWS managed keys: users may not create, repoint or delete them.
    if (name.startsWith(kReservedAliasPrefix))
        return fail(errors::InvalidAliasName, QStringLiteral("Alias must not begin with 'alias/aws/'. That prefix is "
                                                             "reserved for AWS managed keys."));
    return {};
}

} // namespace qkms::kms
