#include "CreateKeyWizard.h"

#include "EngineRunner.h"
#include "KeyText.h"
#include "iam/PrincipalStore.h"
#include "kms/KmsService.h"
#include "policy/DefaultKeyPolicy.h"

#include <QAbstractButton>
#include <QButtonGroup>
#include <QCheckBox>
#include <QComboBox>
#include <QFontDatabase>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QTableWidget>
#include <QVBoxLayout>

namespace qkms::ui {

namespace {

QString specHint(kms::KeySpec spec)
{
    using kms::KeySpec;
    switch (spec) {
    case KeySpec::SymmetricDefault:
        return CreateKeyWizard::tr("AES-256-GCM. The usual choice: encrypts up to 4 KB directly and protects data "
                                   "keys for anything larger. The key never leaves qkms.");
    case KeySpec::Rsa2048:
    case KeySpec::Rsa3072:
    case KeySpec::Rsa4096:
        return CreateKeyWizard::tr("An RSA key pair. Anyone may use the public key outside qkms; the private key "
                                   "never leaves it.");
    case KeySpec::EccNistP256:
    case KeySpec::EccNistP384:
    case KeySpec::EccNistP521:
        return CreateKeyWizard::tr("An elliptic-curve key pair (NIST curve) for ECDSA signatures.");
    case KeySpec::EccSecgP256k1:
        return CreateKeyWizard::tr("An elliptic-curve key pair on secp256k1, the curve of many cryptocurrencies.");
    case KeySpec::Hmac224:
    case KeySpec::Hmac256:
    case KeySpec::Hmac384:
    case KeySpec::Hmac512:
        return CreateKeyWizard::tr("A secret key for generating and verifying HMAC tags (GenerateMac, VerifyMac).");
    }
    return {};
}

QLabel *hintLabel(const QString &text, QWidget *parent)
{
    auto *l = new QLabel(text, parent);
    l->setWordWrap(true);
    l->setStyleSheet(QStringLiteral("color:#5f6368;"));
    return l;
}

QLabel *errorLabel(const char *name, QWidget *parent)
{
    auto *l = new QLabel(parent);
    l->setObjectName(QString::fromLatin1(name));
    l->setWordWrap(true);
    l->setTextInteractionFlags(Qt::TextSelectableByMouse);
    l->setStyleSheet(QStringLiteral("color:#a4262c;"));
    l->hide();
    return l;
}

} // namespace

CreateKeyWizard::CreateKeyWizard(model::EngineRunner *runner, QWidget *parent) : QWizard(parent), m_runner(runner)
{
    setObjectName(QStringLiteral("createKeyWizard"));
    setWindowTitle(tr("Create key"));
    setWizardStyle(QWizard::ModernStyle);
    setOption(QWizard::NoBackButtonOnStartPage);
    setButtonText(QWizard::FinishButton, tr("Create &key"));
    button(QWizard::BackButton)->setObjectName(QStringLiteral("wizardBackButton"));
    button(QWizard::NextButton)->setObjectName(QStringLiteral("wizardNextButton"));
    button(QWizard::FinishButton)->setObjectName(QStringLiteral("wizardFinishButton"));
    button(QWizard::CancelButton)->setObjectName(QStringLiteral("wizardCancelButton"));
    setPage(TypePage, buildTypePage());
    setPage(LabelsPage, buildLabelsPage());
    setPage(PermissionsPage, buildPermissionsPage());
    setPage(ReviewPage, buildReviewPage());
    connect(this, &QWizard::currentIdChanged, this, [this](int id) {
        if (id == PermissionsPage)
            loadPrincipals();
        if (id == ReviewPage)
            updateReview();
    });
    resize(640, 500);
}

QWizardPage *CreateKeyWizard::buildTypePage()
{
    auto *page = new QWizardPage(this);
    page->setObjectName(QStringLiteral("keyTypePage"));
    page->setTitle(tr("Configure key"));
    page->setSubTitle(tr("What the key is for decides its type. Type, usage and spec cannot change later."));
    auto *layout = new QVBoxLayout(page);
    m_typeGroup = new QButtonGroup(page);
    const struct {
        kms::KeyClass cls;
        const char *name;
        QString text;
        QString hint;
    } types[] = {
        {kms::KeyClass::Symmetric, "symmetricRadio", tr("&Symmetric"),
         tr("A single secret key for encrypting and decrypting data.")},
        {kms::KeyClass::Asymmetric, "asymmetricRadio", tr("&Asymmetric"),
         tr("A public and private key pair for encryption or for signing and verifying.")},
        {kms::KeyClass::Hmac, "hmacRadio", tr("&HMAC"),
         tr("A secret key for generating and verifying message authentication codes.")},
    };
    for (const auto &t : types) {
        auto *radio = new QRadioButton(t.text, page);
        radio->setObjectName(QString::fromLatin1(t.name));
        m_typeGroup->addButton(radio, static_cast<int>(t.cls));
        layout->addWidget(radio);
        auto *hint = hintLabel(t.hint, page);
        hint->setContentsMargins(24, 0, 0, 6);
        layout->addWidget(hint);
    }
    m_typeGroup->button(static_cast<int>(kms::KeyClass::Symmetric))->setChecked(true);

    auto *form = new QFormLayout;
    form->setContentsMargins(0, 8, 0, 0);
    m_usage = new QComboBox(page);
    m_usage->setObjectName(QStringLiteral("keyUsageCombo"));
    form->addRow(tr("Key &usage:"), m_usage);
    m_spec = new QComboBox(page);
    m_spec->setObjectName(QStringLiteral("keySpecCombo"));
    form->addRow(tr("Key s&pec:"), m_spec);
    layout->addLayout(form);
    m_specHint = hintLabel({}, page);
    m_specHint->setObjectName(QStringLiteral("keySpecHint"));
    layout->addWidget(m_specHint);
    m_external = new QCheckBox(tr("I will &import my own key material (origin EXTERNAL)"), page);
    m_external->setObjectName(QStringLiteral("externalOriginCheck"));
    layout->addWidget(m_external);
    layout->addStretch();

    connect(m_typeGroup, &QButtonGroup::idToggled, this, [this](int, bool checked) {
        if (checked)
            updateUsages();
    });
    connect(m_usage, &QComboBox::currentIndexChanged, this, &CreateKeyWizard::updateSpecs);
    connect(m_spec, &QComboBox::currentIndexChanged, this, [this] {
        if (const auto spec = kms::keySpecFromString(m_spec->currentText()))
            m_specHint->setText(specHint(*spec));
    });
    updateUsages();
    return page;
}

QWizardPage *CreateKeyWizard::buildLabelsPage()
{
    auto *page = new QWizardPage(this);
    page->setObjectName(QStringLiteral("keyLabelsPage"));
    page->setTitle(tr("Add labels"));
    page->setSubTitle(tr("An alias lets applications name the key without its ID. Everything here is optional "
                         "and can be changed later."));
    auto *form = new QFormLayout(page);
    m_alias = new QLineEdit(page);
    m_alias->setObjectName(QStringLiteral("aliasEdit"));
    m_alias->setPlaceholderText(tr("alias/payroll"));
    m_alias->setClearButtonEnabled(true);
    form->addRow(tr("&Alias:"), m_alias);
    m_description = new QPlainTextEdit(page);
    m_description->setObjectName(QStringLiteral("descriptionEdit"));
    m_description->setTabChangesFocus(true);
    m_description->setPlaceholderText(tr("What the key protects, who owns it"));
    m_description->setFixedHeight(64);
    form->addRow(tr("&Description:"), m_description);

    m_tags = new QTableWidget(0, 2, page);
    m_tags->setObjectName(QStringLiteral("tagsTable"));
    m_tags->setHorizontalHeaderLabels({tr("Tag key"), tr("Tag value")});
    m_tags->horizontalHeader()->setStretchLastSection(true);
    m_tags->horizontalHeader()->resizeSection(0, 180);
    m_tags->verticalHeader()->hide();
    m_tags->setMinimumHeight(110);
    auto *add = new QPushButton(tr("Add &tag"), page);
    add->setObjectName(QStringLiteral("addTagButton"));
    auto *remove = new QPushButton(tr("&Remove tag"), page);
    remove->setObjectName(QStringLiteral("removeTagButton"));
    auto *tagButtons = new QHBoxLayout;
    tagButtons->addWidget(add);
    tagButtons->addWidget(remove);
    tagButtons->addStretch();
    auto *tagBox = new QVBoxLayout;
    tagBox->addWidget(m_tags);
    tagBox->addLayout(tagButtons);
    form->addRow(tr("Tags:"), tagBox);
    m_labelsError = errorLabel("labelsError", page);
    form->addRow(m_labelsError);

    connect(add, &QPushButton::clicked, this, [this] {
        const int row = m_tags->rowCount();
        m_tags->insertRow(row);
        m_tags->setItem(row, 0, new QTableWidgetItem);
        m_tags->setItem(row, 1, new QTableWidgetItem);
        m_tags->setCurrentCell(row, 0);
        m_tags->editItem(m_tags->item(row, 0));
    });
    connect(remove, &QPushButton::clicked, this, [this] {
        if (m_tags->currentRow() >= 0)
            m_tags->removeRow(m_tags->currentRow());
    });
    return page;
}

QWizardPage *CreateKeyWizard::buildReviewPage()
{
    auto *page = new QWizardPage(this);
    page->setObjectName(QStringLiteral("keyReviewPage"));
    page->setTitle(tr("Review"));
    page->setSubTitle(tr("Check the key's configuration, then create it."));
    auto *layout = new QVBoxLayout(page);
    m_review = new QLabel(page);
    m_review->setObjectName(QStringLiteral("reviewText"));
    m_review->setTextFormat(Qt::RichText);
    m_review->setWordWrap(true);
    m_review->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_review);
    m_policyHint = hintLabel({}, page);
    m_policyHint->setObjectName(QStringLiteral("reviewPolicyHint"));
    layout->addWidget(m_policyHint);
    m_policyText = new QPlainTextEdit(page);
    m_policyText->setObjectName(QStringLiteral("reviewPolicyText"));
    m_policyText->setReadOnly(true);
    m_policyText->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_policyText->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    layout->addWidget(m_policyText, 1);
    m_error = errorLabel("createKeyError", page);
    layout->addWidget(m_error);
    page->setFinalPage(true);
    return page;
}

kms::KeyClass CreateKeyWizard::keyClass() const
{
    return static_cast<kms::KeyClass>(m_typeGroup->checkedId());
}

void CreateKeyWizard::updateUsages()
{
    const kms::KeyClass cls = keyClass();
    QList<kms::KeyUsage> usages;
    for (const QString &name : kms::allKeySpecNames()) {
        const auto spec = kms::keySpecFromString(name);
        if (!spec || kms::keyClass(*spec) != cls)
            continue;
        for (kms::KeyUsage u : kms::allowedUsages(*spec)) {
            if (!usages.contains(u))
                usages.append(u);
        }
    }
    const QSignalBlocker block(m_usage);
    m_usage->clear();
    for (kms::KeyUsage u : std::as_const(usages))
        m_usage->addItem(model::text::keyUsage(u), kms::toString(u));
    m_usage->setCurrentIndex(0);
    // Imported material exists for symmetric and HMAC keys only.
    m_external->setEnabled(cls != kms::KeyClass::Asymmetric);
    if (cls == kms::KeyClass::Asymmetric)
        m_external->setChecked(false);
    updateSpecs();
}

void CreateKeyWizard::updateSpecs()
{
    const auto usage = kms::keyUsageFromString(m_usage->currentData().toString());
    const QSignalBlocker block(m_spec);
    m_spec->clear();
    for (const QString &name : kms::allKeySpecNames()) {
        const auto spec = kms::keySpecFromString(name);
        if (spec && usage && kms::keyClass(*spec) == keyClass() && kms::allowedUsages(*spec).contains(*usage))
            m_spec->addItem(name);
    }
    const int preferred = m_spec->findText(QStringLiteral("HMAC_256"));
    m_spec->setCurrentIndex(preferred >= 0 ? preferred : 0);
    if (const auto spec = kms::keySpecFromString(m_spec->currentText()))
        m_specHint->setText(specHint(*spec));
}

kms::Tags CreateKeyWizard::tags() const
{
    kms::Tags out;
    for (int row = 0; row < m_tags->rowCount(); ++row) {
        const QString key = m_tags->item(row, 0) ? m_tags->item(row, 0)->text().trimmed() : QString();
        const QString value = m_tags->item(row, 1) ? m_tags->item(row, 1)->text() : QString();
        if (!key.isEmpty())
            out.insert(key, value);
    }
    return out;
}

QString CreateKeyWizard::tagProblem() const
{
    QStringList seen;
    for (int row = 0; row < m_tags->rowCount(); ++row) {
        const QString key = m_tags->item(row, 0) ? m_tags->item(row, 0)->text().trimmed() : QString();
        const QString value = m_tags->item(row, 1) ? m_tags->item(row, 1)->text() : QString();
        if (key.isEmpty() && !value.isEmpty())
            return tr("The tag with value “%1” has no key. Every tag needs a key.").arg(value);
        if (!key.isEmpty() && seen.contains(key))
            return tr("The tag key “%1” appears twice. Tag keys must be unique.").arg(key);
        seen.append(key);
    }
    return {};
}

QWizardPage *CreateKeyWizard::buildPermissionsPage()
{
    auto *page = new QWizardPage(this);
    page->setObjectName(QStringLiteral("keyPermissionsPage"));
    page->setTitle(tr("Define key permissions"));
    page->setSubTitle(tr("Administrators manage the key but cannot use it; users use it for cryptographic "
                         "operations. Both become statements of the key policy. Pick none to keep the default "
                         "policy, which leaves permissions to IAM policies."));
    auto *pageLayout = new QVBoxLayout(page);
    auto *row = new QHBoxLayout;
    pageLayout->addLayout(row, 1);
    auto addList = [page, row](const QString &title, const char *name) {
        auto *box = new QVBoxLayout;
        auto *label = new QLabel(title, page);
        auto *list = new QListWidget(page);
        list->setObjectName(QString::fromLatin1(name));
        label->setBuddy(list);
        box->addWidget(label);
        box->addWidget(list, 1);
        row->addLayout(box, 1);
        return list;
    };
    m_admins = addList(tr("Key &administrators"), "keyAdministratorsList");
    m_users = addList(tr("Key u&sers"), "keyUsersList");
    m_principalsStatus = hintLabel({}, page);
    m_principalsStatus->setObjectName(QStringLiteral("principalsStatus"));
    pageLayout->addWidget(m_principalsStatus);
    return page;
}

void CreateKeyWizard::loadPrincipals()
{
    if (m_principalsRequested)
        return;
    m_principalsRequested = true;
    m_principalsStatus->setText(tr("Reading the account's users and roles…"));
    struct Listing {
        QString accountId;
        Result<QList<iam::Principal>> principals;
    };
    const bool queued = m_runner->run(
        this,
        [](kms::KmsService &service, const kms::Caller &caller) {
            Listing out{service.accountId(), QList<iam::Principal>()};
            auto users = service.principals().list(caller.principalArn, iam::PrincipalKind::User);
            auto roles = service.principals().list(caller.principalArn, iam::PrincipalKind::Role);
            if (!users)
                out.principals = std::unexpected(users.error());
            else if (!roles)
                out.principals = std::unexpected(roles.error());
            else
                out.principals = *users + *roles;
            return out;
        },
        [this](Listing out) {
            m_accountId = out.accountId;
            m_principalsLoaded = true;
            if (!out.principals) {
                m_principalsStatus->setText(tr("The principals could not be listed, so the key gets the default "
                                               "policy. %1")
                                                .arg(out.principals.error().toString()));
                return;
            }
            for (QListWidget *list : {m_admins, m_users}) {
                for (const iam::Principal &p : std::as_const(*out.principals)) {
                    auto *item = new QListWidgetItem(iam::PrincipalStore::kindName(p.kind) + u'/' + p.name, list);
                    item->setData(Qt::UserRole, p.arn);
                    item->setToolTip(p.arn);
                    item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
                    item->setCheckState(Qt::Unchecked);
                }
            }
            m_principalsStatus->setText(out.principals->isEmpty()
                                            ? tr("The account has no IAM users or roles yet; the key gets the "
                                                 "default policy.")
                                            : QString());
        });
    if (!queued) {
        m_principalsLoaded = true;
        m_principalsStatus->setText(tr("The vault is locked."));
    }
}

QStringList CreateKeyWizard::checkedArns(const QListWidget *list)
{
    QStringList out;
    for (int i = 0; i < list->count(); ++i)
        if (list->item(i)->checkState() == Qt::Checked)
            out.append(list->item(i)->data(Qt::UserRole).toString());
    return out;
}

QString CreateKeyWizard::keyPolicy() const
{
    policy::ConsolePolicyOptions options;
    options.accountId = m_accountId;
    options.administrators = checkedArns(m_admins);
    options.users = checkedArns(m_users);
    if (m_accountId.isEmpty() || (options.administrators.isEmpty() && options.users.isEmpty()))
        return {};
    const auto usage = kms::keyUsageFromString(m_usage->currentData().toString());
    if (usage == kms::KeyUsage::SignVerify)
        options.usage = policy::KeyUsageProfile::Signing;
    else if (usage == kms::KeyUsage::GenerateVerifyMac)
        options.usage = policy::KeyUsageProfile::Hmac;
    else if (keyClass() == kms::KeyClass::Asymmetric)
        options.usage = policy::KeyUsageProfile::AsymmetricEncryption;
    options.externalOrigin = m_external->isChecked();
    return policy::DefaultKeyPolicy::console(options);
}

kms::CreateKeyRequest CreateKeyWizard::request() const
{
    kms::CreateKeyRequest r;
    r.description = m_description->toPlainText();
    r.keySpec = m_spec->currentText();
    r.keyUsage = m_usage->currentData().toString();
    r.origin = m_external->isChecked() ? QStringLiteral("EXTERNAL") : QStringLiteral("AWS_KMS");
    r.tags = tags();
    if (const QString policy = keyPolicy(); !policy.isEmpty())
        r.policy = policy;
    return r;
}

QString CreateKeyWizard::aliasName() const
{
    const QString alias = m_alias->text().trimmed();
    if (alias.isEmpty() || alias.startsWith(QStringLiteral("alias/")))
        return alias;
    return QStringLiteral("alias/") + alias;
}


bool CreateKeyWizard::validateCurrentPage()
{
    if (currentId() == LabelsPage) {
        const QString problem = tagProblem();
        m_labelsError->setText(problem);
        m_labelsError->setVisible(!problem.isEmpty());
        if (!problem.isEmpty())
            return false;
    }
    return QWizard::validateCurrentPage();
}

void CreateKeyWizard::updateReview()
{
    const kms::CreateKeyRequest r = request();
    auto row = [](const QString &name, const QString &value) {
        return QStringLiteral("<tr><td style='padding:2px 16px 2px 0; color:#5f6368'>%1</td>"
                              "<td style='padding:2px 0'>%2</td></tr>")
            .arg(name.toHtmlEscaped(), value.toHtmlEscaped());
    };
    QStringList tagText;
    for (auto it = r.tags.cbegin(); it != r.tags.cend(); ++it)
        tagText.append(it.key() + QStringLiteral(" = ") + it.value());
    const QString none = tr("none");
    QString html = QStringLiteral("<table>");
    html += row(tr("Key type"), m_typeGroup->checkedButton()->text().remove(u'&'));
    html += row(tr("Key spec"), r.keySpec.value_or(QString()));
    html += row(tr("Key usage"), m_usage->currentText());
    html += row(tr("Origin"), r.origin);
    html += row(tr("Alias"), aliasName().isEmpty() ? none : aliasName());
    html += row(tr("Description"), r.description.isEmpty() ? none : r.description);
    html += row(tr("Tags"), tagText.isEmpty() ? none : tagText.join(QStringLiteral(", ")));
    html += row(tr("Region"), m_runner->region());
    html += QStringLiteral("</table>");
    m_review->setText(html);
    const QString policy = keyPolicy();
    if (policy.isEmpty()) {
        m_policyHint->setText(tr("Key policy: the default policy. The account root may do everything with the key, "
                                 "and IAM policies decide what users and roles may do."));
        m_policyText->setPlainText(m_accountId.isEmpty() ? QString() : policy::DefaultKeyPolicy::forAccount(m_accountId));
    } else {
        const auto admins = checkedArns(m_admins).size();
        const auto users = checkedArns(m_users).size();
        m_policyHint->setText(tr("Key policy: %1 may manage the key and %2 may use it; the account root keeps full "
                                 "access.")
                                  .arg(admins == 1 ? tr("1 administrator") : tr("%1 administrators").arg(admins),
                                       users == 1 ? tr("1 user") : tr("%1 users").arg(users)));
        m_policyText->setPlainText(policy);
    }
}

void CreateKeyWizard::setBusy(bool busy)
{
    m_busy = busy;
    button(QWizard::FinishButton)->setEnabled(!busy);
    button(QWizard::BackButton)->setEnabled(!busy);
    if (busy) {
        m_error->setStyleSheet(QStringLiteral("color: palette(text);"));
        m_error->setText(m_createdKeyId.isEmpty() ? tr("Creating the key…") : tr("Creating the alias…"));
        m_error->show();
    }
}

void CreateKeyWizard::showError(const QString &text)
{
    m_errorText = text;
    m_error->setStyleSheet(QStringLiteral("color:#a4262c;"));
    m_error->setText(text);
    m_error->setVisible(!text.isEmpty());
}

void CreateKeyWizard::accept()
{
    if (m_busy)
        return;
    struct Outcome {
        QString keyId;
        std::optional<KmsError> error;
    };
    const kms::CreateKeyRequest r = request();
    const QString alias = aliasName();
    const QString created = m_createdKeyId;
    setBusy(true);
    const bool queued = m_runner->run(
        this,
        [r, alias, created](kms::KmsService &service, const kms::Caller &caller) {
            Outcome out{created, std::nullopt};
            if (out.keyId.isEmpty()) {
                auto key = service.createKey(caller, r);
                if (!key) {
                    out.error = key.error();
                    return out;
                }
                out.keyId = key->keyId;
            }
            if (!alias.isEmpty()) {
                if (auto st = service.createAlias(caller, alias, out.keyId); !st)
                    out.error = st.error();
            }
            return out;
        },
        [this](Outcome out) {
            setBusy(false);
            if (!out.keyId.isEmpty() && m_createdKeyId.isEmpty()) {
                m_createdKeyId = out.keyId;
                // The key exists now: only the alias can still be changed and retried.
                page(TypePage)->setEnabled(false);
                m_description->setEnabled(false);
                m_tags->setEnabled(false);
                page(PermissionsPage)->setEnabled(false);
                Q_EMIT keyCreated(out.keyId);
            }
            if (out.error) {
                QString text = out.error->toString();
                if (!m_createdKeyId.isEmpty())
                    text += QLatin1Char('\n')
                            + tr("The key %1 was created without an alias. Go back to change the alias and choose "
                                 "Create key again, or Cancel to keep the key without one.")
                                  .arg(m_createdKeyId);
                showError(text);
                return;
            }
            showError({});
            QWizard::accept();
        });
    if (!queued) {
        setBusy(false);
        showError(tr("The vault is locked."));
    }
}

} // namespace qkms::ui
