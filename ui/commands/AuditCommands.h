#pragma once

// The Event history pane's actions on the region's audit trail: verify the hash chain, and export
// it as CloudTrail-shaped JSON lines.

#include "Command.h"

namespace qkms::ui {

/// Walks the whole chain (AuditLog::verify). Succeeds with "Intact: N events"; fails with the
/// first broken link, also reported through verified() so the pane can point at the event.
class VerifyAuditCommand : public Command
{
    Q_OBJECT
public:
    using Command::Command;
    void start() override;

Q_SIGNALS:
    /// Emitted just before finished() when the walk completed: `firstBroken` 0 means intact.
    void verified(qint64 events, qint64 firstBroken, const QString &problem);
};

/// Writes every event of the region as one JSON line to `path` (replaced atomically: a failed
/// export leaves any earlier file as it was).
class ExportAuditCommand : public Command
{
    Q_OBJECT
public:
    ExportAuditCommand(model::EngineRunner *runner, QString path, QWidget *parentWidget);
    void start() override;

private:
    QString m_path;
};

} // namespace qkms::ui
