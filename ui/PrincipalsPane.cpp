#include "PrincipalsPane.h"

#include "EngineRunner.h"
#include "PaneFrame.h"
#include "PrincipalListModel.h"
#include "commands/PrincipalCommands.h"
#include "kms/KmsService.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

namespace qkms::ui {

namespace {

using PolicyList = QList<std::pair<QString, QString>>;

/// The inline policies of `p`, read as the root: viewing them is the vault owner's, whoever the
/// console acts as (only the root may read IAM at all).
Result<PolicyList> readPolicies(kms::KmsService &service, const iam::Principal &p)
{
    iam::PrincipalStore &store = service.principals();
    const QString root = store.rootArn();
    auto names = store.listPolicies(root, p.kind, p.name);
    if (!names)
        return std::unexpected(names.error());
    PolicyList out;
    for (const QString &name : *names) {
        auto doc = store.getPolicy(root, p.kind, p.name, name);
        if (!doc)
            return std::unexpected(doc.error());
        out.append({name, *doc});
    }
    return out;
}

} // namespace

PrincipalsPane::PrincipalsPane(model::PrincipalListModel *principals, model::EngineRunner *runner, QWidget *parent)
    : QWidget(parent), m_principals(principals), m_runner(runner)
{
    m_proxy = new QSortFilterProxyModel(this);
    m_proxy->setObjectName(QStringLiteral("principalProxyModel"));
    m_proxy->setSourceModel(m_principals);
    m_proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_proxy->setFilterKeyColumn(-1);

    auto *layout = makePaneLayout(this);
    layout->addWidget(buildHeader());
    layout->addWidget(buildActions());
    m_message = makeMessageBar(this, "principalPaneMessage");
    layout->addWidget(m_message);

    auto *splitter = new QSplitter(Qt::Vertical, this);
    splitter->setObjectName(QStringLiteral("principalsSplitter"));
    splitter->setChildrenCollapsible(false);
    m_table = new QTableView(splitter);
    m_table->setObjectName(QStringLiteral("principalTable"));
    m_table->setModel(m_proxy);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setAlternatingRowColors(true);
    m_table->setShowGrid(false);
    m_table->setWordWrap(false);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->horizontalHeader()->resizeSection(model::PrincipalListModel::NameColumn, 240);
    m_table->horizontalHeader()->resizeSection(model::PrincipalListModel::KindColumn, 110);
    m_table->horizontalHeader()->resizeSection(model::PrincipalListModel::ArnColumn, 380);
    splitter->addWidget(m_table);
    splitter->addWidget(buildDetails());
    splitter->setSizes({300, 320});
    layout->addWidget(splitter, 1);

    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this, &PrincipalsPane::selectionChanged);
    connect(m_proxy, &QAbstractItemModel::modelReset, this, &PrincipalsPane::selectionChanged);
    connect(m_proxy, &QAbstractItemModel::rowsRemoved, this, &PrincipalsPane::selectionChanged);
    connect(m_principals, &model::PrincipalListModel::loaded, this, [this] {
        if (!m_pendingSelection.isEmpty()) {
            for (int r = 0; r < m_principals->rowCount(); ++r) {
                if (model::PrincipalListModel::label(m_principals->principalAt(r)) == m_pendingSelection) {
                    m_pendingSelection.clear();
                    selectPrincipal(m_principals->principalAt(r).arn);
                    break;
                }
            }
        }
        updateActions();
    });
    connect(m_runner, &model::EngineRunner::serviceChanged, this, &PrincipalsPane::updateActions);
    selectionChanged();
}

QWidget *PrincipalsPane::buildHeader()
{
    const PaneHeader header = makePaneHeader(this, tr("Principals"));
    m_search = addSearchEdit(header, "principalSearchEdit", tr("Filter by name or ARN"), 300);
    connect(m_search, &QLineEdit::textChanged, m_proxy, &QSortFilterProxyModel::setFilterFixedString);
    return header.widget;
}

QWidget *PrincipalsPane::buildActions()
{
    const PaneBar pane = makePaneBar(this, "principalActionBar");
    QWidget *bar = pane.widget;
    QHBoxLayout *row = pane.row;
    m_createUser = makePaneButton(tr("Create user"), "createUserButton", bar);
    m_createRole = makePaneButton(tr("Create role"), "createRoleButton", bar);
    m_delete = makePaneButton(tr("Delete"), "deletePrincipalButton", bar);
    for (QPushButton *b : {m_createUser, m_createRole, m_delete})
        row->addWidget(b);
    row->addStretch();
    connect(m_createUser, &QPushButton::clicked, this,
            [this] { startCommand(new CreatePrincipalCommand(m_runner, iam::PrincipalKind::User, this)); });
    connect(m_createRole, &QPushButton::clicked, this,
            [this] { startCommand(new CreatePrincipalCommand(m_runner, iam::PrincipalKind::Role, this)); });
    connect(m_delete, &QPushButton::clicked, this, [this] {
        if (const iam::Principal p = selectedPrincipal(); PrincipalCommand::appliesTo(p))
            startCommand(new DeletePrincipalCommand(m_runner, p, this));
    });
    return bar;
}

QWidget *PrincipalsPane::buildDetails()
{
    auto *box = new QWidget(this);
    auto *layout = new QVBoxLayout(box);
    layout->setContentsMargins(0, 4, 0, 0);
    m_detailTitle = new QLabel(box);
    m_detailTitle->setObjectName(QStringLiteral("principalDetailTitle"));
    m_detailTitle->setWordWrap(true);
    m_detailTitle->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_detailTitle);
    auto *row = new QHBoxLayout;
    m_putPolicy = makePaneButton(tr("Add policy…"), "putIdentityPolicyButton", box);
    m_editPolicy = makePaneButton(tr("Replace…"), "editIdentityPolicyButton", box);
    m_deletePolicy = makePaneButton(tr("Delete policy"), "deleteIdentityPolicyButton", box);
    m_openInEditor = makePaneButton(tr("Open in policy editor"), "openPolicyEditorButton", box);
    m_openInEditor->hide();
    for (QPushButton *b : {m_putPolicy, m_editPolicy, m_deletePolicy, m_openInEditor})
        row->addWidget(b);
    row->addStretch();
    layout->addLayout(row);
    auto *split = new QSplitter(Qt::Horizontal, box);
    m_policies = new QListWidget(split);
    m_policies->setObjectName(QStringLiteral("identityPolicyList"));
    m_policyView = new QPlainTextEdit(split);
    m_policyView->setObjectName(QStringLiteral("identityPolicyView"));
    m_policyView->setReadOnly(true);
    QFont mono(QStringLiteral("monospace"));
    mono.setStyleHint(QFont::Monospace);
    m_policyView->setFont(mono);
    split->setSizes({200, 600});
    layout->addWidget(split, 1);
    connect(m_policies, &QListWidget::currentRowChanged, this, &PrincipalsPane::showPolicy);
    connect(m_putPolicy, &QPushButton::clicked, this, [this] {
        if (const iam::Principal p = selectedPrincipal(); PrincipalCommand::appliesTo(p))
            startCommand(new PutIdentityPolicyCommand(m_runner, p, {}, {}, this));
    });
    connect(m_editPolicy, &QPushButton::clicked, this, [this] {
        const QString name = selectedPolicyName();
        if (const iam::Principal p = selectedPrincipal(); PrincipalCommand::appliesTo(p) && !name.isEmpty())
            startCommand(new PutIdentityPolicyCommand(m_runner, p, name, m_documents.value(name), this));
    });
    connect(m_deletePolicy, &QPushButton::clicked, this, [this] {
        const QString name = selectedPolicyName();
        if (const iam::Principal p = selectedPrincipal(); PrincipalCommand::appliesTo(p) && !name.isEmpty())
            startCommand(new DeleteIdentityPolicyCommand(m_runner, p, name, this));
    });
    connect(m_openInEditor, &QPushButton::clicked, this, [this] {
        if (!selectedPolicyName().isEmpty())
            Q_EMIT editIdentityPolicyRequested(selectedPrincipal(), selectedPolicyName());
    });
    return box;
}

iam::Principal PrincipalsPane::selectedPrincipal() const
{
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    if (rows.isEmpty())
        return {};
    return m_principals->principalAt(m_proxy->mapToSource(rows.first()).row());
}

QString PrincipalsPane::selectedPolicyName() const
{
    const QListWidgetItem *item = m_policies->currentItem();
    return item ? item->text() : QString();
}

bool PrincipalsPane::selectPrincipal(const QString &arn)
{
    const int row = m_principals->indexOf(arn);
    if (row < 0)
        return false;
    const QModelIndex index = m_proxy->mapFromSource(m_principals->index(row, 0));
    if (!index.isValid())
        return false;
    m_table->selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    return true;
}

void PrincipalsPane::setPolicyEditorAvailable(bool available)
{
    m_openInEditor->setVisible(available);
}

void PrincipalsPane::selectionChanged()
{
    const iam::Principal p = selectedPrincipal();
    if (p.arn.isEmpty())
        m_detailTitle->setText(tr("Select a principal to see its identity policies."));
    else if (p.kind == iam::PrincipalKind::Root)
        m_detailTitle->setText(tr("<b>%1</b><br>%2<br>The account root may do anything a key policy lets the "
                                  "account do; it has no identity policies.")
                                   .arg(model::PrincipalListModel::label(p).toHtmlEscaped(), p.arn.toHtmlEscaped()));
    else
        m_detailTitle->setText(tr("<b>%1</b><br>%2<br>Identity policies:")
                                   .arg(model::PrincipalListModel::label(p).toHtmlEscaped(), p.arn.toHtmlEscaped()));
    if (p.arn != m_policiesOf)
        loadPolicies();
    updateActions();
}

void PrincipalsPane::loadPolicies()
{
    const iam::Principal p = selectedPrincipal();
    m_policiesOf = p.arn;
    const quint64 read = ++m_policyRead;
    m_documents.clear();
    m_policies->clear();
    m_policyView->clear();
    if (!PrincipalCommand::appliesTo(p))
        return;
    m_runner->run(
        this, [p](kms::KmsService &service, const kms::Caller &) { return readPolicies(service, p); },
        [this, read, arn = p.arn](Result<PolicyList> list) {
            if (read != m_policyRead)
                return;
            if (!list) {
                m_policyView->setPlainText(list.error().toString());
            } else {
                for (const auto &[name, doc] : *list) {
                    m_documents.insert(name, doc);
                    m_policies->addItem(name);
                }
                if (list->isEmpty())
                    m_policyView->setPlainText(tr("No identity policies: this principal may use a key only where "
                                                  "the key policy or a grant names it. Add one with “Add policy…”."));
                else
                    m_policies->setCurrentRow(0);
            }
            updateActions();
            Q_EMIT policiesLoaded(arn);
        });
}

void PrincipalsPane::showPolicy()
{
    const QString name = selectedPolicyName();
    if (name.isEmpty())
        return;
    const QString doc = m_documents.value(name);
    const QJsonDocument json = QJsonDocument::fromJson(doc.toUtf8());
    m_policyView->setPlainText(json.isNull() ? doc : QString::fromUtf8(json.toJson(QJsonDocument::Indented)));
    updateActions();
}

void PrincipalsPane::startCommand(Command *command)
{
    if (m_command || !m_runner->hasService()) {
        delete command;
        return;
    }
    m_command = command;
    connect(command, &Command::finished, this, &PrincipalsPane::commandDone);
    updateActions();
    command->start();
}

void PrincipalsPane::commandDone(const CommandResult &result)
{
    m_command = nullptr;
    if (result.outcome != CommandResult::Outcome::Canceled) {
        showMessage(result.message, result.outcome == CommandResult::Outcome::Failed);
        if (auto *create = qobject_cast<CreatePrincipalCommand *>(sender()); create && result.succeeded())
            m_pendingSelection = iam::PrincipalStore::kindName(create->kind()) + u'/' + create->principalName();
        m_principals->refresh();
        loadPolicies();
    }
    updateActions();
    Q_EMIT commandFinished(result);
}

void PrincipalsPane::showMessage(const QString &text, bool error)
{
    showPaneMessage(m_message, text, error);
}

QString PrincipalsPane::message() const
{
    return m_message->text();
}

void PrincipalsPane::updateActions()
{
    const bool idle = !m_command && m_runner->hasService();
    const bool applies = PrincipalCommand::appliesTo(selectedPrincipal());
    const bool policy = applies && !selectedPolicyName().isEmpty();
    m_createUser->setEnabled(idle);
    m_createRole->setEnabled(idle);
    m_delete->setEnabled(idle && applies);
    m_putPolicy->setEnabled(idle && applies);
    m_editPolicy->setEnabled(idle && policy);
    m_deletePolicy->setEnabled(idle && policy);
    m_openInEditor->setEnabled(policy);
    const QString rootWhy = tr("The account root cannot be deleted and has no identity policies.");
    const bool root = selectedPrincipal().kind == iam::PrincipalKind::Root && !selectedPrincipal().arn.isEmpty();
    m_delete->setToolTip(root ? rootWhy : tr("Delete the selected user or role"));
    m_putPolicy->setToolTip(root ? rootWhy : tr("Attach an inline identity policy, typed or loaded from a file"));
}

} // namespace qkms::ui
