#pragma once

// Exact reads and writes on a QIODevice for the message layer, counting bytes and (for signed
// messages) feeding everything through a running SHA-384 (crypto::IncrementalHash). Internal to crypto/envelope.

#include "core/KmsError.h"
#include "envelope/MessageFormat.h"
#include "primitives/IncrementalHash.h"

#include <QByteArray>
#include <QIODevice>

#include <memory>

namespace qkms::envelope {

/// Reads a message from a device, which may be sequential (a pipe, stdin, a socket).
class MessageInput
{
public:
    explicit MessageInput(QIODevice &device) : m_device(device) {}

    /// Reads exactly `n` bytes into `dst`. errors::InvalidCiphertext with `truncatedMessage` when
    /// the input ends first; errors::Storage when the device reports a read error.
    [[nodiscard]] Status readExact(char *dst, qint64 n, const QString &truncatedMessage);
    /// Same, returning the bytes.
    [[nodiscard]] Result<QByteArray> read(qint64 n, const QString &truncatedMessage);
    /// Reads a big-endian integer.
    [[nodiscard]] Result<quint16> readU16(const QString &truncatedMessage);
    [[nodiscard]] Result<quint32> readU32(const QString &truncatedMessage);
    [[nodiscard]] Result<quint64> readU64(const QString &truncatedMessage);
    /// True when the input has ended; false when at least one more byte could be read (that
    /// byte is consumed and counted — callers use this only to reject trailing data).
    [[nodiscard]] Result<bool> atEnd();

    /// Starts or stops keeping a copy of what is read (the header, whose raw bytes are its AAD).
    void setRecording(bool on);
    [[nodiscard]] const QByteArray &recorded() const { return m_recorded; }
    /// Fails reads once more than `limit` bytes were recorded (bounds a hostile header).
    void setRecordLimit(qint64 limit, QString message);
    /// Feeds every byte read from now on to `hash` (nullptr stops).
    void setHash(crypto::IncrementalHash *hash) { m_hash = hash; }
    /// Bytes consumed so far.
    [[nodiscard]] qint64 consumed() const { return m_consumed; }

    /// Reads up to `n` bytes, fewer only at the end of input, without hashing or recording them:
    /// the batched frame reader, which hashes exactly the frames it parsed. errors::Storage on a
    /// device error.
    [[nodiscard]] Result<qint64> readAvailable(char *dst, qint64 n);
    /// Gives back bytes read past the last frame (the footer, trailing data): the next reads
    /// return them first, and they count as not consumed.
    void unread(const char *data, qint64 n);

private:
    /// Up to `n` bytes, from the given-back bytes first; fewer only at the end of input.
    Result<qint64> pull(char *dst, qint64 n);

    QIODevice &m_device;
    crypto::IncrementalHash *m_hash = nullptr;
    QByteArray m_recorded;
    bool m_recording = false;
    qint64 m_recordLimit = -1;
    QString m_recordLimitMessage;
    qint64 m_consumed = 0;
    QByteArray m_pushback;
    qsizetype m_pushbackPos = 0;
};

/// Throttled progress reports and the cancel check of one operation.
class StreamMonitor
{
public:
    explicit StreamMonitor(const StreamControl &control) : m_control(control) {}

    /// errors::Cancelled once the cancel flag is set.
    [[nodiscard]] Status checkCancelled() const;
    /// Reports `consumed` when 256 KiB passed since the last report, or always with `force`.
    void report(qint64 consumed, bool force = false);

private:
    const StreamControl &m_control;
    qint64 m_lastReported = -1;
};

/// Writes all of `data` to `device`. errors::Storage naming the device's error otherwise
/// (a full disk shows here).
[[nodiscard]] Status writeAll(QIODevice &device, const char *data, qint64 n);
[[nodiscard]] inline Status writeAll(QIODevice &device, const QByteArray &data)
{
    return writeAll(device, data.constData(), data.size());
}

/// Reads up to `n` bytes, looping over short reads of sequential devices; fewer only at the end
/// of input. errors::Storage on a device error.
[[nodiscard]] Result<qint64> readUpTo(QIODevice &device, char *dst, qint64 n);

} // namespace qkms::envelope
