// verify-audit, export-audit: the region's hash-chained audit trail.

#include "Output.h"
#include "kms/AuditLog.h"
#include "kms/KmsService.h"

#include <QSaveFile>

namespace qkms::cli {

using namespace Qt::StringLiterals;

namespace {

/// qkms's own exception name for a chain that does not verify.
const QString kAuditChainBroken = u"AuditChainBrokenException"_s;

Result<QJsonObject> verifyAudit(Session &s, const QStringList &words)
{
    auto a = parseCommand(words, {});
    if (!a)
        return std::unexpected(a.error());
    auto svc = s.service();
    if (!svc)
        return std::unexpected(svc.error());
    auto v = (*svc)->audit().verify();
    if (!v)
        return std::unexpected(v.error());
    if (!v->intact())
        return fail(kAuditChainBroken,
                    u"the audit trail of %1 is broken at event %2: %3 (%4 events before it verify)"_s.arg(
                        (*svc)->region(), QString::number(v->firstBroken), v->problem, QString::number(v->events)));
    return QJsonObject{{u"Events"_s, v->events}, {u"Intact"_s, true}};
}

Result<QJsonObject> exportAudit(Session &s, const QStringList &words)
{
    auto a = parseCommand(words, {u"output-file"_s});
    if (!a)
        return std::unexpected(a.error());
    auto svc = s.service();
    if (!svc)
        return std::unexpected(svc.error());
    const auto path = a->args.value(u"output-file"_s);
    if (!path || *path == u"-"_s) {
        if (auto st = (*svc)->audit().exportJsonLines(s.out()); !st)
            return std::unexpected(st.error());
        return QJsonObject{};
    }
    // Written whole or not at all: a failed export leaves any earlier file as it was.
    QSaveFile file(*path);
    if (!file.open(QIODevice::WriteOnly))
        return fail(errors::Storage, u"cannot write %1: %2"_s.arg(*path, file.errorString()));
    if (auto st = (*svc)->audit().exportJsonLines(file); !st)
        return std::unexpected(st.error());
    if (!file.commit())
        return fail(errors::Storage, u"cannot write %1: %2"_s.arg(*path, file.errorString()));
    return QJsonObject{};
}

} // namespace

void registerAuditCommands()
{
    addCommand("verify-audit", "VerifyAudit", "check the hash chain of the region's audit trail", verifyAudit);
    addCommand("export-audit", "ExportAudit", "write the audit trail as CloudTrail JSON lines (--output-file)",
               exportAudit);
}

} // namespace qkms::cli
