#include "AuditCommands.h"

#include "EngineRunner.h"
#include "kms/AuditLog.h"
#include "kms/KmsService.h"

#include <QSaveFile>

namespace qkms::ui {

void VerifyAuditCommand::start()
{
    const bool queued = runner()->run(
        this, [](kms::KmsService &service, const kms::Caller &) { return service.audit().verify(); },
        [this](Result<kms::AuditVerification> v) {
            if (!v) {
                finish({CommandResult::Outcome::Failed, v.error().toString(), {}});
                return;
            }
            Q_EMIT verified(v->events, v->firstBroken, v->problem);
            if (v->intact())
                finish({CommandResult::Outcome::Succeeded, v->events == 1 ? tr("Intact: 1 event") : tr("Intact: %1 events").arg(v->events), {}});
            else
                finish({CommandResult::Outcome::Failed,
                        tr("Broken at event %1: %2. The %3 events before it are intact.")
                            .arg(v->firstBroken)
                            .arg(v->problem)
                            .arg(v->events),
                        {}});
        });
    if (!queued)
        finish({CommandResult::Outcome::Failed, tr("The vault is locked."), {}});
}

ExportAuditCommand::ExportAuditCommand(model::EngineRunner *runner, QString path, QWidget *parentWidget)
    : Command(runner, parentWidget), m_path(std::move(path))
{
}

void ExportAuditCommand::start()
{
    const QString path = m_path;
    const bool queued = runner()->run(
        this,
        [path](kms::KmsService &service, const kms::Caller &) -> Status {
            QSaveFile file(path);
            if (!file.open(QIODevice::WriteOnly))
                return fail(errors::Storage, tr("Cannot write %1: %2").arg(path, file.errorString()));
            if (auto st = service.audit().exportJsonLines(file); !st) {
                file.cancelWriting();
                return st;
            }
            if (!file.commit())
                return fail(errors::Storage, tr("Cannot write %1: %2").arg(path, file.errorString()));
            return {};
        },
        [this, path](Status st) {
            if (st)
                finish({CommandResult::Outcome::Succeeded,
                        tr("Exported the audit trail to %1 (one CloudTrail record per line).").arg(path), {}});
            else
                finish({CommandResult::Outcome::Failed, st.error().toString(), {}});
        });
    if (!queued)
        finish({CommandResult::Outcome::Failed, tr("The vault is locked."), {}});
}

} // namespace qkms::ui
