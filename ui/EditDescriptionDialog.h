#pragma once

#include <QDialog>

class QPlainTextEdit;

namespace qkms::ui {

/// Edits a key's description (UpdateKeyDescription): up to 8,192 characters, shown in the keys
/// table and returned by DescribeKey.
class EditDescriptionDialog : public QDialog
{
    Q_OBJECT
public:
    EditDescriptionDialog(const QString &keyLabel, const QString &description, QWidget *parent = nullptr);
    [[nodiscard]] QString description() const;

private:
    QPlainTextEdit *m_edit = nullptr;
};

} // namespace qkms::ui
