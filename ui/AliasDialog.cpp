#include "AliasDialog.h"

#include "EngineRunner.h"
#include "KeyCatalog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace qkms::ui {

namespace {

/// How the picker names a key: its first alias or description, its id and its type.
QString keyLabel(const model::KeyRow &row)
{
    const kms::KeyRecord &k = row.key;
    QString head = row.aliases.value(0);
    if (head.isEmpty())
        head = k.description.isEmpty() ? QStringLiteral("(no alias)") : k.description.left(40);
    return QStringLiteral("%1 — %2 (%3, %4)").arg(head, k.keyId, kms::toString(k.keySpec), kms::toString(k.keyUsage));
}

} // namespace

AliasDialog::AliasDialog(model::EngineRunner *runner, const model::AliasListModel *aliases,
                         std::optional<model::AliasInfo> alias, QWidget *parent)
    : QDialog(parent), m_runner(runner), m_aliases(aliases), m_alias(std::move(alias))
{
    const bool retarget = m_alias.has_value();
    setObjectName(retarget ? QStringLiteral("retargetAliasDialog") : QStringLiteral("createAliasDialog"));
    setWindowTitle(retarget ? tr("Retarget alias") : tr("Create alias"));
    setMinimumWidth(620);
    auto *layout = new QVBoxLayout(this);
    auto *intro = new QLabel(retarget ? tr("Point %1 at another key. Only keys of the same type and key usage as "
                                           "the current target (%2, %3) are offered: code that uses the alias "
                                           "must keep working.")
                                            .arg(m_alias->aliasName, kms::toString(m_alias->targetKeySpec),
                                                 kms::toString(m_alias->targetKeyUsage))
                                      : tr("An alias is a friendly name for a key, such as alias/payroll. "
                                           "Applications can name the alias instead of the key ID and you can "
                                           "later point it at another key."),
                             this);
    intro->setWordWrap(true);
    layout->addWidget(intro);
    auto *form = new QFormLayout;
    m_name = new QLineEdit(this);
    m_name->setObjectName(QStringLiteral("aliasNameEdit"));
    if (retarget) {
        m_name->setText(m_alias->aliasName);
        m_name->setReadOnly(true);
    } else {
        m_name->setText(QStringLiteral("alias/"));
        m_name->setPlaceholderText(QStringLiteral("alias/my-application"));
    }
    form->addRow(tr("Alias name"), m_name);
    m_problem = new QLabel(this);
    m_problem->setObjectName(QStringLiteral("aliasNameProblem"));
    m_problem->setWordWrap(true);
    m_problem->setStyleSheet(QStringLiteral("color:#b3261e;"));
    form->addRow(QString(), m_problem);
    m_keys = new QComboBox(this);
    m_keys->setObjectName(QStringLiteral("aliasTargetKeyCombo"));
    m_keys->setMinimumContentsLength(50);
    form->addRow(retarget ? tr("New target key") : tr("Target key"), m_keys);
    m_hint = new QLabel(tr("Loading keys…"), this);
    m_hint->setObjectName(QStringLiteral("aliasKeyHint"));
    m_hint->setWordWrap(true);
    m_hint->setStyleSheet(QStringLiteral("color:#5f6368;"));
    form->addRow(QString(), m_hint);
    layout->addLayout(form);
    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_buttons->setObjectName(QStringLiteral("aliasDialogButtons"));
    m_buttons->button(QDialogButtonBox::Ok)->setObjectName(QStringLiteral("aliasDialogOkButton"));
    m_buttons->button(QDialogButtonBox::Ok)->setText(retarget ? tr("Retarget") : tr("Create alias"));
    m_buttons->button(QDialogButtonBox::Cancel)->setObjectName(QStringLiteral("aliasDialogCancelButton"));
    layout->addWidget(m_buttons);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_name, &QLineEdit::textChanged, this, &AliasDialog::validate);
    connect(m_keys, &QComboBox::currentIndexChanged, this, &AliasDialog::validate);
    validate();
    loadKeys();
}

QString AliasDialog::aliasName() const
{
    return m_name->text().trimmed();
}

QString AliasDialog::targetKeyId() const
{
    return m_keys->currentData().toString();
}

bool AliasDialog::selectTargetKey(const QString &keyId)
{
    const int i = m_keys->findData(keyId);
    if (i >= 0)
        m_keys->setCurrentIndex(i);
    return i >= 0;
}

QStringList AliasDialog::offeredKeyIds() const
{
    QStringList ids;
    for (int i = 0; i < m_keys->count(); ++i)
        ids.append(m_keys->itemData(i).toString());
    return ids;
}

QString AliasDialog::nameProblem() const
{
    return m_problem->text();
}

void AliasDialog::loadKeys()
{
    const bool queued = m_runner->run(
        this,
        [](kms::KmsService &service, const kms::Caller &caller) {
            return model::catalog::fetchPrefix(service, caller, 0, true, 1000);
        },
        [this](Result<model::KeyPage> page) {
            m_loaded = true;
            if (!page) {
                m_hint->setText(tr("The keys could not be listed: %1").arg(page.error().toString()));
                validate();
                Q_EMIT keysReady();
                return;
            }
            for (const model::KeyRow &row : page->rows) {
                const kms::KeyRecord &k = row.key;
                const bool offered = m_alias ? model::AliasListModel::canRetargetTo(*m_alias, k.keyId, k.keySpec,
                                                                                    k.keyUsage, k.keyManager, k.keyState)
                                             : k.keyManager == kms::KeyManager::Customer
                                                   && k.keyState != kms::KeyState::PendingDeletion;
                if (offered)
                    m_keys->addItem(keyLabel(row), k.keyId);
            }
            if (m_keys->count() > 0)
                m_hint->setText(m_alias ? (m_keys->count() == 1 ? tr("1 compatible key.") : tr("%1 compatible keys.").arg(m_keys->count()))
                                        : tr("Customer managed keys not pending deletion."));
            else
                m_hint->setText(m_alias ? tr("No other key has the same type and key usage. Create one first.")
                                        : tr("There is no customer managed key to point at yet. Create a key "
                                             "first."));
            validate();
            Q_EMIT keysReady();
        });
    if (!queued)
        m_hint->setText(tr("The vault is locked."));
}

void AliasDialog::validate()
{
    QString problem;
    if (!m_alias) {
        const QString name = aliasName();
        if (auto st = model::AliasListModel::validateAliasName(name); !st)
            problem = st.error().toString();
        else if (m_aliases && m_aliases->indexOf(name) >= 0)
            problem = tr("AlreadyExistsException: an alias named %1 already exists in this region.").arg(name);
    }
    m_problem->setText(problem);
    m_problem->setVisible(!problem.isEmpty());
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(problem.isEmpty() && !targetKeyId().isEmpty());
}

} // namespace qkms::ui
