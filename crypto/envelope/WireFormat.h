#pragma once

// Big-endian integer helpers for the message format. Internal to crypto/envelope: the rest of
// the code base sees only the typed header and stream classes.

#include <QByteArray>
#include <QtEndian>

namespace qkms::envelope::wire {

inline void appendU8(QByteArray &out, quint8 v)
{
    out.append(static_cast<char>(v));
}

inline void appendU16(QByteArray &out, quint16 v)
{
    char b[2];
    qToBigEndian(v, b);
    out.append(b, 2);
}

inline void appendU32(QByteArray &out, quint32 v)
{
    char b[4];
    qToBigEndian(v, b);
    out.append(b, 4);
}

inline void appendU64(QByteArray &out, quint64 v)
{
    char b[8];
    qToBigEndian(v, b);
    out.append(b, 8);
}

/// u16 length ‖ bytes; the caller has checked that `bytes` fits in 16 bits.
inline void appendShortBlob(QByteArray &out, const QByteArray &bytes)
{
    appendU16(out, static_cast<quint16>(bytes.size()));
    out.append(bytes);
}

inline quint16 readU16(const char *p)
{
    return qFromBigEndian<quint16>(p);
}

inline quint32 readU32(const char *p)
{
    return qFromBigEndian<quint32>(p);
}

inline quint64 readU64(const char *p)
{
    return qFromBigEndian<quint64>(p);
}

/// A bounds-checked reader over bytes already in memory. Every read reports whether the bytes
/// were there, so parsers never index past the end.
class Cursor
{
public:
    explicit Cursor(const QByteArray &bytes) : m_bytes(bytes) {}

    [[nodiscard]] qsizetype remaining() const { return m_bytes.size() - m_pos; }
    [[nodiscard]] bool atEnd() const { return m_pos == m_bytes.size(); }

    [[nodiscard]] bool u16(quint16 &v)
    {
        if (remaining() < 2)
            return false;
        v = readU16(m_bytes.constData() + m_pos);
        m_pos += 2;
        return true;
    }

    [[nodiscard]] bool take(qsizetype n, QByteArray &out)
    {
        if (n < 0 || remaining() < n)
            return false;
        out = m_bytes.mid(m_pos, n);
        m_pos += n;
        return true;
    }

    /// u16 length ‖ bytes.
    [[nodiscard]] bool shortBlob(QByteArray &out)
    {
        quint16 n = 0;
        return u16(n) && take(n, out);
    }

private:
    const QByteArray &m_bytes;
    qsizetype m_pos = 0;
};

} // namespace qkms::envelope::wire
