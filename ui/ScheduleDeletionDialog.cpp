#include "ScheduleDeletionDialog.h"

#include "KeyText.h"

#include <QCheckBox>
#include <QDateTime>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace qkms::ui {

ScheduleDeletionDialog::ScheduleDeletionDialog(const kms::KeyRecord &key, const QString &keyLabel, const QDateTime &now,
                                               QWidget *parent)
    : QDialog(parent), m_now(now)
{
    setObjectName(QStringLiteral("scheduleDeletionDialog"));
    setWindowTitle(tr("Schedule key deletion"));
    auto *layout = new QVBoxLayout(this);
    layout->setSpacing(12);

    auto *heading = new QLabel(tr("Schedule the deletion of <b>%1</b>").arg(keyLabel.toHtmlEscaped()), this);
    heading->setObjectName(QStringLiteral("scheduleDeletionHeading"));
    heading->setTextFormat(Qt::RichText);
    layout->addWidget(heading);

    auto *consequences = new QLabel(
        tr("After the waiting period ends, qkms deletes the key and all its key material. Data encrypted under it "
           "can never be decrypted again. Until then the key is disabled and you can cancel the deletion."),
        this);
    consequences->setObjectName(QStringLiteral("deletionConsequencesLabel"));
    consequences->setWordWrap(true);
    consequences->setStyleSheet(QStringLiteral("background:#fdecea; color:#611a15; padding:8px; border-radius:3px;"));
    layout->addWidget(consequences);
    if (key.keyState == kms::KeyState::Enabled) {
        auto *hint = new QLabel(tr("If you are not sure whether anything still uses this key, disable it instead: "
                                   "disabling can be undone at any time."),
                                this);
        hint->setObjectName(QStringLiteral("disableInsteadHint"));
        hint->setWordWrap(true);
        layout->addWidget(hint);
    }

    auto *form = new QFormLayout;
    m_days = new QSpinBox(this);
    m_days->setObjectName(QStringLiteral("waitingPeriodSpin"));
    m_days->setRange(7, 30);
    m_days->setValue(30);
    m_days->setSuffix(tr(" days"));
    m_days->setMaximumWidth(140);
    form->addRow(tr("&Waiting period:"), m_days);
    m_date = new QLabel(this);
    m_date->setObjectName(QStringLiteral("deletionDateLabel"));
    form->addRow(tr("Deleted on about:"), m_date);
    layout->addLayout(form);

    m_understand = new QCheckBox(tr("I understand that after the waiting period this key and everything encrypted "
                                    "under it are gone for good."),
                                 this);
    m_understand->setObjectName(QStringLiteral("confirmDeletionCheck"));
    layout->addWidget(m_understand);

    auto *buttons = new QDialogButtonBox(this);
    buttons->setObjectName(QStringLiteral("scheduleDeletionButtons"));
    m_schedule = buttons->addButton(tr("&Schedule deletion"), QDialogButtonBox::AcceptRole);
    m_schedule->setObjectName(QStringLiteral("scheduleButton"));
    m_schedule->setEnabled(false);
    QPushButton *cancel = buttons->addButton(QDialogButtonBox::Cancel);
    cancel->setObjectName(QStringLiteral("cancelScheduleButton"));
    cancel->setDefault(true); // Enter must not delete a key
    layout->addWidget(buttons);

    connect(m_understand, &QCheckBox::toggled, m_schedule, &QPushButton::setEnabled);
    connect(m_days, &QSpinBox::valueChanged, this, &ScheduleDeletionDialog::updateDeletionDate);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    updateDeletionDate();
    setMinimumWidth(480);
}

int ScheduleDeletionDialog::waitingPeriodDays() const
{
    return m_days->value();
}

void ScheduleDeletionDialog::updateDeletionDate()
{
    // A preview from the vault's clock; the engine sets the real date when it schedules.
    m_date->setText(model::text::dateTime(m_now.addDays(m_days->value())));
}

} // namespace qkms::ui
