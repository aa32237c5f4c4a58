#pragma once

#include <QObject>
#include <QPointer>
#include <QWidget>

namespace qkms::model {
class EngineRunner;
}

namespace qkms::ui {

/// How a user action ended, with a sentence for the status line.
struct CommandResult {
    enum class Outcome { Succeeded, Failed, Canceled };
    Outcome outcome = Outcome::Canceled;
    QString message; ///< what happened, or "ExceptionName: why it failed"
    QString keyId;   ///< the key acted on (or created)

    [[nodiscard]] bool succeeded() const { return outcome == Outcome::Succeeded; }
};

/// A user action as an object (Kleopatra's Command): the pane creates it, connects finished()
/// and calls start(); the command asks what it needs (a dialog), runs the engine call on the
/// engine worker and reports once. It deletes itself after finished().
class Command : public QObject
{
    Q_OBJECT
public:
    /// `parentWidget` parents the command's dialogs; the command lives at most as long as it.
    Command(model::EngineRunner *runner, QWidget *parentWidget);
    ~Command() override;

    /// Starts the action (dialogs open non-modally to the event loop; nothing blocks).
    virtual void start() = 0;
    /// Gives up: finished(Canceled) now. An engine call already running still completes, but
    /// its result is ignored (the view's next refresh shows it).
    virtual void cancel();
    [[nodiscard]] bool isFinished() const { return m_finished; }

Q_SIGNALS:
    /// Emitted exactly once.
    void finished(const qkms::ui::CommandResult &result);

protected:
    /// Reports `result` (once) and schedules deletion.
    void finish(CommandResult result);
    [[nodiscard]] model::EngineRunner *runner() const { return m_runner; }
    [[nodiscard]] QWidget *parentWidget() const { return m_parentWidget; }

private:
    model::EngineRunner *m_runner;
    QPointer<QWidget> m_parentWidget;
    bool m_finished = false;
};

} // namespace qkms::ui
