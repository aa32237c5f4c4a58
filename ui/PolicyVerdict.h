#pragma once

// The engine parser's verdict on a policy document as the console shows it while it is typed:
// shared by the Policies pane's editor (PolicyEditorView) and the identity-policy dialog
// (IdentityPolicyDialog), so both say the same thing about the same text and mark it the same way.

#include "PolicyErrorLocator.h"
#include "policy/PolicyDocument.h"

#include <QString>

class QLabel;
class QPlainTextEdit;
class QWidget;

namespace qkms::ui {

/// How long a policy editor waits after the last keystroke before it parses the text again, so
/// typing stays smooth and the verdict does not flicker through every half-typed word. The
/// Policies pane's editor and the identity-policy dialog both wait this long.
inline constexpr int kPolicyVerdictPauseMs = 250;

/// What the engine's parser makes of a policy text.
struct PolicyVerdict {
    bool valid = true;
    QString message;     ///< "Line l, column c: why (Exception)"; empty when valid
    model::TextSpan span; ///< the part of the text the refusal is about; empty when valid
};

/// Parses `text` exactly as PutKeyPolicy / PutUserPolicy / PutRolePolicy will (`kind`, the
/// principal existence check `principalExists`, the policy's `name` for its messages) and, when
/// it is refused, locates the refusal in the text. Never fails: a refusal is an invalid verdict
/// whose message ends with the AWS exception name.
[[nodiscard]] PolicyVerdict checkPolicyText(const QString &text, policy::PolicyKind kind,
                                            const policy::PrincipalExists &principalExists = {},
                                            const QString &name = {});

/// Underlines the verdict's span in `editor` (or removes the underline when it is valid).
void markPolicyVerdict(QPlainTextEdit *editor, const PolicyVerdict &verdict);

/// Creates the line that shows verdicts under a policy editor: red, wrapped, selectable, hidden
/// while there is nothing to say (see showVerdictText).
[[nodiscard]] QLabel *makeVerdictLabel(const QString &objectName, QWidget *parent);

/// Shows `text` in a label made by makeVerdictLabel; hides and clears it when `text` is empty.
void showVerdictText(QLabel *label, const QString &text);

} // namespace qkms::ui
