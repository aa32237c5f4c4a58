// The Rotation schedules pane driven like a user would, offscreen, against the real engine and a
// manual clock: enabling rotation shows the next date (now + period); disabling turns it off;
// "Rotate now" adds a row to the key's history and moves "last rotation"; actions are off for AWS
// managed and asymmetric keys; a refused action shows the AWS exception; the forecast lists a
// scheduled deletion, in the list and on the timeline.

#include "EngineRunner.h"
#include "ForecastModel.h"
#include "ForecastTimeline.h"
#include "GuiTestMain.h"
#include "KeyText.h"
#include "RotationPane.h"
#include "ScheduleFilterProxyModel.h"
#include "ScheduleModel.h"
#include "VaultFixture.h"
#include "kms/KmsService.h"

#include <QCheckBox>
#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTableView>
#include <QTableWidget>

using namespace qkms;
using Column = model::ScheduleModel::Column;

class TestRotationPane : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void emptyStateAndDefaults();
    void enableRotationShowsNextDate();
    void changePeriodAndDisable();
    void rotateNowAddsToHistory();
    void awsManagedAndAsymmetricKeysHaveNoActions();
    void refusedActionShowsTheException();
    void forecastListsScheduledDeletion();

private:
    template <typename T>
    T *child(const char *name)
    {
        return m_pane->findChild<T *>(QString::fromLatin1(name));
    }
    QPushButton *button(const char *name) { return child<QPushButton>(name); }
    void click(const char *name)
    {
        auto *b = button(name);
        QVERIFY(b);
        QVERIFY2(b->isEnabled(), name);
        QTest::mouseClick(b, Qt::LeftButton);
    }
    kms::KmsService &engine()
    {
        m_runner->waitForIdle(); // the test thread and the worker must not share the service
        return *m_service;
    }
    kms::Caller root() const { return {m_service->rootArn(), QStringLiteral("cli"), {}}; }
    QString createKey(const QString &alias, const QString &spec = {}, const QString &usage = {})
    {
        kms::CreateKeyRequest r;
        if (!spec.isEmpty())
            r.keySpec = spec;
        if (!usage.isEmpty())
            r.keyUsage = usage;
        const QString id = engine().createKey(root(), r).value().keyId;
        if (!alias.isEmpty() && !engine().createAlias(root(), alias, id))
            qFatal("createAlias failed");
        return id;
    }
    /// Refreshes the pane (as the vault watcher would) and selects `keyId` once it is listed.
    void showAndSelect(const QString &keyId)
    {
        m_pane->refresh();
        QTRY_VERIFY(m_pane->proxy()->indexOf(keyId) >= 0);
        QVERIFY(m_pane->selectKey(keyId));
        QCOMPARE(m_pane->selectedKeyId(), keyId);
    }
    QString cell(const QString &keyId, int column)
    {
        const int row = m_pane->proxy()->indexOf(keyId);
        return row < 0 ? QString() : m_pane->proxy()->index(row, column).data().toString();
    }
    QString message() { return child<QLabel>("rotationPaneMessage")->text(); }

    std::unique_ptr<test::VaultFixture> m_fx;
    std::unique_ptr<kms::KmsService> m_service;
    std::unique_ptr<model::EngineRunner> m_runner;
    std::unique_ptr<ui::RotationPane> m_pane;
};

void TestRotationPane::init()
{
    m_fx = std::make_unique<test::VaultFixture>();
    auto s = kms::KmsService::open(m_fx->vault(), QStringLiteral("eu-west-1"));
    QVERIFY(s.has_value());
    m_service = std::move(*s);
    m_runner = std::make_unique<model::EngineRunner>();
    m_pane = std::make_unique<ui::RotationPane>(m_runner.get());
    m_pane->resize(1200, 800);
    m_pane->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_pane.get()));
    m_runner->setService(m_service.get(), {m_service->rootArn(), QStringLiteral("console"), {}});
    QTRY_VERIFY(m_pane->scheduleModel()->isLoaded());
}

void TestRotationPane::cleanup()
{
    m_pane.reset();
    m_runner.reset();
    m_service.reset();
    m_fx.reset();
}

void TestRotationPane::emptyStateAndDefaults()
{
    auto *empty = child<QLabel>("scheduleEmptyState");
    QTRY_VERIFY(empty->isVisible());
    QVERIFY2(empty->text().contains(QStringLiteral("No key in eu-west-1 can rotate yet")), qPrintable(empty->text()));
    auto *period = child<QSpinBox>("rotationPeriodSpin");
    QCOMPARE(period->minimum(), 90);
    QCOMPARE(period->maximum(), 2560);
    QCOMPARE(period->value(), 365);
    QCOMPARE(child<QSpinBox>("forecastDaysSpin")->value(), 90);
    QCOMPARE(child<QLabel>("awsManagedRotationNote")->text(),
             QStringLiteral("AWS managed keys rotate every 365 days. (Until May 2022 AWS rotated them every three years, "
                            "as older study material says.)"));
    for (const char *name : {"enableRotationButton", "disableRotationButton", "rotateNowButton"})
        QVERIFY2(!button(name)->isEnabled(), name); // nothing selected
    QVERIFY(child<QTableWidget>("rotationHistoryTable"));
    QVERIFY(m_pane->timeline());
}

void TestRotationPane::enableRotationShowsNextDate()
{
    const QString key = createKey(QStringLiteral("alias/payroll"));
    showAndSelect(key);
    QCOMPARE(cell(key, Column::KeyColumn), QStringLiteral("alias/payroll"));
    QCOMPARE(cell(key, Column::RotationColumn), QStringLiteral("Off"));
    QVERIFY(!button("disableRotationButton")->isEnabled());
    QCOMPARE(button("enableRotationButton")->text(), QStringLiteral("Enable rotation"));

    auto *period = child<QSpinBox>("rotationPeriodSpin");
    period->setValue(180);
    const QDateTime now = m_fx->clock().now();
    click("enableRotationButton");
    QTRY_VERIFY2(message().contains(QStringLiteral("is on")), qPrintable(message()));
    QVERIFY(message().contains(model::text::dateTime(now.addDays(180))));
    QTRY_COMPARE(cell(key, Column::RotationColumn), QStringLiteral("On"));
    QCOMPARE(cell(key, Column::PeriodColumn), QStringLiteral("180 days"));
    QCOMPARE(cell(key, Column::NextRotationColumn), model::text::dateTime(now.addDays(180)));
    QCOMPARE(cell(key, Column::DaysLeftColumn), QStringLiteral("180 days"));
    QCOMPARE(engine().getKeyRotationStatus(root(), key).value().nextRotationDate, now.addDays(180));
    // Still selected, and the actions follow the new state.
    QCOMPARE(m_pane->selectedKeyId(), key);
    QTRY_VERIFY(button("disableRotationButton")->isEnabled());
    QCOMPARE(button("enableRotationButton")->text(), QStringLiteral("Change period"));
    // The forecast shows it once the window reaches it.
    QCOMPARE(m_pane->forecastModel()->indexOf(key), -1);
    child<QSpinBox>("forecastDaysSpin")->setValue(200);
    QTRY_VERIFY(m_pane->forecastModel()->indexOf(key) >= 0);
}

void TestRotationPane::changePeriodAndDisable()
{
    const QString key = createKey(QStringLiteral("alias/orders"));
    QVERIFY(engine().enableKeyRotation(root(), key, 400).has_value());
    showAndSelect(key);
    auto *period = child<QSpinBox>("rotationPeriodSpin");
    QCOMPARE(period->value(), 400); // the key's own period

    // Changing the period restarts it from today.
    m_runner->waitForIdle();
    m_fx->clock().advanceDays(30);
    period->setValue(90);
    click("enableRotationButton");
    QTRY_COMPARE(cell(key, Column::PeriodColumn), QStringLiteral("90 days"));
    QCOMPARE(cell(key, Column::NextRotationColumn), model::text::dateTime(m_fx->clock().now().addDays(90)));

    QTRY_VERIFY(button("disableRotationButton")->isEnabled());
    click("disableRotationButton");
    QTRY_COMPARE(cell(key, Column::RotationColumn), QStringLiteral("Off"));
    QVERIFY(message().contains(QStringLiteral("is off")));
    QCOMPARE(cell(key, Column::NextRotationColumn), QStringLiteral("—"));
    QVERIFY(!engine().getKeyRotationStatus(root(), key).value().enabled);
    QTRY_VERIFY(!button("disableRotationButton")->isEnabled());
}

void TestRotationPane::rotateNowAddsToHistory()
{
    const QString key = createKey(QStringLiteral("alias/exports"));
    QSignalSpy history(m_pane.get(), &ui::RotationPane::historyLoaded);
    showAndSelect(key);
    QTRY_VERIFY(!history.isEmpty() && history.last().at(0).toString() == key);
    auto *table = child<QTableWidget>("rotationHistoryTable");
    QCOMPARE(table->rowCount(), 0);
    QVERIFY(child<QLabel>("rotationHistoryTitle")->text().contains(QStringLiteral("has not rotated yet")));
    QCOMPARE(cell(key, Column::LastRotationColumn), QStringLiteral("Never"));

    m_runner->waitForIdle();
    m_fx->clock().advanceDays(3);
    const QDateTime now = m_fx->clock().now();
    click("rotateNowButton");
    QTRY_COMPARE(table->rowCount(), 1);
    QCOMPARE(table->item(0, 0)->text(), model::text::dateTime(now));
    QCOMPARE(table->item(0, 1)->text(), QStringLiteral("On demand"));
    QCOMPARE(table->item(0, 2)->text(), QStringLiteral("Current"));
    QCOMPARE(table->item(0, 3)->text().size(), 64);
    QVERIFY(message().startsWith(QStringLiteral("Rotated alias/exports")));
    QTRY_COMPARE(cell(key, Column::LastRotationColumn), model::text::dateTime(now));

    // A second rotation comes first; the earlier material is no longer current.
    m_runner->waitForIdle();
    m_fx->clock().advanceDays(1);
    QTRY_VERIFY(button("rotateNowButton")->isEnabled());
    click("rotateNowButton");
    QTRY_COMPARE(table->rowCount(), 2);
    QCOMPARE(table->item(0, 0)->text(), model::text::dateTime(now.addDays(1)));
    QCOMPARE(table->item(1, 2)->text(), QStringLiteral("Previous"));
    QCOMPARE(engine().listKeyRotations(root(), key).value().rotations.size(), 2);
}

void TestRotationPane::awsManagedAndAsymmetricKeysHaveNoActions()
{
    const QString aws = engine().awsManagedKey(root(), QStringLiteral("files")).value().keyId;
    const QString rsa = createKey(QStringLiteral("alias/signing"), QStringLiteral("RSA_2048"), QStringLiteral("SIGN_VERIFY"));
    const QDateTime now = m_fx->clock().now();
    showAndSelect(aws);
    QCOMPARE(cell(aws, Column::RotationColumn), QStringLiteral("On (AWS managed)"));
    QCOMPARE(cell(aws, Column::PeriodColumn), QStringLiteral("365 days"));
    QCOMPARE(cell(aws, Column::NextRotationColumn), model::text::dateTime(now.addDays(365)));
    for (const char *name : {"enableRotationButton", "disableRotationButton", "rotateNowButton"})
        QVERIFY2(!button(name)->isEnabled(), name);
    QVERIFY(button("disableRotationButton")->toolTip().contains(QStringLiteral("AWS managed keys rotate every 365 days")));

    // Asymmetric keys are not listed until asked for, and then have no actions.
    QCOMPARE(m_pane->proxy()->indexOf(rsa), -1);
    child<QCheckBox>("showUnrotatableCheck")->setChecked(true);
    QVERIFY(m_pane->selectKey(rsa));
    QCOMPARE(cell(rsa, Column::RotationColumn), QStringLiteral("Not supported"));
    for (const char *name : {"enableRotationButton", "disableRotationButton", "rotateNowButton"})
        QVERIFY2(!button(name)->isEnabled(), name);
    QVERIFY(button("enableRotationButton")->toolTip().contains(QStringLiteral("Only symmetric")));
    QTRY_VERIFY(child<QLabel>("rotationHistoryTitle")->text().contains(QStringLiteral("cannot rotate")));
}

void TestRotationPane::refusedActionShowsTheException()
{
    const QString key = createKey(QStringLiteral("alias/stale"));
    showAndSelect(key);
    QVERIFY(button("enableRotationButton")->isEnabled());
    // Another process disables the key before the pane has noticed.
    QVERIFY(engine().disableKey(root(), key).has_value());
    click("enableRotationButton");
    QTRY_VERIFY2(message().startsWith(QStringLiteral("DisabledException: ")), qPrintable(message()));
    QVERIFY(child<QLabel>("rotationPaneMessage")->styleSheet().contains(QStringLiteral("#fdecea")));
    // The refresh after it shows the key as it is, and the actions no longer apply.
    QTRY_VERIFY(!button("enableRotationButton")->isEnabled());
    QVERIFY(button("enableRotationButton")->toolTip().contains(QStringLiteral("must be enabled")));
}

void TestRotationPane::forecastListsScheduledDeletion()
{
    const QString doomed = createKey(QStringLiteral("alias/old-exports"));
    QVERIFY(engine().scheduleKeyDeletion(root(), doomed, 7).has_value());
    const QDateTime now = m_fx->clock().now();
    showAndSelect(doomed);
    QCOMPARE(cell(doomed, Column::DeletionColumn),
             QStringLiteral("%1 (7 days left)").arg(model::text::dateTime(now.addDays(7))));
    QCOMPARE(cell(doomed, Column::NextRotationColumn), QStringLiteral("—"));
    QVERIFY(!button("rotateNowButton")->isEnabled()); // pending deletion

    model::ForecastModel *forecast = m_pane->forecastModel();
    QTRY_VERIFY(forecast->indexOf(doomed) >= 0);
    const int row = forecast->indexOf(doomed);
    QCOMPARE(forecast->entryAt(row).event.kind, kms::ScheduledEvent::Kind::Deletion);
    auto *list = child<QTableView>("forecastTable");
    QCOMPARE(list->model(), forecast);
    QCOMPARE(forecast->index(row, model::ForecastModel::KeyColumn).data().toString(), QStringLiteral("alias/old-exports"));
    QCOMPARE(forecast->index(row, model::ForecastModel::DaysColumn).data().toString(), QStringLiteral("in 7 days"));

    // On the timeline: one deletion marker, 7/90 of the way along, whose tooltip names the key.
    const QList<ui::ForecastTimeline::Marker> markers = m_pane->timeline()->markers();
    QCOMPARE(markers.size(), 1);
    QVERIFY(markers.at(0).deletion);
    QVERIFY(markers.at(0).tooltip.contains(QStringLiteral("alias/old-exports")));
    QWidget *timeline = m_pane->timeline();
    const qreal expectedX = 16 + (timeline->width() - 32) * 7.0 / 90.0;
    QVERIFY2(qAbs(markers.at(0).center.x() - expectedX) < 1.0, qPrintable(QString::number(markers.at(0).center.x())));
    QVERIFY(!timeline->grab().isNull());

    // A window shorter than the wait leaves it out.
    child<QSpinBox>("forecastDaysSpin")->setValue(5);
    QTRY_COMPARE(forecast->days(), 5);
    QCOMPARE(forecast->indexOf(doomed), -1);
    QVERIFY(m_pane->timeline()->markers().isEmpty());
}

QKMS_GUI_TEST_MAIN(TestRotationPane)
#include "tst_rotation_pane.moc"
