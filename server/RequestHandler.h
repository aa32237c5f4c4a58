#pragma once

// What the endpoint does with one request once it has its bytes: size limit, Signature Version 4,
// the AWS JSON 1.1 protocol and dispatch to the engine of the region the credential scope names.
// One RequestHandler serves one thread on one vault handle: KmsService, PrincipalStore and the
// caches below are not thread safe, so every serving thread of the endpoint has a handler (and a
// vault handle) of its own, and SQLite locking keeps the handles' writes consistent.

#include "SigV4.h"
#include "core/KmsError.h"

#include <QHostAddress>
#include <QString>
#include <QStringList>
#include <QtCrypto>

#include <functional>
#include <map>
#include <memory>

namespace qkms::vault {
class Vault;
}
namespace qkms::kms {
class KmsService;
}
namespace qkms::iam {
class PrincipalStore;
class AccessKeys;
}

namespace qkms::server {

/// One answer of the endpoint: HTTP status, AWS error name (empty on success) and body. The body
/// may hold a plaintext (Decrypt, GenerateDataKey), so it is a SecureArray.
struct EndpointReply {
    int status = 200;
    QString errorType;
    QString operation;
    QCA::SecureArray body;
};

/// The JSON 1.1 error answer `{"__type": …, "message": …}`. `status` 0 picks it from the error:
/// 500 for faults of qkms itself (SDKs retry those), 400 for everything the caller can fix.
[[nodiscard]] EndpointReply errorReply(const KmsError &error, const QString &operation = {}, int status = 0);

class RequestHandler
{
public:
    /// Requests larger than this are refused before their JSON is parsed (AWS's limit is lower
    /// for every KMS operation; 1 MiB leaves room for the largest key policy and tags).
    static constexpr qsizetype MaxBodyBytes = 1024 * 1024;

    /// A handler on `vault`, which must be unlocked, outlive the handler and be used by no other thread.
    explicit RequestHandler(vault::Vault &vault);
    ~RequestHandler();
    RequestHandler(const RequestHandler &) = delete;
    RequestHandler &operator=(const RequestHandler &) = delete;

    /// Answers one request (throttling is the caller's: it spans every thread).
    [[nodiscard]] EndpointReply handle(const SigV4Request &request, const QHostAddress &peer);

    /// Opens `region` for runSchedulers() without catching up first (another handler just did);
    /// a failure is logged (warning) and the region is tried again at its next adoption.
    void adoptRegion(const QString &region);
    /// Called (on this handler's thread) with each region the first time a request opens it.
    void setRegionOpened(std::function<void(const QString &)> callback) { m_regionOpened = std::move(callback); }

    /// Writes the batched audit records of every open region; failures are logged (warning).
    void flushAudit();
    /// Carries out the due rotations and deletions of every open region.
    void runSchedulers();
    /// Forgets the derived signing keys and the access keys' secrets held in memory: when the
    /// endpoint stops serving.
    void forgetSecrets();

private:
    /// The engine of `region`, opened on first use; with `catchUp`, opening it carries out the
    /// rotations and deletions that came due while it was closed, as every unlock does, and tells
    /// the region-opened callback.
    [[nodiscard]] Result<kms::KmsService *> open(const QString &region, bool catchUp);

    vault::Vault &m_vault;
    std::unique_ptr<iam::PrincipalStore> m_principals;
    std::unique_ptr<iam::AccessKeys> m_accessKeys;
    SigningKeyCache m_signingKeys;
    std::map<QString, std::unique_ptr<kms::KmsService>> m_services; ///< by region, opened on first use
    std::function<void(const QString &)> m_regionOpened;
};

} // namespace qkms::server
