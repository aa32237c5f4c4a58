// The canonical request of SigV4 (SigV4.h): the part of the signature that touches every byte of
// every signed header, so it is built in one buffer, from views into the request, without a
// temporary per header or value. SigV4.cpp has the rest (parsing, the HMAC chain, verify).

#include "SigV4.h"

#include <algorithm>

using namespace Qt::StringLiterals;

namespace qkms::server {

namespace {

// RFC 3986 unreserved characters stay; everything else is %XX with upper-case hex, as SigV4 says.
QByteArray uriEncode(const QByteArray &raw)
{
    return raw.toPercentEncoding(QByteArray(), QByteArrayLiteral("~"));
}

bool isBlank(char ch)
{
    return ch == ' ' || ch == '\t';
}

// Whether a header value is already canonical: nothing to trim, no tab, no run of spaces.
bool isCanonicalValue(QByteArrayView value)
{
    if (value.isEmpty())
        return true;
    // QByteArray::trimmed's whitespace.
    const auto trimmable = [](char ch) { return ch == ' ' || (ch >= '\t' && ch <= '\r'); };
    if (trimmable(value.front()) || trimmable(value.back()))
        return false;
    for (qsizetype i = 0; i < value.size(); ++i)
        if (value[i] == '\t' || (value[i] == ' ' && value[i + 1] == ' '))
            return false; // value[i + 1] exists: the last byte is not blank
    return true;
}

// Appends a header value trimmed, with runs of spaces and tabs inside folded to one space (the
// test suite's get-header-value-trim case). Copies whole stretches, not byte by byte: this runs
// over every signed header of every request.
void appendCanonicalValue(QByteArray &out, QByteArrayView value)
{
    const QByteArrayView v = value.trimmed();
    qsizetype start = 0;
    for (qsizetype i = 0; i < v.size(); ++i) {
        if (!isBlank(v[i]))
            continue;
        qsizetype end = i + 1;
        while (end < v.size() && isBlank(v[end]))
            ++end;
        if (end - i > 1 || v[i] != ' ') {
            out.append(v.sliced(start, i - start)).append(' ');
            start = end;
        }
        i = end - 1;
    }
    out.append(v.sliced(start));
}

// Appends every value of header `name` (case-insensitive), canonical and joined with ',' as
// SigV4 joins repeated headers; false when the request has none.
bool appendHeader(QByteArray &out, const SigV4Request &r, QByteArrayView name)
{
    bool found = false;
    for (const auto &[key, value] : r.headers) {
        if (key.size() != name.size() || key.compare(name, Qt::CaseInsensitive) != 0)
            continue;
        if (found)
            out.append(',');
        appendCanonicalValue(out, value);
        found = true;
    }
    return found;
}

// Appends `text` in ASCII lower case (QByteArray::toLower's mapping) without a temporary.
void appendLower(QByteArray &out, QByteArrayView text)
{
    const qsizetype from = out.size();
    out.append(text);
    char *p = out.data() + from;
    for (qsizetype i = 0; i < text.size(); ++i)
        if (p[i] >= 'A' && p[i] <= 'Z')
            p[i] = char(p[i] - 'A' + 'a');
}

// Dot segments removed and each segment encoded once more, keeping a trailing slash.
QByteArray canonicalUri(const QByteArray &path)
{
    const QByteArray decoded = QByteArray::fromPercentEncoding(path.isEmpty() ? QByteArrayLiteral("/") : path);
    QList<QByteArray> kept;
    for (const QByteArray &segment : decoded.split('/')) {
        if (segment.isEmpty() || segment == ".")
            continue;
        if (segment == "..") {
            if (!kept.isEmpty())
                kept.removeLast();
            continue;
        }
        kept.append(uriEncode(segment));
    }
    QByteArray out = '/' + kept.join('/');
    if (!kept.isEmpty() && decoded.endsWith('/'))
        out.append('/');
    return out;
}

QByteArray canonicalQuery(const QByteArray &query)
{
    QList<std::pair<QByteArray, QByteArray>> pairs;
    for (const QByteArray &part : query.split('&')) {
        if (part.isEmpty())
            continue;
        const qsizetype eq = part.indexOf('=');
        const QByteArray key = eq < 0 ? part : part.left(eq);
        const QByteArray value = eq < 0 ? QByteArray() : part.mid(eq + 1);
        pairs.append({uriEncode(QByteArray::fromPercentEncoding(key)), uriEncode(QByteArray::fromPercentEncoding(value))});
    }
    std::sort(pairs.begin(), pairs.end());
    QList<QByteArray> parts;
    for (const auto &[key, value] : pairs)
        parts.append(key + '=' + value);
    return parts.join('&');
}

} // namespace

QByteArray SigV4Request::toHttp(const QByteArray &unsignedLines) const
{
    QByteArray out = method + ' ' + path + (query.isEmpty() ? QByteArray() : '?' + query) + " HTTP/1.1\r\nContent-Length: "
        + QByteArray::number(body.size()) + "\r\n" + unsignedLines;
    for (const auto &[name, value] : headers)
        out += name + ": " + value + "\r\n";
    return out + "\r\n" + body;
}

QByteArray SigV4Request::header(const QByteArray &name) const
{
    // The usual case, one header already canonical, shares the request's bytes.
    const std::pair<QByteArray, QByteArray> *only = nullptr;
    for (const auto &h : headers) {
        if (h.first.size() != name.size() || h.first.compare(name, Qt::CaseInsensitive) != 0)
            continue;
        if (only != nullptr) {
            only = nullptr;
            break;
        }
        only = &h;
    }
    if (only != nullptr && isCanonicalValue(only->second))
        return only->second.isNull() ? QByteArray("", 0) : only->second;
    QByteArray out;
    if (!appendHeader(out, *this, name))
        return {};
    return out.isNull() ? QByteArray("", 0) : out; // present but empty is not absent
}

Result<QByteArray> SigV4::canonicalRequest(const SigV4Request &r, const QList<QByteArray> &signedHeaders,
                                           const QByteArray &payloadHash)
{
    // One buffer, sized up front: this runs for every request the endpoint receives.
    qsizetype size = r.method.size() + 3 * (r.path.size() + r.query.size()) + payloadHash.size() + 8;
    for (const auto &[name, value] : r.headers)
        size += 2 * (name.size() + value.size() + 2);
    QByteArray out;
    out.reserve(size);
    out.append(r.method.toUpper()).append('\n');
    if (r.path.isEmpty() || r.path == "/")
        out.append('/'); // what canonicalUri makes of it, without splitting and re-encoding
    else
        out.append(canonicalUri(r.path));
    out.append('\n');
    if (!r.query.isEmpty())
        out.append(canonicalQuery(r.query));
    out.append('\n');
    for (const QByteArray &name : signedHeaders) {
        appendLower(out, name);
        out.append(':');
        if (!appendHeader(out, r, name))
            return fail(errors::IncompleteSignature,
                        u"The header '%1' is listed in SignedHeaders but absent from the request."_s
                            .arg(QString::fromLatin1(name)));
        out.append('\n');
    }
    out.append('\n');
    for (qsizetype i = 0; i < signedHeaders.size(); ++i) {
        if (i > 0)
            out.append(';');
        appendLower(out, signedHeaders[i]);
    }
    return out.append('\n').append(payloadHash);
}

} // namespace qkms::server
