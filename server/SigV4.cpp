#include "SigV4.h"

#include "primitives/Primitives.h"

#include <QTimeZone>
#include <QUrl>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace qkms::server {

namespace {

const QByteArray kAlgorithm = QByteArrayLiteral("AWS4-HMAC-SHA256");
const QByteArray kTerminator = QByteArrayLiteral("aws4_request");

// RFC 3986 unreserved characters stay; everything else is %XX with upper-case hex, as SigV4 says.
QByteArray uriEncode(const QByteArray &raw)
{
    return raw.toPercentEncoding(QByteArray(), QByteArrayLiteral("~"));
}

// Trims a header value and folds runs of spaces inside it to one (the test suite's
// get-header-value-trim case).
QByteArray canonicalValue(const QByteArray &value)
{
    QByteArray out;
    out.reserve(value.size());
    bool space = false;
    for (char ch : value.trimmed()) {
        if (ch == ' ' || ch == '\t') {
            space = true;
            continue;
        }
        if (space)
            out.append(' ');
        space = false;
        out.append(ch);
    }
    return out;
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

Result<QCA::SecureArray> hmacStep(const QCA::SecureArray &key, const QByteArray &data)
{
    auto mac = crypto::hmac(crypto::HashAlg::Sha256, key, data);
    if (!mac)
        return std::unexpected(mac.error());
    QCA::SecureArray out(*mac);
    mac->fill('\0'); // an intermediate signing key: do not leave it in a QByteArray
    return out;
}

// 20150830T123600Z by hand: QDateTime::fromString with a format builds a parser and looks up
// time zones on every call, and was three quarters of the cost of a request (callgrind).
QDateTime parseAmzDate(const QByteArray &text)
{
    if (text.size() != 16 || text[8] != 'T' || text[15] != 'Z')
        return {};
    int fields[6] = {};
    static constexpr int offsets[6] = {0, 4, 6, 9, 11, 13};
    static constexpr int widths[6] = {4, 2, 2, 2, 2, 2};
    for (int f = 0; f < 6; ++f) {
        for (int i = 0; i < widths[f]; ++i) {
            const char ch = text[offsets[f] + i];
            if (ch < '0' || ch > '9')
                return {};
            fields[f] = fields[f] * 10 + (ch - '0');
        }
    }
    const QDate date(fields[0], fields[1], fields[2]);
    const QTime time(fields[3], fields[4], fields[5]);
    if (!date.isValid() || !time.isValid())
        return {};
    return QDateTime(date, time, QTimeZone::UTC);
}

} // namespace

QByteArray SigV4Request::header(const QByteArray &name) const
{
    QList<QByteArray> values;
    for (const auto &[key, value] : headers)
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            values.append(canonicalValue(value));
    return values.isEmpty() ? QByteArray() : values.join(',');
}

QByteArray SigV4Authorization::scope() const
{
    return QStringList{date, region, service, QString::fromLatin1(kTerminator)}.join(u'/').toUtf8();
}

Result<SigV4Authorization> SigV4::parseAuthorization(const QByteArray &header)
{
    const QByteArray text = header.trimmed();
    if (!text.startsWith(kAlgorithm + ' '))
        return fail(errors::IncompleteSignature,
                    u"Authorization header requires the AWS4-HMAC-SHA256 algorithm (Signature Version 4)."_s);
    QByteArray credential, signedHeaders, signature;
    for (const QByteArray &part : text.mid(kAlgorithm.size() + 1).split(',')) {
        const QByteArray item = part.trimmed();
        if (item.startsWith("Credential="))
            credential = item.mid(11);
        else if (item.startsWith("SignedHeaders="))
            signedHeaders = item.mid(14);
        else if (item.startsWith("Signature="))
            signature = item.mid(10);
    }
    if (credential.isEmpty() || signedHeaders.isEmpty() || signature.isEmpty())
        return fail(errors::IncompleteSignature,
                    u"Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters."_s);
    const QList<QByteArray> scope = credential.split('/');
    if (scope.size() != 5 || scope[0].isEmpty())
        return fail(errors::IncompleteSignature,
                    u"Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, "
                    "got '%1'"_s.arg(QString::fromUtf8(credential)));
    SigV4Authorization a;
    a.accessKeyId = QString::fromUtf8(scope[0]);
    a.date = QString::fromUtf8(scope[1]);
    a.region = QString::fromUtf8(scope[2]);
    a.service = QString::fromUtf8(scope[3]);
    if (scope[4] != kTerminator)
        return fail(errors::InvalidSignature,
                    u"Credential should be scoped with a valid terminator: 'aws4_request', not '%1'."_s
                        .arg(QString::fromUtf8(scope[4])));
    a.signedHeaders = signedHeaders.split(';');
    a.signature = signature;
    return a;
}

Result<QByteArray> SigV4::canonicalRequest(const SigV4Request &r, const QList<QByteArray> &signedHeaders,
                                           const QByteArray &payloadHash)
{
    QByteArray headers;
    for (const QByteArray &name : signedHeaders) {
        const QByteArray value = r.header(name);
        if (value.isNull())
            return fail(errors::IncompleteSignature,
                        u"The header '%1' is listed in SignedHeaders but absent from the request."_s
                            .arg(QString::fromLatin1(name)));
        headers += name.toLower() + ':' + value + '\n';
    }
    return r.method.toUpper() + '\n' + canonicalUri(r.path) + '\n' + canonicalQuery(r.query) + '\n' + headers + '\n'
        + signedHeaders.join(';').toLower() + '\n' + payloadHash;
}

QByteArray SigV4::stringToSign(const QByteArray &amzDate, const QByteArray &scope, const QByteArray &canonicalRequest)
{
    return kAlgorithm + '\n' + amzDate + '\n' + scope + '\n' + sha256Hex(canonicalRequest);
}

Result<QCA::SecureArray> SigV4::signingKey(const QCA::SecureArray &secret, const QString &date,
                                          const QString &region, const QString &service)
{
    QCA::SecureArray key("AWS4");
    key += secret;
    for (const QString &step : {date, region, service, QString::fromLatin1(kTerminator)}) {
        auto next = hmacStep(key, step.toUtf8());
        if (!next)
            return std::unexpected(next.error());
        key = std::move(*next);
    }
    return key;
}

namespace {

Result<QByteArray> signWith(const QCA::SecureArray &key, const QByteArray &stringToSign)
{
    auto mac = crypto::hmac(crypto::HashAlg::Sha256, key, stringToSign);
    if (!mac)
        return std::unexpected(mac.error());
    return mac->toHex();
}

} // namespace

Result<QByteArray> SigV4::signature(const QCA::SecureArray &secret, const QString &date, const QString &region,
                                    const QString &service, const QByteArray &stringToSign)
{
    auto key = signingKey(secret, date, region, service);
    if (!key)
        return std::unexpected(key.error());
    return signWith(*key, stringToSign);
}

Result<QCA::SecureArray> SigningKeyCache::key(const QString &accessKeyId, const QCA::SecureArray &secret,
                                              const QString &date, const QString &region, const QString &service)
{
    const QString id = accessKeyId + u'/' + date + u'/' + region + u'/' + service;
    if (const auto it = m_entries.constFind(id); it != m_entries.constEnd() && it->secret == secret)
        return it->key;
    auto key = SigV4::signingKey(secret, date, region, service);
    if (!key)
        return std::unexpected(key.error());
    // Yesterday's scopes and forgotten keys go with everything else; the next requests re-derive.
    if (m_entries.size() >= MaxEntries)
        m_entries.clear();
    m_entries.insert(id, Entry{secret, *key});
    return key;
}

Result<SigV4Identity> SigV4::verify(const SigV4Request &r, const QDateTime &now, const SecretLookup &lookup,
                                    const QString &service, SigningKeyCache *cache)
{
    const QByteArray authorization = r.header("authorization");
    if (authorization.isEmpty())
        return fail(errors::MissingAuthenticationToken, u"Missing Authentication Token"_s);
    auto a = parseAuthorization(authorization);
    if (!a)
        return std::unexpected(a.error());
    const QByteArray amz = r.header("x-amz-date");
    if (amz.isEmpty())
        return fail(errors::IncompleteSignature,
                    u"Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header."_s);
    const QDateTime when = parseAmzDate(amz);
    if (!when.isValid())
        return fail(errors::IncompleteSignature,
                    u"X-Amz-Date must be in the ISO 8601 basic format yyyyMMdd'T'HHmmss'Z', got '%1'."_s
                        .arg(QString::fromLatin1(amz)));
    if (a->date.toLatin1() != amz.left(8))
        return fail(errors::InvalidSignature,
                    u"Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: "
                    "'%1' != '%2', from '%3'."_s.arg(a->date, QString::fromLatin1(amz.left(8)), QString::fromLatin1(amz)));
    if (a->service != service)
        return fail(errors::InvalidSignature,
                    u"Credential should be scoped to correct service: '%1'. "_s.arg(service));
    if (!a->signedHeaders.contains("host"))
        return fail(errors::InvalidSignature, u"'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization."_s);
    // AWS's wording, which SDKs match on to correct their clock skew.
    const QDateTime nowUtc = now.toUTC();
    if (when < nowUtc.addSecs(-MaxClockSkewSecs))
        return fail(errors::InvalidSignature,
                    u"Signature expired: %1 is now earlier than %2 (%3 - 15 min.)"_s.arg(
                        QString::fromLatin1(amz), QString::fromLatin1(amzDate(nowUtc.addSecs(-MaxClockSkewSecs))),
                        QString::fromLatin1(amzDate(nowUtc))));
    if (when > nowUtc.addSecs(MaxClockSkewSecs))
        return fail(errors::InvalidSignature,
                    u"Signature not yet current: %1 is still later than %2 (%3 + 15 min.)"_s.arg(
                        QString::fromLatin1(amz), QString::fromLatin1(amzDate(nowUtc.addSecs(MaxClockSkewSecs))),
                        QString::fromLatin1(amzDate(nowUtc))));
    const QByteArray bodyHash = sha256Hex(r.body);
    QByteArray payloadHash = bodyHash;
    if (const QByteArray claimed = r.header("x-amz-content-sha256"); !claimed.isNull()) {
        // A claimed hash that is not the body's would let a signature cover another body.
        if (claimed != bodyHash)
            return fail(errors::InvalidSignature,
                        u"The provided 'x-amz-content-sha256' header does not match what was computed."_s);
        payloadHash = claimed;
    }
    auto canonical = canonicalRequest(r, a->signedHeaders, payloadHash);
    if (!canonical)
        return std::unexpected(canonical.error());
    auto key = lookup(a->accessKeyId);
    if (!key)
        return fail(errors::UnrecognizedClient, u"The security token included in the request is invalid."_s);
    auto signing = cache ? cache->key(a->accessKeyId, key->second, a->date, a->region, a->service)
                         : signingKey(key->second, a->date, a->region, a->service);
    if (!signing)
        return std::unexpected(signing.error());
    auto expected = signWith(*signing, stringToSign(amz, a->scope(), *canonical));
    if (!expected)
        return std::unexpected(expected.error());
    if (!crypto::constantTimeEquals(*expected, a->signature))
        return fail(errors::InvalidSignature,
                    u"The request signature we calculated does not match the signature you provided. Check your AWS "
                    "Secret Access Key and signing method. Consult the service documentation for details."_s);
    return SigV4Identity{a->accessKeyId, key->first, a->region};
}

Status SigV4::sign(SigV4Request &r, const QString &accessKeyId, const QCA::SecureArray &secret,
                   const QString &region, const QDateTime &now, const QString &service)
{
    static const QList<QByteArray> unsignedHeaders{"authorization", "connection", "expect", "user-agent",
                                                   "x-amzn-trace-id", "content-length"};
    const QByteArray amz = amzDate(now.toUTC());
    r.headers.removeIf([](const auto &h) {
        return h.first.compare("x-amz-date", Qt::CaseInsensitive) == 0
            || h.first.compare("authorization", Qt::CaseInsensitive) == 0;
    });
    r.headers.append({QByteArrayLiteral("X-Amz-Date"), amz});
    QList<QByteArray> names;
    for (const auto &[name, value] : r.headers) {
        const QByteArray lower = name.toLower();
        if (!unsignedHeaders.contains(lower) && !names.contains(lower))
            names.append(lower);
    }
    std::sort(names.begin(), names.end());
    SigV4Authorization a{accessKeyId, QString::fromLatin1(amz.left(8)), region, service, names, {}};
    QByteArray payloadHash = r.header("x-amz-content-sha256");
    if (payloadHash.isNull())
        payloadHash = sha256Hex(r.body);
    auto canonical = canonicalRequest(r, names, payloadHash);
    if (!canonical)
        return std::unexpected(canonical.error());
    auto sig = signature(secret, a.date, region, service, stringToSign(amz, a.scope(), *canonical));
    if (!sig)
        return std::unexpected(sig.error());
    r.headers.append({QByteArrayLiteral("Authorization"),
                      kAlgorithm + " Credential=" + accessKeyId.toUtf8() + '/' + a.scope()
                          + ", SignedHeaders=" + names.join(';') + ", Signature=" + *sig});
    return {};
}

QByteArray SigV4::sha256Hex(const QByteArray &data)
{
    return crypto::digest(crypto::HashAlg::Sha256, data).toHex();
}

QByteArray SigV4::amzDate(const QDateTime &t)
{
    return t.toUTC().toString(u"yyyyMMdd'T'HHmmss'Z'"_s).toLatin1();
}

} // namespace qkms::server
