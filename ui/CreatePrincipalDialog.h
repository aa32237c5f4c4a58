#pragma once

#include "iam/PrincipalStore.h"

#include <QDialog>

class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;

namespace qkms::ui {

/// Asks for a new IAM user's or role's name (checked as you type with IAM's rule) and, for a
/// role, an optional trust policy (AssumeRolePolicyDocument, which must be a JSON object).
class CreatePrincipalDialog : public QDialog
{
    Q_OBJECT
public:
    explicit CreatePrincipalDialog(iam::PrincipalKind kind, QWidget *parent = nullptr);
    [[nodiscard]] QString principalName() const;
    /// The trust policy as typed (roles only; empty for none).
    [[nodiscard]] QString trustPolicy() const;
    /// The problem with what was typed (empty when the dialog may be accepted).
    [[nodiscard]] QString problem() const;

private:
    void validate();

    iam::PrincipalKind m_kind;
    QLineEdit *m_name = nullptr;
    QPlainTextEdit *m_trust = nullptr;
    QLabel *m_problem = nullptr;
    QDialogButtonBox *m_buttons = nullptr;
};

} // namespace qkms::ui
