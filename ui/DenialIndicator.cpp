#include "DenialIndicator.h"

#include "EngineRunner.h"

#include <QDialog>
#include <QDialogButtonBox>
#include <QLabel>
#include <QPlainTextEdit>
#include <QVBoxLayout>

namespace qkms::ui {

DenialIndicator::DenialIndicator(model::EngineRunner *runner, QWidget *parent) : QToolButton(parent), m_runner(runner)
{
    setObjectName(QStringLiteral("accessDeniedButton"));
    setAutoRaise(true);
    setStyleSheet(QStringLiteral("color:#b3261e;"));
    hide();
    connect(this, &QToolButton::clicked, this, &DenialIndicator::explain);
    connect(m_runner, &model::EngineRunner::accessDenied, this, [this](const model::Denial &d) {
        setText(tr("%1 — why?").arg(d.error.type));
        setToolTip(d.error.message + (d.trace.isEmpty() ? QString() : QStringLiteral("\n\n") + d.trace));
        show();
    });
    connect(m_runner, &model::EngineRunner::callerChanged, this, &QWidget::hide);
}

void DenialIndicator::explain()
{
    const model::Denial &d = m_runner->lastDenial();
    if (d.error.type.isEmpty())
        return;
    // The window, not the button, owns the dialog: it is centred on and modal to the window.
    auto *dialog = new QDialog(window());
    dialog->setObjectName(QStringLiteral("accessDeniedDialog"));
    dialog->setWindowTitle(tr("Access denied"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->resize(720, 420);
    auto *layout = new QVBoxLayout(dialog);
    auto *head = new QLabel(tr("<p><b>%1</b></p><p>%2</p>").arg(d.error.type.toHtmlEscaped(),
                                                                d.error.message.toHtmlEscaped()),
                            dialog);
    head->setWordWrap(true);
    head->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(head);
    auto *trace = new QPlainTextEdit(dialog);
    trace->setObjectName(QStringLiteral("accessDeniedTrace"));
    trace->setReadOnly(true);
    trace->setPlainText(d.trace.isEmpty() ? tr("The engine evaluated no policy for this request: only the account "
                                               "root may manage IAM principals.")
                                          : tr("How the policies decided:\n%1").arg(d.trace));
    layout->addWidget(trace, 1);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, dialog);
    buttons->setObjectName(QStringLiteral("accessDeniedButtons"));
    connect(buttons, &QDialogButtonBox::rejected, dialog, &QDialog::reject);
    layout->addWidget(buttons);
    dialog->open();
}

} // namespace qkms::ui
