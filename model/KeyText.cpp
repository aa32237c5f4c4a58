#include "KeyText.h"

#include <QCoreApplication>

namespace qkms::model::text {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("KeyText", text);
}

} // namespace

QString keyState(kms::KeyState state)
{
    switch (state) {
    case kms::KeyState::Enabled: return tr("Enabled");
    case kms::KeyState::Disabled: return tr("Disabled");
    case kms::KeyState::PendingDeletion: return tr("Pending deletion");
    case kms::KeyState::PendingImport: return tr("Pending import");
    }
    return {};
}

QString keyStateExplanation(const kms::KeyRecord &key)
{
    switch (key.keyState) {
    case kms::KeyState::Enabled: return tr("The key can be used in cryptographic operations.");
    case kms::KeyState::Disabled: return tr("The key cannot be used until it is enabled again.");
    case kms::KeyState::PendingDeletion:
        if (key.deletionDate)
            return tr("The key will be deleted on %1 unless the deletion is cancelled.").arg(dateTime(*key.deletionDate));
        return tr("The key is scheduled for deletion.");
    case kms::KeyState::PendingImport: return tr("The key has no key material yet: import it to use the key.");
    }
    return {};
}

QString keyUsage(kms::KeyUsage usage)
{
    switch (usage) {
    case kms::KeyUsage::EncryptDecrypt: return tr("Encrypt and decrypt");
    case kms::KeyUsage::SignVerify: return tr("Sign and verify");
    case kms::KeyUsage::GenerateVerifyMac: return tr("Generate and verify MAC");
    }
    return {};
}

QString keyManager(kms::KeyManager manager)
{
    return manager == kms::KeyManager::Aws ? tr("AWS managed") : tr("Customer managed");
}

QString dateTime(const QDateTime &t)
{
    return t.isValid() ? t.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm")) : QString();
}

} // namespace qkms::model::text
