// EnableKeyRotation, DisableKeyRotation, GetKeyRotationStatus, RotateKeyOnDemand, ListKeyRotations,
// and the scheduler's automatic rotation of one key (docs/rotation.md).
//
// A rotation adds material version n+1 (32 random bytes wrapped under the domain key, bound to
// the key ARN and n+1) and moves current_version; Encrypt uses the newest version, Decrypt the
// one its blob names, and old versions stay until the key is deleted.
//
// Catch-up: when qkms was closed over several due dates, the scheduler makes ONE rotation, dated
// when it runs, and the next one is a full period after that run (AWS's catch-up also collapses;
// a burst of versions made in one second would protect nothing more). The audit event says when
// the first missed rotation was due, when it ran and how many further dates it covered.

#include "kms/KeyRows.h"
#include "kms/KeyStateRules.h"
#include "kms/KmsService.h"
#include "kms/RotationRows.h"
#include "primitives/Primitives.h"
#include "store/Database.h"
#include "vault/Vault.h"

namespace qkms::kms {

namespace {

constexpr int kMaxOnDemandRotations = 25;
constexpr qint64 kOnDemandConflictSecs = 20 * 60;
const QString kAutomatic = QStringLiteral("AUTOMATIC");
const QString kOnDemand = QStringLiteral("ON_DEMAND");

std::optional<KmsError> errorOf(const Status &st)
{
    return st ? std::nullopt : std::optional<KmsError>(st.error());
}

/// Which keys rotate at all, in the order AWS checks: spec, then who manages the key. The key
/// state (and the EXTERNAL origin) are checkKeyState's.
Status refuseUnrotatable(const KeyRecord &k, bool refuseAwsManaged)
{
    if (k.keySpec != KeySpec::SymmetricDefault)
        return fail(errors::UnsupportedOperation,
                    QStringLiteral("%1 key spec %2 is not valid for this operation.").arg(k.arn, toString(k.keySpec)));
    if (refuseAwsManaged && k.keyManager == KeyManager::Aws)
        return fail(errors::UnsupportedOperation,
                    QStringLiteral("%1 is an AWS managed key: its rotation is not configurable").arg(k.arn));
    return {};
}

struct NewVersion {
    int version = 0;
    QString materialId;
};

/// Adds material version current+1 to `key` (read inside the caller's transaction) and makes
/// it current. The caller commits.
Result<NewVersion> addVersion(store::Database &db, const vault::Vault &vault, const KeyRecord &key,
                              const QString &rotationType, const QDateTime &at)
{
    NewVersion v{key.currentVersion + 1, QString::fromLatin1(crypto::randomBytes(32).toHex())};
    auto wrapped = vault.wrapMaterial(crypto::randomSecret(32), rows::materialBinding(key.arn, v.version));
    if (!wrapped)
        return std::unexpected(wrapped.error());
    if (auto st = rows::insertMaterial(db, key.keyId, v.version, v.materialId, *wrapped, {}, at, rotationType); !st)
        return std::unexpected(st.error());
    if (auto st = rows::setCurrentVersion(db, key.keyId, v.version); !st)
        return std::unexpected(st.error());
    return v;
}

/// The key and its schedule as they are now, read under the write lock.
struct Fresh {
    KeyRecord key;
    rows::ScheduleRow schedule;
};

Result<Fresh> reload(store::Database &db, const KeyRecord &seen)
{
    auto key = rows::loadKey(db, seen.keyId);
    if (!key)
        return std::unexpected(key.error());
    auto schedule = rows::loadSchedule(db, seen.keyId);
    if (!schedule)
        return std::unexpected(schedule.error());
    if (!*key || !*schedule) // deleted by another process since it was resolved
        return fail(errors::NotFound, QStringLiteral("Key '%1' does not exist").arg(seen.arn));
    return Fresh{**key, **schedule};
}

} // namespace

Status KmsService::enableKeyRotation(const Caller &c, const QString &keyId, int rotationPeriodInDays)
{
    auto key = resolveKey(keyId, false);
    auto run = [&]() -> Status {
        // Request shape first, as AWS: a bad period is refused before the key is looked at.
        if (rotationPeriodInDays < 90 || rotationPeriodInDays > 2560)
            return fail(errors::Validation,
                        QStringLiteral("1 validation error detected: Value '%1' at 'rotationPeriodInDays' failed to "
                                       "satisfy constraint: Member must have value between 90 and 2560")
                            .arg(rotationPeriodInDays));
        if (!key)
            return std::unexpected(key.error());
        if (auto st = authorize(c, QStringLiteral("kms:EnableKeyRotation"), &*key, {},
                                {{QStringLiteral("kms:RotationPeriodInDays"), {QString::number(rotationPeriodInDays)}}});
            !st)
            return st;
        if (auto st = refuseUnrotatable(*key, true); !st)
            return st;
        if (auto st = checkKeyState(*key, OperationGroup::Rotation); !st)
            return st;
        // Enabling again restarts the schedule: the period counts from this call, as AWS words it
        // ("the number of days after you enable automatic key rotation").
        const QDateTime next = m_vault.clock().now().addDays(rotationPeriodInDays);
        return rows::saveSchedule(*m_db, key->keyId, {true, rotationPeriodInDays, next});
    };
    const Status result = run();
    record(c, QStringLiteral("EnableKeyRotation"), key ? key->arn : QString(),
           {{QStringLiteral("keyId"), keyId}, {QStringLiteral("rotationPeriodInDays"), rotationPeriodInDays}},
           errorOf(result));
    return result;
}

Status KmsService::disableKeyRotation(const Caller &c, const QString &keyId)
{
    auto key = resolveKey(keyId, false);
    auto run = [&]() -> Status {
        if (!key)
            return std::unexpected(key.error());
        if (auto st = authorize(c, QStringLiteral("kms:DisableKeyRotation"), &*key); !st)
            return st;
        if (auto st = refuseUnrotatable(*key, true); !st)
            return st;
        if (auto st = checkKeyState(*key, OperationGroup::Rotation); !st)
            return st;
        auto row = rows::loadSchedule(*m_db, key->keyId);
        if (!row)
            return std::unexpected(row.error());
        // The period is kept for the record; without a next date nothing is due.
        return rows::saveSchedule(*m_db, key->keyId, {false, (*row) ? (*row)->stored.periodDays : std::nullopt, {}});
    };
    const Status result = run();
    record(c, QStringLiteral("DisableKeyRotation"), key ? key->arn : QString(), {{QStringLiteral("keyId"), keyId}},
           errorOf(result));
    return result;
}

Result<KeyRotationStatus> KmsService::getKeyRotationStatus(const Caller &c, const QString &keyId)
{
    auto key = resolveKey(keyId, false);
    auto run = [&]() -> Result<KeyRotationStatus> {
        if (!key)
            return std::unexpected(key.error());
        if (auto st = authorize(c, QStringLiteral("kms:GetKeyRotationStatus"), &*key); !st)
            return std::unexpected(st.error());
        if (auto st = checkKeyState(*key, OperationGroup::RotationStatus); !st)
            return std::unexpected(st.error());
        auto row = rows::loadSchedule(*m_db, key->keyId);
        if (!row)
            return std::unexpected(row.error());
        KeyRotationStatus status;
        status.keyArn = key->arn;
        // AWS: false for keys that cannot rotate (no longer an exception) and while the key is
        // pending deletion; a cancelled deletion brings the stored setting back.
        if (!*row || key->keyState == KeyState::PendingDeletion)
            return status;
        const rows::RotationSchedule schedule = rows::effectiveSchedule(**row);
        status.enabled = schedule.enabled;
        if (schedule.enabled) {
            status.periodDays = schedule.periodDays;
            status.nextRotationDate = schedule.nextRotation;
        }
        return status;
    };
    auto result = run();
    record(c, QStringLiteral("GetKeyRotationStatus"), key ? key->arn : QString(), {{QStringLiteral("keyId"), keyId}},
           result ? std::nullopt : std::optional<KmsError>(result.error()));
    return result;
}

Result<QString> KmsService::rotateKeyOnDemand(const Caller &c, const QString &keyId)
{
    auto key = resolveKey(keyId, false);
    QJsonObject params{{QStringLiteral("keyId"), keyId}};
    auto run = [&]() -> Result<QString> {
        if (!key)
            return std::unexpected(key.error());
        if (auto st = authorize(c, QStringLiteral("kms:RotateKeyOnDemand"), &*key); !st)
            return std::unexpected(st.error());
        if (auto st = refuseUnrotatable(*key, true); !st)
            return std::unexpected(st.error());
        if (auto st = checkKeyState(*key, OperationGroup::Rotation); !st)
            return std::unexpected(st.error());
        // The count, the schedule check and the new version under one write lock: two processes
        // cannot both make the 25th rotation.
        auto tx = store::Transaction::begin(*m_db, store::Transaction::Kind::Immediate);
        if (!tx)
            return std::unexpected(tx.error());
        auto fresh = reload(*m_db, *key);
        if (!fresh)
            return std::unexpected(fresh.error());
        if (auto st = checkKeyState(fresh->key, OperationGroup::Rotation); !st)
            return std::unexpected(st.error());
        auto used = rows::countRotations(*m_db, key->keyId, kOnDemand);
        if (!used)
            return std::unexpected(used.error());
        if (*used >= kMaxOnDemandRotations)
            return fail(errors::LimitExceeded,
                        QStringLiteral("%1 has reached the limit of %2 on-demand rotations.")
                            .arg(key->arn)
                            .arg(kMaxOnDemandRotations));
        const QDateTime now = m_vault.clock().now();
        const rows::RotationSchedule schedule = rows::effectiveSchedule(fresh->schedule);
        if (schedule.enabled && schedule.nextRotation && now.secsTo(*schedule.nextRotation) < kOnDemandConflictSecs)
            return fail(errors::Conflict,
                        QStringLiteral("An automatic rotation of %1 is due within 20 minutes; try again after it.")
                            .arg(key->arn));
        auto added = addVersion(*m_db, m_vault, fresh->key, kOnDemand, now);
        if (!added)
            return std::unexpected(added.error());
        if (auto st = tx->commit(); !st)
            return std::unexpected(st.error());
        params.insert(QStringLiteral("keyMaterialId"), added->materialId);
        return key->keyId;
    };
    auto result = run();
    record(c, QStringLiteral("RotateKeyOnDemand"), key ? key->arn : QString(), params,
           result ? std::nullopt : std::optional<KmsError>(result.error()));
    return result;
}

Result<ListKeyRotationsResponse> KmsService::listKeyRotations(const Caller &c, const QString &keyId, int limit,
                                                              const QString &marker)
{
    auto key = resolveKey(keyId, false);
    auto run = [&]() -> Result<ListKeyRotationsResponse> {
        if (limit < 1 || limit > 1000)
            return fail(errors::Validation,
                        QStringLiteral("1 validation error detected: Value '%1' at 'limit' failed to satisfy "
                                       "constraint: Member must have value between 1 and 1000")
                            .arg(limit));
        if (!key)
            return std::unexpected(key.error());
        if (auto st = authorize(c, QStringLiteral("kms:ListKeyRotations"), &*key); !st)
            return std::unexpected(st.error());
        if (auto st = refuseUnrotatable(*key, false); !st)
            return std::unexpected(st.error());
        if (auto st = checkKeyState(*key, OperationGroup::RotationStatus); !st)
            return std::unexpected(st.error());
        int after = 0;
        if (!marker.isEmpty()) {
            // The marker is the version of the last entry returned; it must name one of this key.
            bool ok = false;
            after = marker.toInt(&ok);
            auto known = ok ? rows::hasRotation(*m_db, key->keyId, after) : Result<bool>(false);
            if (!known)
                return std::unexpected(known.error());
            if (!*known)
                return fail(errors::InvalidMarker, QStringLiteral("Invalid marker: %1").arg(marker));
        }
        auto versions = rows::listRotations(*m_db, key->keyId, after, limit + 1);
        if (!versions)
            return std::unexpected(versions.error());
        ListKeyRotationsResponse out;
        for (qsizetype i = 0; i < versions->size() && i < limit; ++i) {
            const rows::MaterialVersion &v = versions->at(i);
            const bool current = v.version == key->currentVersion;
            out.rotations.append({key->keyId, v.materialId, v.createdAt, v.rotationType, current});
        }
        if (versions->size() > limit)
            out.nextMarker = QString::number(versions->at(limit - 1).version);
        return out;
    };
    auto result = run();
    record(c, QStringLiteral("ListKeyRotations"), key ? key->arn : QString(),
           {{QStringLiteral("keyId"), keyId}, {QStringLiteral("limit"), limit}, {QStringLiteral("marker"), marker}},
           result ? std::nullopt : std::optional<KmsError>(result.error()));
    return result;
}

Result<std::optional<AutomaticRotation>> KmsService::rotateIfDue(const QString &keyId)
{
    const QDateTime now = m_vault.clock().now();
    // IMMEDIATE: the schedule is re-read under the write lock, so a second process that saw the
    // same due date waits here and then finds next_rotation already moved.
    auto tx = store::Transaction::begin(*m_db, store::Transaction::Kind::Immediate);
    if (!tx)
        return std::unexpected(tx.error());
    auto row = rows::loadSchedule(*m_db, keyId);
    if (!row)
        return std::unexpected(row.error());
    if (!*row || (*row)->keyState != KeyState::Enabled) // AWS does not rotate disabled keys
        return std::optional<AutomaticRotation>{};
    const rows::RotationSchedule schedule = rows::effectiveSchedule(**row);
    if (!schedule.enabled || !schedule.nextRotation || !schedule.periodDays || *schedule.nextRotation > now)
        return std::optional<AutomaticRotation>{};
    auto key = rows::loadKey(*m_db, keyId);
    if (!key || !*key)
        return key ? fail(errors::NotFound, keyId) : std::unexpected(key.error());
    auto added = addVersion(*m_db, m_vault, **key, kAutomatic, now);
    if (!added)
        return std::unexpected(added.error());
    const int period = *schedule.periodDays;
    AutomaticRotation done{keyId, (*key)->arn, *schedule.nextRotation, now, added->version, 0};
    done.missedPeriods = static_cast<int>(done.dueAt.secsTo(now) / (qint64(period) * 86400));
    // One period after the run, not after the missed date: see the catch-up note at the top.
    if (auto st = rows::saveSchedule(*m_db, keyId, {true, period, now.addDays(period)}); !st)
        return std::unexpected(st.error());
    if (auto st = tx->commit(); !st)
        return std::unexpected(st.error());
    const Caller scheduler{rootArn(), QStringLiteral("scheduler"), {}};
    record(scheduler, QStringLiteral("RotateKey"), done.keyArn,
           {{QStringLiteral("keyId"), keyId},
            {QStringLiteral("rotationType"), kAutomatic},
            {QStringLiteral("rotationPeriodInDays"), period},
            {QStringLiteral("dueAt"), done.dueAt.toString(Qt::ISODate)},
            {QStringLiteral("ranAt"), now.toString(Qt::ISODate)},
            {QStringLiteral("missedPeriodsCollapsed"), done.missedPeriods},
            {QStringLiteral("keyMaterialId"), added->materialId}},
           std::nullopt);
    return std::optional<AutomaticRotation>{done};
}

} // namespace qkms::kms
