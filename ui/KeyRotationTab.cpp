#include "KeyRotationTab.h"

#include "EngineRunner.h"
#include "KeyText.h"
#include "PagedTable.h"
#include "ScheduleModel.h"
#include "commands/RotationCommands.h"
#include "kms/KmsService.h"

#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

namespace qkms::ui {

namespace {

struct RotationInfo {
    Result<kms::KeyRotationStatus> status;
    Result<QList<kms::KeyRotationEntry>> history;
};

RotationInfo readRotation(kms::KmsService &service, const kms::Caller &caller, const QString &keyId)
{
    RotationInfo info{service.getKeyRotationStatus(caller, keyId), QList<kms::KeyRotationEntry>()};
    info.history = readEveryPage<QList<kms::KeyRotationEntry>>(
        [&](const QString &marker) { return service.listKeyRotations(caller, keyId, 1000, marker); },
        [](QList<kms::KeyRotationEntry> &all, const auto &page) { all.append(page.rotations); });
    return info;
}

/// The schedule entry the rotation commands take, from what the detail view knows of the key.
model::ScheduleEntry entryOf(const kms::KeyRecord &key, const QStringList &aliases)
{
    model::ScheduleEntry e;
    e.schedule.keyId = key.keyId;
    e.schedule.keyArn = key.arn;
    e.schedule.keyManager = key.keyManager;
    e.schedule.keyState = key.keyState;
    e.schedule.rotatable = key.keySpec == kms::KeySpec::SymmetricDefault && key.origin == kms::Origin::AwsKms;
    e.schedule.deletionDate = key.deletionDate;
    e.aliases = aliases;
    return e;
}

QLabel *valueLabel(const char *name, QWidget *parent)
{
    auto *l = new QLabel(parent);
    l->setObjectName(QString::fromLatin1(name));
    l->setTextInteractionFlags(Qt::TextSelectableByMouse);
    l->setWordWrap(true);
    return l;
}

} // namespace

KeyRotationTab::KeyRotationTab(model::EngineRunner *runner, QWidget *parent) : QWidget(parent), m_runner(runner)
{
    setObjectName(QStringLiteral("keyRotationTab"));
    auto *layout = new QVBoxLayout(this);
    auto *form = new QFormLayout;
    form->setHorizontalSpacing(24);
    m_status = valueLabel("rotationStatusLabel", this);
    m_period = valueLabel("rotationPeriodLabel", this);
    m_next = valueLabel("rotationNextLabel", this);
    form->addRow(tr("Automatic rotation"), m_status);
    form->addRow(tr("Rotation period"), m_period);
    form->addRow(tr("Next rotation"), m_next);
    layout->addLayout(form);

    m_history = new QTableWidget(0, 4, this);
    m_history->setObjectName(QStringLiteral("rotationHistoryTable"));
    m_history->setHorizontalHeaderLabels({tr("Date"), tr("Type"), tr("Key material"), tr("Key material ID")});
    m_history->horizontalHeader()->setStretchLastSection(true);
    m_history->horizontalHeader()->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
    m_history->horizontalHeader()->resizeSection(0, 140);
    m_history->verticalHeader()->hide();
    m_history->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_history->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_history->setAlternatingRowColors(true);
    layout->addWidget(m_history, 1);

    auto *buttons = new QHBoxLayout;
    m_rotate = new QPushButton(tr("&Rotate now"), this);
    m_rotate->setObjectName(QStringLiteral("detailRotateNowButton"));
    m_rotate->setToolTip(tr("New key material encrypts from now on; older material still decrypts. At most 25 "
                            "on-demand rotations per key."));
    buttons->addWidget(m_rotate);
    m_message = valueLabel("rotationMessage", this);
    buttons->addWidget(m_message, 1);
    layout->addLayout(buttons);
    connect(m_rotate, &QPushButton::clicked, this, &KeyRotationTab::rotateNow);
    m_rotate->setEnabled(false);
}

void KeyRotationTab::setKey(const std::optional<kms::KeyRecord> &key, const QStringList &aliases)
{
    const bool sameKey = key && m_key && key->keyId == m_key->keyId;
    m_key = key;
    m_aliases = aliases;
    m_rotate->setEnabled(m_key && RotateNowCommand::appliesTo(entryOf(*m_key, m_aliases)));
    if (sameKey)
        return;
    ++m_request;
    for (QLabel *l : {m_status, m_period, m_next, m_message})
        l->clear();
    m_history->setRowCount(0);
}

void KeyRotationTab::reload()
{
    if (!m_key)
        return;
    const quint64 request = ++m_request;
    const QString keyId = m_key->keyId;
    m_runner->run(
        this,
        [keyId](kms::KmsService &service, const kms::Caller &caller) { return readRotation(service, caller, keyId); },
        [this, request, keyId](RotationInfo info) {
            if (request != m_request)
                return;
            const QString none = QStringLiteral("—");
            if (info.status) {
                const kms::KeyRotationStatus &s = *info.status;
                m_status->setText(s.enabled ? tr("Enabled") : tr("Disabled"));
                m_period->setText(s.periodDays ? model::schedules::dayCount(*s.periodDays) : none);
                m_next->setText(s.nextRotationDate ? model::text::dateTime(*s.nextRotationDate) : none);
            } else {
                m_status->setText(info.status.error().toString());
                m_period->setText(none);
                m_next->setText(none);
            }
            m_history->clearSpans();
            m_history->setRowCount(0);
            if (info.history) {
                // Newest first, as the AWS console lists them.
                const QList<kms::KeyRotationEntry> &rows = *info.history;
                m_history->setRowCount(static_cast<int>(rows.size()));
                for (int i = 0; i < rows.size(); ++i) {
                    const kms::KeyRotationEntry &e = rows.at(rows.size() - 1 - i);
                    const QStringList cells{model::text::dateTime(e.rotationDate),
                                            e.rotationType == QLatin1String("ON_DEMAND") ? tr("On demand")
                                                                                         : tr("Automatic"),
                                            e.current ? tr("Current") : tr("Previous"), e.keyMaterialId};
                    for (int c = 0; c < cells.size(); ++c)
                        m_history->setItem(i, c, new QTableWidgetItem(cells.at(c)));
                }
            } else {
                m_history->setRowCount(1);
                const bool cannot = info.history.error().type == errors::UnsupportedOperation;
                m_history->setItem(0, 0, new QTableWidgetItem(
                                             cannot ? tr("Only symmetric encryption keys with key material from "
                                                         "qkms rotate; this key keeps its material.")
                                                    : info.history.error().toString()));
                m_history->setSpan(0, 0, 1, 4);
            }
            Q_EMIT loaded(keyId);
        });
}

QString KeyRotationTab::message() const
{
    return m_message->text();
}

void KeyRotationTab::rotateNow()
{
    if (!m_key)
        return;
    auto *command = new RotateNowCommand(m_runner, entryOf(*m_key, m_aliases), this);
    m_rotate->setEnabled(false);
    connect(command, &Command::finished, this, [this](const CommandResult &r) {
        showTabMessage(m_message, r.succeeded() ? r.message : tr("The key was not rotated. %1").arg(r.message),
                       !r.succeeded());
        m_rotate->setEnabled(m_key && RotateNowCommand::appliesTo(entryOf(*m_key, m_aliases)));
        reload();
    });
    command->start();
}

} // namespace qkms::ui
