#pragma once

#include "core/KmsError.h"

#include <QHash>
#include <QStringList>

#include <optional>

namespace qkms::cli {

/// Error type for command-line usage mistakes (exit status 252, as the AWS CLI).
inline const QString kUsageError = QStringLiteral("UsageError");

/// The options of one command, AWS CLI style: `--name value`, `--flag`, `--no-flag`, and
/// positional words. Blob values follow the AWS CLI: `fileb://path` is raw bytes, `file://path`
/// is text, anything else is base64.
class Args
{
public:
    /// Splits `words`. `flags` names the options that take no value.
    [[nodiscard]] static Result<Args> parse(const QStringList &words, const QStringList &flags = {});

    [[nodiscard]] bool has(const QString &name) const { return m_values.contains(name) || m_flags.contains(name); }
    [[nodiscard]] std::optional<QString> value(const QString &name) const;
    /// The value of a required option; errors::Validation naming it when absent.
    [[nodiscard]] Result<QString> required(const QString &name) const;
    [[nodiscard]] bool flag(const QString &name) const { return m_flags.contains(name); }
    [[nodiscard]] const QStringList &positional() const { return m_positional; }
    /// Integer option within [min, max]; errors::Validation otherwise.
    [[nodiscard]] Result<std::optional<qint64>> integer(const QString &name, qint64 min, qint64 max) const;
    /// A blob option (fileb://, file://, or base64); std::nullopt when absent.
    [[nodiscard]] Result<std::optional<QByteArray>> blob(const QString &name) const;
    /// `k=v,k2=v2` or a JSON object, as the AWS CLI takes maps (e.g. --encryption-context).
    [[nodiscard]] Result<std::optional<QHash<QString, QString>>> map(const QString &name) const;
    /// Refuses options not in `known`, as the AWS CLI does ("Unknown options: --x").
    [[nodiscard]] Status allowOnly(const QStringList &known) const;

private:
    QHash<QString, QString> m_values;
    QStringList m_flags;
    QStringList m_positional;
};

/// Reads a file named by `spec` (fileb://, file://), or returns spec itself for other text.
[[nodiscard]] Result<QByteArray> readFileArgument(const QString &spec);

} // namespace qkms::cli
