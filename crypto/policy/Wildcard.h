#pragma once

#include <QString>
#include <QStringList>
#include <QStringView>

#include <array>
#include <optional>

namespace qkms::policy {

/// IAM-style glob: `*` matches any run of characters (also none), `?` exactly one. No escapes,
/// as in IAM. Runs in O(|pattern|·|text|) worst case with no recursion, so hostile patterns
/// from a policy cannot blow the stack.
[[nodiscard]] bool wildcardMatch(QStringView pattern, QStringView text,
                                 Qt::CaseSensitivity cs = Qt::CaseSensitive);

/// True when `pattern` contains `*` or `?`.
[[nodiscard]] bool hasWildcard(QStringView pattern);

/// ArnEquals/ArnLike matching: both strings must be ARNs of six colon-separated components
/// ("arn:partition:service:region:account:resource", the resource may itself hold colons), and
/// each component of `arn` must match the same component of `pattern` with wildcards,
/// case-sensitively. A pattern of exactly "*" matches any ARN. Anything that is not an ARN
/// never matches.
[[nodiscard]] bool arnMatch(QStringView pattern, QStringView arn);

/// Splits an ARN into its six components, or returns an empty list when `arn` is not one.
[[nodiscard]] QStringList splitArn(QStringView arn);

/// The six components of an ARN as views into `arn` (which must outlive them), or std::nullopt
/// when `arn` is not one: what splitArn() gives, without allocating, for the per-call paths.
[[nodiscard]] std::optional<std::array<QStringView, 6>> arnParts(QStringView arn);

} // namespace qkms::policy
