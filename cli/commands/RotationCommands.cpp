// enable-key-rotation, disable-key-rotation, get-key-rotation-status, rotate-key-on-demand,
// list-key-rotations (as `aws kms`), and schedule: the forecast of rotations and deletions.

#include "Output.h"
#include "kms/KmsService.h"
#include "kms/Scheduler.h"

#include <QJsonArray>

namespace qkms::cli {

using namespace Qt::StringLiterals;

namespace {

Result<QJsonObject> enableKeyRotation(Session &s, const QStringList &words)
{
    auto c = parseKeyCommand(words, {u"key-id"_s, u"rotation-period-in-days"_s});
    if (!c)
        return std::unexpected(c.error());
    auto period = intOption(c->parsed.args, u"rotation-period-in-days"_s);
    if (!period)
        return std::unexpected(period.error());
    if (auto opened = openEngine(s, *c); !opened)
        return std::unexpected(opened.error());
    return nothing(c->service().enableKeyRotation(c->caller(), c->keyId, period->value_or(365)));
}

Result<QJsonObject> disableKeyRotation(Session &s, const QStringList &words)
{
    auto c = keyCommand(s, words, {u"key-id"_s});
    if (!c)
        return std::unexpected(c.error());
    return nothing(c->service().disableKeyRotation(c->caller(), c->keyId));
}

Result<QJsonObject> getKeyRotationStatus(Session &s, const QStringList &words)
{
    auto c = keyCommand(s, words, {u"key-id"_s});
    if (!c)
        return std::unexpected(c.error());
    auto status = c->service().getKeyRotationStatus(c->caller(), c->keyId);
    if (!status)
        return std::unexpected(status.error());
    return kms::json::rotationStatus(*status);
}

Result<QJsonObject> rotateKeyOnDemand(Session &s, const QStringList &words)
{
    auto c = keyCommand(s, words, {u"key-id"_s});
    if (!c)
        return std::unexpected(c.error());
    auto rotated = c->service().rotateKeyOnDemand(c->caller(), c->keyId);
    if (!rotated)
        return std::unexpected(rotated.error());
    return QJsonObject{{u"KeyId"_s, *rotated}};
}

Result<QJsonObject> listKeyRotations(Session &s, const QStringList &words)
{
    auto c = parseKeyCommand(words, {u"key-id"_s, u"limit"_s, u"marker"_s});
    if (!c)
        return std::unexpected(c.error());
    auto limit = intOption(c->parsed.args, u"limit"_s);
    if (!limit)
        return std::unexpected(limit.error());
    if (auto opened = openEngine(s, *c); !opened)
        return std::unexpected(opened.error());
    auto page = c->service().listKeyRotations(c->caller(), c->keyId, limit->value_or(100),
                                              c->parsed.args.value(u"marker"_s).value_or(QString()));
    if (!page)
        return std::unexpected(page.error());
    return kms::json::rotationList(*page);
}

QString isoDate(const std::optional<QDateTime> &t)
{
    return t ? t->toUTC().toString(Qt::ISODate) : QString();
}

Result<QJsonObject> schedule(Session &s, const QStringList &words)
{
    auto a = parseCommand(words, {u"days"_s});
    if (!a)
        return std::unexpected(a.error());
    auto days = intOption(a->args, u"days"_s);
    if (!days)
        return std::unexpected(days.error());
    auto e = engine(s); // opening the service has already run what was due
    if (!e)
        return std::unexpected(e.error());
    kms::Scheduler scheduler(*e->service);
    auto forecast = scheduler.forecast(days->value_or(30));
    if (!forecast)
        return std::unexpected(forecast.error());
    auto keys = scheduler.keySchedules();
    if (!keys)
        return std::unexpected(keys.error());
    const QDateTime now = s.clock().now();
    if (s.options().output == u"text" && s.options().query.isEmpty()) {
        // A table a person reads; --output json (the default) is for scripts.
        QString text = u"Forecast from %1 for %2 days:\n"_s.arg(isoDate(now)).arg(days->value_or(30));
        if (forecast->isEmpty())
            text += u"  nothing is due\n"_s;
        for (const kms::ScheduledEvent &ev : *forecast)
            text += u"  %1  %2  %3  %4%5\n"_s.arg(isoDate(ev.dueAt),
                                                  ev.daysLeft == 0 ? u"due now    "_s
                                                                   : u"in %1 days"_s.arg(ev.daysLeft).leftJustified(11),
                                                  ev.kind == kms::ScheduledEvent::Kind::Rotation ? u"rotation"_s
                                                                                                 : u"deletion"_s,
                                                  ev.keyId, ev.awsManaged ? u" (AWS managed)"_s : QString());
        s.out().write(text.toUtf8());
        return QJsonObject{};
    }
    QJsonArray events;
    for (const kms::ScheduledEvent &ev : *forecast)
        events.append(QJsonObject{{u"Date"_s, isoDate(ev.dueAt)},
                                  {u"DaysLeft"_s, ev.daysLeft},
                                  {u"Event"_s, ev.kind == kms::ScheduledEvent::Kind::Rotation ? u"Rotation"_s : u"Deletion"_s},
                                  {u"KeyId"_s, ev.keyId},
                                  {u"KeyArn"_s, ev.keyArn},
                                  {u"KeyManager"_s, ev.awsManaged ? u"AWS"_s : u"CUSTOMER"_s}});
    QJsonArray perKey;
    for (const kms::KeySchedule &k : *keys) {
        QJsonObject o{{u"KeyId"_s, k.keyId},
                      {u"KeyManager"_s, kms::toString(k.keyManager)},
                      {u"KeyState"_s, kms::toString(k.keyState)},
                      {u"KeyRotationEnabled"_s, k.rotationEnabled}};
        if (k.periodDays)
            o.insert(u"RotationPeriodInDays", *k.periodDays);
        if (k.lastRotation)
            o.insert(u"LastRotationDate", isoDate(k.lastRotation));
        if (k.nextRotation)
            o.insert(u"NextRotationDate", isoDate(k.nextRotation));
        if (k.deletionDate)
            o.insert(u"DeletionDate", isoDate(k.deletionDate));
        if (k.daysLeft)
            o.insert(u"DaysLeft", *k.daysLeft);
        perKey.append(o);
    }
    return QJsonObject{{u"Now"_s, isoDate(now)},
                       {u"Until"_s, isoDate(now.addDays(days->value_or(30)))},
                       {u"Forecast"_s, events},
                       {u"Keys"_s, perKey}};
}

} // namespace

void registerRotationCommands()
{
    addCommand("enable-key-rotation", "EnableKeyRotation",
               "turn on automatic rotation (--rotation-period-in-days 90..2560, default 365)", enableKeyRotation);
    addCommand("disable-key-rotation", "DisableKeyRotation", "turn off automatic rotation; old versions stay usable",
               disableKeyRotation);
    addCommand("get-key-rotation-status", "GetKeyRotationStatus", "whether, how often and when a key rotates next",
               getKeyRotationStatus);
    addCommand("rotate-key-on-demand", "RotateKeyOnDemand", "rotate now (at most 25 times per key)", rotateKeyOnDemand);
    addCommand("list-key-rotations", "ListKeyRotations", "completed rotations of a key (--limit, --marker)",
               listKeyRotations);
    addCommand("schedule", "Schedule",
               "rotations and deletions due in the next --days N (default 30), and each key's schedule",
               schedule);
}

} // namespace qkms::cli
