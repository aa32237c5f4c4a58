#include "CreateKeyWizard.h"

#include "EngineRunner.h"
#include "kms/KmsService.h"
#include "policy/DefaultKeyPolicy.h"
#include "wizard/KeyLabelsPage.h"
#include "wizard/KeyPermissionsPage.h"
#include "wizard/KeyReviewPage.h"
#include "wizard/KeyTypePage.h"

#include <QAbstractButton>

namespace qkms::ui {

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
    m_typePage = new KeyTypePage(this);
    m_labelsPage = new KeyLabelsPage(this);
    m_permissionsPage = new KeyPermissionsPage(m_runner, this);
    m_reviewPage = new KeyReviewPage(this);
    setPage(TypePage, m_typePage);
    setPage(LabelsPage, m_labelsPage);
    setPage(PermissionsPage, m_permissionsPage);
    setPage(ReviewPage, m_reviewPage);
    connect(this, &QWizard::currentIdChanged, this, [this](int id) {
        if (id == PermissionsPage)
            m_permissionsPage->loadPrincipals();
        if (id == ReviewPage)
            updateReview();
    });
    resize(640, 500);
}

bool CreateKeyWizard::principalsLoaded() const
{
    return m_permissionsPage->principalsLoaded();
}

QString CreateKeyWizard::keyPolicy() const
{
    policy::ConsolePolicyOptions options;
    options.accountId = m_permissionsPage->accountId();
    options.administrators = m_permissionsPage->administrators();
    options.users = m_permissionsPage->users();
    if (options.accountId.isEmpty() || (options.administrators.isEmpty() && options.users.isEmpty()))
        return {};
    const auto usage = kms::keyUsageFromString(m_typePage->keyUsage());
    if (usage == kms::KeyUsage::SignVerify)
        options.usage = policy::KeyUsageProfile::Signing;
    else if (usage == kms::KeyUsage::GenerateVerifyMac)
        options.usage = policy::KeyUsageProfile::Hmac;
    else if (m_typePage->keyClass() == kms::KeyClass::Asymmetric)
        options.usage = policy::KeyUsageProfile::AsymmetricEncryption;
    options.externalOrigin = m_typePage->externalOrigin();
    return policy::DefaultKeyPolicy::console(options);
}

kms::CreateKeyRequest CreateKeyWizard::request() const
{
    kms::CreateKeyRequest r;
    r.description = m_labelsPage->description();
    r.keySpec = m_typePage->keySpec();
    r.keyUsage = m_typePage->keyUsage();
    r.origin = m_typePage->externalOrigin() ? QStringLiteral("EXTERNAL") : QStringLiteral("AWS_KMS");
    r.tags = m_labelsPage->tags();
    if (const QString policy = keyPolicy(); !policy.isEmpty())
        r.policy = policy;
    return r;
}

QString CreateKeyWizard::aliasName() const
{
    return m_labelsPage->aliasName();
}

void CreateKeyWizard::updateReview()
{
    const kms::CreateKeyRequest r = request();
    QStringList tagText;
    for (auto it = r.tags.cbegin(); it != r.tags.cend(); ++it)
        tagText.append(it.key() + QStringLiteral(" = ") + it.value());
    const QString none = tr("none");
    const QString alias = aliasName();
    m_reviewPage->setSummary({
        {tr("Key type"), m_typePage->keyClassText()},
        {tr("Key spec"), r.keySpec.value_or(QString())},
        {tr("Key usage"), m_typePage->keyUsageText()},
        {tr("Origin"), r.origin},
        {tr("Alias"), alias.isEmpty() ? none : alias},
        {tr("Description"), r.description.isEmpty() ? none : r.description},
        {tr("Tags"), tagText.isEmpty() ? none : tagText.join(QStringLiteral(", "))},
        {tr("Region"), m_runner->region()},
    });
    const QString policy = r.policy.value_or(QString()); // request() left it out when empty
    if (policy.isEmpty()) {
        const QString accountId = m_permissionsPage->accountId();
        m_reviewPage->setPolicy(tr("Key policy: the default policy. The account root may do everything with the "
                                   "key, and IAM policies decide what users and roles may do."),
                                accountId.isEmpty() ? QString() : policy::DefaultKeyPolicy::forAccount(accountId));
    } else {
        const auto admins = m_permissionsPage->administrators().size();
        const auto users = m_permissionsPage->users().size();
        m_reviewPage->setPolicy(tr("Key policy: %1 may manage the key and %2 may use it; the account root keeps "
                                   "full access.")
                                    .arg(admins == 1 ? tr("1 administrator") : tr("%1 administrators").arg(admins),
                                         users == 1 ? tr("1 user") : tr("%1 users").arg(users)),
                                policy);
    }
}

void CreateKeyWizard::setBusy(bool busy)
{
    m_busy = busy;
    button(QWizard::FinishButton)->setEnabled(!busy);
    button(QWizard::BackButton)->setEnabled(!busy);
    if (busy)
        m_reviewPage->showProgress(m_createdKeyId.isEmpty() ? tr("Creating the key…") : tr("Creating the alias…"));
}

void CreateKeyWizard::showError(const QString &text)
{
    m_errorText = text;
    m_reviewPage->showError(text);
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
                m_typePage->setEnabled(false);
                m_labelsPage->lockKeyFields();
                m_permissionsPage->setEnabled(false);
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
