// The Policies pane's care for unsaved work and its "New identity policy…", driven as a user
// would against the real engine: leaving an edited policy asks Save / Discard / Cancel (the
// question is answered by clicking its buttons, found as the application's active modal
// window), the title marks an unsaved edit, and a new identity policy chosen for a user is
// validated as it is typed, saved, listed, selected, and enforced by the engine.

#include "EngineRunner.h"
#include "GuiTestMain.h"
#include "IdentityPolicyDialog.h"
#include "PolicyListModel.h"
#include "PolicyPane.h"
#include "PolicySimulator.h"
#include "VaultFixture.h"
#include "iam/PrincipalStore.h"
#include "kms/KmsService.h"

#include <QApplication>
#include <QComboBox>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>

using namespace qkms;

namespace {
const QString kIdentityPolicy = QStringLiteral(
    R"({"Version": "2012-10-17", "Statement": [{"Sid": "UseKeys", "Effect": "Allow", "Action": ["kms:Encrypt", "kms:Decrypt"], "Resource": "*"}]})");
const QString kMarkerSid = QStringLiteral("UnsavedMarker");
} // namespace

class TestPolicyPaneEdits : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void leavingAnEditAsks();
    void anInvalidEditCannotBeSavedFromTheQuestion();
    void newIdentityPolicyForAUser();

private:
    kms::KmsService &engine()
    {
        m_runner->waitForIdle(); // the test thread and the worker must not share the service
        return *m_service;
    }
    kms::Caller root() const { return {m_service->rootArn(), QStringLiteral("cli"), {}}; }
    QPushButton *button(const char *name) { return m_pane->findChild<QPushButton *>(QString::fromLatin1(name)); }
    QString title() { return m_pane->findChild<QLabel *>(QStringLiteral("policyTitle"))->text(); }
    model::PolicyRef alicePolicy() const
    {
        model::PolicyRef ref;
        ref.kind = model::PolicyRef::Kind::IdentityPolicy;
        ref.principalArn = m_aliceArn;
        ref.principalName = QStringLiteral("alice");
        ref.policyName = QStringLiteral("UseKeys");
        return ref;
    }
    /// Clicks the list row of `ref` with the mouse.
    void clickPolicy(const model::PolicyRef &ref)
    {
        auto *list = m_pane->findChild<QListView *>(QStringLiteral("policyList"));
        const QModelIndex index = m_pane->policyModel()->index(m_pane->policyModel()->indexOf(ref));
        QVERIFY(index.isValid());
        QTest::mouseClick(list->viewport(), Qt::LeftButton, {}, list->visualRect(index).center());
    }
    /// The unsaved-changes question once it is the application's active modal window.
    QMessageBox *question()
    {
        QMessageBox *box = nullptr;
        [&] { QTRY_VERIFY((box = qobject_cast<QMessageBox *>(QApplication::activeModalWidget()))); }();
        return box;
    }
    void answer(QMessageBox *box, const char *buttonName)
    {
        QVERIFY(box);
        QCOMPARE(box->objectName(), QStringLiteral("unsavedPolicyPrompt"));
        auto *b = box->findChild<QPushButton *>(QString::fromLatin1(buttonName));
        QVERIFY(b);
        QVERIFY(b->isEnabled());
        QTest::mouseClick(b, Qt::LeftButton);
        QTRY_VERIFY(!m_pane->unsavedPrompt());
    }
    /// Opens the key policy and adds a statement (valid) to it in the editor.
    void editKeyPolicy()
    {
        QVERIFY(m_pane->selectKeyPolicy(m_keyId));
        QTRY_VERIFY(m_pane->isPolicyLoaded());
        QVERIFY(!m_pane->isModified());
        QVERIFY(!title().contains(QStringLiteral("modified")));
        QVERIFY(!button("savePolicyButton")->isEnabled());
        QVERIFY(!button("revertPolicyButton")->isEnabled());
        QJsonObject doc = QJsonDocument::fromJson(m_pane->editor()->toPlainText().toUtf8()).object();
        QJsonArray statements = doc.value(QStringLiteral("Statement")).toArray();
        statements.append(QJsonObject{{QStringLiteral("Sid"), kMarkerSid},
                                      {QStringLiteral("Effect"), QStringLiteral("Deny")},
                                      {QStringLiteral("Principal"), QJsonObject{{QStringLiteral("AWS"), m_aliceArn}}},
                                      {QStringLiteral("Action"), QStringLiteral("kms:Encrypt")},
                                      {QStringLiteral("Resource"), QStringLiteral("*")}});
        doc.insert(QStringLiteral("Statement"), statements);
        m_pane->editor()->selectAll();
        m_pane->editor()->insertPlainText(QString::fromUtf8(QJsonDocument(doc).toJson()));
        m_pane->validate();
        QVERIFY(m_pane->isValid());
        QVERIFY(m_pane->isModified());
        QVERIFY2(title().endsWith(QStringLiteral("• modified")), qPrintable(title()));
        QVERIFY(button("savePolicyButton")->isEnabled());
        QVERIFY(button("revertPolicyButton")->isEnabled());
    }
    bool keyPolicySaved() { return engine().getKeyPolicy(root(), m_keyId).value().contains(kMarkerSid); }

    std::unique_ptr<test::VaultFixture> m_fx;
    std::unique_ptr<kms::KmsService> m_service;
    std::unique_ptr<model::EngineRunner> m_runner;
    std::unique_ptr<ui::PolicyPane> m_pane;
    QString m_keyId;
    QString m_aliceArn;
    QString m_bobArn;
};

void TestPolicyPaneEdits::init()
{
    m_fx = std::make_unique<test::VaultFixture>();
    auto s = kms::KmsService::open(m_fx->vault(), QStringLiteral("eu-west-1"));
    QVERIFY(s.has_value());
    m_service = std::move(*s);
    const QString rootArn = m_service->rootArn();
    m_aliceArn = m_service->principals().createUser(rootArn, QStringLiteral("alice")).value().arn;
    m_bobArn = m_service->principals().createUser(rootArn, QStringLiteral("bob")).value().arn;
    QVERIFY(m_service->principals().putPolicy(rootArn, iam::PrincipalKind::User, QStringLiteral("alice"),
                                              QStringLiteral("UseKeys"), kIdentityPolicy));
    m_keyId = m_service->createKey(root(), {}).value().keyId;
    QVERIFY(m_service->createAlias(root(), QStringLiteral("alias/orders"), m_keyId));

    m_runner = std::make_unique<model::EngineRunner>();
    m_pane = std::make_unique<ui::PolicyPane>(m_runner.get());
    m_pane->resize(1200, 800);
    m_pane->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_pane.get()));
    m_runner->setService(m_service.get(), {rootArn, QStringLiteral("console"), {}});
    QTRY_VERIFY(m_pane->policyModel()->isLoaded());
    QTRY_VERIFY(m_pane->isPolicyLoaded());
}

void TestPolicyPaneEdits::cleanup()
{
    m_pane.reset();
    m_runner.reset();
    m_service.reset();
    m_fx.reset();
}

void TestPolicyPaneEdits::leavingAnEditAsks()
{
    editKeyPolicy();
    const QString edited = m_pane->editor()->toPlainText();

    // Cancel: the edit, the editor and the list's selection stay as they were.
    clickPolicy(alicePolicy());
    QMessageBox *box = question();
    QVERIFY(box);
    QVERIFY2(box->text().contains(QStringLiteral("Save changes to the key policy of alias/orders")), qPrintable(box->text()));
    QVERIFY(box->button(QMessageBox::Save)->isEnabled());
    answer(box, "unsavedCancelButton");
    QCOMPARE(m_pane->currentPolicy()->keyId, m_keyId);
    QCOMPARE(m_pane->editor()->toPlainText(), edited);
    QVERIFY(m_pane->isModified());
    const QModelIndexList selected = m_pane->findChild<QListView *>(QStringLiteral("policyList"))->selectionModel()->selectedRows();
    QCOMPARE(selected.size(), 1);
    QCOMPARE(selected.first().row(), m_pane->policyModel()->indexOfKey(m_keyId));
    QVERIFY(!keyPolicySaved());

    // Discard: alice's policy opens, the key policy is as it was.
    clickPolicy(alicePolicy());
    answer(question(), "unsavedDiscardButton");
    QTRY_VERIFY(m_pane->isPolicyLoaded() && m_pane->currentPolicy()->sameAs(alicePolicy()));
    QCOMPARE(m_pane->editor()->toPlainText(), kIdentityPolicy);
    QVERIFY(!m_pane->isModified());
    QVERIFY(!keyPolicySaved());

    // Save (asked by a programmatic selection too): saved first, then alice's policy opens.
    editKeyPolicy();
    QVERIFY(m_pane->selectPolicy(alicePolicy()));
    QCOMPARE(m_pane->currentPolicy()->keyId, m_keyId); // nothing moves before the answer
    answer(question(), "unsavedSaveButton");
    QTRY_VERIFY(m_pane->isPolicyLoaded() && m_pane->currentPolicy()->sameAs(alicePolicy()));
    QVERIFY(keyPolicySaved());
    QVERIFY(m_pane->message().startsWith(QStringLiteral("Saved")));
    QVERIFY(!title().contains(QStringLiteral("modified")));

    // Without an edit nothing is asked.
    QVERIFY(m_pane->selectKeyPolicy(m_keyId));
    QVERIFY(!m_pane->unsavedPrompt());
    QTRY_VERIFY(m_pane->isPolicyLoaded() && m_pane->currentPolicy()->keyId == m_keyId);
}

void TestPolicyPaneEdits::anInvalidEditCannotBeSavedFromTheQuestion()
{
    editKeyPolicy();
    m_pane->editor()->moveCursor(QTextCursor::End);
    QTest::keyClicks(m_pane->editor(), QStringLiteral("x"));
    bool proceeded = false;
    m_pane->askToLeave([&proceeded] { proceeded = true; }); // as a pane or region switch would
    QMessageBox *box = question();
    QVERIFY(box);
    QVERIFY(!box->button(QMessageBox::Save)->isEnabled());
    QVERIFY2(box->informativeText().contains(QStringLiteral("MalformedPolicyDocumentException")),
             qPrintable(box->informativeText()));
    answer(box, "unsavedCancelButton");
    QVERIFY(!proceeded);
    QVERIFY(m_pane->isModified());

    m_pane->askToLeave([&proceeded] { proceeded = true; });
    answer(question(), "unsavedDiscardButton");
    QVERIFY(proceeded);
    QVERIFY(!m_pane->isModified()); // the edit is gone, not left behind for later
    QVERIFY(!keyPolicySaved());
}

void TestPolicyPaneEdits::newIdentityPolicyForAUser()
{
    QCA::SecureArray plaintext(QByteArrayLiteral("payload"));
    const kms::Caller bob{m_bobArn, QStringLiteral("cli"), {}};
    QCOMPARE(engine().encrypt(bob, m_keyId, plaintext).error().type, errors::AccessDenied); // no policy yet

    QTest::mouseClick(button("newIdentityPolicyButton"), Qt::LeftButton);
    ui::IdentityPolicyDialog *dialog = nullptr;
    QTRY_VERIFY((dialog = m_pane->newPolicyDialog()) && dialog->isVisible());
    auto *principal = dialog->findChild<QComboBox *>(QStringLiteral("policyPrincipalCombo"));
    auto *name = dialog->findChild<QLineEdit *>(QStringLiteral("policyNameEdit"));
    auto *document = dialog->findChild<QPlainTextEdit *>(QStringLiteral("policyDocumentEdit"));
    auto *save = dialog->findChild<QPushButton *>(QStringLiteral("policyDialogSaveButton"));
    QVERIFY(principal && principal->isVisible() && name && document && save);
    QCOMPARE(principal->count(), 2); // alice and bob; not the root
    QVERIFY(principal->findData(m_service->rootArn()) < 0);
    QVERIFY(document->toPlainText().contains(QStringLiteral("kms:Encrypt"))); // a template to start from
    QVERIFY(!save->isEnabled()); // no name yet

    // alice's existing name would replace her policy: refused.
    QVERIFY(dialog->setPrincipalArn(m_aliceArn));
    QTest::keyClicks(name, QStringLiteral("UseKeys"));
    QVERIFY2(dialog->problem().contains(QStringLiteral("already has a policy named UseKeys")), qPrintable(dialog->problem()));
    QVERIFY(!save->isEnabled());
    principal->setCurrentIndex(principal->findData(m_bobArn));
    QVERIFY2(dialog->problem().isEmpty(), qPrintable(dialog->problem()));
    QVERIFY(save->isEnabled());

    // The engine's parser checks the document as it is typed, once typing pauses.
    const QString good = document->toPlainText();
    QString bad = good;
    bad.replace(QStringLiteral("\"Effect\""), QStringLiteral("\"Principal\": \"*\", \"Effect\""));
    document->setPlainText(bad);
    QTRY_VERIFY2(dialog->problem().contains(QStringLiteral("MalformedPolicyDocumentException")), qPrintable(dialog->problem()));
    QVERIFY(dialog->problem().startsWith(QStringLiteral("Line ")));
    QVERIFY(!save->isEnabled());
    document->setPlainText(good);
    QTRY_VERIFY(save->isEnabled());
    QCOMPARE(dialog->problem(), QString());

    QSignalSpy done(m_pane.get(), &ui::PolicyPane::commandFinished);
    QTest::mouseClick(save, Qt::LeftButton);
    QTRY_COMPARE(done.size(), 1);
    QVERIFY2(done.first().first().value<ui::CommandResult>().succeeded(), qPrintable(m_pane->message()));

    // Listed and opened in the editor.
    model::PolicyRef ref;
    ref.kind = model::PolicyRef::Kind::IdentityPolicy;
    ref.principalArn = m_bobArn;
    ref.principalName = QStringLiteral("bob");
    ref.policyName = QStringLiteral("UseKeys");
    QTRY_VERIFY(m_pane->policyModel()->indexOf(ref) >= 0);
    QCOMPARE(m_pane->policyModel()->index(m_pane->policyModel()->indexOf(ref)).data().toString(),
             QStringLiteral("user/bob · UseKeys"));
    QTRY_VERIFY(m_pane->isPolicyLoaded() && m_pane->currentPolicy()->sameAs(ref));
    QCOMPARE(m_pane->editor()->toPlainText(), good);
    QVERIFY(m_pane->message().startsWith(QStringLiteral("Saved")));

    // The engine has it and enforces it; the simulator agrees.
    QCOMPARE(engine().principals().getPolicy(m_service->rootArn(), iam::PrincipalKind::User, QStringLiteral("bob"),
                                             QStringLiteral("UseKeys")).value(),
             good);
    QVERIFY(engine().encrypt(bob, m_keyId, plaintext).has_value());
    ui::PolicySimulator *sim = m_pane->simulator();
    sim->setPrincipal(m_bobArn);
    sim->setAction(QStringLiteral("kms:Encrypt"));
    QVERIFY(sim->setKey(m_keyId));
    QSignalSpy simulated(sim, &ui::PolicySimulator::simulated);
    QTest::mouseClick(sim->findChild<QPushButton *>(QStringLiteral("simulateButton")), Qt::LeftButton);
    QTRY_COMPARE(simulated.size(), 1);
    QCOMPARE(sim->decisionText(), QStringLiteral("Allowed"));
}

QKMS_GUI_TEST_MAIN(TestPolicyPaneEdits)
#include "tst_policy_pane_edits.moc"
