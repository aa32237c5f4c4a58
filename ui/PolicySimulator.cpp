#include "PolicySimulator.h"

#include "EngineRunner.h"
#include "kms/KmsService.h"
#include "policy/KmsActions.h"

#include <QComboBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTableWidget>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace qkms::ui {

namespace {

enum TraceColumn { PolicyColumn, StatementColumn, EffectColumn, MatchedColumn, ReasonColumn, TraceColumnCount };

QString policyLabel(const policy::TraceEntry &e)
{
    return e.kind == policy::PolicyKind::KeyPolicy
               ? PolicySimulator::tr("Key policy '%1'").arg(e.policyName)
               : PolicySimulator::tr("Identity policy '%1'").arg(e.policyName);
}

QString statementLabel(const policy::TraceEntry &e)
{
    return e.sid.isEmpty() ? PolicySimulator::tr("#%1").arg(e.index + 1)
                           : PolicySimulator::tr("#%1 %2").arg(e.index + 1).arg(e.sid);
}

} // namespace

PolicySimulator::PolicySimulator(model::EngineRunner *runner, QWidget *parent) : QWidget(parent), m_runner(runner)
{
    setObjectName(QStringLiteral("policySimulator"));
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(buildForm());

    auto *resultRow = new QHBoxLayout;
    m_result = new QLabel(this);
    m_result->setObjectName(QStringLiteral("simulatorDecision"));
    QFont f = m_result->font();
    f.setBold(true);
    f.setPointSizeF(f.pointSizeF() * 1.2);
    m_result->setFont(f);
    m_summary = new QLabel(this);
    m_summary->setObjectName(QStringLiteral("simulatorSummary"));
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    resultRow->addWidget(m_result);
    resultRow->addWidget(m_summary, 1);
    layout->addLayout(resultRow);

    m_trace = new QTreeWidget(this);
    m_trace->setObjectName(QStringLiteral("simulatorTrace"));
    m_trace->setRootIsDecorated(false);
    m_trace->setAlternatingRowColors(true);
    m_trace->setHeaderLabels({tr("Policy"), tr("Statement"), tr("Effect"), tr("Applies"), tr("Why")});
    m_trace->header()->resizeSection(PolicyColumn, 200);
    m_trace->header()->resizeSection(StatementColumn, 220);
    m_trace->header()->resizeSection(EffectColumn, 60);
    m_trace->header()->resizeSection(MatchedColumn, 60);
    layout->addWidget(m_trace, 1);
}

QWidget *PolicySimulator::buildForm()
{
    auto *form = new QWidget(this);
    auto *grid = new QFormLayout(form);
    grid->setContentsMargins(0, 0, 0, 0);

    m_principal = new QComboBox(form);
    m_principal->setObjectName(QStringLiteral("simulatorPrincipal"));
    m_principal->setEditable(true);
    m_principal->setInsertPolicy(QComboBox::NoInsert);
    m_principal->setMinimumContentsLength(40);
    grid->addRow(tr("&Principal:"), m_principal);

    m_action = new QComboBox(form);
    m_action->setObjectName(QStringLiteral("simulatorAction"));
    m_action->setEditable(true);
    m_action->setInsertPolicy(QComboBox::NoInsert);
    for (const QString &name : policy::kmsActionNames())
        m_action->addItem(QStringLiteral("kms:") + name);
    m_action->setCurrentText(QStringLiteral("kms:Encrypt"));
    grid->addRow(tr("&Action:"), m_action);

    m_key = new QComboBox(form);
    m_key->setObjectName(QStringLiteral("simulatorKey"));
    m_key->setMinimumContentsLength(40);
    setKeys({});
    grid->addRow(tr("&Key:"), m_key);

    m_context = new QTableWidget(0, 2, form);
    m_context->setObjectName(QStringLiteral("simulatorContext"));
    m_context->setHorizontalHeaderLabels({tr("Context key"), tr("Value")});
    m_context->horizontalHeader()->setStretchLastSection(true);
    m_context->horizontalHeader()->resizeSection(0, 180);
    m_context->verticalHeader()->hide();
    m_context->setMaximumHeight(m_context->fontMetrics().height() * 6);
    auto *contextBox = new QWidget(form);
    auto *contextRow = new QHBoxLayout(contextBox);
    contextRow->setContentsMargins(0, 0, 0, 0);
    contextRow->addWidget(m_context, 1);
    auto *buttons = new QVBoxLayout;
    auto *add = new QPushButton(tr("Add pair"), contextBox);
    add->setObjectName(QStringLiteral("simulatorAddContextButton"));
    auto *remove = new QPushButton(tr("Remove pair"), contextBox);
    remove->setObjectName(QStringLiteral("simulatorRemoveContextButton"));
    buttons->addWidget(add);
    buttons->addWidget(remove);
    buttons->addStretch();
    contextRow->addLayout(buttons);
    connect(add, &QPushButton::clicked, this, [this] {
        const int row = m_context->rowCount();
        m_context->insertRow(row);
        m_context->setCurrentCell(row, 0);
        m_context->editItem(m_context->item(row, 0));
    });
    connect(remove, &QPushButton::clicked, this, [this] {
        if (m_context->currentRow() >= 0)
            m_context->removeRow(m_context->currentRow());
    });
    grid->addRow(tr("Encryption &context:"), contextBox);

    m_run = new QPushButton(tr("&Simulate"), form);
    m_run->setObjectName(QStringLiteral("simulateButton"));
    m_run->setToolTip(tr("Decide the request as the engine would, without making it"));
    connect(m_run, &QPushButton::clicked, this, &PolicySimulator::simulate);
    auto *runRow = new QHBoxLayout;
    runRow->addWidget(m_run);
    runRow->addStretch();
    grid->addRow(QString(), runRow);
    return form;
}

void PolicySimulator::setPrincipals(const QStringList &arns)
{
    const QString current = m_principal->currentText();
    m_principal->clear();
    m_principal->addItems(arns);
    const QString caller = m_runner->caller().principalArn;
    m_principal->setCurrentText(!current.isEmpty() && arns.contains(current) ? current : caller);
}

void PolicySimulator::setKeys(const QList<std::pair<QString, QString>> &keys)
{
    const QString current = m_key->currentData().toString();
    m_key->clear();
    m_key->addItem(tr("(no key: an account-level action such as kms:CreateKey)"), QString());
    for (const auto &[keyId, label] : keys)
        m_key->addItem(label, keyId);
    const int at = m_key->findData(current);
    m_key->setCurrentIndex(at >= 0 ? at : (keys.isEmpty() ? 0 : 1));
}

void PolicySimulator::setPrincipal(const QString &arn)
{
    m_principal->setCurrentText(arn);
}

void PolicySimulator::setAction(const QString &action)
{
    m_action->setCurrentText(action);
}

bool PolicySimulator::setKey(const QString &keyId)
{
    const int at = m_key->findData(keyId);
    if (at < 0)
        return false;
    m_key->setCurrentIndex(at);
    return true;
}

void PolicySimulator::setEncryptionContext(const kms::EncryptionContext &context)
{
    m_context->setRowCount(0);
    for (auto it = context.cbegin(); it != context.cend(); ++it) {
        const int row = m_context->rowCount();
        m_context->insertRow(row);
        m_context->setItem(row, 0, new QTableWidgetItem(it.key()));
        m_context->setItem(row, 1, new QTableWidgetItem(it.value()));
    }
}

kms::EncryptionContext PolicySimulator::encryptionContext() const
{
    kms::EncryptionContext context;
    for (int row = 0; row < m_context->rowCount(); ++row) {
        const QTableWidgetItem *key = m_context->item(row, 0);
        const QTableWidgetItem *value = m_context->item(row, 1);
        if (key && !key->text().trimmed().isEmpty()) // a row still being filled in is not a pair yet
            context.insert(key->text().trimmed(), value ? value->text() : QString());
    }
    return context;
}

QString PolicySimulator::decisionText() const
{
    return m_result->text();
}

void PolicySimulator::simulate()
{
    if (m_busy)
        return;
    QString action = m_action->currentText().trimmed();
    if (!action.contains(u':'))
        action.prepend(QStringLiteral("kms:")); // "Encrypt" as the CLI accepts it
    const QString principal = m_principal->currentText().trimmed();
    const QString keyId = m_key->currentData().toString();
    const kms::EncryptionContext context = encryptionContext();
    m_busy = true;
    m_run->setEnabled(false);
    const bool queued = m_runner->run(
        this,
        [principal, action, keyId, context](kms::KmsService &service, const kms::Caller &caller) {
            return service.simulate(caller, principal, action, keyId, context);
        },
        [this](Result<policy::Decision> result) {
            m_busy = false;
            m_run->setEnabled(true);
            showDecision(result);
            Q_EMIT simulated();
        });
    if (!queued) {
        m_busy = false;
        m_run->setEnabled(true);
        showDecision(fail(errors::Vault, tr("The vault is locked.")));
        Q_EMIT simulated();
    }
}

void PolicySimulator::showDecision(const Result<policy::Decision> &result)
{
    m_trace->clear();
    if (!result) {
        m_decision.reset();
        m_result->setText(tr("Could not simulate"));
        m_result->setStyleSheet(QStringLiteral("color:#611a15;"));
        m_summary->setText(tr("%1 (%2)").arg(result.error().message, result.error().type));
        return;
    }
    m_decision = *result;
    const policy::Decision &d = *result;
    switch (d.outcome) {
    case policy::Outcome::Allowed: m_result->setText(tr("Allowed")); break;
    case policy::Outcome::ExplicitDeny: m_result->setText(tr("Denied (explicit deny)")); break;
    case policy::Outcome::ImplicitDeny: m_result->setText(tr("Denied (implicit deny)")); break;
    }
    m_result->setStyleSheet(d.allowed() ? QStringLiteral("color:#1e4620;") : QStringLiteral("color:#a50e0e;"));
    QString summary = d.summary;
    if (d.outcome == policy::Outcome::ImplicitDeny && !d.decidingStatement())
        summary += tr(" No statement allowed the request, so it is denied by default.");
    m_summary->setText(summary);
    for (int i = 0; i < d.trace.size(); ++i) {
        const policy::TraceEntry &e = d.trace.at(i);
        auto *item = new QTreeWidgetItem(m_trace);
        item->setText(PolicyColumn, policyLabel(e));
        item->setText(StatementColumn, statementLabel(e));
        item->setText(EffectColumn, e.effect == policy::Effect::Allow ? tr("Allow") : tr("Deny"));
        item->setText(MatchedColumn, e.matched ? tr("Yes") : tr("No"));
        item->setText(ReasonColumn, e.reason);
        item->setToolTip(ReasonColumn, e.toString());
        if (i == d.decidingIndex) { // the statement that decided stands out
            QFont bold = item->font(0);
            bold.setBold(true);
            for (int c = 0; c < TraceColumnCount; ++c) {
                item->setFont(c, bold);
                item->setBackground(c, e.effect == policy::Effect::Allow ? QColor(0xe6, 0xf4, 0xea)
                                                                         : QColor(0xfd, 0xec, 0xea));
            }
        }
    }
}

} // namespace qkms::ui
