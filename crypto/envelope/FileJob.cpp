// File jobs: the message layer between a source and a file that appears only when complete.
//
// The temporary file is a QTemporaryFile in the target's directory (same file system, so the
// final rename is atomic; mode 0600, as decrypted output is sensitive), removed by its destructor
// on every path that does not commit. Commit = flush, fsync, rename, fsync of the directory. A
// rename that must not replace uses renameat2(RENAME_NOREPLACE) — or link+unlink where a file
// system lacks it — so a target created by someone else while the job ran is never clobbered.

#include "envelope/FileJob.h"

#include "envelope/MessageDecryptor.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryFile>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace qkms::envelope {

namespace {

QString systemError(int err)
{
    return QString::fromLocal8Bit(std::strerror(err));
}

std::unexpected<KmsError> alreadyExists(const QString &target)
{
    return fail(errors::AlreadyExists, QStringLiteral("%1 exists; pass --overwrite to replace it").arg(target));
}

/// The output of one job until it is complete.
class PendingOutput
{
public:
    explicit PendingOutput(const QString &target) : m_target(QFileInfo(target).absoluteFilePath()) {}

    [[nodiscard]] QString target() const { return m_target; }
    [[nodiscard]] QIODevice &device() { return m_temp; }

    /// Refuses an existing target (unless `overwrite`) and creates the temporary file.
    [[nodiscard]] Status open(bool overwrite)
    {
        const QFileInfo info(m_target);
        if (info.isDir())
            return fail(errors::Storage, QStringLiteral("%1 is a directory").arg(m_target));
        if (!overwrite && (info.exists() || info.isSymLink()))
            return alreadyExists(m_target);
        const QString dir = info.absolutePath();
        if (!QFileInfo(dir).isDir())
            return fail(errors::Storage, QStringLiteral("cannot write %1: no such directory %2").arg(m_target, dir));
        // Hidden, and named after the target, so a leftover from a killed process is recognisable.
        m_temp.setFileTemplate(dir + QStringLiteral("/.") + info.fileName() + QStringLiteral(".XXXXXX.qkms-part"));
        if (!m_temp.open())
            return fail(errors::Storage, QStringLiteral("cannot create a temporary file in %1: %2").arg(dir, m_temp.errorString()));
        return {};
    }

    /// Makes the data durable and moves it into place.
    [[nodiscard]] Status commit(bool overwrite)
    {
        if (!m_temp.flush())
            return fail(errors::Storage, QStringLiteral("write failed: %1").arg(m_temp.errorString()));
        if (::fsync(m_temp.handle()) != 0)
            return fail(errors::Storage, QStringLiteral("cannot sync %1: %2").arg(m_temp.fileName(), systemError(errno)));
        const QByteArray from = QFile::encodeName(m_temp.fileName());
        const QByteArray to = QFile::encodeName(m_target);
        if (overwrite) {
            if (std::rename(from.constData(), to.constData()) != 0)
                return fail(errors::Storage, QStringLiteral("cannot rename to %1: %2").arg(m_target, systemError(errno)));
        } else if (::renameat2(AT_FDCWD, from.constData(), AT_FDCWD, to.constData(), RENAME_NOREPLACE) != 0) {
            const int err = errno;
            if (err == EEXIST)
                return alreadyExists(m_target);
            if (err != EINVAL && err != ENOSYS && err != ENOTSUP)
                return fail(errors::Storage, QStringLiteral("cannot rename to %1: %2").arg(m_target, systemError(err)));
            // No RENAME_NOREPLACE on this file system: link() fails on an existing name too.
            if (::link(from.constData(), to.constData()) != 0) {
                const int linkErr = errno;
                return linkErr == EEXIST ? alreadyExists(m_target)
                                         : fail(errors::Storage, QStringLiteral("cannot create %1: %2")
                                                                     .arg(m_target, systemError(linkErr)));
            }
            ::unlink(from.constData());
        }
        m_temp.setAutoRemove(false); // the name now belongs to the target
        m_temp.close();
        syncDirectory();
        return {};
    }

private:
    /// The rename itself is durable only once the directory is synced. A failure here leaves a
    /// complete file in place, so it is not reported as the job's failure.
    void syncDirectory() const
    {
        const int fd = ::open(QFile::encodeName(QFileInfo(m_target).absolutePath()).constData(), O_RDONLY | O_DIRECTORY);
        if (fd >= 0) {
            (void)::fsync(fd);
            ::close(fd);
        }
    }

    QString m_target;
    QTemporaryFile m_temp;
};

StreamControl streamControl(const FileJobOptions &options, qint64 total)
{
    StreamControl control;
    control.cancel = options.cancel;
    if (options.progress)
        control.progress = [progress = options.progress, total](qint64 done) { progress(done, total); };
    return control;
}

Result<QFile *> openInput(QFile &file, const QString &path)
{
    if (QFileInfo(path).isDir())
        return fail(errors::Storage, QStringLiteral("%1 is a directory").arg(path));
    if (!file.open(QIODevice::ReadOnly))
        return fail(errors::Storage, QStringLiteral("cannot read %1: %2").arg(path, file.errorString()));
    return &file;
}

Status refuseSameFile(const QString &inputPath, const QString &outputPath)
{
    const QFileInfo in(inputPath);
    const QFileInfo out(outputPath);
    if (out.exists() && in.canonicalFilePath() == out.canonicalFilePath())
        return fail(errors::Validation, QStringLiteral("%1 is both the input and the output").arg(out.absoluteFilePath()));
    return {};
}

} // namespace

FileKind classifyFile(const QString &path)
{
    const QFileInfo info(path);
    if (info.isDir())
        return FileKind::Directory;
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return FileKind::Unreadable;
    return looksLikeMessage(f.read(4)) ? FileKind::Encrypted : FileKind::Plaintext;
}

QString defaultEncryptedPath(const QString &input)
{
    return input + kEncryptedSuffix;
}

QString defaultDecryptedPath(const QString &input)
{
    // A file named just ".encrypted" has no name left to restore.
    if (input.endsWith(kEncryptedSuffix) && QFileInfo(input).fileName() != kEncryptedSuffix)
        return input.chopped(kEncryptedSuffix.size());
    return input + QStringLiteral(".decrypted");
}

Result<FileJobResult> encryptToFile(DataKeyProvider &provider, QIODevice &input, qint64 inputSize,
                                    const QString &outputPath, const EncryptOptions &message,
                                    const FileJobOptions &options)
{
    PendingOutput output(outputPath);
    if (auto st = output.open(options.overwrite); !st)
        return std::unexpected(st.error());
    EncryptOptions o = message;
    o.control = streamControl(options, inputSize);
    auto r = MessageEncryptor(provider).encrypt(input, output.device(), o);
    if (!r)
        return std::unexpected(r.error());
    if (auto st = output.commit(options.overwrite); !st)
        return std::unexpected(st.error());
    return FileJobResult{output.target(), std::move(r->header), r->plaintextBytes, r->messageBytes};
}

Result<FileJobResult> encryptFile(DataKeyProvider &provider, const QString &inputPath, const QString &outputPath,
                                  const EncryptOptions &message, const FileJobOptions &options)
{
    if (auto st = refuseSameFile(inputPath, outputPath); !st)
        return std::unexpected(st.error());
    QFile file(inputPath);
    auto in = openInput(file, inputPath);
    if (!in)
        return std::unexpected(in.error());
    return encryptToFile(provider, file, file.size(), outputPath, message, options);
}

Result<FileJobResult> decryptToFile(DataKeyProvider &provider, QIODevice &input, qint64 inputSize,
                                    const QString &outputPath, const FileJobOptions &options)
{
    PendingOutput output(outputPath);
    if (auto st = output.open(options.overwrite); !st)
        return std::unexpected(st.error());
    DecryptOptions o;
    o.control = streamControl(options, inputSize);
    auto r = MessageDecryptor(provider).decrypt(input, output.device(), o);
    if (!r)
        return std::unexpected(r.error()); // the temporary file, with whatever it held, goes
    if (auto st = output.commit(options.overwrite); !st)
        return std::unexpected(st.error());
    return FileJobResult{output.target(), std::move(r->header), r->plaintextBytes, r->messageBytes};
}

Result<FileJobResult> decryptFile(DataKeyProvider &provider, const QString &inputPath, const QString &outputPath,
                                  const FileJobOptions &options)
{
    if (auto st = refuseSameFile(inputPath, outputPath); !st)
        return std::unexpected(st.error());
    QFile file(inputPath);
    auto in = openInput(file, inputPath);
    if (!in)
        return std::unexpected(in.error());
    return decryptToFile(provider, file, file.size(), outputPath, options);
}

Result<MessageHeader> inspectFile(const QString &path)
{
    QFile file(path);
    auto in = openInput(file, path);
    if (!in)
        return std::unexpected(in.error());
    return inspect(file);
}

} // namespace qkms::envelope
