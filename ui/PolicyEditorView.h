#pragma once

#include "PolicyListModel.h"

#include <QWidget>

#include <optional>

class QLabel;
class QPlainTextEdit;
class QPushButton;

namespace qkms::ui {

class JsonHighlighter;

/// The editing side of the Policies pane: the policy's title (marked while modified), a JSON
/// editor with syntax highlighting, the engine parser's verdict under it (its target underlined
/// in the text), Save and Revert, and the message bar for what the last save did. It shows; the
/// pane decides what is loaded, saved and enabled.
class PolicyEditorView : public QWidget
{
    Q_OBJECT
public:
    explicit PolicyEditorView(QWidget *parent = nullptr);

    [[nodiscard]] QPlainTextEdit *editor() const { return m_editor; }
    [[nodiscard]] QPushButton *saveButton() const { return m_save; }
    [[nodiscard]] QPushButton *revertButton() const { return m_revert; }

    /// Sets the title above the editor (without the unsaved marker; shown by setState()).
    void setTitle(const QString &title) { m_titleText = title; }
    /// Applies the pane's state: the editor takes input when `editable`; Revert is enabled when
    /// `ready` and `dirty`, Save when also `valid`; the title is marked modified when `dirty`.
    void setState(bool editable, bool ready, bool dirty, bool valid);

    /// Parses the editor's text as the engine will for `policy`, checking named principals
    /// against `catalog` when it lists them, and shows the verdict. Returns whether it parsed;
    /// false with nothing shown when there is no policy or no text.
    bool check(const std::optional<model::PolicyRef> &policy, const model::PolicyCatalog &catalog);
    /// The verdict line under the editor ("Line l, column c: why (Exception)"; empty while valid).
    [[nodiscard]] QString validationMessage() const;

    /// Shows `text` in the message bar, red when `error`; hides it when `text` is empty.
    void showMessage(const QString &text, bool error);
    /// Hides the message bar (its text stays readable through message()).
    void hideMessage();
    /// The message bar's text.
    [[nodiscard]] QString message() const;

private:
    QLabel *m_title = nullptr;
    QString m_titleText; ///< the title without the unsaved marker
    QPlainTextEdit *m_editor = nullptr;
    JsonHighlighter *m_highlighter = nullptr;
    QLabel *m_validation = nullptr;
    QPushButton *m_save = nullptr;
    QPushButton *m_revert = nullptr;
    QLabel *m_message = nullptr;
};

} // namespace qkms::ui
