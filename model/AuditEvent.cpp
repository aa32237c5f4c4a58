#include "AuditEvent.h"

#include "kms/AuditLog.h"
#include "kms/KmsService.h"
#include "store/Database.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>

namespace qkms::model {

QString AuditEvent::keyId() const
{
    const qsizetype slash = keyArn.lastIndexOf(u'/');
    return slash < 0 ? keyArn : keyArn.mid(slash + 1);
}

QString AuditEvent::principalName() const
{
    // arn:aws:iam::123456789012:user/alice → user/alice; the account is the same for every event.
    const QStringList parts = principalArn.split(u':');
    return parts.size() >= 6 ? parts.mid(5).join(u':') : principalArn;
}

QString AuditEvent::prettyJson() const
{
    QJsonParseError error{};
    const QJsonDocument doc = QJsonDocument::fromJson(json, &error);
    if (error.error != QJsonParseError::NoError)
        return QString::fromUtf8(json); // a tampered record may not even parse: show it as stored
    return QString::fromUtf8(doc.toJson(QJsonDocument::Indented)).trimmed();
}

AuditEvent AuditEvent::fromJson(qint64 seq, const QByteArray &json)
{
    AuditEvent e;
    e.seq = seq;
    e.json = json;
    const QJsonObject o = QJsonDocument::fromJson(json).object();
    e.time = QDateTime::fromString(o.value(u"eventTime").toString(), Qt::ISODate).toUTC();
    e.operation = o.value(u"eventName").toString();
    e.principalArn = o.value(u"userIdentity").toObject().value(u"arn").toString();
    const QJsonArray resources = o.value(u"resources").toArray();
    for (const QJsonValue &r : resources) {
        if (r.toObject().value(u"type").toString() == u"AWS::KMS::Key") {
            e.keyArn = r.toObject().value(u"ARN").toString();
            break;
        }
    }
    e.errorCode = o.value(u"errorCode").toString();
    e.errorMessage = o.value(u"errorMessage").toString();
    e.frontEnd = o.value(u"additionalEventData").toObject().value(u"frontEnd").toString();
    e.readOnly = o.value(u"readOnly").toBool();
    return e;
}

namespace auditlog {

namespace {

Result<QList<AuditEvent>> read(kms::KmsService &service, const QString &sql, qint64 bound, int limit)
{
    // Events of cryptographic operations may still wait in the group-commit buffer.
    if (auto st = service.audit().flush(); !st)
        return std::unexpected(st.error());
    auto q = service.database().prepare(sql);
    if (!q)
        return std::unexpected(q.error());
    q->bind(":bound", bound).bind(":limit", qint64(std::clamp(limit, 1, 100000)));
    QList<AuditEvent> out;
    while (true) {
        auto row = q->step();
        if (!row)
            return std::unexpected(row.error());
        if (!*row)
            break;
        out.append(AuditEvent::fromJson(q->columnInt(0), q->columnText(1).toUtf8()));
    }
    return out;
}

} // namespace

Result<QList<AuditEvent>> newer(kms::KmsService &service, qint64 afterSeq, int limit)
{
    return read(service, QStringLiteral("SELECT seq, event FROM audit WHERE seq > :bound ORDER BY seq LIMIT :limit"),
                afterSeq, limit);
}

Result<QList<AuditEvent>> older(kms::KmsService &service, qint64 beforeSeq, int limit)
{
    return read(service,
                QStringLiteral("SELECT seq, event FROM audit WHERE seq < :bound ORDER BY seq DESC LIMIT :limit"),
                beforeSeq, limit);
}

} // namespace auditlog

} // namespace qkms::model
