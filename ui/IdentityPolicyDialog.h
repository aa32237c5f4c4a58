#pragma once

#include <QDialog>

class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;

namespace qkms::ui {

/// Asks for an inline identity policy of a user or role: its name and its JSON document, typed,
/// pasted or loaded from a file. The engine parses the document when it is saved and names any
/// problem (MalformedPolicyDocumentException); here only well-formed JSON is required.
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

private:
    void validate();

    QLineEdit *m_name = nullptr;
    QPlainTextEdit *m_document = nullptr;
    QLabel *m_problem = nullptr;
    QDialogButtonBox *m_buttons = nullptr;
};

} // namespace qkms::ui
