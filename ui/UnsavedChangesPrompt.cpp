#include "UnsavedChangesPrompt.h"

#include <QMessageBox>
#include <QPushButton>

namespace qkms::ui {

UnsavedChangesPrompt::UnsavedChangesPrompt(QWidget *parentWidget, QString boxName, Handler onSave, Handler onDiscard)
    : QObject(parentWidget), m_parentWidget(parentWidget), m_boxName(std::move(boxName)), m_onSave(std::move(onSave)),
      m_onDiscard(std::move(onDiscard))
{
}

void UnsavedChangesPrompt::ask(const QString &what, const QString &problem, bool saveEnabled,
                               std::function<void()> proceed)
{
    m_proceed = std::move(proceed); // the latest destination wins while the question is open
    if (m_box) {
        m_box->raise();
        return;
    }
    const bool valid = problem.isEmpty();
    auto *box = new QMessageBox(QMessageBox::Question, tr("Unsaved changes"), tr("Save changes to %1?").arg(what),
                                QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel, m_parentWidget);
    box->setObjectName(m_boxName);
    box->button(QMessageBox::Save)->setObjectName(QStringLiteral("unsavedSaveButton"));
    box->button(QMessageBox::Discard)->setObjectName(QStringLiteral("unsavedDiscardButton"));
    box->button(QMessageBox::Cancel)->setObjectName(QStringLiteral("unsavedCancelButton"));
    box->button(QMessageBox::Save)->setEnabled(saveEnabled);
    box->setInformativeText(valid ? tr("If you don't save, your changes are lost.")
                                  : tr("It cannot be saved as it is — %1. Cancel to fix it, or discard your "
                                       "changes.")
                                        .arg(problem));
    box->setDefaultButton(valid ? QMessageBox::Save : QMessageBox::Cancel);
    box->setEscapeButton(QMessageBox::Cancel);
    box->setAttribute(Qt::WA_DeleteOnClose);
    m_box = box;
    connect(box, &QMessageBox::finished, this, [this, box] { answered(box); });
    box->open();
}

QMessageBox *UnsavedChangesPrompt::box() const
{
    return m_box;
}

bool UnsavedChangesPrompt::isOpen() const
{
    return !m_box.isNull();
}

void UnsavedChangesPrompt::dismiss()
{
    m_proceed = {};
    if (m_box)
        m_box->reject();
}

void UnsavedChangesPrompt::answered(QMessageBox *box)
{
    const QMessageBox::StandardButton answer = box->standardButton(box->clickedButton());
    std::function<void()> next = std::exchange(m_proceed, {});
    if (answer == QMessageBox::Discard)
        m_onDiscard(std::move(next));
    else if (answer == QMessageBox::Save)
        m_onSave(std::move(next));
    // Cancel, Escape or dismiss(): the edit stays and nothing proceeds.
}

} // namespace qkms::ui
