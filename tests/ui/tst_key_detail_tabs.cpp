// The key detail view's engine-backed tabs driven like a user would, offscreen, against the real
// engine: Tags (add, change and remove through TagResource / UntagResource; refused for a key
// pending deletion), Key rotation (status, period, next date; "Rotate now" adds an on-demand
// rotation to the history; keys that cannot rotate say so) and Grants (create through the
// dialog, listed with grantee and operations, revoke).

#include "EngineRunner.h"
#include "GrantsTab.h"
#include "GuiTestMain.h"
#include "KeyDetailView.h"
#include "KeyRotationTab.h"
#include "KeyText.h"
#include "TagsTab.h"
#include "VaultFixture.h"
#include "iam/PrincipalStore.h"
#include "kms/KmsService.h"

#include <QDialog>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTableWidget>

using namespace qkms;

class TestKeyDetailTabs : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void tabsArePresent();
    void addAndRemoveTag();
    void tagsOfKeyPendingDeletionAreReadOnly();
    void rotateNowShowsOnDemandRotation();
    void asymmetricKeyCannotRotate();
    void createAndRevokeGrant();

private:
    template <typename T>
    T *child(const char *name)
    {
        T *w = m_view->findChild<T *>(QString::fromLatin1(name));
        if (!w)
            qFatal("no widget %s", name);
        return w;
    }
    void click(const char *name)
    {
        auto *b = child<QPushButton>(name);
        QVERIFY2(b->isVisible() && b->isEnabled(), name);
        QTest::mouseClick(b, Qt::LeftButton);
    }
    kms::KmsService &engine()
    {
        m_runner->waitForIdle(); // the test thread and the worker must not share the service
        return *m_service;
    }
    kms::Caller root() const { return {m_service->rootArn(), QStringLiteral("cli"), {}}; }
    kms::KeyRecord createKey(const QString &spec = {}, const QString &usage = {})
    {
        kms::CreateKeyRequest r;
        if (!spec.isEmpty())
            r.keySpec = spec;
        if (!usage.isEmpty())
            r.keyUsage = usage;
        r.tags = {{QStringLiteral("team"), QStringLiteral("finance")}};
        return engine().createKey(root(), r).value();
    }
    void show(const kms::KeyRecord &key)
    {
        QSignalSpy loaded(m_view.get(), &ui::KeyDetailView::detailsLoaded);
        m_view->showKey(key, {});
        QTRY_VERIFY(!loaded.isEmpty() && loaded.last().at(0).toString() == key.keyId);
    }
    kms::Tags tagsOf(const QString &keyId) { return engine().listResourceTags(root(), keyId).value().tags; }

    std::unique_ptr<test::VaultFixture> m_fx;
    std::unique_ptr<kms::KmsService> m_service;
    std::unique_ptr<model::EngineRunner> m_runner;
    std::unique_ptr<ui::KeyDetailView> m_view;
};

void TestKeyDetailTabs::init()
{
    m_fx = std::make_unique<test::VaultFixture>();
    m_service = std::move(*kms::KmsService::open(m_fx->vault(), QStringLiteral("eu-west-1")));
    m_runner = std::make_unique<model::EngineRunner>();
    m_runner->setService(m_service.get(), {m_service->rootArn(), QStringLiteral("console"), {}});
    m_view = std::make_unique<ui::KeyDetailView>(m_runner.get());
    m_view->setLoadDelay(0);
    m_view->resize(1000, 700);
    m_view->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_view.get()));
}

void TestKeyDetailTabs::cleanup()
{
    m_view.reset();
    m_runner.reset();
    m_service.reset();
    m_fx.reset();
}

void TestKeyDetailTabs::tabsArePresent()
{
    show(createKey());
    QTabWidget *tabs = m_view->tabs();
    QCOMPARE(tabs->count(), 8);
    QCOMPARE(tabs->tabText(ui::KeyDetailView::TagsTab), QStringLiteral("Tags"));
    QCOMPARE(tabs->tabText(ui::KeyDetailView::RotationTab), QStringLiteral("Key rotation"));
    QCOMPARE(tabs->tabText(ui::KeyDetailView::GrantsTab), QStringLiteral("Grants"));
    QCOMPARE(tabs->tabText(ui::KeyDetailView::TryItTab), QStringLiteral("Try it"));
    QCOMPARE(tabs->widget(ui::KeyDetailView::TryItTab)->objectName(), QStringLiteral("tryItPanel"));
}

void TestKeyDetailTabs::addAndRemoveTag()
{
    const kms::KeyRecord key = createKey();
    show(key);
    m_view->tabs()->setCurrentIndex(ui::KeyDetailView::TagsTab);
    auto *table = child<QTableWidget>("keyTagsTable");
    QCOMPARE(table->rowCount(), 1);
    QVERIFY(!child<QPushButton>("keyTagAddButton")->isEnabled()); // no key typed yet

    QSignalSpy shown(m_view->tagsTab(), &ui::TagsTab::tagsShown);
    QTest::keyClicks(child<QLineEdit>("keyTagKeyEdit"), QStringLiteral("env"));
    QTest::keyClicks(child<QLineEdit>("keyTagValueEdit"), QStringLiteral("prod"));
    click("keyTagAddButton");
    QTRY_COMPARE(table->rowCount(), 2);
    QCOMPARE(tagsOf(key.keyId),
             (kms::Tags{{QStringLiteral("env"), QStringLiteral("prod")}, {QStringLiteral("team"), QStringLiteral("finance")}}));
    QVERIFY2(m_view->tagsTab()->message().contains(QStringLiteral("env = prod")), qPrintable(m_view->tagsTab()->message()));
    QVERIFY(child<QLineEdit>("keyTagKeyEdit")->text().isEmpty());

    // Same key again: the value changes.
    QTest::keyClicks(child<QLineEdit>("keyTagKeyEdit"), QStringLiteral("env"));
    QTest::keyClicks(child<QLineEdit>("keyTagValueEdit"), QStringLiteral("test"));
    QTest::keyClick(child<QLineEdit>("keyTagValueEdit"), Qt::Key_Return);
    QTRY_COMPARE(tagsOf(key.keyId).value(QStringLiteral("env")), QStringLiteral("test"));
    QTRY_COMPARE(table->item(0, 1)->text(), QStringLiteral("test"));

    // Remove "team" (row 1, sorted by key).
    QVERIFY(!child<QPushButton>("keyTagRemoveButton")->isEnabled());
    table->selectRow(1);
    QCOMPARE(table->item(1, 0)->text(), QStringLiteral("team"));
    click("keyTagRemoveButton");
    QTRY_COMPARE(table->rowCount(), 1);
    QCOMPARE(tagsOf(key.keyId), (kms::Tags{{QStringLiteral("env"), QStringLiteral("test")}}));
    QCOMPARE(table->item(0, 0)->text(), QStringLiteral("env"));
}

void TestKeyDetailTabs::tagsOfKeyPendingDeletionAreReadOnly()
{
    const kms::KeyRecord key = createKey();
    const kms::KeyRecord pending = engine().scheduleKeyDeletion(root(), key.keyId, 7).value();
    show(pending);
    QTest::keyClicks(child<QLineEdit>("keyTagKeyEdit"), QStringLiteral("env"));
    QVERIFY(!child<QPushButton>("keyTagAddButton")->isEnabled());
    QCOMPARE(child<QTableWidget>("keyTagsTable")->rowCount(), 1); // still listed
}

void TestKeyDetailTabs::rotateNowShowsOnDemandRotation()
{
    const kms::KeyRecord key = createKey();
    QVERIFY(engine().enableKeyRotation(root(), key.keyId, 180).has_value());
    show(key);
    QSignalSpy loaded(m_view->rotationTab(), &ui::KeyRotationTab::loaded);
    m_view->tabs()->setCurrentIndex(ui::KeyDetailView::RotationTab);
    QTRY_VERIFY(!loaded.isEmpty());
    QCOMPARE(child<QLabel>("rotationStatusLabel")->text(), QStringLiteral("Enabled"));
    QCOMPARE(child<QLabel>("rotationPeriodLabel")->text(), QStringLiteral("180 days"));
    QCOMPARE(child<QLabel>("rotationNextLabel")->text(), model::text::dateTime(m_fx->clock().now().addDays(180)));
    auto *history = child<QTableWidget>("rotationHistoryTable");
    const int before = history->rowCount();

    m_fx->clock().advanceDays(2);
    loaded.clear();
    click("detailRotateNowButton");
    QTRY_VERIFY(!loaded.isEmpty());
    QVERIFY2(m_view->rotationTab()->message().startsWith(QStringLiteral("Rotated ")),
             qPrintable(m_view->rotationTab()->message()));
    QCOMPARE(history->rowCount(), before + 1);
    QCOMPARE(history->item(0, 1)->text(), QStringLiteral("On demand")); // newest first
    QCOMPARE(history->item(0, 2)->text(), QStringLiteral("Current"));
    QCOMPARE(history->item(0, 0)->text(), model::text::dateTime(m_fx->clock().now()));
    const auto rotations = engine().listKeyRotations(root(), key.keyId).value().rotations;
    QCOMPARE(history->item(0, 3)->text(), rotations.constLast().keyMaterialId);
    QCOMPARE(rotations.constLast().rotationType, QStringLiteral("ON_DEMAND"));
}

void TestKeyDetailTabs::asymmetricKeyCannotRotate()
{
    show(createKey(QStringLiteral("ECC_NIST_P256"), QStringLiteral("SIGN_VERIFY")));
    QSignalSpy loaded(m_view->rotationTab(), &ui::KeyRotationTab::loaded);
    m_view->tabs()->setCurrentIndex(ui::KeyDetailView::RotationTab);
    QTRY_VERIFY(!loaded.isEmpty());
    QCOMPARE(child<QLabel>("rotationStatusLabel")->text(), QStringLiteral("Disabled"));
    auto *history = child<QTableWidget>("rotationHistoryTable");
    QCOMPARE(history->rowCount(), 1);
    QVERIFY2(history->item(0, 0)->text().contains(QStringLiteral("Only symmetric encryption keys")),
             qPrintable(history->item(0, 0)->text()));
    QVERIFY(!child<QPushButton>("detailRotateNowButton")->isEnabled());
}

void TestKeyDetailTabs::createAndRevokeGrant()
{
    const kms::KeyRecord key = createKey();
    const QString bob = engine().principals().createUser(m_service->rootArn(), QStringLiteral("bob")).value().arn;
    show(key);
    QSignalSpy loaded(m_view->grantsTab(), &ui::GrantsTab::loaded);
    m_view->tabs()->setCurrentIndex(ui::KeyDetailView::GrantsTab);
    QTRY_VERIFY(!loaded.isEmpty());
    auto *table = child<QTableWidget>("grantsTable");
    QCOMPARE(table->rowCount(), 0);

    click("createGrantButton");
    QDialog *dialog = m_view->grantsTab()->createDialog();
    QVERIFY(dialog);
    QTRY_VERIFY(dialog->isVisible());
    QTest::keyClicks(dialog->findChild<QLineEdit *>(QStringLiteral("grantGranteeEdit")), bob);
    auto *ops = dialog->findChild<QListWidget *>(QStringLiteral("grantOperationsList"));
    ops->findItems(QStringLiteral("Decrypt"), Qt::MatchExactly).first()->setCheckState(Qt::Checked);
    ops->findItems(QStringLiteral("Encrypt"), Qt::MatchExactly).first()->setCheckState(Qt::Checked);
    loaded.clear();
    QTest::mouseClick(dialog->findChild<QPushButton *>(QStringLiteral("grantOkButton")), Qt::LeftButton);
    QTRY_VERIFY(!loaded.isEmpty());
    QVERIFY2(m_view->grantsTab()->message().startsWith(QStringLiteral("Created grant")),
             qPrintable(m_view->grantsTab()->message()));
    QCOMPARE(table->rowCount(), 1);
    QCOMPARE(table->item(0, 0)->text(), bob);
    QCOMPARE(table->item(0, 1)->text(), QStringLiteral("Decrypt, Encrypt"));
    // The grant works: bob may encrypt now.
    const kms::Caller asBob{bob, QStringLiteral("cli"), {}};
    QVERIFY(engine().encrypt(asBob, key.keyId, QCA::SecureArray(QByteArrayLiteral("x"))).has_value());

    // A grant without operations is refused with the engine's reason.
    click("createGrantButton");
    dialog = m_view->grantsTab()->createDialog();
    QTest::keyClicks(dialog->findChild<QLineEdit *>(QStringLiteral("grantGranteeEdit")), bob);
    loaded.clear();
    QTest::mouseClick(dialog->findChild<QPushButton *>(QStringLiteral("grantOkButton")), Qt::LeftButton);
    QTRY_VERIFY(!loaded.isEmpty());
    QVERIFY2(m_view->grantsTab()->message().startsWith(QStringLiteral("The grant was not created. ValidationException: ")),
             qPrintable(m_view->grantsTab()->message()));

    table->selectRow(0);
    loaded.clear();
    click("revokeGrantButton");
    QTRY_VERIFY(!loaded.isEmpty());
    QCOMPARE(table->rowCount(), 0);
    QVERIFY(engine().listGrants(root(), key.keyId).value().grants.isEmpty());
    QVERIFY(!engine().encrypt(asBob, key.keyId, QCA::SecureArray(QByteArrayLiteral("x"))).has_value());
}

QKMS_GUI_TEST_MAIN(TestKeyDetailTabs)
#include "tst_key_detail_tabs.moc"
