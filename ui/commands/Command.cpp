#include "Command.h"

namespace qkms::ui {

Command::Command(model::EngineRunner *runner, QWidget *parentWidget)
    : QObject(parentWidget), m_runner(runner), m_parentWidget(parentWidget)
{
}

Command::~Command() = default;

void Command::cancel()
{
    finish({CommandResult::Outcome::Canceled, {}, {}});
}

void Command::finish(CommandResult result)
{
    if (m_finished)
        return;
    m_finished = true;
    Q_EMIT finished(result);
    deleteLater();
}

} // namespace qkms::ui
