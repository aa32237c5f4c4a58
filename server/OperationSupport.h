#pragma once

// Shared by the operation files of the endpoint (KeyOperations.cpp, CryptoOperations.cpp):
// reading AWS JSON 1.1 request members with AWS's exception names, and the table that maps an
// X-Amz-Target operation name to its handler.

#include "Operations.h"
#include "core/KmsError.h"
#include "kms/Requests.h"
#include "kms/ResponseJson.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonObject>

#include <functional>
#include <optional>

namespace qkms::kms {
class KmsService;
}

namespace qkms::server {

/// The request members of one call. Accessors never fail: the first problem (a missing required
/// member, a wrong JSON type, invalid base64) is kept and reported by error(), so a handler reads
/// every member, checks once, and then calls the engine.
class JsonArgs
{
public:
    enum Need { Optional, Required };
    explicit JsonArgs(const QJsonObject &body) : m_body(body) {}

    [[nodiscard]] bool has(const char *name) const { return m_body.contains(QLatin1String(name)); }
    [[nodiscard]] QString string(const char *name, Need need = Optional, const QString &fallback = {});
    [[nodiscard]] std::optional<QString> optionalString(const char *name);
    [[nodiscard]] std::optional<int> integer(const char *name, Need need = Optional);
    [[nodiscard]] bool boolean(const char *name, bool fallback = false);
    /// A base64 blob (public bytes: ciphertexts, signatures, messages).
    [[nodiscard]] QByteArray blob(const char *name, Need need = Optional);
    /// A base64 blob that is a secret (a plaintext): decoded straight into a SecureArray.
    [[nodiscard]] QCA::SecureArray secretBlob(const char *name, Need need = Optional);
    /// A map of string to string (EncryptionContext, constraints).
    [[nodiscard]] kms::EncryptionContext stringMap(const char *name);
    [[nodiscard]] QStringList stringList(const char *name, Need need = Optional);
    /// [{"TagKey": …, "TagValue": …}, …]
    [[nodiscard]] kms::Tags tags(const char *name);
    [[nodiscard]] QJsonObject object(const char *name);

    /// The first problem met, if any.
    [[nodiscard]] std::optional<KmsError> error() const { return m_error; }

private:
    [[nodiscard]] QJsonValue member(const char *name, Need need, QJsonValue::Type type, const char *typeName);
    void setError(const QString &type, const QString &message);

    QJsonObject m_body;
    std::optional<KmsError> m_error;
};

/// One operation: reads its members from `args` and calls the engine as `caller`.
using OperationHandler =
    std::function<Result<OperationResult>(kms::KmsService &service, const kms::Caller &caller, JsonArgs &args)>;
using OperationTable = QHash<QString, OperationHandler>;

/// Key management, aliases, tags, key policies, grants and rotation (KeyOperations.cpp).
void addKeyOperations(OperationTable &table);
/// Encryption, data keys, random bytes, signing and MACs (CryptoOperations.cpp).
void addCryptoOperations(OperationTable &table);

/// Base64 of public bytes, for response members.
[[nodiscard]] QString base64(const QByteArray &bytes);
/// Adds {"Truncated": …, "NextMarker": …} of a page to `o` (shared with the CLI).
using kms::json::addPaging;
/// Turns a Status into an empty response.
[[nodiscard]] Result<OperationResult> empty(const Status &st);
/// A response without secrets.
[[nodiscard]] inline Result<OperationResult> reply(QJsonObject body) { return OperationResult{std::move(body), {}, {}}; }

} // namespace qkms::server
