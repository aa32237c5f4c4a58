// The key detail view's "Try it" tab driven like a user would, offscreen, against the real
// engine: encrypt → decrypt with an encryption context; a wrong context shows
// InvalidCiphertextException; a data key stays hidden until Reveal and is gone when the key
// changes; ECDSA sign → verify and a tampered message; HMAC generate → verify; RSA OAEP-SHA-256
// encrypt → decrypt; a user the key policy does not name is refused (AccessDeniedException).

#include "EngineRunner.h"
#include "GuiTestMain.h"
#include "TryItPanel.h"
#include "VaultFixture.h"
#include "iam/PrincipalStore.h"
#include "kms/KmsService.h"

#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableWidget>

using namespace qkms;

class TestTryIt : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void encryptDecryptWithContext();
    void wrongContextIsRefused();
    void dataKeyRevealedOnlyOnClick();
    void signAndVerify();
    void macGenerateAndVerify();
    void rsaOaepRoundTrip();
    void deniedPrincipalSeesAccessDenied();

private:
    template <typename T>
    T *child(const char *name)
    {
        T *w = m_panel->findChild<T *>(QString::fromLatin1(name));
        if (!w)
            qFatal("no widget %s", name);
        return w;
    }
    kms::Caller root() const { return {m_service->rootArn(), QStringLiteral("cli"), {}}; }
    kms::KeyRecord createKey(const QString &spec = {}, const QString &usage = {})
    {
        m_runner->waitForIdle();
        kms::CreateKeyRequest r;
        if (!spec.isEmpty())
            r.keySpec = spec;
        if (!usage.isEmpty())
            r.keyUsage = usage;
        return m_service->createKey(root(), r).value();
    }
    /// Clicks `name` and waits for the outcome; true when it succeeded.
    bool press(const char *name)
    {
        QSignalSpy done(m_panel.get(), &ui::TryItPanel::operationFinished);
        auto *b = child<QPushButton>(name);
        if (!b->isVisible() || !b->isEnabled())
            qFatal("%s is not clickable", name);
        QTest::mouseClick(b, Qt::LeftButton);
        // The outcome may arrive while the click's events are processed: wait only if it has not.
        if (done.isEmpty() && !done.wait(10000))
            qFatal("%s did not finish", name);
        return !m_panel->lastFailed();
    }
    void addContext(const QString &key, const QString &value)
    {
        QTest::mouseClick(child<QPushButton>("tryItAddContextButton"), Qt::LeftButton);
        auto *table = child<QTableWidget>("tryItContextTable");
        const int row = table->rowCount() - 1;
        table->item(row, 0)->setText(key);
        table->item(row, 1)->setText(value);
    }

    std::unique_ptr<test::VaultFixture> m_fx;
    std::unique_ptr<kms::KmsService> m_service;
    std::unique_ptr<model::EngineRunner> m_runner;
    std::unique_ptr<ui::TryItPanel> m_panel;
};

void TestTryIt::init()
{
    m_fx = std::make_unique<test::VaultFixture>();
    m_service = std::move(*kms::KmsService::open(m_fx->vault(), QStringLiteral("eu-west-1")));
    m_runner = std::make_unique<model::EngineRunner>();
    m_runner->setService(m_service.get(), {m_service->rootArn(), QStringLiteral("console"), {}});
    m_panel = std::make_unique<ui::TryItPanel>(m_runner.get());
    m_panel->resize(800, 700);
    m_panel->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_panel.get()));
}

void TestTryIt::cleanup()
{
    m_panel.reset();
    m_runner.reset();
    m_service.reset();
    m_fx.reset();
}

void TestTryIt::encryptDecryptWithContext()
{
    m_panel->setKey(createKey());
    QVERIFY(!child<QPushButton>("tryItSignButton")->isVisible());
    QVERIFY(child<QTableWidget>("tryItContextTable")->isVisible());
    // Typed as a paste would put it: QTest::keyClicks only knows ASCII, and the € checks UTF-8.
    child<QPlainTextEdit>("tryItInput")->setPlainText(QStringLiteral("pay Bob 100 €"));
    addContext(QStringLiteral("dept"), QStringLiteral("payroll"));
    QVERIFY2(press("tryItEncryptButton"), qPrintable(m_panel->resultText()));
    const QByteArray blob = QByteArray::fromBase64(child<QPlainTextEdit>("tryItBlob")->toPlainText().toLatin1());
    QVERIFY(blob.size() > 16);
    QVERIFY(!blob.contains(QByteArrayLiteral("pay Bob")));

    // The blob is real: the engine decrypts it with the same context outside the panel.
    m_runner->waitForIdle();
    auto direct = m_service->decrypt(root(), blob, {{QStringLiteral("dept"), QStringLiteral("payroll")}});
    QVERIFY(direct.has_value());
    QCOMPARE(QString::fromUtf8(direct->plaintext.toByteArray()), QStringLiteral("pay Bob 100 €"));

    child<QPlainTextEdit>("tryItInput")->clear();
    QVERIFY2(press("tryItDecryptButton"), qPrintable(m_panel->resultText()));
    QCOMPARE(child<QPlainTextEdit>("tryItOutput")->toPlainText(), QStringLiteral("pay Bob 100 €"));
    QVERIFY(m_panel->resultText().startsWith(QStringLiteral("Decrypted with arn:aws:kms:eu-west-1:")));
}

void TestTryIt::wrongContextIsRefused()
{
    m_panel->setKey(createKey());
    QTest::keyClicks(child<QPlainTextEdit>("tryItInput"), QStringLiteral("secret"));
    addContext(QStringLiteral("dept"), QStringLiteral("payroll"));
    QVERIFY(press("tryItEncryptButton"));
    child<QTableWidget>("tryItContextTable")->item(0, 1)->setText(QStringLiteral("sales"));
    QVERIFY(!press("tryItDecryptButton"));
    QVERIFY2(m_panel->resultText().startsWith(QStringLiteral("Decrypt failed. InvalidCiphertextException: ")),
             qPrintable(m_panel->resultText()));
    QVERIFY(child<QPlainTextEdit>("tryItOutput")->toPlainText().isEmpty());
    // No context at all is just as wrong.
    child<QTableWidget>("tryItContextTable")->setRowCount(0);
    QVERIFY(!press("tryItDecryptButton"));
    QVERIFY(m_panel->resultText().contains(QStringLiteral("InvalidCiphertextException")));
    // Garbage is refused before the engine is asked.
    child<QPlainTextEdit>("tryItBlob")->setPlainText(QStringLiteral("not base64!"));
    QTest::mouseClick(child<QPushButton>("tryItDecryptButton"), Qt::LeftButton);
    QVERIFY(m_panel->lastFailed());
    QVERIFY(m_panel->resultText().contains(QStringLiteral("ValidationException")));
}

void TestTryIt::dataKeyRevealedOnlyOnClick()
{
    m_panel->setKey(createKey());
    auto *reveal = child<QPushButton>("tryItRevealButton");
    QVERIFY(!reveal->isEnabled());
    QVERIFY2(press("tryItGenerateDataKeyButton"), qPrintable(m_panel->resultText()));
    auto *plain = child<QLineEdit>("tryItDataKeyPlaintext");
    QVERIFY(plain->text().isEmpty());
    const QByteArray wrapped = QByteArray::fromBase64(child<QLineEdit>("tryItDataKeyBlob")->text().toLatin1());
    QVERIFY(!wrapped.isEmpty());
    QTest::mouseClick(reveal, Qt::LeftButton);
    const QByteArray key = QByteArray::fromBase64(plain->text().toLatin1());
    QCOMPARE(key.size(), 32);
    // The revealed key is the one the encrypted copy holds.
    m_runner->waitForIdle();
    auto unwrapped = m_service->decrypt(root(), wrapped);
    QVERIFY(unwrapped.has_value());
    QCOMPARE(unwrapped->plaintext.toByteArray(), key);
    // Another key: the plaintext is gone.
    m_panel->setKey(createKey());
    QVERIFY(plain->text().isEmpty());
    QVERIFY(child<QLineEdit>("tryItDataKeyBlob")->text().isEmpty());
    QVERIFY(!reveal->isEnabled());
}

void TestTryIt::signAndVerify()
{
    m_panel->setKey(createKey(QStringLiteral("ECC_NIST_P256"), QStringLiteral("SIGN_VERIFY")));
    QVERIFY(!child<QPushButton>("tryItEncryptButton")->isVisible());
    QVERIFY(!child<QTableWidget>("tryItContextTable")->isVisible());
    QCOMPARE(child<QComboBox>("tryItAlgorithmCombo")->currentText(), QStringLiteral("ECDSA_SHA_256"));
    QTest::keyClicks(child<QPlainTextEdit>("tryItInput"), QStringLiteral("release v1.2"));
    QVERIFY2(press("tryItSignButton"), qPrintable(m_panel->resultText()));
    QVERIFY(!child<QPlainTextEdit>("tryItBlob")->toPlainText().isEmpty());
    QVERIFY2(press("tryItVerifyButton"), qPrintable(m_panel->resultText()));
    QCOMPARE(m_panel->resultText(), QStringLiteral("The signature is valid for this message."));
    QTest::keyClicks(child<QPlainTextEdit>("tryItInput"), QStringLiteral("3"));
    QVERIFY(!press("tryItVerifyButton"));
    QVERIFY2(m_panel->resultText().startsWith(QStringLiteral("Verify failed. KMSInvalidSignatureException: ")),
             qPrintable(m_panel->resultText()));
}

void TestTryIt::macGenerateAndVerify()
{
    m_panel->setKey(createKey(QStringLiteral("HMAC_256"), QStringLiteral("GENERATE_VERIFY_MAC")));
    QCOMPARE(child<QComboBox>("tryItAlgorithmCombo")->currentText(), QStringLiteral("HMAC_SHA_256"));
    QTest::keyClicks(child<QPlainTextEdit>("tryItInput"), QStringLiteral("token"));
    QVERIFY2(press("tryItGenerateMacButton"), qPrintable(m_panel->resultText()));
    QCOMPARE(QByteArray::fromBase64(child<QPlainTextEdit>("tryItBlob")->toPlainText().toLatin1()).size(), 32);
    QVERIFY(press("tryItVerifyMacButton"));
    QTest::keyClicks(child<QPlainTextEdit>("tryItInput"), QStringLiteral("!"));
    QVERIFY(!press("tryItVerifyMacButton"));
    QVERIFY2(m_panel->resultText().contains(QStringLiteral("KMSInvalidMacException")), qPrintable(m_panel->resultText()));
}

void TestTryIt::rsaOaepRoundTrip()
{
    m_panel->setKey(createKey(QStringLiteral("RSA_2048"), QStringLiteral("ENCRYPT_DECRYPT")));
    QCOMPARE(child<QComboBox>("tryItAlgorithmCombo")->currentText(), QStringLiteral("RSAES_OAEP_SHA_256"));
    QVERIFY(!child<QTableWidget>("tryItContextTable")->isVisible());
    QTest::keyClicks(child<QPlainTextEdit>("tryItInput"), QStringLiteral("short secret"));
    QVERIFY2(press("tryItEncryptButton"), qPrintable(m_panel->resultText()));
    QCOMPARE(QByteArray::fromBase64(child<QPlainTextEdit>("tryItBlob")->toPlainText().toLatin1()).size(), 256);
    QVERIFY2(press("tryItDecryptButton"), qPrintable(m_panel->resultText()));
    QCOMPARE(child<QPlainTextEdit>("tryItOutput")->toPlainText(), QStringLiteral("short secret"));
    // Decrypting with the other OAEP hash fails as AWS fails it.
    auto *algo = child<QComboBox>("tryItAlgorithmCombo");
    algo->setCurrentIndex(algo->findText(QStringLiteral("RSAES_OAEP_SHA_1")));
    QVERIFY(!press("tryItDecryptButton"));
    QVERIFY2(m_panel->resultText().contains(QStringLiteral("InvalidCiphertextException")), qPrintable(m_panel->resultText()));
}

void TestTryIt::deniedPrincipalSeesAccessDenied()
{
    const kms::KeyRecord key = createKey();
    auto user = m_service->principals().createUser(m_service->rootArn(), QStringLiteral("mallory"));
    QVERIFY(user.has_value());
    m_runner->setService(m_service.get(), {user->arn, QStringLiteral("console"), {}});
    m_panel->setKey(key);
    QTest::keyClicks(child<QPlainTextEdit>("tryItInput"), QStringLiteral("x"));
    QVERIFY(!press("tryItEncryptButton"));
    QVERIFY2(m_panel->resultText().startsWith(QStringLiteral("Encrypt failed. AccessDeniedException: ")),
             qPrintable(m_panel->resultText()));
    QVERIFY(m_panel->resultText().contains(user->arn));
}

QKMS_GUI_TEST_MAIN(TestTryIt)
#include "tst_try_it.moc"
