#pragma once

// AWS Signature Version 4 (AWS4-HMAC-SHA256) as the endpoint checks it: the canonical request
// over exactly the headers the client signed, the string to sign over the credential scope, and
// the HMAC chain from the secret access key. Also signs, for tests and the benchmark: the same
// canonical form both ways, so a bug cannot hide on one side only (the published test-suite
// vectors pin the form itself).

#include "core/KmsError.h"

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QString>
#include <QtCrypto>

#include <QHash>

#include <functional>
#include <utility>

namespace qkms::server {

/// The exception names of request authentication (AWS's common errors).
namespace errors {
inline const QString UnrecognizedClient = QStringLiteral("UnrecognizedClientException");
inline const QString InvalidSignature = QStringLiteral("InvalidSignatureException");
inline const QString IncompleteSignature = QStringLiteral("IncompleteSignatureException");
inline const QString MissingAuthenticationToken = QStringLiteral("MissingAuthenticationTokenException");
} // namespace errors

/// One HTTP request as the signature sees it. `path` and `query` are as sent (percent-encoded);
/// header names in any case, in arrival order, repeated names allowed.
struct SigV4Request {
    QByteArray method;
    QByteArray path = QByteArrayLiteral("/");
    QByteArray query;
    QList<std::pair<QByteArray, QByteArray>> headers;
    QByteArray body;

    /// All values of header `name` (case-insensitive), joined with ',' as SigV4 joins them;
    /// a null QByteArray when absent.
    [[nodiscard]] QByteArray header(const QByteArray &name) const;
    /// The request as HTTP/1.1 bytes for a client on a plain socket (tests, the benchmark):
    /// request line, Content-Length, the raw header lines `unsignedLines` ("Name: value\r\n"…),
    /// the headers, the body.
    [[nodiscard]] QByteArray toHttp(const QByteArray &unsignedLines = {}) const;
};

/// The parts of an `Authorization: AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…` header.
struct SigV4Authorization {
    QString accessKeyId;
    QString date;    ///< yyyyMMdd of the credential scope
    QString region;
    QString service;
    QList<QByteArray> signedHeaders; ///< lower-case, as listed
    QByteArray signature;            ///< 64 lower-case hex digits

    /// "<date>/<region>/<service>/aws4_request".
    [[nodiscard]] QByteArray scope() const;
};

/// Who a verified request comes from, and the region its scope names.
struct SigV4Identity {
    QString accessKeyId;
    QString principalArn;
    QString region;
};

/// Finds an Active access key: its principal ARN and secret. Any error means "unknown key".
using SecretLookup = std::function<Result<std::pair<QString, QCA::SecureArray>>(const QString &accessKeyId)>;

/// Signing keys already derived, so that a client's requests cost one HMAC instead of five: the
/// key depends only on the secret and the scope (date, region, service), which change daily at
/// most. An entry is used only while the secret is the same, so a rotated or deleted access key
/// never verifies with its old key. Not thread safe; bounded (cleared when full).
class SigningKeyCache
{
public:
    static constexpr qsizetype MaxEntries = 256;

    /// The signing key of `secret` for the scope, derived on first use. Errors only if
    /// HMAC-SHA256 is unavailable.
    [[nodiscard]] Result<QCA::SecureArray> key(const QString &accessKeyId, const QCA::SecureArray &secret,
                                               const QString &date, const QString &region, const QString &service);
    void clear() { m_entries.clear(); }

private:
    struct Entry {
        QCA::SecureArray secret;
        QCA::SecureArray key;
    };
    QHash<QString, Entry> m_entries; ///< by "accessKeyId/date/region/service"
};

class SigV4
{
public:
    SigV4() = delete;

    /// AWS refuses requests whose X-Amz-Date is further than this from its clock.
    static constexpr qint64 MaxClockSkewSecs = 15 * 60;

    /// Parses the Authorization header. IncompleteSignatureException names what is missing or
    /// malformed (another algorithm, a scope without five parts, no SignedHeaders…).
    [[nodiscard]] static Result<SigV4Authorization> parseAuthorization(const QByteArray &header);

    /// The canonical request: method, canonical URI (dot segments removed, each segment encoded
    /// again as AWS does for every service but S3), sorted canonical query, the signed headers
    /// (lower-case name, value trimmed with inner runs of spaces folded), the signed header list,
    /// and `payloadHash`. IncompleteSignatureException when a signed header is absent.
    [[nodiscard]] static Result<QByteArray> canonicalRequest(const SigV4Request &r, const QList<QByteArray> &signedHeaders,
                                                             const QByteArray &payloadHash);
    /// "AWS4-HMAC-SHA256\n<amzDate>\n<scope>\n<hex sha256 of canonicalRequest>".
    [[nodiscard]] static QByteArray stringToSign(const QByteArray &amzDate, const QByteArray &scope,
                                                 const QByteArray &canonicalRequest);
    /// The hex signature of `stringToSign` under the key derived from `secret` for the scope.
    /// The intermediate keys stay in SecureArrays. Errors only if HMAC-SHA256 is unavailable.
    [[nodiscard]] static Result<QByteArray> signature(const QCA::SecureArray &secret, const QString &date,
                                                      const QString &region, const QString &service,
                                                      const QByteArray &stringToSign);
    /// The signing key: HMAC chain "AWS4"+secret → date → region → service → aws4_request.
    [[nodiscard]] static Result<QCA::SecureArray> signingKey(const QCA::SecureArray &secret, const QString &date,
                                                             const QString &region, const QString &service);

    /// Verifies `r` as AWS does: the header parses; the scope's service is `service`, its
    /// terminator aws4_request, its date that of X-Amz-Date; X-Amz-Date is within
    /// MaxClockSkewSecs of `now` ("Signature expired" / "Signature not yet current", as AWS
    /// words them); a signed x-amz-content-sha256 matches the body; the key is known and Active
    /// (else UnrecognizedClientException); the signature matches (InvalidSignatureException,
    /// compared in constant time). The scope's region is returned; whether it is served is the
    /// caller's decision. With a `cache`, signing keys are derived once per key and scope.
    [[nodiscard]] static Result<SigV4Identity> verify(const SigV4Request &r, const QDateTime &now,
                                                      const SecretLookup &lookup,
                                                      const QString &service = QStringLiteral("kms"),
                                                      SigningKeyCache *cache = nullptr);

    /// Signs `r` in place as an SDK would: sets X-Amz-Date (from `now`) and Authorization over
    /// host, x-amz-date, x-amz-target and content-type when present. For tests and the benchmark.
    [[nodiscard]] static Status sign(SigV4Request &r, const QString &accessKeyId, const QCA::SecureArray &secret,
                                     const QString &region, const QDateTime &now,
                                     const QString &service = QStringLiteral("kms"));

    /// Hex SHA-256 of `data` (the payload hash).
    [[nodiscard]] static QByteArray sha256Hex(const QByteArray &data);
    /// AWS's timestamp form, 20150830T123600Z.
    [[nodiscard]] static QByteArray amzDate(const QDateTime &t);
};

} // namespace qkms::server
