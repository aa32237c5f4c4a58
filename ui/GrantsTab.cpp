#include "GrantsTab.h"

#include "EngineRunner.h"
#include "KeyText.h"
#include "PagedTable.h"
#include "commands/GrantCommands.h"
#include "kms/KmsService.h"

#include <QDialog>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

namespace qkms::ui {

namespace {

QString constraintText(const kms::GrantConstraints &c)
{
    if (c.isEmpty())
        return QString();
    QStringList pairs;
    for (auto it = c.context.cbegin(); it != c.context.cend(); ++it)
        pairs.append(it.key() + u'=' + it.value());
    return c.typeName() + QStringLiteral(": ") + pairs.join(QStringLiteral(", "));
}

} // namespace

GrantsTab::GrantsTab(model::EngineRunner *runner, QWidget *parent) : QWidget(parent), m_runner(runner)
{
    setObjectName(QStringLiteral("keyGrantsTab"));
    auto *layout = new QVBoxLayout(this);
    m_table = makeReadOnlyTable("grantsTable",
                                {tr("Grantee principal"), tr("Operations"), tr("Constraints"), tr("Retiring principal"),
                                 tr("Created"), tr("Grant ID")},
                                this);
    m_table->horizontalHeader()->resizeSection(0, 260);
    m_table->horizontalHeader()->resizeSection(1, 200);
    layout->addWidget(m_table, 1);

    auto *buttons = new QHBoxLayout;
    m_create = new QPushButton(tr("&Create grant…"), this);
    m_create->setObjectName(QStringLiteral("createGrantButton"));
    m_revoke = new QPushButton(tr("Re&voke grant"), this);
    m_revoke->setObjectName(QStringLiteral("revokeGrantButton"));
    buttons->addWidget(m_create);
    buttons->addWidget(m_revoke);
    m_message = makeTabMessage("grantsMessage", this);
    buttons->addWidget(m_message, 1);
    layout->addLayout(buttons);

    connect(m_create, &QPushButton::clicked, this, &GrantsTab::openCreateDialog);
    connect(m_revoke, &QPushButton::clicked, this, &GrantsTab::revokeSelected);
    connect(m_table, &QTableWidget::itemSelectionChanged, this, &GrantsTab::updateActions);
    updateActions();
}

void GrantsTab::setKey(const std::optional<kms::KeyRecord> &key)
{
    const bool keep = sameKey(key, m_key);
    m_key = key;
    if (!keep) {
        ++m_request;
        m_grants.clear();
        m_table->setRowCount(0);
        m_message->clear();
        if (m_dialog)
            m_dialog->reject();
    }
    updateActions();
}

void GrantsTab::reload()
{
    if (!m_key)
        return;
    const quint64 request = ++m_request;
    const QString keyId = m_key->keyId;
    m_runner->run(
        this,
        [keyId](kms::KmsService &service, const kms::Caller &caller) {
            return readEveryPage<QList<kms::GrantEntry>>(
                [&](const QString &marker) { return service.listGrants(caller, keyId, 100, marker); },
                [](QList<kms::GrantEntry> &all, const kms::ListGrantsResponse &page) { all.append(page.grants); });
        },
        [this, request, keyId](Result<QList<kms::GrantEntry>> grants) {
            if (request != m_request)
                return;
            m_grants = grants ? *grants : QList<kms::GrantEntry>();
            QList<QStringList> rows;
            for (const kms::GrantEntry &g : std::as_const(m_grants))
                rows.append({g.granteePrincipal, g.operations.join(QStringLiteral(", ")), constraintText(g.constraints),
                             g.retiringPrincipal, model::text::dateTime(g.creationDate), g.grantId});
            setTableRows(m_table, rows);
            if (!grants) {
                m_table->setRowCount(1);
                m_table->setItem(0, 0, new QTableWidgetItem(grants.error().toString()));
                m_table->setSpan(0, 0, 1, m_table->columnCount());
            }
            updateActions();
            Q_EMIT loaded(keyId);
        });
}

QString GrantsTab::message() const
{
    return m_message->text();
}

void GrantsTab::updateActions()
{
    m_create->setEnabled(m_key && CreateGrantCommand::appliesTo(*m_key));
    const int row = m_table->currentRow();
    m_revoke->setEnabled(m_key && RevokeGrantCommand::appliesTo(*m_key) && row >= 0 && row < m_grants.size()
                         && !m_table->selectedItems().isEmpty());
}

void GrantsTab::openCreateDialog()
{
    if (!m_key || m_dialog)
        return;
    auto *dialog = new QDialog(this);
    m_dialog = dialog;
    dialog->setObjectName(QStringLiteral("createGrantDialog"));
    dialog->setWindowTitle(tr("Create grant"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    auto *form = new QFormLayout(dialog);
    auto *grantee = new QLineEdit(dialog);
    grantee->setObjectName(QStringLiteral("grantGranteeEdit"));
    grantee->setPlaceholderText(QStringLiteral("arn:aws:iam::111122223333:user/alice"));
    form->addRow(tr("&Grantee principal:"), grantee);
    auto *operations = new QListWidget(dialog);
    operations->setObjectName(QStringLiteral("grantOperationsList"));
    for (const QString &op : kms::grantOperationNames()) {
        auto *item = new QListWidgetItem(op, operations);
        item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
        item->setCheckState(Qt::Unchecked);
    }
    form->addRow(tr("&Operations:"), operations);
    auto *retiring = new QLineEdit(dialog);
    retiring->setObjectName(QStringLiteral("grantRetiringEdit"));
    retiring->setPlaceholderText(tr("optional"));
    form->addRow(tr("&Retiring principal:"), retiring);
    auto *box = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, dialog);
    box->setObjectName(QStringLiteral("grantDialogButtons"));
    box->button(QDialogButtonBox::Ok)->setObjectName(QStringLiteral("grantOkButton"));
    box->button(QDialogButtonBox::Ok)->setText(tr("Create grant"));
    box->button(QDialogButtonBox::Cancel)->setObjectName(QStringLiteral("grantCancelButton"));
    form->addRow(box);
    connect(box, &QDialogButtonBox::rejected, dialog, &QDialog::reject);
    // Closed is gone, even before the deferred delete runs: "Create grant" may open a new one.
    connect(dialog, &QDialog::finished, this, [this] { m_dialog = nullptr; });
    connect(box, &QDialogButtonBox::accepted, this, [this, dialog, grantee, operations, retiring] {
        kms::CreateGrantRequest r;
        r.granteePrincipal = grantee->text().trimmed();
        r.retiringPrincipal = retiring->text().trimmed();
        for (int i = 0; i < operations->count(); ++i)
            if (operations->item(i)->checkState() == Qt::Checked)
                r.operations.append(operations->item(i)->text());
        dialog->accept();
        runCommand(new CreateGrantCommand(m_runner, *m_key, r, this), tr("The grant was not created."));
    });
    dialog->open();
}

void GrantsTab::revokeSelected()
{
    const int row = m_table->currentRow();
    if (!m_key || row < 0 || row >= m_grants.size())
        return;
    runCommand(new RevokeGrantCommand(m_runner, *m_key, m_grants.at(row).grantId, this),
               tr("The grant was not revoked."));
}

void GrantsTab::runCommand(Command *command, const QString &failure)
{
    connect(command, &Command::finished, this, [this, failure](const CommandResult &r) {
        showTabMessage(m_message, r.succeeded() ? r.message : failure + u' ' + r.message, !r.succeeded());
        Q_EMIT actionFinished(r);
        reload();
    });
    command->start();
}

} // namespace qkms::ui
