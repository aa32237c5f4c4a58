#pragma once

#include <QList>
#include <QString>
#include <QWizardPage>

#include <utility>

class QLabel;
class QPlainTextEdit;

namespace qkms::ui {

/// The create-key wizard's last page: the key's configuration as a table, the key policy it will
/// get (a sentence and the JSON), and the progress or error of Create key.
class KeyReviewPage : public QWizardPage
{
    Q_OBJECT
public:
    explicit KeyReviewPage(QWidget *parent = nullptr);

    /// Shows `rows` (name, value; plain text) as the configuration table.
    void setSummary(const QList<std::pair<QString, QString>> &rows);
    /// Shows the sentence `hint` about the key policy, and the policy JSON `policy`.
    void setPolicy(const QString &hint, const QString &policy);
    /// Shows `text` as work in progress, in the ordinary text colour.
    void showProgress(const QString &text);
    /// Shows `text` as an error (red); empty hides the line.
    void showError(const QString &text);

private:
    QLabel *m_summary = nullptr;
    QLabel *m_policyHint = nullptr;
    QPlainTextEdit *m_policyText = nullptr;
    QLabel *m_status = nullptr;
};

} // namespace qkms::ui
