#pragma once

#include <QDialog>
#include <QHash>
#include <QStringList>

class QComboBox;
class QDialogButtonBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QPlainTextEdit;

namespace qkms::ui {

/// Asks for an inline identity policy of a user or role: its name and its JSON document, typed,
/// pasted or loaded from a file. By default only well-formed JSON is required here and the
/// engine names any other problem on save (MalformedPolicyDocumentException). The Policies pane
/// also lets the user choose the principal and checks the document with the engine's own parser
/// as it is typed (setPrincipalChoices, setEngineValidation).
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
    /// When on, the document is parsed as the engine parses identity policies (the principal
    /// existence check aside) and Save is enabled only when it would be accepted.
    void setEngineValidation(bool on);

private:
    void validate();
    [[nodiscard]] QString documentProblem() const;

    QFormLayout *m_form = nullptr;
    QComboBox *m_principal = nullptr;
    QLineEdit *m_name = nullptr;
    QPlainTextEdit *m_document = nullptr;
    QLabel *m_problem = nullptr;
    QDialogButtonBox *m_buttons = nullptr;
    QHash<QString, QStringList> m_existing;
    bool m_engineValidation = false;
    bool m_choosePrincipal = false; ///< the chooser is shown
};

} // namespace qkms::ui
