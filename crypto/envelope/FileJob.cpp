// File jobs: the message layer between a source and a file that appears only when complete.
//
// The temporary file is a QTemporaryFile in the target's directory (same file system, so the
// final rename is atomic; mode 0600, as decrypted output is sensitive), removed by its destructor
// on every path that does not commit. Commit = flush, fsync, rename, fsync of the directory. A
// rename that must not replace uses renameat2(RENAME_NOREPLACE) — or link+unlink where a file
// system lacks it — so a target created by someone else while the job ran is never clobbered.
//
// The message layer writes through OutputWriter, not through the QTemporaryFile: a QFile reports
// only an error string, and a full disk must be told apart from other failures in plain words
// ("No space left on device while writing …"), so the writer calls write(2) itself and keeps
// errno. It buffers like QFile would, so a frame is not a system call.

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

/// A failed write of `target` in plain words: the full-disk cases by errno, in fixed English (as
/// the rest of the error messages; stable whatever the locale, which strerror is not).
std::unexpected<KmsError> writeFailed(int err, const QString &target)
{
    QString why;
    switch (err) {
    case ENOSPC:
        why = QStringLiteral("No space left on device while writing %1");
        break;
    case EDQUOT:
        why = QStringLiteral("Disk quota exceeded while writing %1");
        break;
    case EFBIG:
        why = QStringLiteral("File too large while writing %1 (the system's file size limit)");
        break;
    default:
        why = QStringLiteral("Cannot write %1: ") + systemError(err);
    }
    return fail(errors::Storage, why.arg(target) + QStringLiteral("; nothing was written"));
}

/// A write-only device over a file descriptor that remembers why the system refused a write.
class OutputWriter final : public QIODevice
{
public:
    explicit OutputWriter(QString target) : m_target(std::move(target)) {}

    /// Starts writing to `fd` (owned by the caller).
    void attach(int fd)
    {
        m_fd = fd;
        open(QIODevice::WriteOnly | QIODevice::Unbuffered);
    }
    [[nodiscard]] bool isSequential() const override { return true; }
    /// errno of the first failed write, 0 while none failed.
    [[nodiscard]] int writeErrno() const { return m_errno; }

    /// Hands the buffered bytes to the system; false (writeErrno() set) when it refused.
    [[nodiscard]] bool drain()
    {
        if (m_errno != 0)
            return false;
        const bool ok = writeRaw(m_buffer.constData(), m_buffer.size());
        m_buffer.clear();
        return ok;
    }

protected:
    qint64 readData(char *, qint64) override { return -1; }
    qint64 writeData(const char *data, qint64 len) override
    {
        if (m_errno != 0 || m_fd < 0)
            return -1;
        if (m_buffer.size() + len > kBufferSize && !drain())
            return -1;
        if (len >= kBufferSize)
            return writeRaw(data, len) ? len : -1;
        m_buffer.append(data, len);
        return len;
    }

private:
    static constexpr qint64 kBufferSize = 256 * 1024;

    bool writeRaw(const char *data, qint64 len)
    {
        while (len > 0) {
            const ssize_t w = ::write(m_fd, data, size_t(len));
            if (w < 0 && errno == EINTR)
                continue;
            if (w <= 0) {
                // A short write of 0 bytes on a regular file means the disk is full.
                m_errno = w < 0 ? errno : ENOSPC;
                setErrorString(writeFailed(m_errno, m_target).error().message);
                return false;
            }
            data += w;
            len -= w;
        }
        return true;
    }

    QString m_target;
    int m_fd = -1;
    int m_errno = 0;
    QByteArray m_buffer;
};

/// The output of one job until it is complete.
class PendingOutput
{
public:
    explicit PendingOutput(const QString &target)
        : m_target(QFileInfo(target).absoluteFilePath()), m_writer(m_target)
    {
    }

    [[nodiscard]] QString target() const { return m_target; }
    [[nodiscard]] QIODevice &device() { return m_writer; }

    /// The message layer's `error`, or, when it came from a refused write, that write's own
    /// reason naming the target ("No space left on device while writing …").
    [[nodiscard]] KmsError explain(const KmsError &error) const
    {
        return m_writer.writeErrno() != 0 ? writeFailed(m_writer.writeErrno(), m_target).error() : error;
    }

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
        m_writer.attach(m_temp.handle());
        return {};
    }

    /// Makes the data durable and moves it into place.
    [[nodiscard]] Status commit(bool overwrite)
    {
        if (!m_writer.drain())
            return writeFailed(m_writer.writeErrno(), m_target);
        if (::fsync(m_temp.handle()) != 0) {
            // Some file systems (NFS, quotas) report a full disk only now.
            const int err = errno;
            if (err == ENOSPC || err == EDQUOT || err == EFBIG || err == EIO)
                return writeFailed(err, m_target);
            return fail(errors::Storage, QStringLiteral("cannot sync %1: %2").arg(m_temp.fileName(), systemError(err)));
        }
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
    QTemporaryFile m_temp; ///< owns the name and the descriptor; written only through m_writer
    OutputWriter m_writer;
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
    if (options.threads > 0)
        o.threads = options.threads;
    auto r = MessageEncryptor(provider).encrypt(input, output.device(), o);
    if (!r)
        return std::unexpected(output.explain(r.error()));
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
    o.threads = options.threads;
    auto r = MessageDecryptor(provider).decrypt(input, output.device(), o);
    if (!r) // the temporary file, with whatever it held, goes
        return std::unexpected(output.explain(r.error()));
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
