#include "Operations.h"

#include "OperationSupport.h"
#include "kms/KmsService.h"

#include <QJsonDocument>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace qkms::server {

namespace {

const OperationTable &table()
{
    static const OperationTable t = [] {
        OperationTable built;
        addKeyOperations(built);
        addCryptoOperations(built);
        return built;
    }();
    return t;
}

// AWS names members in validation messages in lower camel case: 'keyId', 'numberOfBytes'.
QString memberPath(const char *name)
{
    QString s = QString::fromLatin1(name);
    if (!s.isEmpty())
        s[0] = s[0].toLower();
    return s;
}

void wipe(QByteArray &bytes)
{
    std::fill(bytes.begin(), bytes.end(), '\0');
}

} // namespace

// ---- JsonArgs ----

void JsonArgs::setError(const QString &type, const QString &message)
{
    if (!m_error)
        m_error = KmsError{type, message};
}

QJsonValue JsonArgs::member(const char *name, Need need, QJsonValue::Type type, const char *typeName)
{
    const QJsonValue v = m_body.value(QLatin1String(name));
    if (v.isUndefined() || v.isNull()) {
        if (need == Required)
            setError(qkms::errors::Validation,
                     u"1 validation error detected: Value null at '%1' failed to satisfy constraint: Member must not be null"_s
                         .arg(memberPath(name)));
        return QJsonValue::Undefined;
    }
    if (v.type() != type) {
        setError(errors::Serialization,
                 u"Member '%1' must be %2."_s.arg(QLatin1String(name), QLatin1String(typeName)));
        return QJsonValue::Undefined;
    }
    return v;
}

QString JsonArgs::string(const char *name, Need need, const QString &fallback)
{
    const QJsonValue v = member(name, need, QJsonValue::String, "a string");
    return v.isUndefined() ? fallback : v.toString();
}

std::optional<QString> JsonArgs::optionalString(const char *name)
{
    const QJsonValue v = member(name, Optional, QJsonValue::String, "a string");
    return v.isUndefined() ? std::nullopt : std::optional(v.toString());
}

std::optional<int> JsonArgs::integer(const char *name, Need need)
{
    const QJsonValue v = member(name, need, QJsonValue::Double, "a number");
    if (v.isUndefined())
        return std::nullopt;
    const double d = v.toDouble();
    // Range first: converting an out-of-range double to an integer is undefined.
    if (!(d >= -2147483648.0 && d <= 2147483647.0) || d != static_cast<double>(static_cast<int>(d))) {
        setError(errors::Serialization, u"Member '%1' must be an integer."_s.arg(QLatin1String(name)));
        return std::nullopt;
    }
    return static_cast<int>(d);
}

bool JsonArgs::boolean(const char *name, bool fallback)
{
    const QJsonValue v = member(name, Optional, QJsonValue::Bool, "a boolean");
    return v.isUndefined() ? fallback : v.toBool();
}

QByteArray JsonArgs::blob(const char *name, Need need)
{
    const QJsonValue v = member(name, need, QJsonValue::String, "a base64 string");
    if (v.isUndefined())
        return {};
    auto decoded = QByteArray::fromBase64Encoding(v.toString().toLatin1(), QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded) {
        setError(errors::Serialization, u"Member '%1' is not valid base64."_s.arg(QLatin1String(name)));
        return {};
    }
    return *decoded;
}

QCA::SecureArray JsonArgs::secretBlob(const char *name, Need need)
{
    const QJsonValue v = member(name, need, QJsonValue::String, "a base64 string");
    if (v.isUndefined())
        return {};
    // The request body and the parsed JSON already hold the base64 text; the decoded bytes go
    // into a SecureArray at once and the temporaries are wiped.
    QByteArray text = v.toString().toLatin1();
    auto decoded = QByteArray::fromBase64Encoding(text, QByteArray::AbortOnBase64DecodingErrors);
    wipe(text);
    if (!decoded) {
        setError(errors::Serialization, u"Member '%1' is not valid base64."_s.arg(QLatin1String(name)));
        return {};
    }
    QCA::SecureArray out(decoded.decoded);
    wipe(decoded.decoded);
    return out;
}

kms::EncryptionContext JsonArgs::stringMap(const char *name)
{
    const QJsonObject o = member(name, Optional, QJsonValue::Object, "an object").toObject();
    kms::EncryptionContext out;
    for (auto it = o.begin(); it != o.end(); ++it) {
        if (!it.value().isString()) {
            setError(errors::Serialization, u"The values of '%1' must be strings."_s.arg(QLatin1String(name)));
            return {};
        }
        out.insert(it.key(), it.value().toString());
    }
    return out;
}

QStringList JsonArgs::stringList(const char *name, Need need)
{
    const QJsonArray a = member(name, need, QJsonValue::Array, "a list").toArray();
    QStringList out;
    for (const QJsonValue &v : a) {
        if (!v.isString()) {
            setError(errors::Serialization, u"The items of '%1' must be strings."_s.arg(QLatin1String(name)));
            return {};
        }
        out.append(v.toString());
    }
    return out;
}

kms::Tags JsonArgs::tags(const char *name)
{
    const QJsonArray a = member(name, Optional, QJsonValue::Array, "a list").toArray();
    kms::Tags out;
    for (const QJsonValue &v : a) {
        const QJsonObject tag = v.toObject();
        if (!v.isObject() || !tag.value(u"TagKey").isString() || !tag.value(u"TagValue").isString()) {
            setError(errors::Serialization, u"Each item of '%1' must be {\"TagKey\": …, \"TagValue\": …}."_s
                                                .arg(QLatin1String(name)));
            return {};
        }
        out.insert(tag.value(u"TagKey").toString(), tag.value(u"TagValue").toString());
    }
    return out;
}

QJsonObject JsonArgs::object(const char *name)
{
    return member(name, Optional, QJsonValue::Object, "an object").toObject();
}

// ---- helpers ----

QString base64(const QByteArray &bytes)
{
    return QString::fromLatin1(bytes.toBase64());
}

Result<OperationResult> empty(const Status &st)
{
    if (!st)
        return std::unexpected(st.error());
    return OperationResult{};
}

// ---- Operations ----

QStringList Operations::names()
{
    QStringList out = table().keys();
    out.sort();
    return out;
}

bool Operations::isKnown(const QString &operation)
{
    return table().contains(operation);
}

Result<OperationResult> Operations::run(kms::KmsService &service, const kms::Caller &caller, const QString &operation,
                                        const QJsonObject &request)
{
    const auto it = table().constFind(operation);
    if (it == table().constEnd())
        return fail(errors::UnknownOperation, u"Operation %1 is not supported by this endpoint."_s.arg(operation));
    JsonArgs args(request);
    if (args.has("GrantTokens")) {
        const QStringList tokens = args.stringList("GrantTokens");
        if (auto e = args.error())
            return std::unexpected(*e);
        if (auto st = service.checkGrantTokens(tokens); !st)
            return std::unexpected(st.error());
    }
    return (*it)(service, caller, args);
}

QCA::SecureArray Operations::serialize(const OperationResult &result)
{
    QByteArray json = QJsonDocument(result.body).toJson(QJsonDocument::Compact);
    if (result.secretField.isEmpty())
        return QCA::SecureArray(json);
    // {"A":1} + "Plaintext":"…" → {"A":1,"Plaintext":"…"}; the base64 is made inside the SecureArray.
    json.chop(1);
    QCA::SecureArray out(json);
    if (json.size() > 1)
        out += QCA::SecureArray(QByteArrayLiteral(","));
    out += QCA::SecureArray('"' + result.secretField.toLatin1() + "\":\"");
    out += QCA::SecureArray(QCA::Base64().encode(result.secret));
    out += QCA::SecureArray(QByteArrayLiteral("\"}"));
    return out;
}

} // namespace qkms::server
