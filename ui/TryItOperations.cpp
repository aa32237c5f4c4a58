// TryItPanel's operations: one engine call each, run as the acting principal through call(),
// which drops results that arrive after the key changed. The form and its modes are in
// TryItPanel.cpp.

#include "TryItPanel.h"

#include "EngineRunner.h"
#include "kms/KmsService.h"

#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>

namespace qkms::ui {

namespace {

const QString kRaw = QStringLiteral("RAW");

} // namespace

template <typename Job, typename Done>
void TryItPanel::call(Job job, Done done)
{
    if (!m_key)
        return;
    const quint64 request = m_request;
    m_result->setStyleSheet(QString());
    m_result->setText(tr("Working…"));
    const bool queued = m_runner->run(
        this,
        [job = std::move(job), keyId = m_key->keyId](kms::KmsService &service, const kms::Caller &caller) {
            return job(service, caller, keyId);
        },
        [this, request, done = std::move(done)](auto result) mutable {
            if (request == m_request)
                done(std::move(result));
        });
    if (!queued)
        showError(tr("The call"), KmsError{errors::Vault, tr("The vault is locked.")});
}

void TryItPanel::encrypt()
{
    const QString algorithm = m_mode == Mode::RsaEncrypt ? m_algorithm->currentText() : QStringLiteral("SYMMETRIC_DEFAULT");
    call([plain = inputSecret(), ctx = context(), algorithm](kms::KmsService &s, const kms::Caller &c,
                                                           const QString &keyId) {
        return s.encrypt(c, keyId, plain, ctx, algorithm);
    },
         [this](Result<kms::EncryptResponse> r) {
             if (!r)
                 return showError(tr("Encrypt"), r.error());
             m_blob->setPlainText(QString::fromLatin1(r->ciphertextBlob.toBase64()));
             m_output->clear();
             showOk(tr("Encrypted with %1 (%2): %3 bytes of ciphertext.")
                        .arg(r->keyArn, r->encryptionAlgorithm)
                        .arg(r->ciphertextBlob.size()));
         });
}

void TryItPanel::decrypt()
{
    const auto ciphertext = blob(tr("Decrypt"));
    if (!ciphertext)
        return;
    const QString algorithm = m_mode == Mode::RsaEncrypt ? m_algorithm->currentText() : QStringLiteral("SYMMETRIC_DEFAULT");
    call([ciphertext = *ciphertext, ctx = context(), algorithm](kms::KmsService &s, const kms::Caller &c,
                                                               const QString &keyId) {
        return s.decrypt(c, ciphertext, ctx, keyId, algorithm);
    },
         [this](Result<kms::DecryptResponse> r) {
             if (!r) {
                 m_output->clear();
                 return showError(tr("Decrypt"), r.error());
             }
             m_output->setPlainText(QString::fromUtf8(r->plaintext.toByteArray()));
             showOk(tr("Decrypted with %1 (%2).").arg(r->keyArn, r->encryptionAlgorithm));
         });
}

void TryItPanel::generateDataKey()
{
    call([ctx = context()](kms::KmsService &s, const kms::Caller &c, const QString &keyId) {
        return s.generateDataKey(c, keyId, ctx, QStringLiteral("AES_256"), std::nullopt);
    },
         [this](Result<kms::DataKeyResponse> r) {
             m_dataKey.clear();
             m_dataKeyPlain->clear();
             if (!r) {
                 m_dataKeyBlob->clear();
                 m_reveal->setEnabled(false);
                 return showError(tr("GenerateDataKey"), r.error());
             }
             m_dataKey = r->plaintext;
             m_dataKeyBlob->setText(QString::fromLatin1(r->ciphertextBlob.toBase64()));
             m_dataKeyPlain->setPlaceholderText(tr("Hidden: choose Reveal to show it"));
             m_reveal->setEnabled(true);
             showOk(tr("Generated a 256-bit data key under %1. Store the encrypted copy; use the plaintext "
                       "only in memory.")
                        .arg(r->keyArn));
         });
}

void TryItPanel::revealDataKey()
{
    if (m_dataKey.isEmpty())
        return;
    m_dataKeyPlain->setText(QString::fromLatin1(m_dataKey.toByteArray().toBase64()));
}

void TryItPanel::sign()
{
    call([message = m_input->toPlainText().toUtf8(), algorithm = m_algorithm->currentText()](
             kms::KmsService &s, const kms::Caller &c, const QString &keyId) {
        return s.sign(c, keyId, message, kRaw, algorithm);
    },
         [this](Result<kms::SignResponse> r) {
             if (!r)
                 return showError(tr("Sign"), r.error());
             m_blob->setPlainText(QString::fromLatin1(r->signature.toBase64()));
             showOk(tr("Signed with %1 (%2).").arg(r->keyArn, r->signingAlgorithm));
         });
}

void TryItPanel::verify()
{
    const auto signature = blob(tr("Verify"));
    if (!signature)
        return;
    call([message = m_input->toPlainText().toUtf8(), signature = *signature, algorithm = m_algorithm->currentText()](
             kms::KmsService &s, const kms::Caller &c, const QString &keyId) {
        return s.verify(c, keyId, message, kRaw, signature, algorithm);
    },
         [this](Result<bool> r) {
             if (!r)
                 return showError(tr("Verify"), r.error());
             showOk(*r ? tr("The signature is valid for this message.") : tr("The signature is not valid."));
         });
}

void TryItPanel::generateMac()
{
    call([message = m_input->toPlainText().toUtf8(), algorithm = m_algorithm->currentText()](
             kms::KmsService &s, const kms::Caller &c, const QString &keyId) {
        return s.generateMac(c, keyId, message, algorithm);
    },
         [this](Result<QByteArray> r) {
             if (!r)
                 return showError(tr("GenerateMac"), r.error());
             m_blob->setPlainText(QString::fromLatin1(r->toBase64()));
             showOk(tr("Generated a %1-byte MAC.").arg(r->size()));
         });
}

void TryItPanel::verifyMac()
{
    const auto mac = blob(tr("VerifyMac"));
    if (!mac)
        return;
    call([message = m_input->toPlainText().toUtf8(), mac = *mac, algorithm = m_algorithm->currentText()](
             kms::KmsService &s, const kms::Caller &c, const QString &keyId) {
        return s.verifyMac(c, keyId, message, mac, algorithm);
    },
         [this](Result<bool> r) {
             if (!r)
                 return showError(tr("VerifyMac"), r.error());
             showOk(*r ? tr("The MAC is valid for this message.") : tr("The MAC is not valid."));
         });
}

} // namespace qkms::ui
