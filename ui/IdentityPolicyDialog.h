#pragma once

#include "PolicyVerdict.h"

#include <QDialog>
#include <QHash>
#include <QStringList>

class QComboBox;
class QDialogButtonBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QTimer;

namespace qkms::ui {

/// Asks for an inline identity policy of a user or role: its name and its JSON document, typed,
/// pasted or loaded from a file. The document is checked with the engine's own parser as it is
/// typed (checkPolicyText), its problem shown and underlined as in the Policies pane's editor,
/// after the same pause in typing (kPolicyVerdictPauseMs); Save is enabled only when the engine
/// would accept it. The Policies pane also lets the user choose the principal
/// (setPrincipalChoices).
class IdentityPolicyDialog : public QDialog
{
    Q_OBJECT
public:
    IdentityPolicyDialog(const QString &principalLabel, const QString &policyName, const QString &document,
                         QWidget *parent = nullptr);
    [[nodiscard]] QString policyName() const;
    [[nodiscard]] QString document() const;
    /// Replaces the document with the file's content; false (with the reason shown) on failure.
    bool loadFile(const QString &path);
    [[nodiscard]] QString problem() const;

    /// Shows a principal chooser listing `arns` (user and role ARNs, the first selected) and
    /// refuses a name the chosen principal already uses (`existing`: ARN → policy names), since
    /// saving it would silently replace that policy.
    void setPrincipalChoices(const QStringList &arns, const QHash<QString, QStringList> &existing = {});
    /// The chosen principal's ARN (empty without a chooser).
    [[nodiscard]] QString principalArn() const;
    /// Chooses `arn` in the chooser; false when it is not offered.
    bool setPrincipalArn(const QString &arn);
    /// Checks the document now (a pending pause is cut short) and closes the dialog as accepted
    /// only when there is no problem: Save after a quick edit never passes the previous verdict.
    void accept() override;

private:
    /// The document changed: parse it once typing pauses (the verdict shown until then stays).
    void scheduleCheck();
    /// Parses the document now, marks it, and shows the problem.
    void checkDocument();
    /// Shows the first problem (principal, name, then the document's last verdict) and enables
    /// Save only without one.
    void showProblem();
    /// The document's verdict: the engine parser's (engine validation) or well-formed JSON's.
    [[nodiscard]] PolicyVerdict documentVerdict() const;

    QFormLayout *m_form = nullptr;
    QComboBox *m_principal = nullptr;
    QLineEdit *m_name = nullptr;
    QPlainTextEdit *m_document = nullptr;
    QLabel *m_problem = nullptr;
    QDialogButtonBox *m_buttons = nullptr;
    QTimer *m_checkTimer = nullptr; ///< the typing pause before the document is parsed again
    PolicyVerdict m_verdict;        ///< the document's verdict as of the last check
    QHash<QString, QStringList> m_existing;
    bool m_choosePrincipal = false; ///< the chooser is shown
};

} // namespace qkms::ui
