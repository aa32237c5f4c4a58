// The Principals pane and "acting as": principals listed with their identity policies; create a
// user and put a policy through the pane (checked by the engine's parser once typing pauses);
// PutUserPolicy refused by the engine for what no parser can see (the user deleted meanwhile);
// act as a user without permission and see the engine's AccessDeniedException (with its policy
// trace) on a key action, then act as the root again.

#include "CreatePrincipalDialog.h"
#include "EngineRunner.h"
#include "ConsoleTest.h"
#include "GuiTestMain.h"
#include "IdentityPolicyDialog.h"
#include "KeyFilterProxyModel.h"
#include "KeyListModel.h"
#include "KeysPane.h"
#include "PolicyPane.h"
#include "PrincipalListModel.h"
#include "PrincipalsPane.h"
#include "policy/PolicyDocument.h"

#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QStackedWidget>
#include <QToolButton>

using namespace qkms;

namespace {
// Lets alice see keys (so she can select one) but not change them.
const QString kReadOnlyPolicy = QStringLiteral(
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["kms:List*","kms:Describe*","kms:Get*"],"Resource":"*"}]})");
} // namespace

class TestPrincipalsPane : public QObject, protected test::ConsoleTest
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void listsPrincipalsAndTheirPolicies();
    void createUserAndPutAPolicy();
    void putPolicyForAUserDeletedMeanwhile();
    void actingAsAUserIsDeniedThenRootWorks();
    void iamManagementIsTheRoots();

private:
    QPushButton *button(const char *name) { return child<QPushButton>(m_pane, name); }
    void showPane(const char *id)
    {
        child<QListWidget>(m_window.get(), "paneList")
            ->setCurrentRow(static_cast<int>(ui::MainWindow::paneIds().indexOf(QString::fromLatin1(id))));
    }
    QString root() { return cli().rootArn(); }
    kms::Caller cliCaller() { return {root(), QStringLiteral("cli"), {}}; }
    /// Chooses `arn` in the toolbar's selector as a user would.
    void actAs(const QString &arn)
    {
        auto *box = child<QComboBox>(m_window.get(), "actingAsSelector");
        QVERIFY(box);
        int row = -1;
        QTRY_VERIFY((row = m_window->principalModel()->indexOf(arn)) >= 0);
        box->setCurrentIndex(row);
        Q_EMIT box->activated(row);
        QTRY_COMPARE(m_window->engineRunner()->caller().principalArn, arn);
    }

    ui::PrincipalsPane *m_pane = nullptr;
    QString m_alice;
};

void TestPrincipalsPane::init()
{
    createVault();
    m_alice = cli().principals().createUser(root(), QStringLiteral("alice")).value().arn;
    QVERIFY(cli().principals().putPolicy(root(), iam::PrincipalKind::User, QStringLiteral("alice"),
                                         QStringLiteral("read-only"), kReadOnlyPolicy).has_value());
    QVERIFY(openWindow());
    showPane("principals");
    m_pane = child<ui::PrincipalsPane>(m_window.get(), "principalsPane");
    QVERIFY(m_pane);
    QTRY_COMPARE(m_window->principalModel()->rowCount(), 2);
}

void TestPrincipalsPane::cleanup()
{
    closeConsole();
}

void TestPrincipalsPane::listsPrincipalsAndTheirPolicies()
{
    QCOMPARE(child<QComboBox>(m_window.get(), "actingAsSelector")->count(), 2);
    QTRY_COMPARE(child<QLabel>(m_window.get(), "actingAsStatusLabel")->text(),
                 QStringLiteral("Acting as root (account %1)").arg(cli().accountId()));
    QVERIFY(m_pane->selectPrincipal(root()));
    QVERIFY(!button("deletePrincipalButton")->isEnabled()); // the root stays
    QVERIFY(!button("putIdentityPolicyButton")->isEnabled());
    QSignalSpy loaded(m_pane, &ui::PrincipalsPane::policiesLoaded);
    QVERIFY(m_pane->selectPrincipal(m_alice));
    QTRY_COMPARE(loaded.count(), 1);
    QCOMPARE(loaded.at(0).at(0).toString(), m_alice);
    QVERIFY(child<QLabel>(m_pane, "principalDetailTitle")->text().contains(m_alice));
    auto *list = child<QListWidget>(m_pane, "identityPolicyList");
    QCOMPARE(list->count(), 1);
    QCOMPARE(list->item(0)->text(), QStringLiteral("read-only"));
    const QString shown = child<QPlainTextEdit>(m_pane, "identityPolicyView")->toPlainText();
    QVERIFY2(shown.contains(QStringLiteral("\"kms:Describe*\"")), qPrintable(shown));
    QVERIFY(button("deletePrincipalButton")->isEnabled());
    QVERIFY(button("deleteIdentityPolicyButton")->isEnabled());
    // The main window connects the policy editor hook to the Policies pane: the button shows,
    // and a click opens that pane with alice's policy in its editor.
    QVERIFY(button("openPolicyEditorButton")->isVisible());
    QSignalSpy edit(m_pane, &ui::PrincipalsPane::editIdentityPolicyRequested);
    click(button("openPolicyEditorButton"));
    QCOMPARE(edit.count(), 1);
    QCOMPARE(edit.at(0).at(1).toString(), QStringLiteral("read-only"));
    auto *stack = child<QStackedWidget>(m_window.get(), "paneStack");
    QCOMPARE(stack->currentWidget()->objectName(), QStringLiteral("policiesPane"));
    auto *policies = child<ui::PolicyPane>(m_window.get(), "policiesPane");
    QTRY_VERIFY(policies->isPolicyLoaded());
    QCOMPARE(policies->currentPolicy()->principalArn, m_alice);
    QCOMPARE(policies->currentPolicy()->policyName, QStringLiteral("read-only"));
    QTRY_VERIFY(policies->editor()->toPlainText().contains(QStringLiteral("kms:Describe*")));
}

void TestPrincipalsPane::createUserAndPutAPolicy()
{
    click(button("createUserButton"));
    ui::CreatePrincipalDialog *dialog = nullptr;
    QTRY_VERIFY((dialog = visible<ui::CreatePrincipalDialog>("createPrincipalDialog")));
    auto *name = child<QLineEdit>(dialog, "principalNameEdit");
    QTest::keyClicks(name, QStringLiteral("bad name"));
    QVERIFY(!dialog->problem().isEmpty());
    QVERIFY(!child<QPushButton>(dialog, "principalDialogOkButton")->isEnabled());
    name->selectAll();
    QTest::keyClicks(name, QStringLiteral("bob"));
    QCOMPARE(dialog->problem(), QString());
    click(child<QPushButton>(dialog, "principalDialogOkButton"));
    const QString bob = QStringLiteral("arn:aws:iam::%1:user/bob").arg(cli().accountId());
    QTRY_COMPARE(m_pane->selectedPrincipal().arn, bob);
    QVERIFY2(m_pane->message().contains(bob), qPrintable(m_pane->message()));
    QVERIFY(cli().principals().get(root(), iam::PrincipalKind::User, QStringLiteral("bob")).has_value());
    QTRY_COMPARE(child<QComboBox>(m_window.get(), "actingAsSelector")->count(), 3);

    click(button("putIdentityPolicyButton"));
    ui::IdentityPolicyDialog *policy = nullptr;
    QTRY_VERIFY((policy = visible<ui::IdentityPolicyDialog>("identityPolicyDialog")));
    auto *doc = child<QPlainTextEdit>(policy, "policyDocumentEdit");
    QTest::keyClicks(child<QLineEdit>(policy, "policyNameEdit"), QStringLiteral("use-keys"));
    auto *save = child<QPushButton>(policy, "policyDialogSaveButton");
    auto *problem = child<QLabel>(policy, "policyDocumentProblem");
    QTRY_VERIFY(save->isEnabled()); // the template is a policy the engine accepts
    doc->setPlainText(QStringLiteral("{ not json"));
    // Checked by the engine's parser as it is typed, before Save: not at every keystroke but
    // once typing pauses, as the Policies pane's editor does; then its words, where, underlined.
    QVERIFY(save->isEnabled());
    QCOMPARE(policy->problem(), QString());
    QTRY_VERIFY(!save->isEnabled());
    QVERIFY2(policy->problem().startsWith(QStringLiteral("Line 1, column ")), qPrintable(policy->problem()));
    QVERIFY2(policy->problem().endsWith(QStringLiteral("(MalformedPolicyDocumentException)")), qPrintable(policy->problem()));
    QVERIFY(problem->isVisible());
    QCOMPARE(doc->extraSelections().size(), 1);
    doc->setPlainText(kReadOnlyPolicy);
    QTRY_COMPARE(policy->problem(), QString());
    QVERIFY(!problem->isVisible());
    QVERIFY(doc->extraSelections().isEmpty());
    QVERIFY(save->isEnabled());
    click(save);
    QTRY_VERIFY(m_pane->message().startsWith(QStringLiteral("Saved identity policy use-keys")));
    QTRY_COMPARE(child<QListWidget>(m_pane, "identityPolicyList")->count(), 1);
    QCOMPARE(cli().principals().getPolicy(root(), iam::PrincipalKind::User, QStringLiteral("bob"),
                                          QStringLiteral("use-keys")).value(),
             kReadOnlyPolicy);

    // A malformed policy (an unknown effect) is the engine's to refuse, with its words — now as
    // it is typed, so Save is never offered for it and nothing reaches the engine.
    click(button("putIdentityPolicyButton"));
    QTRY_VERIFY((policy = visible<ui::IdentityPolicyDialog>("identityPolicyDialog")));
    QTest::keyClicks(child<QLineEdit>(policy, "policyNameEdit"), QStringLiteral("broken"));
    doc = child<QPlainTextEdit>(policy, "policyDocumentEdit");
    const QString maybe =
        QStringLiteral(R"({"Version":"2012-10-17","Statement":[{"Effect":"Maybe","Action":"kms:Encrypt","Resource":"*"}]})");
    QTRY_VERIFY(child<QPushButton>(policy, "policyDialogSaveButton")->isEnabled()); // the template
    doc->setPlainText(maybe);
    // Save at once, before the pause is over: the dialog checks the text first and stays open.
    QVERIFY(child<QPushButton>(policy, "policyDialogSaveButton")->isEnabled());
    click(child<QPushButton>(policy, "policyDialogSaveButton"));
    QVERIFY(policy->isVisible());
    const auto refusal = policy::PolicyDocument::parse(maybe, policy::PolicyKind::IdentityPolicy, {}, QStringLiteral("broken"));
    QVERIFY(!refusal);
    QCOMPARE(refusal.error().type, errors::MalformedPolicy);
    QVERIFY2(policy->problem().endsWith(QStringLiteral(": %1 (MalformedPolicyDocumentException)").arg(refusal.error().message)),
             qPrintable(policy->problem()));
    QVERIFY(policy->problem().startsWith(QStringLiteral("Line 1, column ")));
    QVERIFY(child<QLabel>(policy, "policyDocumentProblem")->isVisible());
    QCOMPARE(doc->extraSelections().size(), 1); // "Maybe" underlined, as in the Policies pane
    QCOMPARE(doc->extraSelections().first().cursor.selectedText(), QStringLiteral(R"("Maybe")"));
    QVERIFY(!child<QPushButton>(policy, "policyDialogSaveButton")->isEnabled());
    click(child<QPushButton>(policy, "policyDialogCancelButton"));
    QTRY_VERIFY(!visible<ui::IdentityPolicyDialog>("identityPolicyDialog"));
    QCOMPARE(cli().principals().getPolicy(root(), iam::PrincipalKind::User, QStringLiteral("bob"),
                                          QStringLiteral("broken")).error().type,
             iam::errors::NoSuchEntity);

    // Deleting bob: IAM refuses while he has a policy; delete it first, then him.
    QTRY_VERIFY(!m_pane->activeCommand());
    click(button("deletePrincipalButton"));
    QMessageBox *box = nullptr;
    QTRY_VERIFY((box = visible<QMessageBox>("deletePrincipalConfirmation")));
    click(child<QPushButton>(box, "deletePrincipalConfirmationYesButton"));
    QTRY_VERIFY2(m_pane->message().startsWith(QStringLiteral("DeleteConflictException: ")), qPrintable(m_pane->message()));
    QTRY_VERIFY(button("deleteIdentityPolicyButton")->isEnabled());
    click(button("deleteIdentityPolicyButton"));
    QTRY_VERIFY((box = visible<QMessageBox>("deletePolicyConfirmation")));
    click(child<QPushButton>(box, "deletePolicyConfirmationYesButton"));
    QTRY_VERIFY(m_pane->message().startsWith(QStringLiteral("Deleted identity policy use-keys")));
    QTRY_VERIFY(button("deletePrincipalButton")->isEnabled());
    click(button("deletePrincipalButton"));
    QTRY_VERIFY((box = visible<QMessageBox>("deletePrincipalConfirmation")));
    click(child<QPushButton>(box, "deletePrincipalConfirmationYesButton"));
    QTRY_COMPARE(m_window->principalModel()->indexOf(bob), -1);
    QCOMPARE(cli().principals().get(root(), iam::PrincipalKind::User, QStringLiteral("bob")).error().type,
             iam::errors::NoSuchEntity);
}

void TestPrincipalsPane::putPolicyForAUserDeletedMeanwhile()
{
    // A document the parser accepts can still be refused: the engine is the judge on Save.
    QVERIFY(m_pane->selectPrincipal(m_alice));
    QTRY_VERIFY(button("putIdentityPolicyButton")->isEnabled());
    click(button("putIdentityPolicyButton"));
    ui::IdentityPolicyDialog *policy = nullptr;
    QTRY_VERIFY((policy = visible<ui::IdentityPolicyDialog>("identityPolicyDialog")));
    QTest::keyClicks(child<QLineEdit>(policy, "policyNameEdit"), QStringLiteral("extra"));
    child<QPlainTextEdit>(policy, "policyDocumentEdit")->setPlainText(kReadOnlyPolicy);
    auto *save = child<QPushButton>(policy, "policyDialogSaveButton");
    QTRY_VERIFY(save->isEnabled());
    QCOMPARE(policy->problem(), QString());

    // Meanwhile another process deletes alice (her policy first, as IAM requires).
    QVERIFY(cli().principals().deletePolicy(root(), iam::PrincipalKind::User, QStringLiteral("alice"),
                                            QStringLiteral("read-only")).has_value());
    QVERIFY(cli().principals().deletePrincipal(root(), iam::PrincipalKind::User, QStringLiteral("alice")).has_value());
    const auto refusal = cli().principals().putPolicy(root(), iam::PrincipalKind::User, QStringLiteral("alice"),
                                                      QStringLiteral("extra"), kReadOnlyPolicy);
    QVERIFY(!refusal);
    QCOMPARE(refusal.error().type, iam::errors::NoSuchEntity);

    QVERIFY(save->isEnabled()); // the dialog cannot know
    click(save);
    QTRY_VERIFY(!visible<ui::IdentityPolicyDialog>("identityPolicyDialog"));
    // The engine's words with its exception name, as the pane shows every refusal.
    QTRY_COMPARE(m_pane->message(), refusal.error().toString());
    QVERIFY2(m_pane->message().startsWith(QStringLiteral("NoSuchEntityException: ")), qPrintable(m_pane->message()));
    QVERIFY(m_pane->message().contains(QStringLiteral("alice")));
    // Nothing was stored: no alice, and a new alice starts without the policy.
    QCOMPARE(cli().principals().get(root(), iam::PrincipalKind::User, QStringLiteral("alice")).error().type,
             iam::errors::NoSuchEntity);
    QVERIFY(cli().principals().createUser(root(), QStringLiteral("alice")).has_value());
    QCOMPARE(cli().principals().listPolicies(root(), iam::PrincipalKind::User, QStringLiteral("alice")).value(),
             QStringList());
}

void TestPrincipalsPane::actingAsAUserIsDeniedThenRootWorks()
{
    kms::CreateKeyRequest r;
    r.description = QStringLiteral("contested");
    const QString key = cli().createKey(cliCaller(), r).value().keyId;
    showPane("customerKeys");
    auto *keys = child<ui::KeysPane>(m_window.get(), "customerKeysPane");
    QTRY_VERIFY(keys->selectKey(key));

    actAs(m_alice);
    QTRY_COMPARE(child<QLabel>(m_window.get(), "actingAsStatusLabel")->text(), QStringLiteral("Acting as user/alice"));
    // Alice may list (her identity policy) so the key shows again, reloaded as her.
    QTRY_VERIFY(keys->selectKey(key));
    auto *disable = child<QPushButton>(keys, "disableKeyButton");
    QTRY_VERIFY(disable->isEnabled());
    click(disable);
    QTRY_VERIFY2(keys->message().startsWith(QStringLiteral("AccessDeniedException: User: ") + m_alice),
                 qPrintable(keys->message()));
    QVERIFY(keys->message().contains(QStringLiteral("kms:DisableKey")));
    QCOMPARE(static_cast<int>(cli().describeKey(cliCaller(), key).value().keyState), static_cast<int>(kms::KeyState::Enabled));
    // The status bar offers the engine's policy trace.
    auto *why = child<QToolButton>(m_window.get(), "accessDeniedButton");
    QTRY_VERIFY(why->isVisible());
    QVERIFY(why->text().startsWith(QStringLiteral("AccessDeniedException")));
    click(why);
    QDialog *dialog = nullptr;
    QTRY_VERIFY((dialog = visible<QDialog>("accessDeniedDialog")));
    const QString trace = child<QPlainTextEdit>(dialog, "accessDeniedTrace")->toPlainText();
    QVERIFY2(trace.contains(QStringLiteral("ImplicitDeny")), qPrintable(trace));
    QVERIFY(trace.contains(QStringLiteral("read-only"))); // alice's policy was looked at
    dialog->close();

    // The root again: the same action works.
    actAs(root());
    QTRY_VERIFY(!why->isVisible());
    QTRY_COMPARE(child<QLabel>(m_window.get(), "actingAsStatusLabel")->text(),
                 QStringLiteral("Acting as root (account %1)").arg(cli().accountId()));
    QTRY_VERIFY(keys->selectKey(key));
    QTRY_VERIFY(child<QPushButton>(keys, "disableKeyButton")->isEnabled());
    click(child<QPushButton>(keys, "disableKeyButton"));
    QTRY_COMPARE(static_cast<int>(cli().describeKey(cliCaller(), key).value().keyState), static_cast<int>(kms::KeyState::Disabled));
    QTRY_VERIFY2(!keys->message().startsWith(QStringLiteral("AccessDenied")), qPrintable(keys->message()));
}

void TestPrincipalsPane::iamManagementIsTheRoots()
{
    actAs(m_alice);
    click(button("createRoleButton"));
    ui::CreatePrincipalDialog *dialog = nullptr;
    QTRY_VERIFY((dialog = visible<ui::CreatePrincipalDialog>("createPrincipalDialog")));
    QTest::keyClicks(child<QLineEdit>(dialog, "principalNameEdit"), QStringLiteral("sneaky"));
    click(child<QPushButton>(dialog, "principalDialogOkButton"));
    QTRY_VERIFY2(m_pane->message().startsWith(QStringLiteral("AccessDeniedException: ")), qPrintable(m_pane->message()));
    QVERIFY(m_pane->message().contains(QStringLiteral("Acting as")));
    QCOMPARE(cli().principals().get(root(), iam::PrincipalKind::Role, QStringLiteral("sneaky")).error().type,
             iam::errors::NoSuchEntity);
    // The selector still lists everyone while acting as alice.
    QCOMPARE(child<QComboBox>(m_window.get(), "actingAsSelector")->count(), 2);
}

QKMS_GUI_TEST_MAIN(TestPrincipalsPane)
#include "tst_principals_pane.moc"
