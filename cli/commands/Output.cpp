#include "Output.h"

#include "kms/KmsService.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>

#include <climits>

namespace qkms::cli {

Result<CommandArgs> parseCommand(const QStringList &words, const QStringList &known, const QStringList &flags,
                                 const QStringList &lists)
{
    auto parsed = Args::parse(words, flags);
    if (!parsed)
        return std::unexpected(parsed.error());
    if (auto st = parsed->allowOnly(known); !st)
        return std::unexpected(st.error());
    CommandArgs out{*parsed, {}};
    // Args keeps one value per option; a list option's further words reach it as positional
    // words, which are claimed back here. Whatever is left is a stray word.
    QStringList claimed;
    for (qsizetype i = 0; i < words.size(); ++i) {
        if (!words[i].startsWith(QStringLiteral("--")))
            continue;
        QString name = words[i].mid(2);
        QStringList values;
        if (const qsizetype eq = name.indexOf(u'='); eq > 0) {
            values.append(name.mid(eq + 1));
            name = name.left(eq);
        }
        if (!lists.contains(name))
            continue;
        for (qsizetype j = i + 1; j < words.size() && !words[j].startsWith(QStringLiteral("--")); ++j)
            values.append(words[j]);
        if (values.isEmpty()) // `--tags --x`: Args took "--x" as the value
            values.append(parsed->value(name).value_or(QString()));
        claimed += values.mid(1);
        out.lists[name] += values;
    }
    QStringList stray = parsed->positional();
    for (const QString &w : claimed)
        stray.removeOne(w);
    if (!stray.isEmpty())
        return fail(kUsageError, QStringLiteral("Unknown options: %1").arg(stray.join(QStringLiteral(", "))));
    return out;
}

Result<Engine> engine(Session &s)
{
    auto svc = s.service();
    if (!svc)
        return std::unexpected(svc.error());
    auto caller = s.caller();
    if (!caller)
        return std::unexpected(caller.error());
    return Engine{*svc, *caller};
}

Result<KeyCommand> parseKeyCommand(const QStringList &words, const QStringList &known, const QStringList &flags,
                                   const QStringList &lists)
{
    auto a = parseCommand(words, known, flags, lists);
    if (!a)
        return std::unexpected(a.error());
    auto keyId = a->args.required(QStringLiteral("key-id"));
    if (!keyId)
        return std::unexpected(keyId.error());
    return KeyCommand{std::move(*a), *keyId, {}};
}

Status openEngine(Session &s, KeyCommand &cmd)
{
    auto e = engine(s);
    if (!e)
        return std::unexpected(e.error());
    cmd.engine = std::move(*e);
    // Only commands that declare --grant-tokens as a list option take them.
    if (cmd.parsed.lists.contains(QStringLiteral("grant-tokens")))
        cmd.engine.caller.grantTokens = cmd.parsed.list(QStringLiteral("grant-tokens"));
    return {};
}

Result<KeyCommand> keyCommand(Session &s, const QStringList &words, const QStringList &known,
                              const QStringList &flags, const QStringList &lists)
{
    auto cmd = parseKeyCommand(words, known, flags, lists);
    if (!cmd)
        return std::unexpected(cmd.error());
    if (auto opened = openEngine(s, *cmd); !opened)
        return std::unexpected(opened.error());
    return cmd;
}

Result<std::optional<QCA::SecureArray>> secretBlob(const Args &args, const QString &name)
{
    const auto v = args.value(name);
    if (!v)
        return std::optional<QCA::SecureArray>{};
    if (!v->startsWith(QStringLiteral("fileb://"))) {
        auto bytes = args.blob(name);
        if (!bytes)
            return std::unexpected(bytes.error());
        QCA::SecureArray secret(**bytes);
        (*bytes)->fill('\0'); // the only reference: fill() wipes it in place
        return std::optional<QCA::SecureArray>{secret};
    }
    QFile f(v->mid(8));
    if (!f.open(QIODevice::ReadOnly))
        return fail(errors::Validation, QStringLiteral("Error parsing parameter '--%1': Unable to load paramfile %2: %3")
                                            .arg(name, *v, f.errorString()));
    // Read straight into secure memory; the size of a pipe (fileb:///dev/stdin) is not known.
    QCA::SecureArray out(static_cast<int>(qBound<qint64>(4096, f.size() + 1, qint64(INT_MAX) / 2)));
    qint64 used = 0;
    while (true) {
        if (used == out.size())
            out.resize(out.size() * 2);
        const qint64 n = f.read(out.data() + used, out.size() - used);
        if (n < 0)
            return fail(errors::Validation, QStringLiteral("Error parsing parameter '--%1': cannot read %2: %3")
                                                .arg(name, *v, f.errorString()));
        if (n == 0)
            break;
        used += n;
    }
    out.resize(static_cast<int>(used));
    return std::optional<QCA::SecureArray>{out};
}

Result<QByteArray> requiredBlob(const Args &args, const QString &name)
{
    if (!args.has(name))
        return fail(kUsageError, QStringLiteral("the following arguments are required: --%1").arg(name));
    auto b = args.blob(name);
    if (!b)
        return std::unexpected(b.error());
    return **b;
}

Result<kms::EncryptionContext> contextOption(const Args &args, const QString &name)
{
    auto m = args.map(name);
    if (!m)
        return std::unexpected(m.error());
    kms::EncryptionContext context;
    if (*m)
        for (auto it = (*m)->constBegin(); it != (*m)->constEnd(); ++it)
            context.insert(it.key(), it.value());
    return context;
}

Result<std::optional<int>> intOption(const Args &args, const QString &name)
{
    auto n = args.integer(name, INT_MIN, INT_MAX);
    if (!n)
        return std::unexpected(n.error());
    if (!*n)
        return std::optional<int>{};
    return std::optional<int>{static_cast<int>(**n)};
}

Result<kms::Tags> parseTags(const QStringList &values, const QString &option)
{
    auto parseError = [&](const QString &why) {
        return fail(kUsageError, QStringLiteral("Error parsing parameter '--%1': %2").arg(option, why));
    };
    kms::Tags tags;
    if (values.size() == 1 && (values[0].trimmed().startsWith(u'[') || values[0].startsWith(QStringLiteral("file://")))) {
        auto text = readFileArgument(values[0]);
        if (!text)
            return std::unexpected(text.error());
        QJsonParseError err{};
        const QJsonDocument doc = QJsonDocument::fromJson(*text, &err);
        if (err.error != QJsonParseError::NoError || !doc.isArray())
            return parseError(QStringLiteral("Invalid JSON: expected a list of {\"TagKey\", \"TagValue\"}"));
        for (const QJsonValue &v : doc.array()) {
            const QJsonObject o = v.toObject();
            if (!o.value(u"TagKey").isString() || !o.value(u"TagValue").isString())
                return parseError(QStringLiteral("each tag needs string TagKey and TagValue"));
            tags.insert(o.value(u"TagKey").toString(), o.value(u"TagValue").toString());
        }
        return tags;
    }
    for (const QString &value : values) {
        std::optional<QString> key;
        std::optional<QString> val;
        for (const QString &pair : value.split(u',')) {
            const qsizetype eq = pair.indexOf(u'=');
            if (eq <= 0)
                return parseError(QStringLiteral("Expected: '=', received: '%1'").arg(pair));
            if (pair.left(eq) == QStringLiteral("TagKey"))
                key = pair.mid(eq + 1);
            else if (pair.left(eq) == QStringLiteral("TagValue"))
                val = pair.mid(eq + 1);
            else
                return parseError(QStringLiteral("Unknown key '%1', expected TagKey or TagValue").arg(pair.left(eq)));
        }
        if (!key || !val)
            return parseError(QStringLiteral("'%1' needs both TagKey and TagValue").arg(value));
        tags.insert(*key, *val);
    }
    return tags;
}

QString base64(const QByteArray &bytes)
{
    return QString::fromLatin1(bytes.toBase64());
}

QCA::SecureArray base64Secret(const QCA::SecureArray &bytes)
{
    static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const int n = bytes.size();
    QCA::SecureArray out(((n + 2) / 3) * 4);
    const auto *in = reinterpret_cast<const unsigned char *>(bytes.constData());
    char *o = out.data();
    int i = 0;
    for (; i + 2 < n; i += 3) {
        const quint32 v = (quint32(in[i]) << 16) | (quint32(in[i + 1]) << 8) | in[i + 2];
        *o++ = alphabet[(v >> 18) & 63];
        *o++ = alphabet[(v >> 12) & 63];
        *o++ = alphabet[(v >> 6) & 63];
        *o++ = alphabet[v & 63];
    }
    if (i < n) {
        const quint32 v = (quint32(in[i]) << 16) | (i + 1 < n ? quint32(in[i + 1]) << 8 : 0);
        *o++ = alphabet[(v >> 18) & 63];
        *o++ = alphabet[(v >> 12) & 63];
        *o++ = i + 1 < n ? alphabet[(v >> 6) & 63] : '=';
        *o++ = '=';
    }
    return out;
}

namespace {

// Session::print's text rendering, for the flat responses that carry a secret.
QString textOf(const QJsonValue &v)
{
    switch (v.type()) {
    case QJsonValue::String:
        return v.toString();
    case QJsonValue::Bool:
        return v.toBool() ? QStringLiteral("True") : QStringLiteral("False");
    case QJsonValue::Double:
        return QString::number(v.toDouble(), 'g', 16);
    case QJsonValue::Array: {
        QStringList parts;
        for (const QJsonValue &e : v.toArray())
            parts.append(textOf(e));
        return parts.join(u'\t');
    }
    case QJsonValue::Object:
        return QString::fromUtf8(QJsonDocument(v.toObject()).toJson(QJsonDocument::Compact));
    default:
        return QStringLiteral("None");
    }
}

} // namespace

QJsonObject printWithSecret(Session &s, QJsonObject result, const QString &secretField, const QCA::SecureArray &secret)
{
    // The response is rendered with a marker in place of the secret, then written in three
    // pieces: the secret goes from secure memory straight to the output device.
    static const QByteArray marker = QByteArrayLiteral("@@qkms-secret@@");
    result.insert(secretField, QString::fromLatin1(marker));
    QJsonValue selected = result;
    if (!s.options().query.isEmpty())
        for (const QString &part : s.options().query.split(u'.'))
            selected = selected.toObject().value(part);
    QByteArray rendered;
    if (s.options().output == QStringLiteral("text")) {
        QStringList parts;
        if (selected.isObject()) {
            const QJsonObject o = selected.toObject();
            for (auto it = o.begin(); it != o.end(); ++it)
                parts.append(textOf(it.value()));
        } else {
            parts.append(textOf(selected));
        }
        rendered = parts.join(u'\t').toUtf8() + '\n';
    } else if (selected.isObject()) {
        rendered = QJsonDocument(selected.toObject()).toJson(QJsonDocument::Indented);
    } else if (selected.isArray()) {
        rendered = QJsonDocument(selected.toArray()).toJson(QJsonDocument::Indented);
    } else {
        rendered = QJsonDocument(QJsonArray{selected}).toJson(QJsonDocument::Compact).mid(1).chopped(1) + '\n';
    }
    const qsizetype at = rendered.indexOf(marker);
    if (at < 0) {
        s.out().write(rendered);
        return {};
    }
    const QCA::SecureArray encoded = base64Secret(secret);
    s.out().write(rendered.constData(), at);
    s.out().write(encoded.constData(), encoded.size());
    s.out().write(rendered.constData() + at + marker.size(), rendered.size() - at - marker.size());
    return {};
}

void addCommand(const char *name, const char *operation, const char *summary,
                std::function<Result<QJsonObject>(Session &, const QStringList &)> run)
{
    registerCommand({QString::fromLatin1(name), QString::fromLatin1(operation), QString::fromUtf8(summary), std::move(run)});
}

Result<QJsonObject> nothing(const Status &st)
{
    if (!st)
        return std::unexpected(st.error());
    return QJsonObject{};
}

} // namespace qkms::cli
