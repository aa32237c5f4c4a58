// SigV4 (SigV4.h): the Authorization header, the string to sign, the HMAC chain and its cache,
// verify and sign. The canonical request is built in SigV4Canonical.cpp.

#include "SigV4.h"

#include "primitives/Primitives.h"

#include <algorithm>
#include <optional>

using namespace Qt::StringLiterals;

namespace qkms::server {

namespace {

const QByteArray kAlgorithm = QByteArrayLiteral("AWS4-HMAC-SHA256");
const QByteArray kTerminator = QByteArrayLiteral("aws4_request");

Result<QCA::SecureArray> hmacStep(const QCA::SecureArray &key, const QByteArray &data)
{
    auto mac = crypto::hmac(crypto::HashAlg::Sha256, key, data);
    if (!mac)
        return std::unexpected(mac.error());
    QCA::SecureArray out(*mac);
    mac->fill('\0'); // an intermediate signing key: do not leave it in a QByteArray
    return out;
}

// 20150830T123600Z by hand, as milliseconds since the epoch: QDateTime::fromString with a
// format builds a parser and looks up time zones on every call, and was three quarters of the
// cost of a request (callgrind). std::nullopt when malformed or not a real date and time.
std::optional<qint64> parseAmzDate(QByteArrayView text)
{
    if (text.size() != 16 || text[8] != 'T' || text[15] != 'Z')
        return std::nullopt;
    int fields[6] = {};
    static constexpr int offsets[6] = {0, 4, 6, 9, 11, 13};
    static constexpr int widths[6] = {4, 2, 2, 2, 2, 2};
    for (int f = 0; f < 6; ++f) {
        for (int i = 0; i < widths[f]; ++i) {
            const char ch = text[offsets[f] + i];
            if (ch < '0' || ch > '9')
                return std::nullopt;
            fields[f] = fields[f] * 10 + (ch - '0');
        }
    }
    const QDate date(fields[0], fields[1], fields[2]);
    const QTime time(fields[3], fields[4], fields[5]);
    if (!date.isValid() || !time.isValid())
        return std::nullopt;
    constexpr qint64 unixEpochJulianDay = 2440588;
    constexpr qint64 msecsPerDay = 86'400'000;
    return (date.toJulianDay() - unixEpochJulianDay) * msecsPerDay + time.msecsSinceStartOfDay();
}

} // namespace

QByteArray SigV4Authorization::scope() const
{
    QByteArray out;
    out.reserve(date.size() + region.size() + service.size() + kTerminator.size() + 3);
    out.append(date.toUtf8()).append('/').append(region.toUtf8()).append('/').append(service.toUtf8());
    return out.append('/').append(kTerminator);
}

Result<SigV4Authorization> SigV4::parseAuthorization(const QByteArray &header)
{
    // Views into the header: only the fields handed out are copied.
    const QByteArrayView text = QByteArrayView(header).trimmed();
    if (!text.startsWith(kAlgorithm) || text.size() == kAlgorithm.size() || text[kAlgorithm.size()] != ' ')
        return fail(errors::IncompleteSignature,
                    u"Authorization header requires the AWS4-HMAC-SHA256 algorithm (Signature Version 4)."_s);
    QByteArrayView credential, signedHeaders, signature;
    QByteArrayView rest = text.sliced(kAlgorithm.size() + 1);
    for (bool more = true; more;) {
        const qsizetype comma = rest.indexOf(',');
        more = comma >= 0;
        const QByteArrayView item = (more ? rest.first(comma) : rest).trimmed();
        rest = more ? rest.sliced(comma + 1) : QByteArrayView();
        if (item.startsWith("Credential="))
            credential = item.sliced(11);
        else if (item.startsWith("SignedHeaders="))
            signedHeaders = item.sliced(14);
        else if (item.startsWith("Signature="))
            signature = item.sliced(10);
    }
    if (credential.isEmpty() || signedHeaders.isEmpty() || signature.isEmpty())
        return fail(errors::IncompleteSignature,
                    u"Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters."_s);
    if (std::count(credential.begin(), credential.end(), '/') != 4 || credential.front() == '/')
        return fail(errors::IncompleteSignature,
                    u"Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, "
                    "got '%1'"_s.arg(QString::fromUtf8(credential)));
    QByteArrayView scope[5];
    rest = credential;
    for (int i = 0; i < 4; ++i) {
        const qsizetype slash = rest.indexOf('/');
        scope[i] = rest.first(slash);
        rest = rest.sliced(slash + 1);
    }
    scope[4] = rest;
    SigV4Authorization a;
    a.accessKeyId = QString::fromUtf8(scope[0]);
    a.date = QString::fromUtf8(scope[1]);
    a.region = QString::fromUtf8(scope[2]);
    a.service = QString::fromUtf8(scope[3]);
    if (scope[4] != kTerminator)
        return fail(errors::InvalidSignature,
                    u"Credential should be scoped with a valid terminator: 'aws4_request', not '%1'."_s
                        .arg(QString::fromUtf8(scope[4])));
    a.signedHeaders.reserve(std::count(signedHeaders.begin(), signedHeaders.end(), ';') + 1);
    for (bool more = true; more;) {
        const qsizetype semicolon = signedHeaders.indexOf(';');
        more = semicolon >= 0;
        a.signedHeaders.append((more ? signedHeaders.first(semicolon) : signedHeaders).toByteArray());
        signedHeaders = more ? signedHeaders.sliced(semicolon + 1) : QByteArrayView();
    }
    a.signature = signature.toByteArray();
    return a;
}

QByteArray SigV4::stringToSign(const QByteArray &amzDate, const QByteArray &scope, const QByteArray &canonicalRequest)
{
    const QByteArray hash = sha256Hex(canonicalRequest);
    QByteArray out;
    out.reserve(kAlgorithm.size() + amzDate.size() + scope.size() + hash.size() + 3);
    return out.append(kAlgorithm).append('\n').append(amzDate).append('\n').append(scope).append('\n').append(hash);
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
    QString id;
    id.reserve(accessKeyId.size() + date.size() + region.size() + service.size() + 3);
    id.append(accessKeyId).append(u'/').append(date).append(u'/').append(region).append(u'/').append(service);
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
    const std::optional<qint64> when = parseAmzDate(amz);
    if (!when)
        return fail(errors::IncompleteSignature,
                    u"X-Amz-Date must be in the ISO 8601 basic format yyyyMMdd'T'HHmmss'Z', got '%1'."_s
                        .arg(QString::fromLatin1(amz)));
    // amz is 16 checked characters here, its first 8 digits.
    const QLatin1StringView amzDay(amz.constData(), 8);
    if (a->date != amzDay)
        return fail(errors::InvalidSignature,
                    u"Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: "
                    "'%1' != '%2', from '%3'."_s.arg(a->date, amzDay, QString::fromLatin1(amz)));
    if (a->service != service)
        return fail(errors::InvalidSignature,
                    u"Credential should be scoped to correct service: '%1'. "_s.arg(service));
    if (!a->signedHeaders.contains("host"))
        return fail(errors::InvalidSignature, u"'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization."_s);
    // Compared in milliseconds since the epoch: no QDateTime built per request. AWS's wording,
    // which SDKs match on to correct their clock skew.
    const qint64 nowMs = now.toMSecsSinceEpoch();
    constexpr qint64 maxSkewMs = MaxClockSkewSecs * 1000;
    if (*when < nowMs - maxSkewMs || *when > nowMs + maxSkewMs) {
        const QDateTime nowUtc = now.toUTC();
        const bool expired = *when < nowMs - maxSkewMs;
        const QDateTime bound = nowUtc.addSecs(expired ? -MaxClockSkewSecs : MaxClockSkewSecs);
        return fail(errors::InvalidSignature,
                    (expired ? u"Signature expired: %1 is now earlier than %2 (%3 - 15 min.)"_s
                             : u"Signature not yet current: %1 is still later than %2 (%3 + 15 min.)"_s)
                        .arg(QString::fromLatin1(amz), QString::fromLatin1(amzDate(bound)),
                             QString::fromLatin1(amzDate(nowUtc))));
    }
    const QByteArray bodyHash = sha256Hex(r.body);
    // A claimed hash that is not the body's would let a signature cover another body.
    if (const QByteArray claimed = r.header("x-amz-content-sha256"); !claimed.isNull() && claimed != bodyHash)
        return fail(errors::InvalidSignature,
                    u"The provided 'x-amz-content-sha256' header does not match what was computed."_s);
    auto canonical = canonicalRequest(r, a->signedHeaders, bodyHash);
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
