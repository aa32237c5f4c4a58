#include "TryItPanel.h"

#include "FormParts.h"
#include "PaneFrame.h"

#include <QComboBox>
#include <QFontDatabase>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

namespace qkms::ui {

namespace {

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
    m_hint = makeHintLabel({}, this);
    m_hint->setObjectName(QStringLiteral("tryItHint"));
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
    m_context = makeKeyValueTable("tryItContextTable", tr("Context key"), tr("Value"), m_contextBox);
    m_context->setFixedHeight(84);
    contextLayout->addWidget(m_context, 1);
    auto *contextButtons = new QVBoxLayout;
    auto *addRow = makePaneButton(tr("Add pair"), "tryItAddContextButton", m_contextBox);
    auto *removeRow = makePaneButton(tr("Remove"), "tryItRemoveContextButton", m_contextBox);
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
    m_encrypt = makePaneButton(tr("&Encrypt"), "tryItEncryptButton", m_body);
    m_decrypt = makePaneButton(tr("&Decrypt"), "tryItDecryptButton", m_body);
    m_sign = makePaneButton(tr("&Sign"), "tryItSignButton", m_body);
    m_verify = makePaneButton(tr("&Verify"), "tryItVerifyButton", m_body);
    m_generateMac = makePaneButton(tr("&Generate MAC"), "tryItGenerateMacButton", m_body);
    m_verifyMac = makePaneButton(tr("&Verify MAC"), "tryItVerifyMacButton", m_body);
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
    auto *generate = makePaneButton(tr("Generate &data key (AES_256)"), "tryItGenerateDataKeyButton", m_dataKeyBox);
    dk->addRow(generate);
    m_dataKeyBlob = new QLineEdit(m_dataKeyBox);
    m_dataKeyBlob->setObjectName(QStringLiteral("tryItDataKeyBlob"));
    m_dataKeyBlob->setReadOnly(true);
    dk->addRow(tr("Encrypted data key:"), m_dataKeyBlob);
    auto *plainRow = new QHBoxLayout;
    m_dataKeyPlain = new QLineEdit(m_dataKeyBox);
    m_dataKeyPlain->setObjectName(QStringLiteral("tryItDataKeyPlaintext"));
    m_dataKeyPlain->setReadOnly(true);
    m_reveal = makePaneButton(tr("&Reveal"), "tryItRevealButton", m_dataKeyBox);
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

    connect(addRow, &QPushButton::clicked, this, [this] { appendKeyValueRow(m_context); });
    connect(removeRow, &QPushButton::clicked, this, [this] { removeCurrentRow(m_context); });
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
    return keyValuePairs(m_context);
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

} // namespace qkms::ui
