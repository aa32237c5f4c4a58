#include "RegionListModel.h"
#include "TestMain.h"
#include "core/Regions.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>

using namespace qkms;

class TestRegionModel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void listsRegionsAndMarksUse();
};

void TestRegionModel::listsRegionsAndMarksUse()
{
    model::RegionListModel m;
    QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(m.rowCount(), awsRegions().size());
    const int row = m.indexOf(QStringLiteral("eu-west-1"));
    QVERIFY(row >= 0);
    QCOMPARE(m.regionAt(row), QStringLiteral("eu-west-1"));
    QCOMPARE(m.data(m.index(row), model::RegionListModel::InUseRole).toBool(), false);

    QSignalSpy changed(&m, &QAbstractItemModel::dataChanged);
    m.setRegionsInUse({QStringLiteral("eu-west-1"), QStringLiteral("us-east-1")});
    QCOMPARE(changed.count(), 2);
    QCOMPARE(m.data(m.index(row), model::RegionListModel::InUseRole).toBool(), true);
    QVERIFY(m.data(m.index(row), Qt::FontRole).isValid());
    m.setRegionsInUse({QStringLiteral("eu-west-1"), QStringLiteral("us-east-1")});
    QCOMPARE(changed.count(), 2); // nothing changed, nothing emitted
    m.setRegionsInUse({QStringLiteral("us-east-1")});
    QCOMPARE(changed.count(), 3);
    QCOMPARE(m.data(m.index(row), model::RegionListModel::InUseRole).toBool(), false);
}

QKMS_TEST_MAIN(TestRegionModel)
#include "tst_region_model.moc"
