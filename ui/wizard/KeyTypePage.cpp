#include "wizard/KeyTypePage.h"

#include "FormParts.h"
#include "KeyText.h"

#include <QAbstractButton>
#include <QButtonGroup>
#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QLabel>
#include <QRadioButton>
#include <QVBoxLayout>

namespace qkms::ui {

namespace {

QString specHint(kms::KeySpec spec)
{
    using kms::KeySpec;
    switch (spec) {
    case KeySpec::SymmetricDefault:
        return KeyTypePage::tr("AES-256-GCM. The usual choice: encrypts up to 4 KB directly and protects data "
                               "keys for anything larger. The key never leaves qkms.");
    case KeySpec::Rsa2048:
    case KeySpec::Rsa3072:
    case KeySpec::Rsa4096:
        return KeyTypePage::tr("An RSA key pair. Anyone may use the public key outside qkms; the private key "
                               "never leaves it.");
    case KeySpec::EccNistP256:
    case KeySpec::EccNistP384:
    case KeySpec::EccNistP521:
        return KeyTypePage::tr("An elliptic-curve key pair (NIST curve) for ECDSA signatures.");
    case KeySpec::EccSecgP256k1:
        return KeyTypePage::tr("An elliptic-curve key pair on secp256k1, the curve of many cryptocurrencies.");
    case KeySpec::Hmac224:
    case KeySpec::Hmac256:
    case KeySpec::Hmac384:
    case KeySpec::Hmac512:
        return KeyTypePage::tr("A secret key for generating and verifying HMAC tags (GenerateMac, VerifyMac).");
    }
    return {};
}

} // namespace

KeyTypePage::KeyTypePage(QWidget *parent) : QWizardPage(parent)
{
    setObjectName(QStringLiteral("keyTypePage"));
    setTitle(tr("Configure key"));
    setSubTitle(tr("What the key is for decides its type. Type, usage and spec cannot change later."));
    auto *layout = new QVBoxLayout(this);
    m_typeGroup = new QButtonGroup(this);
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
        auto *radio = new QRadioButton(t.text, this);
        radio->setObjectName(QString::fromLatin1(t.name));
        m_typeGroup->addButton(radio, static_cast<int>(t.cls));
        layout->addWidget(radio);
        auto *hint = makeHintLabel(t.hint, this);
        hint->setContentsMargins(24, 0, 0, 6);
        layout->addWidget(hint);
    }
    m_typeGroup->button(static_cast<int>(kms::KeyClass::Symmetric))->setChecked(true);

    auto *form = new QFormLayout;
    form->setContentsMargins(0, 8, 0, 0);
    m_usage = new QComboBox(this);
    m_usage->setObjectName(QStringLiteral("keyUsageCombo"));
    form->addRow(tr("Key &usage:"), m_usage);
    m_spec = new QComboBox(this);
    m_spec->setObjectName(QStringLiteral("keySpecCombo"));
    form->addRow(tr("Key s&pec:"), m_spec);
    layout->addLayout(form);
    m_specHint = makeHintLabel({}, this);
    m_specHint->setObjectName(QStringLiteral("keySpecHint"));
    layout->addWidget(m_specHint);
    m_external = new QCheckBox(tr("I will &import my own key material (origin EXTERNAL)"), this);
    m_external->setObjectName(QStringLiteral("externalOriginCheck"));
    layout->addWidget(m_external);
    layout->addStretch();

    connect(m_typeGroup, &QButtonGroup::idToggled, this, [this](int, bool checked) {
        if (checked)
            updateUsages();
    });
    connect(m_usage, &QComboBox::currentIndexChanged, this, &KeyTypePage::updateSpecs);
    connect(m_spec, &QComboBox::currentIndexChanged, this, &KeyTypePage::updateSpecHint);
    updateUsages();
}

kms::KeyClass KeyTypePage::keyClass() const
{
    return static_cast<kms::KeyClass>(m_typeGroup->checkedId());
}

QString KeyTypePage::keyClassText() const
{
    return m_typeGroup->checkedButton()->text().remove(u'&');
}

QString KeyTypePage::keyUsage() const
{
    return m_usage->currentData().toString();
}

QString KeyTypePage::keyUsageText() const
{
    return m_usage->currentText();
}

QString KeyTypePage::keySpec() const
{
    return m_spec->currentText();
}

bool KeyTypePage::externalOrigin() const
{
    return m_external->isChecked();
}

void KeyTypePage::updateUsages()
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

void KeyTypePage::updateSpecs()
{
    const auto usage = kms::keyUsageFromString(keyUsage());
    const QSignalBlocker block(m_spec);
    m_spec->clear();
    for (const QString &name : kms::allKeySpecNames()) {
        const auto spec = kms::keySpecFromString(name);
        if (spec && usage && kms::keyClass(*spec) == keyClass() && kms::allowedUsages(*spec).contains(*usage))
            m_spec->addItem(name);
    }
    const int preferred = m_spec->findText(QStringLiteral("HMAC_256"));
    m_spec->setCurrentIndex(preferred >= 0 ? preferred : 0);
    updateSpecHint();
}

void KeyTypePage::updateSpecHint()
{
    if (const auto spec = kms::keySpecFromString(m_spec->currentText()))
        m_specHint->setText(specHint(*spec));
}

} // namespace qkms::ui
