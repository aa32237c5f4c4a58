#pragma once

#include "core/KmsError.h"
#include "kms/KeyRecord.h"
#include "kms/Requests.h"

#include <QWidget>
#include <QtCrypto>

#include <optional>

class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QTableWidget;

namespace qkms::model {
class EngineRunner;
}

namespace qkms::ui {

/// The key detail view's "Try it" tab: the selected key's cryptographic operations, called as
/// the acting principal (the runner's caller), so a user sees what a policy lets them do.
/// Symmetric keys encrypt and decrypt text under an encryption context and generate data keys;
/// signing keys sign and verify; HMAC keys generate and verify MACs; RSA encryption keys
/// encrypt and decrypt with the chosen algorithm. Text typed by the user is a QString only
/// inside its editor: it becomes a QCA::SecureArray before it goes to the engine.
/// The form and its modes are built in TryItPanel.cpp; the operations are in TryItOperations.cpp.
class TryItPanel : public QWidget
{
    Q_OBJECT
public:
    explicit TryItPanel(model::EngineRunner *runner, QWidget *parent = nullptr);

    /// Shows the operations of `key` (none: a hint). Another key clears every field, the
    /// revealed data key included; results still in flight for the previous key are dropped.
    void setKey(const std::optional<kms::KeyRecord> &key);
    /// The last outcome shown: a sentence, or "Operation failed. ExceptionName: message".
    [[nodiscard]] QString resultText() const;
    /// Whether the last outcome was an error.
    [[nodiscard]] bool lastFailed() const { return m_failed; }

Q_SIGNALS:
    /// An operation finished (successfully or not) and its outcome is shown.
    void operationFinished();

private:
    enum class Mode { None, Symmetric, RsaEncrypt, Sign, Mac };

    void buildUi();
    void applyMode();
    void clearOutputs();
    [[nodiscard]] kms::EncryptionContext context() const;
    [[nodiscard]] QCA::SecureArray inputSecret() const;
    [[nodiscard]] std::optional<QByteArray> blob(const QString &what);
    void showOk(const QString &text);
    void showError(const QString &operation, const KmsError &error);
    /// Runs `job` on the engine worker and `done` with its result unless the key changed since.
    template <typename Job, typename Done>
    void call(Job job, Done done);

    void encrypt();
    void decrypt();
    void generateDataKey();
    void revealDataKey();
    void sign();
    void verify();
    void generateMac();
    void verifyMac();

    model::EngineRunner *m_runner;
    std::optional<kms::KeyRecord> m_key;
    Mode m_mode = Mode::None;
    quint64 m_request = 0; ///< bumped per key change; older results are dropped
    bool m_failed = false;
    QCA::SecureArray m_dataKey; ///< the last data key's plaintext, shown only on Reveal

    QLabel *m_hint = nullptr;
    QWidget *m_body = nullptr;
    QPlainTextEdit *m_input = nullptr;
    QWidget *m_contextBox = nullptr;
    QTableWidget *m_context = nullptr;
    QWidget *m_algorithmRow = nullptr;
    QComboBox *m_algorithm = nullptr;
    QPushButton *m_encrypt = nullptr;
    QPushButton *m_decrypt = nullptr;
    QPushButton *m_sign = nullptr;
    QPushButton *m_verify = nullptr;
    QPushButton *m_generateMac = nullptr;
    QPushButton *m_verifyMac = nullptr;
    QLabel *m_blobLabel = nullptr;
    QPlainTextEdit *m_blob = nullptr;
    QPlainTextEdit *m_output = nullptr;
    QWidget *m_dataKeyBox = nullptr;
    QLineEdit *m_dataKeyBlob = nullptr;
    QLineEdit *m_dataKeyPlain = nullptr;
    QPushButton *m_reveal = nullptr;
    QLabel *m_result = nullptr;
};

} // namespace qkms::ui
