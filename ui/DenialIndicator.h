#pragma once

#include <QToolButton>

namespace qkms::model {
class EngineRunner;
}

namespace qkms::ui {

/// The status bar's "AccessDeniedException — why?" button (accessDeniedButton): hidden until an
/// engine call of the console is denied, then it names the exception (the message and policy
/// trace in its tooltip) and a click opens the explanation (explain()). Acting as another
/// principal hides it: the previous principal's denial says nothing about the new one.
class DenialIndicator : public QToolButton
{
    Q_OBJECT
public:
    /// Follows `runner`'s denials; `runner` must outlive the button.
    explicit DenialIndicator(model::EngineRunner *runner, QWidget *parent = nullptr);

    /// Opens the explanation of the runner's last denial (accessDeniedDialog: the exception, its
    /// message and how the policies decided), window-modal over the button's window. Does
    /// nothing when no call was denied yet.
    void explain();

private:
    model::EngineRunner *m_runner;
};

} // namespace qkms::ui
