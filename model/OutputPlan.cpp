#include "OutputPlan.h"

#include "envelope/FileJob.h"

#include <QDir>
#include <QDirIterator>
#include <QFileInfo>
#include <QSet>

namespace qkms::model {

namespace {

/// Paths compare as the file system would on Linux: exactly, after cleaning "a/./b" and "a//b".
QString key(const QString &path)
{
    return QDir::cleanPath(path);
}

/// `path` with " (n)" before the first dot of its file name (a leading dot belongs to the name:
/// ".bashrc" → ".bashrc (2)"), so the extensions — and decrypting back — still work.
QString numbered(const QString &path, int n)
{
    const int slash = int(path.lastIndexOf(u'/'));
    const QString dir = path.left(slash + 1);
    const QString name = path.mid(slash + 1);
    const int dot = int(name.indexOf(u'.', 1));
    const QString tag = QStringLiteral(" (%1)").arg(n);
    return dir + (dot < 0 ? name + tag : name.left(dot) + tag + name.mid(dot));
}

} // namespace

QList<DroppedFile> expandDrop(const QStringList &paths)
{
    QList<DroppedFile> files;
    QSet<QString> seen;
    const auto add = [&](const QString &path, const QString &relative) {
        if (!seen.contains(path)) {
            seen.insert(path);
            files.append({path, relative});
        }
    };
    for (const QString &p : paths) {
        const QFileInfo info(p);
        const QString path = QDir::cleanPath(info.absoluteFilePath());
        if (!info.isDir()) {
            add(path, QFileInfo(path).fileName());
            continue;
        }
        // Relative to the folder the dropped one sits in, so its own name is kept.
        const QDir base = QFileInfo(path).dir();
        QStringList inDir;
        QDirIterator it(path, QDir::Files | QDir::Hidden | QDir::NoDotAndDotDot, QDirIterator::Subdirectories);
        while (it.hasNext())
            inDir.append(QDir::cleanPath(it.next()));
        inDir.sort();
        for (const QString &f : std::as_const(inDir))
            add(f, base.relativeFilePath(f));
    }
    return files;
}

QStringList planOutputs(const QList<DroppedFile> &files, FileJob::Direction direction, const QString &folder)
{
    const bool encrypt = direction == FileJob::Direction::Encrypt;
    QSet<QString> taken; // the drop's inputs and every output planned so far
    for (const DroppedFile &f : files)
        taken.insert(key(f.path));
    QStringList outputs;
    outputs.reserve(files.size());
    for (const DroppedFile &f : files) {
        const QString source = folder.isEmpty() ? f.path : QDir(folder).absoluteFilePath(f.relativePath);
        const QString planned = key(encrypt ? envelope::defaultEncryptedPath(source) : envelope::defaultDecryptedPath(source));
        QString out = planned;
        for (int n = 2; taken.contains(out); ++n)
            out = numbered(planned, n);
        taken.insert(out);
        outputs.append(out);
    }
    return outputs;
}

} // namespace qkms::model
