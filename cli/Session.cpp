#include "Session.h"

#include "Passphrase.h"
#include "kms/KmsService.h"
#include "kms/Scheduler.h"
#include "vault/Vault.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace qkms::cli {

Session::Session(GlobalOptions options, QIODevice &out, QIODevice &err)
    : m_options(std::move(options)), m_out(out), m_err(err)
{
    const QString now = qEnvironmentVariable("QKMS_NOW");
    if (now.isEmpty()) {
        m_clock = std::make_unique<SystemClock>();
        return;
    }
    const QDateTime t = QDateTime::fromString(now, Qt::ISODateWithMs);
    if (!t.isValid()) {
        m_clock = std::make_unique<SystemClock>();
        m_clockStatus = fail(errors::Validation, QStringLiteral("QKMS_NOW='%1' is not an ISO 8601 time").arg(now));
        return;
    }
    m_clock = std::make_unique<ManualClock>(t);
}

Session::~Session()
{
    m_service.reset(); // before the vault it uses
}

Result<vault::Vault *> Session::vault()
{
    if (m_vault)
        return m_vault.get();
    if (!vault::Vault::exists(m_options.vaultDir))
        return fail(errors::Vault, QStringLiteral("no qkms vault in %1 (create one with: qkms init)").arg(m_options.vaultDir));
    auto pass = readPassphrase("QKMS_PASSPHRASE", m_options.passphraseFile,
                               QStringLiteral("Passphrase for %1: ").arg(m_options.vaultDir), false);
    if (!pass)
        return std::unexpected(pass.error());
    auto v = vault::Vault::open(m_options.vaultDir, *pass, *m_clock);
    if (!v)
        return std::unexpected(v.error());
    m_vault = std::move(*v);
    return m_vault.get();
}

Result<kms::KmsService *> Session::service()
{
    if (m_service)
        return m_service.get();
    auto v = vault();
    if (!v)
        return std::unexpected(v.error());
    auto svc = kms::KmsService::open(**v, m_options.region);
    if (!svc)
        return std::unexpected(svc.error());
    m_service = std::move(*svc);
    // Every rotation and deletion that came due while qkms was closed happens now (docs/rotation.md).
    auto due = kms::Scheduler(*m_service).runDue();
    if (!due)
        warn(QStringLiteral("warning: due rotations and deletions could not run: ") + due.error().message);
    for (const auto &[keyId, error] : due ? due->failures : QList<QPair<QString, KmsError>>{})
        warn(QStringLiteral("warning: the scheduled event of key %1 could not run: %2").arg(keyId, error.toString()));
    return m_service.get();
}

Result<kms::Caller> Session::caller()
{
    auto svc = service();
    if (!svc)
        return std::unexpected(svc.error());
    const QString principal = m_options.principal.isEmpty() ? (*svc)->rootArn() : m_options.principal;
    return kms::Caller{principal, QStringLiteral("cli"), {}};
}

void Session::warn(const QString &line)
{
    m_err.write(line.toUtf8() + '\n');
}

namespace {

QString textOf(const QJsonValue &v)
{
    switch (v.type()) {
    case QJsonValue::String:
        return v.toString();
    case QJsonValue::Bool:
        return v.toBool() ? QStringLiteral("True") : QStringLiteral("False");
    case QJsonValue::Double:
        return QString::number(v.toDouble(), 'g', 16);
    case QJsonValue::Array: {
        QStringList parts;
        for (const QJsonValue &e : v.toArray())
            parts.append(textOf(e));
        return parts.join(u'\t');
    }
    case QJsonValue::Object:
        return QString::fromUtf8(QJsonDocument(v.toObject()).toJson(QJsonDocument::Compact));
    default:
        return QStringLiteral("None");
    }
}

} // namespace

void Session::print(const QJsonObject &result)
{
    if (result.isEmpty())
        return;
    QJsonValue selected = result;
    if (!m_options.query.isEmpty()) {
        // A dotted path of field names: enough for --query KeyMetadata.Arn style use.
        for (const QString &part : m_options.query.split(u'.')) {
            selected = selected.toObject().value(part);
        }
    }
    if (m_options.output == QStringLiteral("text")) {
        if (selected.isObject()) {
            const QJsonObject o = selected.toObject();
            QStringList parts;
            for (auto it = o.begin(); it != o.end(); ++it)
                parts.append(textOf(it.value()));
            m_out.write(parts.join(u'\t').toUtf8() + '\n');
        } else {
            m_out.write(textOf(selected).toUtf8() + '\n');
        }
        return;
    }
    if (selected.isObject())
        m_out.write(QJsonDocument(selected.toObject()).toJson(QJsonDocument::Indented));
    else if (selected.isArray())
        m_out.write(QJsonDocument(selected.toArray()).toJson(QJsonDocument::Indented));
    else
        m_out.write(QJsonDocument(QJsonArray{selected}).toJson(QJsonDocument::Compact).mid(1).chopped(1) + '\n');
}

QList<Command> &commandTable()
{
    static QList<Command> table;
    return table;
}

void registerCommand(Command command)
{
    commandTable().append(std::move(command));
}

} // namespace qkms::cli
