#pragma once

#include "kms/Requests.h"

#include <QWizardPage>

class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QTableWidget;

namespace qkms::ui {

/// The create-key wizard's second page: alias, description and tags, all optional. Next is
/// refused (with the reason on the page) while a tag has a value but no key, or a key twice.
class KeyLabelsPage : public QWizardPage
{
    Q_OBJECT
public:
    explicit KeyLabelsPage(QWidget *parent = nullptr);

    /// The alias to create, with the "alias/" prefix added when the user left it out; empty for none.
    [[nodiscard]] QString aliasName() const;
    /// The description as typed.
    [[nodiscard]] QString description() const;
    /// The tags with a key (keys trimmed).
    [[nodiscard]] kms::Tags tags() const;
    /// Disables the description and tags once the key exists; the alias stays editable for a retry.
    void lockKeyFields();

    /// Refuses to leave the page while tagProblem() has something to say, and shows it.
    [[nodiscard]] bool validatePage() override;

private:
    /// Why the tags cannot be used (a value without a key, a key twice), or empty.
    [[nodiscard]] QString tagProblem() const;

    QLineEdit *m_alias = nullptr;
    QPlainTextEdit *m_description = nullptr;
    QTableWidget *m_tags = nullptr;
    QLabel *m_error = nullptr;
};

} // namespace qkms::ui
