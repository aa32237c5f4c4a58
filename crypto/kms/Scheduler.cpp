#include "kms/Scheduler.h"

#include "kms/KeyRows.h"
#include "kms/KmsService.h"
#include "kms/RotationRows.h"
#include "store/Database.h"
#include "vault/Vault.h"

#include <algorithm>

namespace qkms::kms {

namespace {

/// Whole days from `now` to `t`, rounded up, never negative: "7 days left" until the very end.
int daysUntil(const QDateTime &now, const QDateTime &t)
{
    const qint64 secs = now.secsTo(t);
    if (secs <= 0)
        return 0;
    return static_cast<int>((secs + 86399) / 86400);
}

} // namespace

int SchedulerReport::count(ScheduledEvent::Kind kind) const
{
    return static_cast<int>(
        std::count_if(done.begin(), done.end(), [kind](const ScheduledEvent &e) { return e.kind == kind; }));
}

Result<SchedulerReport> Scheduler::runDueDeletions()
{
    SchedulerReport report;
    auto deletions = rows::keysDueForDeletion(m_service.database(), m_service.vault().clock().now());
    if (!deletions)
        return std::unexpected(deletions.error());
    for (const QString &id : *deletions) {
        auto done = deleteIfDue(id);
        if (!done)
            report.failures.append({id, done.error()});
        else if (*done)
            report.done.append(**done);
    }
    return report;
}

Result<SchedulerReport> Scheduler::runDue()
{
    store::Database &db = m_service.database();
    const QDateTime now = m_service.vault().clock().now();
    // Deletions first: a key destroyed now needs no rotation, and a key pending deletion does
    // not rotate anyway.
    auto deleted = runDueDeletions();
    if (!deleted)
        return std::unexpected(deleted.error());
    SchedulerReport report = std::move(*deleted);
    // Imported material whose ValidTo passed goes (the key becomes PendingImport); audited as
    // DeleteExpiredKeyMaterial. Not a ScheduledEvent kind: only failures reach the report.
    if (auto expired = m_service.expireImportedMaterial(&report.failures); !expired)
        report.failures.append({QString(), expired.error()});
    auto rotations = rows::rotationCandidates(db, now);
    if (!rotations)
        return std::unexpected(rotations.error());
    for (const QString &id : *rotations) {
        auto done = m_service.rotateIfDue(id);
        if (!done) {
            report.failures.append({id, done.error()});
            continue;
        }
        if (!*done)
            continue; // not due after all (AWS-managed, not yet a year old), or another process did it
        ScheduledEvent e;
        e.kind = ScheduledEvent::Kind::Rotation;
        e.keyId = (*done)->keyId;
        e.keyArn = (*done)->keyArn;
        e.dueAt = (*done)->dueAt;
        e.ranAt = (*done)->ranAt;
        e.newVersion = (*done)->newVersion;
        e.missedPeriods = (*done)->missedPeriods;
        report.done.append(e);
    }
    return report;
}

Result<std::optional<ScheduledEvent>> Scheduler::deleteIfDue(const QString &keyId)
{
    store::Database &db = m_service.database();
    const QDateTime now = m_service.vault().clock().now();
    // As for rotations: checked again under the write lock, so a second process that listed the
    // same key finds it gone and neither destroys nor audits it twice.
    auto tx = store::Transaction::begin(db, store::Transaction::Kind::Immediate);
    if (!tx)
        return std::unexpected(tx.error());
    auto key = rows::loadKey(db, keyId);
    if (!key)
        return std::unexpected(key.error());
    if (!*key || (*key)->keyState != KeyState::PendingDeletion || !(*key)->deletionDate || *(*key)->deletionDate > now)
        return std::optional<ScheduledEvent>{};
    // Material versions, aliases and tags go with the row (ON DELETE CASCADE); secure_delete
    // zeroes the freed pages.
    if (auto st = rows::deleteKey(db, keyId); !st)
        return std::unexpected(st.error());
    if (auto st = tx->commit(); !st)
        return std::unexpected(st.error());
    ScheduledEvent e;
    e.kind = ScheduledEvent::Kind::Deletion;
    e.keyId = keyId;
    e.keyArn = (*key)->arn;
    e.dueAt = *(*key)->deletionDate;
    e.ranAt = now;
    const Caller scheduler{m_service.rootArn(), QStringLiteral("scheduler"), {}};
    m_service.record(scheduler, QStringLiteral("DeleteKey"), e.keyArn,
                     {{QStringLiteral("keyId"), keyId},
                      {QStringLiteral("dueAt"), e.dueAt.toString(Qt::ISODate)},
                      {QStringLiteral("ranAt"), now.toString(Qt::ISODate)}},
                     std::nullopt);
    return std::optional<ScheduledEvent>{e};
}

Result<QList<ScheduledEvent>> Scheduler::forecast(int days)
{
    if (days < 0 || days > 36500)
        return fail(errors::Validation,
                    QStringLiteral("1 validation error detected: Value '%1' at 'days' failed to satisfy constraint: "
                                   "Member must have value between 0 and 36500")
                        .arg(days));
    auto keys = rows::scheduledKeys(m_service.database(), false);
    if (!keys)
        return std::unexpected(keys.error());
    const QDateTime now = m_service.vault().clock().now();
    const QDateTime until = now.addDays(days);
    QList<ScheduledEvent> out;
    for (const rows::ScheduleRow &row : *keys) {
        ScheduledEvent e;
        e.keyId = row.keyId;
        e.keyArn = row.arn;
        e.awsManaged = row.keyManager == KeyManager::Aws;
        if (row.keyState == KeyState::PendingDeletion && row.deletionDate && *row.deletionDate <= until) {
            e.kind = ScheduledEvent::Kind::Deletion;
            e.dueAt = *row.deletionDate;
            e.daysLeft = daysUntil(now, e.dueAt);
            out.append(e);
        }
        if (row.keyState != KeyState::Enabled)
            continue;
        const rows::RotationSchedule s = rows::effectiveSchedule(row);
        if (!s.enabled || !s.nextRotation || !s.periodDays)
            continue;
        e.kind = ScheduledEvent::Kind::Rotation;
        // An overdue rotation runs at the next runDue (now, for the forecast), and the one after
        // it a period later: the same catch-up rule as rotateIfDue.
        for (QDateTime t = *s.nextRotation; t <= until; t = std::max(t, now).addDays(*s.periodDays)) {
            e.dueAt = t;
            e.daysLeft = daysUntil(now, t);
            out.append(e);
        }
    }
    std::stable_sort(out.begin(), out.end(),
                     [](const ScheduledEvent &a, const ScheduledEvent &b) { return a.dueAt < b.dueAt; });
    return out;
}

Result<QList<KeySchedule>> Scheduler::keySchedules(bool everyKey)
{
    auto keys = rows::scheduledKeys(m_service.database(), everyKey);
    if (!keys)
        return std::unexpected(keys.error());
    const QDateTime now = m_service.vault().clock().now();
    QList<KeySchedule> out;
    out.reserve(keys->size());
    for (const rows::ScheduleRow &row : *keys) {
        KeySchedule k;
        k.keyId = row.keyId;
        k.keyArn = row.arn;
        k.keyManager = row.keyManager;
        k.keyState = row.keyState;
        k.rotatable = rows::canRotate(row.keySpec, row.origin);
        const rows::RotationSchedule s = rows::effectiveSchedule(row);
        k.rotationEnabled = s.enabled;
        k.periodDays = s.periodDays;
        k.lastRotation = row.lastRotation;
        if (row.keyState == KeyState::Enabled)
            k.nextRotation = s.nextRotation;
        k.deletionDate = row.deletionDate;
        if (row.deletionDate)
            k.daysLeft = daysUntil(now, *row.deletionDate);
        out.append(k);
    }
    return out;
}

} // namespace qkms::kms
