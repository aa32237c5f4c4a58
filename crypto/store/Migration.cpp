#include "store/Database.h"

using namespace Qt::StringLiterals;

namespace qkms::store {

namespace {

std::unexpected<KmsError> newerFile(const Database &db, int fileVersion, int latest)
{
    return fail(errors::Storage, u"%1 was written by a newer qkms (schema %2, this build knows %3)"_s.arg(db.path())
                                     .arg(fileVersion)
                                     .arg(latest));
}

Status apply(Database &db, const Migration &migration, int latest)
{
    auto transaction = Transaction::begin(db, Transaction::Kind::Immediate);
    if (!transaction)
        return std::unexpected(transaction.error());
    // Re-read under the write lock: another process (console or CLI) may have migrated while we
    // waited, and running a step twice would fail on "table already exists".
    auto current = db.userVersion();
    if (!current)
        return std::unexpected(current.error());
    if (*current > latest)
        return newerFile(db, *current, latest);
    if (*current >= migration.version)
        return {}; // nothing was written; the destructor rolls back the empty transaction

    const auto failed = [&](const KmsError &error) {
        return fail(errors::Storage, u"migration %1 (%2) failed, nothing of it was applied: %3"_s.arg(migration.version)
                                         .arg(QString::fromUtf8(migration.description), error.message));
    };
    if (auto ran = db.execScript(QString::fromUtf8(migration.sql)); !ran)
        return failed(ran.error());
    // user_version lives in page 1, so it commits or rolls back together with the schema.
    if (auto stamped = db.exec(u"PRAGMA user_version = %1"_s.arg(migration.version)); !stamped)
        return failed(stamped.error());
    if (auto committed = transaction->commit(); !committed)
        return failed(committed.error());
    return {};
}

} // namespace

Status migrate(Database &db, std::span<const Migration> migrations)
{
    // A gap or a reordering is a programming error that would skip or repeat a schema step.
    int latest = 0;
    for (const Migration &migration : migrations) {
        if (migration.version != latest + 1)
            return fail(errors::Storage, u"migrations must be numbered 1, 2, 3… in order; found %1 after %2"_s
                                             .arg(migration.version)
                                             .arg(latest));
        latest = migration.version;
    }

    auto current = db.userVersion();
    if (!current)
        return std::unexpected(current.error());
    if (*current > latest)
        return newerFile(db, *current, latest);
    for (const Migration &migration : migrations) {
        if (migration.version <= *current)
            continue;
        if (auto applied = apply(db, migration, latest); !applied)
            return applied;
    }
    return {};
}

} // namespace qkms::store
