#include "envelope/MessageStream.h"

#include "envelope/WireFormat.h"

#include <algorithm>
#include <cstring>
#include <utility>

namespace qkms::envelope {

Result<qint64> readUpTo(QIODevice &device, char *dst, qint64 n)
{
    qint64 got = 0;
    while (got < n) {
        const qint64 r = device.read(dst + got, n - got);
        if (r < 0)
            return fail(errors::Storage, QStringLiteral("read failed: %1").arg(device.errorString()));
        if (r == 0) {
            // No data buffered: a file or buffer has ended; a pipe, process or socket may still
            // deliver. waitForReadyRead() is false at once for devices that cannot wait.
            if (device.atEnd() && !device.isSequential())
                break;
            if (!device.waitForReadyRead(-1))
                break;
            continue;
        }
        got += r;
    }
    return got;
}

Result<qint64> MessageInput::pull(char *dst, qint64 n)
{
    qint64 got = 0;
    if (m_pushbackPos < m_pushback.size()) {
        got = std::min<qint64>(n, m_pushback.size() - m_pushbackPos);
        std::memcpy(dst, m_pushback.constData() + m_pushbackPos, size_t(got));
        m_pushbackPos += got;
        if (m_pushbackPos == m_pushback.size()) {
            m_pushback.clear();
            m_pushbackPos = 0;
        }
    }
    if (got == n)
        return got;
    auto more = readUpTo(m_device, dst + got, n - got);
    if (!more)
        return std::unexpected(more.error());
    return got + *more;
}

Result<qint64> MessageInput::readAvailable(char *dst, qint64 n)
{
    auto got = pull(dst, n);
    if (got)
        m_consumed += *got;
    return got;
}

void MessageInput::unread(const char *data, qint64 n)
{
    if (n <= 0)
        return;
    m_pushback = QByteArray(data, n) + m_pushback.mid(m_pushbackPos);
    m_pushbackPos = 0;
    m_consumed -= n;
}

Status MessageInput::readExact(char *dst, qint64 n, const QString &truncatedMessage)
{
    if (m_recording && m_recordLimit >= 0 && m_recorded.size() + n > m_recordLimit)
        return fail(errors::InvalidCiphertext, m_recordLimitMessage);
    auto got = pull(dst, n);
    if (!got)
        return std::unexpected(got.error());
    m_consumed += *got;
    if (m_hash)
        m_hash->add(dst, *got);
    if (m_recording)
        m_recorded.append(dst, *got);
    if (*got < n)
        return fail(errors::InvalidCiphertext, truncatedMessage);
    return {};
}

Result<QByteArray> MessageInput::read(qint64 n, const QString &truncatedMessage)
{
    QByteArray out(n, Qt::Uninitialized);
    auto st = readExact(out.data(), n, truncatedMessage);
    if (!st)
        return std::unexpected(st.error());
    return out;
}

Result<quint16> MessageInput::readU16(const QString &truncatedMessage)
{
    char b[2];
    auto st = readExact(b, 2, truncatedMessage);
    if (!st)
        return std::unexpected(st.error());
    return wire::readU16(b);
}

Result<quint32> MessageInput::readU32(const QString &truncatedMessage)
{
    char b[4];
    auto st = readExact(b, 4, truncatedMessage);
    if (!st)
        return std::unexpected(st.error());
    return wire::readU32(b);
}

Result<quint64> MessageInput::readU64(const QString &truncatedMessage)
{
    char b[8];
    auto st = readExact(b, 8, truncatedMessage);
    if (!st)
        return std::unexpected(st.error());
    return wire::readU64(b);
}

Result<bool> MessageInput::atEnd()
{
    char b;
    auto got = pull(&b, 1);
    if (!got)
        return std::unexpected(got.error());
    m_consumed += *got;
    return *got == 0;
}

void MessageInput::setRecording(bool on)
{
    m_recording = on;
}

void MessageInput::setRecordLimit(qint64 limit, QString message)
{
    m_recordLimit = limit;
    m_recordLimitMessage = std::move(message);
}

Status StreamMonitor::checkCancelled() const
{
    if (m_control.cancel && m_control.cancel->load(std::memory_order_relaxed))
        return fail(errors::Cancelled, QStringLiteral("the operation was cancelled"));
    return {};
}

void StreamMonitor::report(qint64 consumed, bool force)
{
    constexpr qint64 kReportEvery = 256 * 1024;
    if (!m_control.progress)
        return;
    if (force || m_lastReported < 0 || consumed - m_lastReported >= kReportEvery) {
        m_lastReported = consumed;
        m_control.progress(consumed);
    }
}

Status writeAll(QIODevice &device, const char *data, qint64 n)
{
    qint64 done = 0;
    while (done < n) {
        const qint64 w = device.write(data + done, n - done);
        if (w <= 0)
            return fail(errors::Storage, QStringLiteral("write failed: %1").arg(device.errorString()));
        done += w;
    }
    return {};
}

} // namespace qkms::envelope
