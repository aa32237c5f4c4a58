#include "kms/AuditRecord.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <utility>

using namespace Qt::StringLiterals;

namespace qkms::kms {

namespace {

/// Qt's own bytes for one value, for the rare values the fast paths below do not cover
/// (strings needing escapes or UTF-8, numbers): serialise it as the only element of an array
/// and drop the brackets. Slow, but byte-identical by construction.
void appendViaQt(QByteArray &out, const QJsonValue &value)
{
    const QByteArray array = QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact);
    out.append(array.constData() + 1, array.size() - 2);
}

/// A JSON string. Printable ASCII without '"' and '\\' — ARNs, ids, names, nearly every value —
/// is written as it is; anything else goes through Qt so its escaping stays Qt's.
void appendString(QByteArray &out, QStringView s)
{
    const qsizetype start = out.size();
    out.resize(start + s.size() + 2);
    char *p = out.data() + start;
    *p++ = '"';
    for (const QChar ch : s) {
        const char16_t u = ch.unicode();
        if (u < 0x20 || u > 0x7e || u == u'"' || u == u'\\') {
            out.truncate(start);
            appendViaQt(out, QJsonValue(s.toString()));
            return;
        }
        *p++ = static_cast<char>(u);
    }
    *p = '"';
}

void appendValue(QByteArray &out, const QJsonValue &value);

void appendObject(QByteArray &out, const QJsonObject &object)
{
    // QJsonObject keeps its keys sorted; QJsonDocument writes them in that stored order.
    out.append('{');
    bool first = true;
    for (auto it = object.constBegin(); it != object.constEnd(); ++it) {
        if (!first)
            out.append(',');
        first = false;
        appendString(out, it.key());
        out.append(':');
        appendValue(out, it.value());
    }
    out.append('}');
}

void appendValue(QByteArray &out, const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::Bool:
        out.append(value.toBool() ? "true" : "false");
        return;
    case QJsonValue::Null:
        out.append("null");
        return;
    case QJsonValue::String:
        appendString(out, value.toString());
        return;
    case QJsonValue::Object:
        appendObject(out, value.toObject());
        return;
    case QJsonValue::Array: {
        const QJsonArray array = value.toArray();
        out.append('[');
        for (qsizetype i = 0; i < array.size(); ++i) {
            if (i > 0)
                out.append(',');
            appendValue(out, array.at(i));
        }
        out.append(']');
        return;
    }
    default: // numbers (Qt's shortest round-trip formatting) and anything newer
        appendViaQt(out, value);
        return;
    }
}

void appendMember(QByteArray &out, const char *quotedKeyColon, QStringView value)
{
    out.append(quotedKeyColon);
    appendString(out, value);
}

} // namespace

void AuditParams::beginMember(QLatin1StringView key)
{
    m_out.append(m_out.isEmpty() ? '{' : ',');
    m_out.append('"').append(key.data(), key.size()).append("\":");
}

AuditParams &AuditParams::add(QLatin1StringView key, QStringView value)
{
    beginMember(key);
    appendString(m_out, value);
    return *this;
}

AuditParams &AuditParams::add(QLatin1StringView key, int value)
{
    beginMember(key);
    appendViaQt(m_out, QJsonValue(value));
    return *this;
}

AuditParams &AuditParams::add(QLatin1StringView key, const QMap<QString, QString> &members)
{
    beginMember(key);
    const auto isAscii = [](const QString &k) {
        for (const QChar ch : k)
            if (ch.unicode() > 0x7f)
                return false;
        return true;
    };
    bool ascii = true;
    for (auto it = members.cbegin(); ascii && it != members.cend(); ++it)
        ascii = isAscii(it.key());
    if (!ascii) { // QJsonObject's own order for other keys
        QJsonObject o;
        for (auto it = members.cbegin(); it != members.cend(); ++it)
            o.insert(it.key(), it.value());
        appendObject(m_out, o);
        return *this;
    }
    m_out.append('{');
    for (auto it = members.cbegin(); it != members.cend(); ++it) {
        if (it != members.cbegin())
            m_out.append(',');
        appendString(m_out, it.key());
        m_out.append(':');
        appendString(m_out, it.value());
    }
    m_out.append('}');
    return *this;
}

QByteArray AuditParams::take()
{
    if (m_out.isEmpty())
        m_out.append('{');
    m_out.append('}');
    return std::exchange(m_out, {});
}

QString isoDateTime(const QDateTime &t)
{
    if (!t.isValid() || t.timeSpec() != Qt::UTC)
        return t.toString(Qt::ISODate);
    struct Memo {
        qint64 secs = 0;
        QString text;
    };
    thread_local Memo memo;
    const qint64 secs = t.toSecsSinceEpoch();
    if (memo.text.isEmpty() || memo.secs != secs)
        memo = {secs, t.toString(Qt::ISODate)};
    return memo.text;
}

QString AuditRecord::identityType(const QString &principalArn)
{
    if (principalArn.endsWith(":root"_L1))
        return u"Root"_s;
    return principalArn.contains(":role/"_L1) ? u"AssumedRole"_s : u"IAMUser"_s;
}

bool AuditRecord::isReadOnly(const QString &operation)
{
    return operation.startsWith("Describe"_L1) || operation.startsWith("List"_L1) || operation.startsWith("Get"_L1);
}

QString AuditRecord::userAgent(const QString &frontEnd)
{
    return u"qkms/%1 %2"_s.arg(QStringLiteral(QKMS_VERSION), frontEnd);
}

QJsonObject AuditRecord::toJsonObject() const
{
    QJsonObject identity;
    identity.insert(u"type", identityType(principalArn));
    identity.insert(u"arn", principalArn);
    identity.insert(u"accountId", accountId);
    QJsonObject e;
    e.insert(u"eventVersion", u"1.08"_s);
    e.insert(u"userIdentity", identity);
    e.insert(u"eventTime", time.toString(Qt::ISODate));
    e.insert(u"eventSource", u"kms.amazonaws.com"_s);
    e.insert(u"eventName", operation);
    e.insert(u"awsRegion", region);
    e.insert(u"sourceIPAddress", sourceAddress.isEmpty() ? u"qkms-"_s + frontEnd : sourceAddress);
    e.insert(u"userAgent", userAgent(frontEnd));
    e.insert(u"requestParameters", paramsJson.isEmpty() ? params : QJsonDocument::fromJson(paramsJson).object());
    if (error) {
        e.insert(u"errorCode", error->type);
        e.insert(u"errorMessage", error->message);
    }
    e.insert(u"eventID", eventId.toString(QUuid::WithoutBraces));
    e.insert(u"readOnly", isReadOnly(operation));
    if (!keyArn.isEmpty())
        e.insert(u"resources", QJsonArray{QJsonObject{{u"accountId"_s, accountId},
                                                      {u"type"_s, u"AWS::KMS::Key"_s},
                                                      {u"ARN"_s, keyArn}}});
    e.insert(u"eventType", u"AwsApiCall"_s);
    e.insert(u"managementEvent", true);
    e.insert(u"recipientAccountId", accountId);
    QJsonObject extra{{u"frontEnd"_s, frontEnd}};
    if (simulatedTime)
        extra.insert(u"simulatedTime", true);
    e.insert(u"additionalEventData", extra);
    return e;
}

QByteArray AuditRecord::toJson() const
{
    QByteArray out;
    out.reserve(640 + params.size() * 48 + paramsJson.size() + (error ? error->message.size() : 0));
    // Members in QJsonObject's (sorted) order, as QJsonDocument writes them.
    appendMember(out, "{\"additionalEventData\":{\"frontEnd\":", frontEnd);
    out.append(simulatedTime ? ",\"simulatedTime\":true}" : "}");
    appendMember(out, ",\"awsRegion\":", region);
    if (error) {
        appendMember(out, ",\"errorCode\":", error->type);
        appendMember(out, ",\"errorMessage\":", error->message);
    }
    out.append(",\"eventID\":\"");
    out.append(eventId.toByteArray(QUuid::WithoutBraces));
    appendMember(out, "\",\"eventName\":", operation);
    out.append(",\"eventSource\":\"kms.amazonaws.com\",\"eventTime\":");
    appendString(out, isoDateTime(time));
    out.append(",\"eventType\":\"AwsApiCall\",\"eventVersion\":\"1.08\",\"managementEvent\":true,\"readOnly\":");
    out.append(isReadOnly(operation) ? "true" : "false");
    appendMember(out, ",\"recipientAccountId\":", accountId);
    out.append(",\"requestParameters\":");
    if (paramsJson.isEmpty())
        appendObject(out, params);
    else
        out.append(paramsJson);
    if (!keyArn.isEmpty()) {
        appendMember(out, ",\"resources\":[{\"ARN\":", keyArn);
        appendMember(out, ",\"accountId\":", accountId);
        out.append(",\"type\":\"AWS::KMS::Key\"}]");
    }
    if (sourceAddress.isEmpty())
        appendMember(out, ",\"sourceIPAddress\":", QString(u"qkms-"_s + frontEnd));
    else
        appendMember(out, ",\"sourceIPAddress\":", sourceAddress);
    appendMember(out, ",\"userAgent\":", userAgent(frontEnd));
    appendMember(out, ",\"userIdentity\":{\"accountId\":", accountId);
    appendMember(out, ",\"arn\":", principalArn);
    appendMember(out, ",\"type\":", identityType(principalArn));
    out.append("}}");
    return out;
}

} // namespace qkms::kms
