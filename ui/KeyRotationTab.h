#pragma once

#include "kms/KeyRecord.h"

#include <QStringList>
#include <QWidget>

#include <optional>

class QLabel;
class QPushButton;
class QTableWidget;

namespace qkms::model {
class EngineRunner;
}

namespace qkms::ui {

/// The key detail view's "Key rotation" tab: whether the key rotates automatically, its period
/// and next date (GetKeyRotationStatus), every completed rotation (ListKeyRotations) and
/// "Rotate now" (RotateKeyOnDemand through RotateNowCommand). Keys that cannot rotate say why.
class KeyRotationTab : public QWidget
{
    Q_OBJECT
public:
    explicit KeyRotationTab(model::EngineRunner *runner, QWidget *parent = nullptr);

    /// The key shown; another key clears the tab until reload().
    void setKey(const std::optional<kms::KeyRecord> &key, const QStringList &aliases);
    /// Reads the rotation status and history of the key again.
    void reload();
    /// The last action's sentence (empty when none).
    [[nodiscard]] QString message() const;

Q_SIGNALS:
    /// The status and history of `keyId` are shown.
    void loaded(const QString &keyId);

private:
    void rotateNow();

    model::EngineRunner *m_runner;
    std::optional<kms::KeyRecord> m_key;
    QStringList m_aliases;
    quint64 m_request = 0;
    QLabel *m_status = nullptr;
    QLabel *m_period = nullptr;
    QLabel *m_next = nullptr;
    QTableWidget *m_history = nullptr;
    QPushButton *m_rotate = nullptr;
    QLabel *m_message = nullptr;
};

} // namespace qkms::ui
