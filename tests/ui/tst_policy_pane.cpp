// The Policies pane driven as a user would, offscreen, against the real engine: a Deny for an IAM
// user saved through the editor makes both the simulator and a real Encrypt as that user deny;
// invalid JSON is reported as you type with Save disabled; a policy that would lock the caller
// out is refused and explained; identity policies are listed and saved too.

#include "EngineRunner.h"
#include "GuiTestMain.h"
#include "PolicyListModel.h"
#include "PolicyPane.h"
#include "PolicySimulator.h"
#include "VaultFixture.h"
#include "iam/PrincipalStore.h"
#include "kms/KmsService.h"

#include <QAbstractItemModelTester>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTreeWidget>

using namespace qkms;

namespace {
const QString kIdentityPolicy = QStringLiteral(
    R"({"Version": "2012-10-17", "Statement": [{"Sid": "UseKeys", "Effect": "Allow", "Action": ["kms:Encrypt", "kms:Decrypt"], "Resource": "*"}]})");
}

class TestPolicyPane : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void listsKeyAndIdentityPolicies();
    void denyEncryptToUser();
    void invalidJsonDisablesSave();
    void lockoutIsRefusedAndExplained();
    void savesIdentityPolicy();

private:
    kms::KmsService &engine()
    {
        m_runner->waitForIdle(); // the test thread and the worker must not share the service
        return *m_service;
    }
    kms::Caller root() const { return {m_service->rootArn(), QStringLiteral("cli"), {}}; }
    kms::Caller alice() const { return {m_aliceArn, QStringLiteral("cli"), {}}; }
    QPushButton *button(const char *name) { return m_pane->findChild<QPushButton *>(QString::fromLatin1(name)); }
    void openKeyPolicy()
    {
        QVERIFY(m_pane->selectKeyPolicy(m_keyId));
        QTRY_VERIFY(m_pane->isPolicyLoaded());
        QVERIFY(m_pane->editor()->toPlainText().contains(QStringLiteral("kms:*")));
        QVERIFY(m_pane->isValid());
        QVERIFY(!button("savePolicyButton")->isEnabled()); // nothing changed yet
    }
    /// Replaces the editor's text as a paste would, and waits for the validation pause.
    void setText(const QString &text, bool expectValid)
    {
        QSignalSpy validated(m_pane.get(), &ui::PolicyPane::validated);
        m_pane->editor()->selectAll();
        m_pane->editor()->insertPlainText(text);
        QTRY_VERIFY(validated.size() > 0); // after the typing pause
        QCOMPARE(m_pane->isValid(), expectValid);
        QCOMPARE(m_pane->validationMessage().isEmpty(), expectValid);
    }
    QString keyPolicyWith(const QJsonObject &statement, bool keepRoot = true)
    {
        QJsonObject doc = QJsonDocument::fromJson(m_pane->editor()->toPlainText().toUtf8()).object();
        QJsonArray statements = keepRoot ? doc.value(QStringLiteral("Statement")).toArray() : QJsonArray();
        statements.append(statement);
        doc.insert(QStringLiteral("Statement"), statements);
        return QString::fromUtf8(QJsonDocument(doc).toJson());
    }

    std::unique_ptr<test::VaultFixture> m_fx;
    std::unique_ptr<kms::KmsService> m_service;
    std::unique_ptr<model::EngineRunner> m_runner;
    std::unique_ptr<ui::PolicyPane> m_pane;
    std::unique_ptr<QAbstractItemModelTester> m_tester;
    QString m_keyId;
    QString m_aliceArn;
};

void TestPolicyPane::init()
{
    m_fx = std::make_unique<test::VaultFixture>();
    auto s = kms::KmsService::open(m_fx->vault(), QStringLiteral("eu-west-1"));
    QVERIFY(s.has_value());
    m_service = std::move(*s);
    // alice may use keys through IAM (the default key policy delegates to identity policies).
    auto user = m_service->principals().createUser(m_service->rootArn(), QStringLiteral("alice"));
    QVERIFY(user.has_value());
    m_aliceArn = user->arn;
    QVERIFY(m_service->principals().putPolicy(m_service->rootArn(), iam::PrincipalKind::User, QStringLiteral("alice"),
                                              QStringLiteral("UseKeys"), kIdentityPolicy));
    m_keyId = m_service->createKey(root(), {}).value().keyId;
    QVERIFY(m_service->createAlias(root(), QStringLiteral("alias/orders"), m_keyId));

    m_runner = std::make_unique<model::EngineRunner>();
    m_pane = std::make_unique<ui::PolicyPane>(m_runner.get());
    m_tester = std::make_unique<QAbstractItemModelTester>(m_pane->policyModel(),
                                                          QAbstractItemModelTester::FailureReportingMode::QtTest);
    m_pane->resize(1200, 800);
    m_pane->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_pane.get()));
    m_runner->setService(m_service.get(), {m_service->rootArn(), QStringLiteral("console"), {}});
    QTRY_VERIFY(m_pane->policyModel()->isLoaded());
}

void TestPolicyPane::cleanup()
{
    m_tester.reset();
    m_pane.reset();
    m_runner.reset();
    m_service.reset();
    m_fx.reset();
}

void TestPolicyPane::listsKeyAndIdentityPolicies()
{
    model::PolicyListModel *list = m_pane->policyModel();
    QCOMPARE(list->rowCount(), 2);
    QCOMPARE(int(list->policyAt(0).kind), int(model::PolicyRef::Kind::KeyPolicy));
    QCOMPARE(list->index(0).data().toString(), QStringLiteral("alias/orders (%1)").arg(m_keyId));
    QCOMPARE(list->index(1).data().toString(), QStringLiteral("user/alice · UseKeys"));
    QVERIFY(list->catalog().principalArns.contains(m_aliceArn));
    // The first policy opens by itself.
    QTRY_VERIFY(m_pane->isPolicyLoaded());
    QCOMPARE(m_pane->currentPolicy()->keyId, m_keyId);

    // A key created elsewhere (the CLI) appears on refresh.
    const QString second = engine().createKey(root(), {}).value().keyId;
    m_pane->refresh();
    QTRY_COMPARE(list->rowCount(), 3);
    QVERIFY(list->indexOfKey(second) >= 0);
    QCOMPARE(m_pane->currentPolicy()->keyId, m_keyId); // the selection stays
}

void TestPolicyPane::denyEncryptToUser()
{
    QCA::SecureArray plaintext(QByteArrayLiteral("order 66"));
    QVERIFY(engine().encrypt(alice(), m_keyId, plaintext).has_value()); // allowed through IAM before

    openKeyPolicy();
    const QJsonObject deny{{QStringLiteral("Sid"), QStringLiteral("DenyAliceEncrypt")},
                           {QStringLiteral("Effect"), QStringLiteral("Deny")},
                           {QStringLiteral("Principal"), QJsonObject{{QStringLiteral("AWS"), m_aliceArn}}},
                           {QStringLiteral("Action"), QStringLiteral("kms:Encrypt")},
                           {QStringLiteral("Resource"), QStringLiteral("*")}};
    setText(keyPolicyWith(deny), true);
    QVERIFY(button("savePolicyButton")->isEnabled());
    QTest::mouseClick(button("savePolicyButton"), Qt::LeftButton);
    QTRY_VERIFY(m_pane->message().startsWith(QStringLiteral("Saved")));
    QVERIFY(!button("savePolicyButton")->isEnabled());
    QVERIFY(engine().getKeyPolicy(root(), m_keyId).value().contains(QStringLiteral("DenyAliceEncrypt")));

    // The simulator, as a user drives it.
    ui::PolicySimulator *sim = m_pane->simulator();
    QCOMPARE(sim->objectName(), QStringLiteral("policySimulator"));
    sim->setPrincipal(m_aliceArn);
    sim->setAction(QStringLiteral("kms:Encrypt"));
    QVERIFY(sim->setKey(m_keyId));
    sim->setEncryptionContext({{QStringLiteral("purpose"), QStringLiteral("test")}});
    QSignalSpy simulated(sim, &ui::PolicySimulator::simulated);
    QTest::mouseClick(sim->findChild<QPushButton *>(QStringLiteral("simulateButton")), Qt::LeftButton);
    QTRY_COMPARE(simulated.size(), 1);
    QVERIFY(sim->decision().has_value());
    QCOMPARE(int(sim->decision()->outcome), int(policy::Outcome::ExplicitDeny));
    const policy::TraceEntry *decider = sim->decision()->decidingStatement();
    QVERIFY(decider);
    QCOMPARE(decider->sid, QStringLiteral("DenyAliceEncrypt"));
    QCOMPARE(int(decider->kind), int(policy::PolicyKind::KeyPolicy));
    QVERIFY(sim->decisionText().startsWith(QStringLiteral("Denied")));
    const auto rows = sim->findChild<QTreeWidget *>(QStringLiteral("simulatorTrace"))
                          ->findItems(QStringLiteral("DenyAliceEncrypt"), Qt::MatchContains, 1);
    QCOMPARE(rows.size(), 1);
    QVERIFY(rows.first()->font(1).bold()); // the deciding statement stands out

    // A real Encrypt as alice is refused the same way.
    const auto refused = engine().encrypt(alice(), m_keyId, plaintext);
    QVERIFY(!refused.has_value());
    QCOMPARE(refused.error().type, errors::AccessDenied);

    // Control: the root is still allowed, in the simulator and for real.
    sim->setPrincipal(m_service->rootArn());
    QTest::mouseClick(sim->findChild<QPushButton *>(QStringLiteral("simulateButton")), Qt::LeftButton);
    QTRY_COMPARE(simulated.size(), 2);
    QCOMPARE(sim->decisionText(), QStringLiteral("Allowed"));
    QVERIFY(engine().encrypt(root(), m_keyId, plaintext).has_value());
}

void TestPolicyPane::invalidJsonDisablesSave()
{
    openKeyPolicy();
    const QString saved = m_pane->editor()->toPlainText();
    // Typing a stray character after the document.
    m_pane->editor()->moveCursor(QTextCursor::End);
    QSignalSpy validated(m_pane.get(), &ui::PolicyPane::validated);
    QTest::keyClicks(m_pane->editor(), QStringLiteral("x"));
    QVERIFY(m_pane->isValid()); // not yet: validation waits for a pause in typing
    QTRY_VERIFY(validated.size() > 0);
    QVERIFY(!m_pane->isValid());
    QVERIFY(m_pane->validationMessage().contains(QStringLiteral("not valid JSON")));
    QVERIFY(m_pane->validationMessage().contains(QStringLiteral("MalformedPolicyDocumentException")));
    QVERIFY(!button("savePolicyButton")->isEnabled());
    QVERIFY(button("revertPolicyButton")->isEnabled());
    const auto marks = m_pane->editor()->extraSelections();
    QCOMPARE(marks.size(), 1);
    QCOMPARE(marks.first().cursor.selectedText(), QStringLiteral("x"));
    m_pane->save(); // Ctrl+S would do the same: nothing is sent
    QVERIFY(m_pane->message().isEmpty());

    // A policy-level error is underlined where it is.
    QString misspelt = saved;
    misspelt.replace(QStringLiteral("\"Allow\""), QStringLiteral("\"Allw\""));
    setText(misspelt, false);
    QVERIFY2(m_pane->validationMessage().contains(QStringLiteral("unknown Effect 'Allw'")), qPrintable(m_pane->validationMessage()));
    QCOMPARE(m_pane->editor()->extraSelections().first().cursor.selectedText(), QStringLiteral("\"Allw\""));
    QVERIFY(!button("savePolicyButton")->isEnabled());

    QTest::mouseClick(button("revertPolicyButton"), Qt::LeftButton);
    QCOMPARE(m_pane->editor()->toPlainText(), saved);
    QVERIFY(m_pane->isValid());
    QVERIFY(m_pane->validationMessage().isEmpty());
    QVERIFY(m_pane->editor()->extraSelections().isEmpty());
    QVERIFY(!button("savePolicyButton")->isEnabled());
}

void TestPolicyPane::lockoutIsRefusedAndExplained()
{
    openKeyPolicy();
    const QString before = engine().getKeyPolicy(root(), m_keyId).value();
    // Only alice may encrypt: nobody (the root included) could change the policy afterwards.
    const QJsonObject onlyAlice{{QStringLiteral("Effect"), QStringLiteral("Allow")},
                                {QStringLiteral("Principal"), QJsonObject{{QStringLiteral("AWS"), m_aliceArn}}},
                                {QStringLiteral("Action"), QStringLiteral("kms:Encrypt")},
                                {QStringLiteral("Resource"), QStringLiteral("*")}};
    setText(keyPolicyWith(onlyAlice, false), true);
    QSignalSpy done(m_pane.get(), &ui::PolicyPane::commandFinished);
    QTest::mouseClick(button("savePolicyButton"), Qt::LeftButton);
    QTRY_COMPARE(done.size(), 1);
    const QString message = m_pane->message();
    QVERIFY2(message.contains(QStringLiteral("lock you out")), qPrintable(message));
    QVERIFY(message.contains(QStringLiteral("kms:PutKeyPolicy")));
    QVERIFY(message.contains(m_service->rootArn()));
    QVERIFY(message.contains(QStringLiteral("MalformedPolicyDocumentException")));
    QCOMPARE(engine().getKeyPolicy(root(), m_keyId).value(), before); // nothing changed
    QVERIFY(button("savePolicyButton")->isEnabled()); // the edit is kept to be fixed
}

void TestPolicyPane::savesIdentityPolicy()
{
    model::PolicyRef ref;
    ref.kind = model::PolicyRef::Kind::IdentityPolicy;
    ref.principalArn = m_aliceArn;
    ref.policyName = QStringLiteral("UseKeys");
    QVERIFY(m_pane->selectPolicy(ref));
    QTRY_VERIFY(m_pane->isPolicyLoaded());
    QCOMPARE(m_pane->editor()->toPlainText(), kIdentityPolicy);
    // A Principal is not allowed in an identity policy: the editor says so.
    QString withPrincipal = kIdentityPolicy;
    withPrincipal.replace(QStringLiteral("\"Effect\""), QStringLiteral("\"Principal\": \"*\", \"Effect\""));
    setText(withPrincipal, false);
    QVERIFY(m_pane->validationMessage().contains(QStringLiteral("identity policy")));

    QString encryptOnly = kIdentityPolicy;
    encryptOnly.replace(QStringLiteral(R"(["kms:Encrypt", "kms:Decrypt"])"), QStringLiteral(R"("kms:Encrypt")"));
    setText(encryptOnly, true);
    QTest::mouseClick(button("savePolicyButton"), Qt::LeftButton);
    QTRY_VERIFY(m_pane->message().startsWith(QStringLiteral("Saved")));
    QCOMPARE(engine().principals().getPolicy(m_service->rootArn(), iam::PrincipalKind::User, QStringLiteral("alice"),
                                             QStringLiteral("UseKeys")).value(),
             encryptOnly);
}

QKMS_GUI_TEST_MAIN(TestPolicyPane)
#include "tst_policy_pane.moc"
