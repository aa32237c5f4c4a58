#include "InspectFileDialog.h"

#include "EngineRunner.h"
#include "envelope/FileJob.h"
#include "envelope/MessageFormat.h"

#include <QDialogButtonBox>
#include <QFileInfo>
#include <QFormLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

namespace qkms::ui {

namespace {

QLabel *valueLabel(const QString &name, const QString &text, QWidget *parent)
{
    auto *l = new QLabel(text, parent);
    l->setObjectName(name);
    l->setTextInteractionFlags(Qt::TextSelectableByMouse);
    l->setWordWrap(true);
    return l;
}

QTableWidget *table(const QString &name, const QStringList &headers, QWidget *parent)
{
    auto *t = new QTableWidget(0, int(headers.size()), parent);
    t->setObjectName(name);
    t->setHorizontalHeaderLabels(headers);
    t->horizontalHeader()->setStretchLastSection(true);
    t->verticalHeader()->hide();
    t->setEditTriggers(QAbstractItemView::NoEditTriggers);
    t->setSelectionBehavior(QAbstractItemView::SelectRows);
    return t;
}

void setRow(QTableWidget *t, int row, const QStringList &cells)
{
    for (int c = 0; c < cells.size(); ++c) {
        auto *item = new QTableWidgetItem(cells[c]);
        item->setToolTip(cells[c]);
        t->setItem(row, c, item);
    }
}

} // namespace

InspectFileDialog::InspectFileDialog(model::EngineRunner *runner, const QString &path, QWidget *parent)
    : QDialog(parent), m_runner(runner), m_path(path)
{
    setObjectName(QStringLiteral("inspectFileDialog"));
    setWindowTitle(tr("Inspect %1").arg(QFileInfo(path).fileName()));
    resize(760, 480);
    auto *layout = new QVBoxLayout(this);
    m_status = valueLabel(QStringLiteral("inspectStatusLabel"), {}, this);
    layout->addWidget(m_status);

    auto header = envelope::inspectFile(path);
    if (header) {
        m_header = *header;
        showHeader(*header);
    } else {
        m_error = header.error();
        m_status->setText(tr("%1 cannot be read as an encrypted file: %2 (%3)")
                              .arg(QFileInfo(path).fileName(), header.error().message, header.error().type));
    }

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    buttons->button(QDialogButtonBox::Close)->setObjectName(QStringLiteral("inspectCloseButton"));
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);

    if (m_header)
        checkAccess();
}

void InspectFileDialog::showHeader(const envelope::MessageHeader &h)
{
    auto *layout = qobject_cast<QVBoxLayout *>(this->layout());
    m_status->setText(tr("Read from the header without decrypting; nothing here is authenticated yet."));
    auto *form = new QFormLayout;
    form->addRow(tr("File"), valueLabel(QStringLiteral("inspectPathLabel"), m_path, this));
    form->addRow(tr("Algorithm suite"),
                 valueLabel(QStringLiteral("inspectSuiteLabel"),
                            envelope::hexId(quint16(h.suite)) + QStringLiteral("  ") + envelope::suiteName(h.suite), this));
    form->addRow(tr("Message ID"),
                 valueLabel(QStringLiteral("inspectMessageIdLabel"), QString::fromLatin1(h.messageId.toHex()), this));
    form->addRow(tr("Frame length"),
                 valueLabel(QStringLiteral("inspectFrameLengthLabel"),
                            h.contentType == envelope::ContentType::Framed ? tr("%1 bytes").arg(h.frameLength)
                                                                           : tr("not framed"),
                            this));
    layout->addLayout(form);

    layout->addWidget(new QLabel(tr("Encryption context"), this));
    auto *context = table(QStringLiteral("inspectContextTable"), {tr("Key"), tr("Value")}, this);
    context->setRowCount(int(h.context.size()));
    int row = 0;
    for (auto it = h.context.constBegin(); it != h.context.constEnd(); ++it)
        setRow(context, row++, {it.key(), it.value()});
    context->resizeColumnToContents(0);
    layout->addWidget(context);

    layout->addWidget(new QLabel(tr("Encrypted data keys"), this));
    m_keys = table(QStringLiteral("inspectKeysTable"), {tr("Provider"), tr("Key ARN"), tr("You can decrypt"), tr("Why")},
                   this);
    m_keys->setRowCount(int(h.encryptedDataKeys.size()));
    for (int i = 0; i < h.encryptedDataKeys.size(); ++i) {
        const envelope::EncryptedDataKey &edk = h.encryptedDataKeys[i];
        setRow(m_keys, i, {QString::fromUtf8(edk.providerId), QString::fromUtf8(edk.providerInfo), tr("Checking…"), {}});
    }
    m_keys->setColumnWidth(1, 360);
    layout->addWidget(m_keys, 1);
}

void InspectFileDialog::checkAccess()
{
    const envelope::MessageHeader h = *m_header;
    const bool queued = m_runner->run(
        this,
        [h](kms::KmsService &service, const kms::Caller &caller) {
            envelope::KmsKeyring keyring(service, caller);
            QList<envelope::DataKeyAccess> out;
            for (const envelope::EncryptedDataKey &edk : h.encryptedDataKeys)
                out.append(keyring.checkAccess(edk, h.context));
            return out;
        },
        [this](QList<envelope::DataKeyAccess> access) {
            m_access = std::move(access);
            m_accessChecked = true;
            showAccess();
            Q_EMIT accessCheckFinished();
        });
    if (!queued) {
        for (int i = 0; i < m_keys->rowCount(); ++i)
            m_keys->item(i, 2)->setText(tr("Unknown: the vault is locked"));
    }
}

void InspectFileDialog::showAccess()
{
    for (int i = 0; i < m_access.size() && i < m_keys->rowCount(); ++i) {
        const envelope::DataKeyAccess &a = m_access[i];
        if (!a.keyArn.isEmpty())
            m_keys->item(i, 1)->setText(a.keyArn);
        m_keys->item(i, 2)->setText(a.usable ? tr("Yes") : tr("No"));
        const QString why = a.why ? tr("%1 (%2)").arg(a.why->message, a.why->type) : QString();
        m_keys->item(i, 3)->setText(why);
        m_keys->item(i, 3)->setToolTip(why);
    }
}

} // namespace qkms::ui
