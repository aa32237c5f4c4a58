#include "Args.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>

namespace qkms::cli {

Result<Args> Args::parse(const QStringList &words, const QStringList &flags)
{
    Args a;
    for (qsizetype i = 0; i < words.size(); ++i) {
        const QString &w = words[i];
        if (!w.startsWith(QStringLiteral("--")) || w == QStringLiteral("--")) {
            a.m_positional.append(w);
            continue;
        }
        QString name = w.mid(2);
        if (const qsizetype eq = name.indexOf(u'='); eq > 0) {
            a.m_values.insert(name.left(eq), name.mid(eq + 1));
            continue;
        }
        if (flags.contains(name)) {
            a.m_flags.append(name);
            continue;
        }
        if (name.startsWith(QStringLiteral("no-")) && flags.contains(name.mid(3))) {
            a.m_flags.append(name); // explicit negation, e.g. --no-bypass-policy-lockout-safety-check
            continue;
        }
        if (i + 1 >= words.size())
            return fail(kUsageError, QStringLiteral("argument --%1: expected one argument").arg(name));
        a.m_values.insert(name, words[++i]);
    }
    return a;
}

std::optional<QString> Args::value(const QString &name) const
{
    if (auto it = m_values.constFind(name); it != m_values.constEnd())
        return *it;
    return std::nullopt;
}

Result<QString> Args::required(const QString &name) const
{
    if (auto v = value(name))
        return *v;
    return fail(kUsageError, QStringLiteral("the following arguments are required: --%1").arg(name));
}

Result<std::optional<qint64>> Args::integer(const QString &name, qint64 min, qint64 max) const
{
    const auto v = value(name);
    if (!v)
        return std::optional<qint64>{};
    bool ok = false;
    const qint64 n = v->toLongLong(&ok);
    if (!ok)
        return fail(kUsageError, QStringLiteral("invalid value for --%1: '%2' is not an integer").arg(name, *v));
    if (n < min || n > max)
        return fail(errors::Validation, QStringLiteral("1 validation error detected: Value '%1' at '%2' failed to "
                                                       "satisfy constraint: Member must have value %3")
                                            .arg(*v, name,
                                                 n < min ? QStringLiteral("greater than or equal to %1").arg(min)
                                                         : QStringLiteral("less than or equal to %1").arg(max)));
    return std::optional<qint64>{n};
}

Result<QByteArray> readFileArgument(const QString &spec)
{
    QString path;
    if (spec.startsWith(QStringLiteral("fileb://")))
        path = spec.mid(8);
    else if (spec.startsWith(QStringLiteral("file://")))
        path = spec.mid(7);
    else
        return spec.toUtf8();
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return fail(errors::Validation, QStringLiteral("Error parsing parameter: Unable to load paramfile %1: %2")
                                            .arg(spec, f.errorString()));
    return f.readAll();
}

Result<std::optional<QByteArray>> Args::blob(const QString &name) const
{
    const auto v = value(name);
    if (!v)
        return std::optional<QByteArray>{};
    if (v->startsWith(QStringLiteral("fileb://")) || v->startsWith(QStringLiteral("file://"))) {
        auto bytes = readFileArgument(*v);
        if (!bytes)
            return std::unexpected(bytes.error());
        return std::optional<QByteArray>{*bytes};
    }
    auto decoded = QByteArray::fromBase64Encoding(v->toLatin1(), QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded)
        return fail(errors::Validation,
                    QStringLiteral("Invalid base64 for --%1 (use fileb://path for raw bytes)").arg(name));
    return std::optional<QByteArray>{*decoded};
}

Result<std::optional<QHash<QString, QString>>> Args::map(const QString &name) const
{
    const auto v = value(name);
    if (!v)
        return std::optional<QHash<QString, QString>>{};
    QString text = *v;
    if (text.startsWith(QStringLiteral("file://"))) {
        auto bytes = readFileArgument(text);
        if (!bytes)
            return std::unexpected(bytes.error());
        text = QString::fromUtf8(*bytes);
    }
    QHash<QString, QString> out;
    if (text.trimmed().startsWith(u'{')) {
        QJsonParseError err{};
        const QJsonDocument doc = QJsonDocument::fromJson(text.toUtf8(), &err);
        if (err.error != QJsonParseError::NoError || !doc.isObject())
            return fail(errors::Validation, QStringLiteral("Error parsing parameter '--%1': Invalid JSON: %2")
                                                .arg(name, err.errorString()));
        const QJsonObject o = doc.object();
        for (auto it = o.begin(); it != o.end(); ++it) {
            if (!it.value().isString())
                return fail(errors::Validation,
                            QStringLiteral("Error parsing parameter '--%1': value of '%2' must be a string").arg(name, it.key()));
            out.insert(it.key(), it.value().toString());
        }
        return std::optional<QHash<QString, QString>>{out};
    }
    for (const QString &pair : text.split(u',', Qt::SkipEmptyParts)) {
        const qsizetype eq = pair.indexOf(u'=');
        if (eq <= 0)
            return fail(errors::Validation,
                        QStringLiteral("Error parsing parameter '--%1': Expected: '=', received: '%2'").arg(name, pair));
        out.insert(pair.left(eq), pair.mid(eq + 1));
    }
    return std::optional<QHash<QString, QString>>{out};
}

Status Args::allowOnly(const QStringList &known) const
{
    QStringList unknown;
    for (auto it = m_values.constBegin(); it != m_values.constEnd(); ++it)
        if (!known.contains(it.key()))
            unknown.append(QStringLiteral("--") + it.key());
    for (const QString &f : m_flags) {
        const QString base = f.startsWith(QStringLiteral("no-")) ? f.mid(3) : f;
        if (!known.contains(f) && !known.contains(base))
            unknown.append(QStringLiteral("--") + f);
    }
    if (!unknown.isEmpty()) {
        unknown.sort();
        return fail(kUsageError, QStringLiteral("Unknown options: %1").arg(unknown.join(QStringLiteral(", "))));
    }
    return {};
}

} // namespace qkms::cli
