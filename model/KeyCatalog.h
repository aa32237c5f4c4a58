#pragma once

// The console's bulk reads of a region's keys, run on the engine worker (EngineRunner). A table
// of 100,000 keys cannot be filled with one audited DescribeKey per row, so a page is authorized
// and audited as one ListKeys call and its metadata and alias names are read in two queries.

#include "core/KmsError.h"
#include "kms/KeyRecord.h"
#include "kms/Requests.h"

#include <QList>
#include <QStringList>

#include <optional>

namespace qkms::kms {
class KmsService;
}

namespace qkms::model {

/// One row of the keys table: the key's metadata and the names of the aliases pointing at it.
struct KeyRow {
    kms::KeyRecord key;
    QStringList aliases; ///< sorted
};

/// A run of keys in creation order, and where the next run starts (none: this was the last).
struct KeyPage {
    QList<KeyRow> rows;
    std::optional<QString> nextMarker; ///< the last key id of this run when more keys follow
};

/// What happened in the audit log after a sequence number.
struct AuditScan {
    qint64 lastSeq = 0; ///< the newest event's sequence number (the next scan starts after it)
    int writes = 0;     ///< events that were not read-only (a key, alias or tag may have changed)
};

namespace catalog {

/// Up to `limit` (1..1000) keys after `marker` (a key id; empty: from the first key), as the
/// caller sees them through ListKeys. Errors: ListKeys's (AccessDeniedException,
/// InvalidMarkerException when the marker key was deleted meanwhile), StorageException.
[[nodiscard]] Result<KeyPage> fetchPage(kms::KmsService &service, const kms::Caller &caller, const QString &marker,
                                        int limit);
/// Pages from the first key until at least `minimum` keys are read, or to the end when
/// `toEnd`: what a refresh of a table showing `minimum` rows reads again. Errors as fetchPage.
[[nodiscard]] Result<KeyPage> fetchPrefix(kms::KmsService &service, const kms::Caller &caller, int minimum, bool toEnd,
                                          int pageSize);
/// The newest audit sequence number (0 for an empty log): the start for scanWrites.
[[nodiscard]] Result<qint64> auditHead(kms::KmsService &service);
/// Events after `afterSeq`, counting those that may have changed keys (readOnly false). Cheap:
/// it reads only the new events, through the primary key. StorageException on failure.
[[nodiscard]] Result<AuditScan> scanWrites(kms::KmsService &service, qint64 afterSeq);

} // namespace catalog

} // namespace qkms::model
