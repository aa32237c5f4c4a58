#pragma once

#include "core/KmsError.h"
#include "envelope/KmsKeyring.h"
#include "envelope/MessageHeader.h"

#include <QDialog>
#include <QList>

#include <optional>

class QLabel;
class QTableWidget;

namespace qkms::model {
class EngineRunner;
}

namespace qkms::ui {

/// An encrypted file's header without decrypting it: suite, message id, frame length,
/// encryption context, and each encrypted data key's provider and key ARN with whether the
/// acting principal may use it — asked of the engine as a DryRun of kms:Decrypt (key policy,
/// grants, key state), nothing unwrapped. The header is read but not authenticated, which the
/// dialog says.
class InspectFileDialog : public QDialog
{
    Q_OBJECT
public:
    InspectFileDialog(model::EngineRunner *runner, const QString &path, QWidget *parent = nullptr);

    [[nodiscard]] QString path() const { return m_path; }
    /// The header, or nothing when the file could not be read as a message (error() says why).
    [[nodiscard]] const std::optional<envelope::MessageHeader> &header() const { return m_header; }
    [[nodiscard]] const std::optional<KmsError> &error() const { return m_error; }
    /// True once the engine answered for every data key.
    [[nodiscard]] bool accessChecked() const { return m_accessChecked; }
    [[nodiscard]] const QList<envelope::DataKeyAccess> &access() const { return m_access; }

Q_SIGNALS:
    void accessCheckFinished();

private:
    void showHeader(const envelope::MessageHeader &h);
    void checkAccess();
    void showAccess();

    model::EngineRunner *m_runner;
    QString m_path;
    std::optional<envelope::MessageHeader> m_header;
    std::optional<KmsError> m_error;
    QList<envelope::DataKeyAccess> m_access;
    bool m_accessChecked = false;
    QLabel *m_status = nullptr;
    QTableWidget *m_keys = nullptr;
};

} // namespace qkms::ui
