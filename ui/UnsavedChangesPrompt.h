#pragma once

#include <QObject>
#include <QPointer>

#include <functional>

class QMessageBox;
class QWidget;

namespace qkms::ui {

/// The "Save changes to …?" question (Save / Discard / Cancel) asked before an edit is left
/// behind. It remembers where the user was going and hands that on to the owner's Save or Discard
/// handler; Cancel (or dismiss()) forgets it. Its buttons are named unsavedSaveButton,
/// unsavedDiscardButton and unsavedCancelButton for tests.
class UnsavedChangesPrompt : public QObject
{
    Q_OBJECT
public:
    /// What an answer leads to: `proceed` is where the user was going (may be empty).
    using Handler = std::function<void(std::function<void()> proceed)>;

    /// `boxName` names the question's QMessageBox; `onSave` and `onDiscard` run on those answers
    /// (onSave decides whether `proceed` runs, after a successful save).
    UnsavedChangesPrompt(QWidget *parentWidget, QString boxName, Handler onSave, Handler onDiscard);

    /// Asks whether to save `what` ("the key policy of …") before running `proceed`. `problem` is
    /// empty when the edit can be saved, else why not (Cancel becomes the default); `saveEnabled`
    /// offers the Save button. While the question is open it only raises it, and `proceed`
    /// replaces the earlier destination (the latest wins).
    void ask(const QString &what, const QString &problem, bool saveEnabled, std::function<void()> proceed);
    /// Closes an open question without acting on it and forgets its destination.
    void dismiss();
    /// The open question (null when none).
    [[nodiscard]] QMessageBox *box() const;
    /// Whether the question is open.
    [[nodiscard]] bool isOpen() const;

private:
    void answered(QMessageBox *box);

    QWidget *m_parentWidget;
    QString m_boxName;
    Handler m_onSave;
    Handler m_onDiscard;
    QPointer<QMessageBox> m_box;
    std::function<void()> m_proceed; ///< where the open question leads on Save or Discard
};

} // namespace qkms::ui
