#pragma once

#include "envelope/EncryptionContext.h"
#include "envelope/MessageEncryptor.h"
#include "envelope/MessageFormat.h"

#include <QDialog>
#include <QStringList>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QSpinBox;
class QTableWidget;

namespace qkms::model {
class EngineRunner;
}

namespace qkms::ui {

/// Asks how to encrypt the plaintext files of a drop: the KMS key (an alias, key id or ARN —
/// several separated by commas wrap the same data key once each — picked from the region's
/// aliases or typed; default alias/aws/files, the AWS-managed key made on first use), the
/// encryption context pairs, the output folder (empty: next to each file), whether to overwrite,
/// and under "advanced" the suite and frame length. Accepting checks the context as the message
/// layer would (no "aws-crypto-" keys, no empty or duplicate keys) and refuses an empty key.
class EncryptFilesDialog : public QDialog
{
    Q_OBJECT
public:
    EncryptFilesDialog(model::EngineRunner *runner, const QStringList &files, QWidget *parent = nullptr);

    [[nodiscard]] QStringList files() const { return m_files; }
    /// The keys as entered, trimmed, in order.
    [[nodiscard]] QStringList keyIds() const;
    [[nodiscard]] envelope::EncryptionContext context() const;
    /// The chosen folder, or empty for "next to each file".
    [[nodiscard]] QString outputFolder() const;
    [[nodiscard]] bool overwrite() const;
    [[nodiscard]] envelope::AlgorithmSuite suite() const;
    [[nodiscard]] quint32 frameLength() const;

    /// Sets the key field (tests and the pane's "encrypt with this key").
    void setKeyId(const QString &keyId);
    /// Adds one context row.
    void addContextPair(const QString &key, const QString &value);

public Q_SLOTS:
    void accept() override;

private:
    void loadAliases();
    [[nodiscard]] QString validate() const;

    model::EngineRunner *m_runner;
    QStringList m_files;
    QComboBox *m_key = nullptr;
    QTableWidget *m_context = nullptr;
    QLineEdit *m_outputFolder = nullptr;
    QCheckBox *m_overwrite = nullptr;
    QComboBox *m_suite = nullptr;
    QSpinBox *m_frameLength = nullptr;
    QLabel *m_error = nullptr;
};

} // namespace qkms::ui
