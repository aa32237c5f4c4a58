#pragma once

#include "kms/KeyRecord.h"

#include <QDateTime>
#include <QDialog>

class QCheckBox;
class QLabel;
class QPushButton;
class QSpinBox;

namespace qkms::ui {

/// Asks for ScheduleKeyDeletion's waiting period (7..30 days, 30 by default) and spells out what
/// deletion means. The Schedule button stays disabled until the user ticks "I understand".
class ScheduleDeletionDialog : public QDialog
{
    Q_OBJECT
public:
    /// `keyLabel` names the key as the user knows it (its alias, or its id); `now` is the vault
    /// clock's time, for the deletion date preview.
    ScheduleDeletionDialog(const kms::KeyRecord &key, const QString &keyLabel, const QDateTime &now,
                           QWidget *parent = nullptr);
    /// The chosen waiting period in days.
    [[nodiscard]] int waitingPeriodDays() const;

private:
    void updateDeletionDate();

    QSpinBox *m_days = nullptr;
    QCheckBox *m_understand = nullptr;
    QPushButton *m_schedule = nullptr;
    QLabel *m_date = nullptr;
    QDateTime m_now;
};

} // namespace qkms::ui
