#include "TryItPanel.h"

#include "EngineRunner.h"
#include "kms/KmsService.h"

#include <QComboBox>
#include <QFontDatabase>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

namespace qkms::ui {

namespace {

const QString kRaw = QStringLiteral("RAW");

QPushButton *namedButton(const QString &text, const char *name, QWidget *parent)
{
    auto *b = new QPushButton(text, parent);
    b->setObjectName(QString::fromLatin1(name));
    return b;
}

QPlainTextEdit *textBox(const char *name, int height, QWidget *parent)
{
    auto *e = new QPlainTextEdit(parent);
    e->setObjectName(QString::fromLatin1(name));
    e->setTabChangesFocus(true);
    e->setFixedHeight(height);
    return e;
}

} // namespace

TryItPanel::TryItPanel(model::EngineRunner *runner, QWidget *parent) : QWidget(parent), m_runner(runner)
{
    setObjectName(QStringLiteral("tryItPanel"));
    buildUi();
    setKey(std::nullopt);
}

void TryItPanel::buildUi()
{
    auto *layout = new QVBoxLayout(this);
    m_hint = new QLabel(this);
    m_hint->setObjectName(QStringLiteral("tryItHint"));
    m_hint->setWordWrap(true);
    m_hint->setStyleSheet(QStringLiteral("color:#5f6368;"));
    layout->addWidget(m_hint);

    m_body = new QWidget(this);
    auto *form = new QFormLayout(m_body);
    form->setContentsMargins(0, 0, 0, 0);
    m_input = textBox("tryItInput", 56, m_body);
    m_input->setPlaceholderText(tr("Text to encrypt, sign or authenticate"));
    form->addRow(tr("&Message:"), m_input);

    m_contextBox = new QWidget(m_body);
    auto *contextLayout = new QHBoxLayout(m_contextBox);
    contextLayout->setContentsMargins(0, 0, 0, 0);
    m_context = new QTableWidget(0, 2, m_contextBox);
    m_context->setObjectName(QStringLiteral("tryItContextTable"));
    m_context->setHorizontalHeaderLabels({tr("Context key"), tr("Value")});
    m_context->horizontalHeader()->setStretchLastSection(true);
    m_context->verticalHeader()->hide();
    m_context->setFixedHeight(84);
    contextLayout->addWidget(m_context, 1);
    auto *contextButtons = new QVBoxLayout;
    auto *addRow = namedButton(tr("Add pair"), "tryItAddContextButton", m_contextBox);
    auto *removeRow = namedButton(tr("Remove"), "tryItRemoveContextButton", m_contextBox);
    contextButtons->addWidget(addRow);
    contextButtons->addWidget(removeRow);
    contextButtons->addStretch();
    contextLayout->addLayout(contextButtons);
    form->addRow(tr("Encryption context:"), m_contextBox);

    m_algorithmRow = new QWidget(m_body);
    auto *algoLayout = new QHBoxLayout(m_algorithmRow);
    algoLayout->setContentsMargins(0, 0, 0, 0);
    m_algorithm = new QComboBox(m_algorithmRow);
    m_algorithm->setObjectName(QStringLiteral("tryItAlgorithmCombo"));
    algoLayout->addWidget(m_algorithm);
    algoLayout->addStretch();
    form->addRow(tr("&Algorithm:"), m_algorithmRow);

    auto *buttons = new QHBoxLayout;
    m_encrypt = namedButton(tr("&Encrypt"), "tryItEncryptButton", m_body);
    m_decrypt = namedButton(tr("&Decrypt"), "tryItDecryptButton", m_body);
    m_sign = namedButton(tr("&Sign"), "tryItSignButton", m_body);
    m_verify = namedButton(tr("&Verify"), "tryItVerifyButton", m_body);
    m_generateMac = namedButton(tr("&Generate MAC"), "tryItGenerateMacButton", m_body);
    m_verifyMac = namedButton(tr("&Verify MAC"), "tryItVerifyMacButton", m_body);
    for (QPushButton *b : {m_encrypt, m_decrypt, m_sign, m_verify, m_generateMac, m_verifyMac})
        buttons->addWidget(b);
    buttons->addStretch();
    form->addRow(buttons);

    m_blobLabel = new QLabel(tr("Ciphertext (base64):"), m_body);
    m_blob = textBox("tryItBlob", 56, m_body);
    m_blob->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    form->addRow(m_blobLabel, m_blob);
    m_output = textBox("tryItOutput", 44, m_body);
    m_output->setReadOnly(true);
    form->addRow(tr("Decrypted text:"), m_output);

    m_dataKeyBox = new QWidget(m_body);
    auto *dk = new QFormLayout(m_dataKeyBox);
    dk->setContentsMargins(0, 0, 0, 0);
    auto *generate = namedButton(tr("Generate &data key (AES_256)"), "tryItGenerateDataKeyButton", m_dataKeyBox);
    dk->addRow(generate);
    m_dataKeyBlob = new QLineEdit(m_dataKeyBox);
    m_dataKeyBlob->setObjectName(QStringLiteral("tryItDataKeyBlob"));
    m_dataKeyBlob->setReadOnly(true);
    dk->addRow(tr("Encrypted data key:"), m_dataKeyBlob);
    auto *plainRow = new QHBoxLayout;
    m_dataKeyPlain = new QLineEdit(m_dataKeyBox);
    m_dataKeyPlain->setObjectName(QStringLiteral("tryItDataKeyPlaintext"));
    m_dataKeyPlain->setReadOnly(true);
    m_reveal = namedButton(tr("&Reveal"), "tryItRevealButton", m_dataKeyBox);
    plainRow->addWidget(m_dataKeyPlain, 1);
    plainRow->addWidget(m_reveal);
    dk->addRow(tr("Plaintext data key:"), plainRow);
    form->addRow(m_dataKeyBox);
    layout->addWidget(m_body);

    m_result = new QLabel(this);
    m_result->setObjectName(QStringLiteral("tryItResult"));
    m_result->setWordWrap(true);
    m_result->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_result);
    layout->addStretch();

    connect(addRow, &QPushButton::clicked, this, [this] {
        const int row = m_context->rowCount();
        m_context->insertRow(row);
        m_context->setItem(row, 0, new QTableWidgetItem);
        m_context->setItem(row, 1, new QTableWidgetItem);
        m_context->setCurrentCell(row, 0);
        m_context->editItem(m_context->item(row, 0));
    });
    connect(removeRow, &QPushButton::clicked, this, [this] {
        if (m_context->currentRow() >= 0)
            m_context->removeRow(m_context->currentRow());
    });
    connect(m_encrypt, &QPushButton::clicked, this, &TryItPanel::encrypt);
    connect(m_decrypt, &QPushButton::clicked, this, &TryItPanel::decrypt);
    connect(m_sign, &QPushButton::clicked, this, &TryItPanel::sign);
    connect(m_verify, &QPushButton::clicked, this, &TryItPanel::verify);
    connect(m_generateMac, &QPushButton::clicked, this, &TryItPanel::generateMac);
    connect(m_verifyMac, &QPushButton::clicked, this, &TryItPanel::verifyMac);
    connect(generate, &QPushButton::clicked, this, &TryItPanel::generateDataKey);
    connect(m_reveal, &QPushButton::clicked, this, &TryItPanel::revealDataKey);
}

void TryItPanel::setKey(const std::optional<kms::KeyRecord> &key)
{
    const bool sameKey = key && m_key && key->keyId == m_key->keyId;
    m_key = key;
    if (sameKey)
        return;
    ++m_request;
    m_mode = Mode::None;
    if (m_key) {
        if (m_key->keyUsage == kms::KeyUsage::GenerateVerifyMac)
            m_mode = Mode::Mac;
        else if (m_key->keyUsage == kms::KeyUsage::SignVerify)
            m_mode = Mode::Sign;
        else if (kms::keyClass(m_key->keySpec) == kms::KeyClass::Symmetric)
            m_mode = Mode::Symmetric;
        else if (!kms::encryptionAlgorithms(m_key->keySpec, m_key->keyUsage).isEmpty())
            m_mode = Mode::RsaEncrypt;
    }
    m_input->clear();
    m_context->setRowCount(0);
    clearOutputs();
    applyMode();
}

void TryItPanel::clearOutputs()
{
    m_blob->clear();
    m_output->clear();
    m_dataKey.clear();
    m_dataKeyBlob->clear();
    m_dataKeyPlain->clear();
    m_reveal->setEnabled(false);
    m_result->clear();
    m_failed = false;
}

void TryItPanel::applyMode()
{
    const bool symmetric = m_mode == Mode::Symmetric;
    const bool encrypts = symmetric || m_mode == Mode::RsaEncrypt;
    m_body->setVisible(m_mode != Mode::None);
    m_hint->setText(m_mode == Mode::None
                        ? tr("Select a key to try its operations.")
                        : tr("Runs real operations on this key as the acting principal: its key policy, grants and "
                             "identity policies decide, and each call appears in Event history."));
    m_contextBox->setVisible(symmetric);
    m_dataKeyBox->setVisible(symmetric);
    m_encrypt->setVisible(encrypts);
    m_decrypt->setVisible(encrypts);
    m_output->setVisible(encrypts);
    if (QWidget *label = qobject_cast<QFormLayout *>(m_body->layout())->labelForField(m_output))
        label->setVisible(encrypts);
    m_sign->setVisible(m_mode == Mode::Sign);
    m_verify->setVisible(m_mode == Mode::Sign);
    m_generateMac->setVisible(m_mode == Mode::Mac);
    m_verifyMac->setVisible(m_mode == Mode::Mac);

    QStringList algorithms;
    if (m_key && m_mode == Mode::Sign)
        algorithms = kms::signingAlgorithms(m_key->keySpec, m_key->keyUsage);
    else if (m_key && m_mode == Mode::Mac)
        algorithms = kms::macAlgorithms(m_key->keySpec, m_key->keyUsage);
    else if (m_key && m_mode == Mode::RsaEncrypt)
        algorithms = kms::encryptionAlgorithms(m_key->keySpec, m_key->keyUsage);
    m_algorithm->clear();
    m_algorithm->addItems(algorithms);
    const int oaep256 = m_algorithm->findText(QStringLiteral("RSAES_OAEP_SHA_256"));
    if (oaep256 >= 0)
        m_algorithm->setCurrentIndex(oaep256);
    m_algorithmRow->setVisible(!algorithms.isEmpty());
    if (QWidget *label = qobject_cast<QFormLayout *>(m_body->layout())->labelForField(m_algorithmRow))
        label->setVisible(!algorithms.isEmpty());
    m_blobLabel->setText(m_mode == Mode::Sign  ? tr("Signature (base64):")
                         : m_mode == Mode::Mac ? tr("MAC (base64):")
                                               : tr("Ciphertext (base64):"));
}

kms::EncryptionContext TryItPanel::context() const
{
    kms::EncryptionContext out;
    for (int row = 0; row < m_context->rowCount(); ++row) {
        const QTableWidgetItem *key = m_context->item(row, 0);
        const QTableWidgetItem *value = m_context->item(row, 1);
        if (key && !key->text().trimmed().isEmpty())
            out.insert(key->text().trimmed(), value ? value->text() : QString());
    }
    return out;
}

QCA::SecureArray TryItPanel::inputSecret() const
{
    // The editor's QString is the only plain copy; the engine gets secure memory.
    return QCA::SecureArray(m_input->toPlainText().toUtf8());
}

std::optional<QByteArray> TryItPanel::blob(const QString &what)
{
    const auto decoded = QByteArray::fromBase64Encoding(m_blob->toPlainText().trimmed().toLatin1(),
                                                        QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded || decoded.decoded.isEmpty()) {
        showError(what, KmsError{errors::Validation, tr("Put a base64 value in the %1 field first.")
                                                         .arg(m_blobLabel->text().section(u' ', 0, 0).toLower())});
        return std::nullopt;
    }
    return decoded.decoded;
}

void TryItPanel::showOk(const QString &text)
{
    m_failed = false;
    m_result->setStyleSheet(QStringLiteral("color:#137333;"));
    m_result->setText(text);
    Q_EMIT operationFinished();
}

void TryItPanel::showError(const QString &operation, const KmsError &error)
{
    m_failed = true;
    m_result->setStyleSheet(QStringLiteral("color:#a4262c;"));
    m_result->setText(tr("%1 failed. %2").arg(operation, error.toString()));
    Q_EMIT operationFinished();
}

QString TryItPanel::resultText() const
{
    return m_result->text();
}

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
