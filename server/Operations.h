#pragma once

// The AWS KMS operations as the JSON 1.1 protocol names them (X-Amz-Target TrentService.<Op>),
// mapped to the engine: request members in, response members out, with AWS's member names,
// blobs in base64, timestamps in epoch seconds, and keys named by ARN.

#include "core/KmsError.h"
#include "kms/Requests.h"

#include <QByteArray>
#include <QJsonObject>
#include <QStringList>
#include <QtCrypto>

namespace qkms::kms {
class KmsService;
}

namespace qkms::server {

/// Protocol-level exception names (AWS JSON 1.1).
namespace errors {
inline const QString UnknownOperation = QStringLiteral("UnknownOperationException");
inline const QString Serialization = QStringLiteral("SerializationException");
inline const QString Throttling = QStringLiteral("ThrottlingException");
} // namespace errors

/// A response body, with at most one secret member (Plaintext, PrivateKeyPlaintext) kept out of
/// the QJsonObject so that it never becomes a QString.
struct OperationResult {
    QJsonObject body;
    QString secretField;
    QCA::SecureArray secret;
};

class Operations
{
public:
    Operations() = delete;

    /// Every operation name the endpoint serves, sorted.
    [[nodiscard]] static QStringList names();
    /// Whether `operation` is one of names().
    [[nodiscard]] static bool isKnown(const QString &operation);
    /// Runs `operation` with request members `request` as `caller`. UnknownOperationException
    /// for a name not served; SerializationException for a member of the wrong JSON type or
    /// invalid base64; ValidationException for a missing required member; then whatever the
    /// engine says. GrantTokens, where given, are checked first.
    [[nodiscard]] static Result<OperationResult> run(kms::KmsService &service, const kms::Caller &caller,
                                                     const QString &operation, const QJsonObject &request);
    /// The response bytes: `result.body` as compact JSON with the secret member, base64-encoded
    /// inside a SecureArray, spliced in. Returned as a SecureArray: the caller hands it to the
    /// socket and lets it wipe.
    [[nodiscard]] static QCA::SecureArray serialize(const OperationResult &result);
};

} // namespace qkms::server
