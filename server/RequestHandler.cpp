#include "RequestHandler.h"

#include "Operations.h"
#include "core/Regions.h"
#include "iam/AccessKeys.h"
#include "iam/PrincipalStore.h"
#include "kms/AuditLog.h"
#include "kms/KmsService.h"
#include "kms/Scheduler.h"
#include "vault/Vault.h"

#include <QJsonDocument>
#include <QJsonObject>

using namespace Qt::StringLiterals;

namespace qkms::server {

namespace {

const QByteArray kTargetPrefix = QByteArrayLiteral("TrentService.");

} // namespace

EndpointReply errorReply(const KmsError &e, const QString &operation, int status)
{
    static const QStringList internal{qkms::errors::Internal, qkms::errors::Storage, qkms::errors::Crypto,
                                      qkms::errors::SelfTest};
    if (status == 0)
        status = internal.contains(e.type) ? 500 : 400;
    const QJsonObject body{{u"__type"_s, e.type}, {u"message"_s, e.message}};
    return {status, e.type, operation, QCA::SecureArray(QJsonDocument(body).toJson(QJsonDocument::Compact))};
}

RequestHandler::RequestHandler(vault::Vault &vault)
    : m_vault(vault),
      m_principals(std::make_unique<iam::PrincipalStore>(vault)),
      m_accessKeys(std::make_unique<iam::AccessKeys>(vault, *m_principals))
{
}

RequestHandler::~RequestHandler()
{
    flushAudit();
}

void RequestHandler::adoptRegion(const QString &region)
{
    if (auto service = open(region, false); !service)
        qWarning("qkms endpoint: region %s could not be opened for its scheduler: %s", qPrintable(region),
                 qPrintable(service.error().toString()));
}

Result<kms::KmsService *> RequestHandler::open(const QString &region, bool catchUp)
{
    if (auto it = m_services.find(region); it != m_services.end())
        return it->second.get();
    auto service = kms::KmsService::open(m_vault, region);
    if (!service)
        return std::unexpected(service.error());
    kms::KmsService *raw = service->get();
    m_services.emplace(region, std::move(*service));
    if (!catchUp)
        return raw;
    if (auto report = kms::Scheduler(*raw).runDue(); !report)
        qWarning("qkms endpoint: the scheduler of %s failed: %s", qPrintable(region), qPrintable(report.error().toString()));
    if (m_regionOpened)
        m_regionOpened(region);
    return raw;
}

void RequestHandler::forgetSecrets()
{
    m_signingKeys.clear();
    m_accessKeys->clearCache();
}

void RequestHandler::runSchedulers()
{
    for (auto &[region, service] : m_services) {
        if (auto report = kms::Scheduler(*service).runDue(); !report)
            qWarning("qkms endpoint: the scheduler of %s failed: %s", qPrintable(region),
                     qPrintable(report.error().toString()));
    }
}

void RequestHandler::flushAudit()
{
    for (auto &[region, service] : m_services) {
        if (auto st = service->audit().flush(); !st)
            qWarning("qkms endpoint: the audit log of %s could not be written: %s", qPrintable(region),
                     qPrintable(st.error().toString()));
    }
}

EndpointReply RequestHandler::handle(const SigV4Request &request, const QHostAddress &peer)
{
    if (request.body.size() > MaxBodyBytes)
        return errorReply({u"RequestEntityTooLargeException"_s,
                           u"The request body is larger than %1 bytes."_s.arg(MaxBodyBytes)},
                          {}, 413);
    const QByteArray target = request.header("x-amz-target");
    const QString operation = target.startsWith(kTargetPrefix) ? QString::fromLatin1(target.mid(kTargetPrefix.size()))
                                                               : QString();
    auto identity = SigV4::verify(request, m_vault.clock().now(),
                                  [this](const QString &id) { return m_accessKeys->secret(id); }, u"kms"_s,
                                  &m_signingKeys);
    if (!identity)
        return errorReply(identity.error(), operation, identity.error().type == errors::UnrecognizedClient ? 400 : 0);
    if (!isValidRegion(identity->region))
        return errorReply({errors::InvalidSignature,
                           u"Credential should be scoped to a valid region, not '%1'. "_s.arg(identity->region)},
                          operation);
    if (operation.isEmpty() || !Operations::isKnown(operation))
        return errorReply({errors::UnknownOperation, u"Unknown operation '%1'."_s.arg(QString::fromLatin1(target))},
                          operation);
    QJsonObject members;
    if (!request.body.trimmed().isEmpty()) {
        QJsonParseError parseError{};
        const QJsonDocument doc = QJsonDocument::fromJson(request.body, &parseError);
        if (parseError.error != QJsonParseError::NoError || !doc.isObject())
            return errorReply({errors::Serialization,
                               parseError.error != QJsonParseError::NoError
                                   ? u"The request body is not valid JSON: %1 at offset %2."_s.arg(parseError.errorString())
                                         .arg(parseError.offset)
                                   : u"The request body must be a JSON object."_s},
                              operation);
        members = doc.object();
    }
    auto service = open(identity->region, true);
    if (!service)
        return errorReply(service.error(), operation);
    // A dual-stack listener sees IPv4 clients as ::ffff:a.b.c.d; the audit shows a.b.c.d, as AWS does.
    bool mapped = false;
    const QHostAddress v4(peer.toIPv4Address(&mapped));
    const kms::Caller caller{identity->principalArn, u"endpoint"_s, mapped ? v4.toString() : peer.toString()};
    auto result = Operations::run(**service, caller, operation, members);
    if (!result)
        return errorReply(result.error(), operation);
    return {200, {}, operation, Operations::serialize(*result)};
}

} // namespace qkms::server
