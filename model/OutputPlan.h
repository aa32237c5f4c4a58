#pragma once

// Where the files of one drop go. A dropped folder is mirrored under a chosen output folder (as
// copying it there would: dropping "proj" with proj/a/x.txt and proj/b/x.txt gives
// OUT/proj/a/x.txt.encrypted and OUT/proj/b/x.txt.encrypted), and no two files of one drop are
// ever given the same output, nor an input of the drop as output — whatever the names. A target
// that already exists on disk is left to the job: it replaces it only when asked to, else that
// one job fails with AlreadyExistsException while the others go on.

#include "FileJobModel.h"

#include <QList>
#include <QString>
#include <QStringList>

namespace qkms::model {

/// A regular file found in a drop.
struct DroppedFile {
    QString path;         ///< absolute path
    QString relativePath; ///< from the folder holding the dropped item: "x.txt", "proj/a/x.txt"

    friend bool operator==(const DroppedFile &, const DroppedFile &) = default;
};

/// The regular files of the dropped local `paths`: files as they are, folders recursed (hidden
/// files included, sorted so jobs appear in a stable order), each file once. Missing paths are
/// kept as files (the caller reports them as unreadable); empty folders add nothing.
[[nodiscard]] QList<DroppedFile> expandDrop(const QStringList &paths);

/// The output path of each of `files` (same order) for `direction`. With `folder` empty, next to
/// the input (the default names of FileJob.h); else `folder` + the file's relative path, with
/// ".encrypted" added (encrypt) or removed (decrypt). A name already planned for an earlier file,
/// or an input of the drop, gets " (2)", " (3)"… before its extensions ("x (2).txt.encrypted").
[[nodiscard]] QStringList planOutputs(const QList<DroppedFile> &files, FileJob::Direction direction,
                                      const QString &folder = {});

} // namespace qkms::model
