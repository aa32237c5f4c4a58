// Where the files of a drop go: expandDrop keeps each file's path relative to the folder its
// dropped item sits in; planOutputs mirrors that under an output folder, and never gives two
// files of one drop the same output (nor an input's name), in either direction.

#include "OutputPlan.h"
#include "TestMain.h"

#include <QDir>
#include <QFile>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

using namespace qkms;
using namespace Qt::StringLiterals;
using model::DroppedFile;
using model::FileJob;

namespace {

bool touch(const QString &path)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write("x") == 1;
}

} // namespace

class TestOutputPlan : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void expandKeepsTheDroppedFolderName();
    void plan_data();
    void plan();
    void sameTreeTwiceNeverCollides();
};

void TestOutputPlan::expandKeepsTheDroppedFolderName()
{
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    const QString root = tmp.path();
    for (const QString &f : {u"proj/a/x.txt"_s, u"proj/b/x.txt"_s, u"proj/.hidden"_s, u"loose.txt"_s})
        QVERIFY(touch(root + u'/' + f));
    QVERIFY(QDir().mkpath(root + u"/empty"_s));

    const QList<DroppedFile> files = model::expandDrop(
        {root + u"/proj"_s, root + u"/loose.txt"_s, root + u"/empty"_s, root + u"/proj/a/x.txt"_s, root + u"/missing"_s});
    const QList<DroppedFile> expected{
        {root + u"/proj/.hidden"_s, u"proj/.hidden"_s},
        {root + u"/proj/a/x.txt"_s, u"proj/a/x.txt"_s},
        {root + u"/proj/b/x.txt"_s, u"proj/b/x.txt"_s},
        {root + u"/loose.txt"_s, u"loose.txt"_s},
        // proj/a/x.txt again: listed once; "missing" stays, for the pane to report.
        {root + u"/missing"_s, u"missing"_s},
    };
    QCOMPARE(files.size(), expected.size());
    for (qsizetype i = 0; i < files.size(); ++i) {
        QCOMPARE(files[i].path, expected[i].path);
        QCOMPARE(files[i].relativePath, expected[i].relativePath);
    }
}

void TestOutputPlan::plan_data()
{
    QTest::addColumn<QStringList>("paths"); // "absolute|relative"
    QTest::addColumn<bool>("decrypt");
    QTest::addColumn<QString>("folder");
    QTest::addColumn<QStringList>("outputs");

    QTest::newRow("next to each file") << QStringList{u"/d/a/x.txt|a/x.txt"_s, u"/d/b/x.txt|b/x.txt"_s} << false << QString()
                                       << QStringList{u"/d/a/x.txt.encrypted"_s, u"/d/b/x.txt.encrypted"_s};
    QTest::newRow("tree mirrored under the folder")
        << QStringList{u"/d/proj/a/x.txt|proj/a/x.txt"_s, u"/d/proj/b/x.txt|proj/b/x.txt"_s} << false << u"/out"_s
        << QStringList{u"/out/proj/a/x.txt.encrypted"_s, u"/out/proj/b/x.txt.encrypted"_s};
    QTest::newRow("same name from two dropped files")
        << QStringList{u"/d/a/x.txt|x.txt"_s, u"/d/b/x.txt|x.txt"_s, u"/d/c/x.txt|x.txt"_s} << false << u"/out"_s
        << QStringList{u"/out/x.txt.encrypted"_s, u"/out/x (2).txt.encrypted"_s, u"/out/x (3).txt.encrypted"_s};
    QTest::newRow("output would be another input")
        << QStringList{u"/d/x.txt|x.txt"_s, u"/d/x.txt.encrypted|x.txt.encrypted"_s} << false << QString()
        << QStringList{u"/d/x (2).txt.encrypted"_s, u"/d/x.txt.encrypted.encrypted"_s};
    QTest::newRow("hidden file numbered after its name")
        << QStringList{u"/d/a/.env|.env"_s, u"/d/b/.env|.env"_s} << false << u"/out"_s
        << QStringList{u"/out/.env.encrypted"_s, u"/out/.env (2).encrypted"_s};
    QTest::newRow("decrypt next to each file") << QStringList{u"/d/x.txt.encrypted|x.txt.encrypted"_s, u"/d/x.txt|x.txt"_s}
                                               << true << QString()
                                               << QStringList{u"/d/x (2).txt"_s, u"/d/x.txt.decrypted"_s};
    QTest::newRow("decrypt tree under the folder")
        << QStringList{u"/d/p/a/x.txt.encrypted|p/a/x.txt.encrypted"_s, u"/d/p/b/x.txt.encrypted|p/b/x.txt.encrypted"_s}
        << true << u"/out/"_s << QStringList{u"/out/p/a/x.txt"_s, u"/out/p/b/x.txt"_s};
    QTest::newRow("decrypt: suffix and no suffix meet")
        << QStringList{u"/d/y|y"_s, u"/d/y.decrypted.encrypted|y.decrypted.encrypted"_s} << true << QString()
        << QStringList{u"/d/y.decrypted"_s, u"/d/y (2).decrypted"_s};
}

void TestOutputPlan::plan()
{
    QFETCH(QStringList, paths);
    QFETCH(bool, decrypt);
    QFETCH(QString, folder);
    QFETCH(QStringList, outputs);
    QList<DroppedFile> files;
    for (const QString &p : paths)
        files.append({p.section(u'|', 0, 0), p.section(u'|', 1, 1)});
    QCOMPARE(model::planOutputs(files, decrypt ? FileJob::Direction::Decrypt : FileJob::Direction::Encrypt, folder),
             outputs);
}

void TestOutputPlan::sameTreeTwiceNeverCollides()
{
    // Many same-named files from real folders: every output distinct and none an input.
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    QStringList dropped;
    for (int i = 0; i < 12; ++i) {
        QVERIFY(touch(tmp.filePath(u"t%1/sub/report.pdf"_s.arg(i))));
        QVERIFY(touch(tmp.filePath(u"f%1/report.pdf"_s.arg(i))));
        dropped << tmp.filePath(u"t%1"_s.arg(i)) << tmp.filePath(u"f%1/report.pdf"_s.arg(i));
    }
    const QList<DroppedFile> files = model::expandDrop(dropped);
    QCOMPARE(files.size(), 24);
    const QStringList out = model::planOutputs(files, FileJob::Direction::Encrypt, tmp.filePath(u"out"_s));
    QSet<QString> distinct(out.begin(), out.end());
    QCOMPARE(distinct.size(), 24);
    QVERIFY(out.contains(tmp.filePath(u"out/t3/sub/report.pdf.encrypted"_s)));
    QVERIFY(out.contains(tmp.filePath(u"out/report (12).pdf.encrypted"_s)));
    for (const DroppedFile &f : files)
        QVERIFY(!distinct.contains(f.path));
}

QKMS_TEST_MAIN(TestOutputPlan)
#include "tst_output_plan.moc"
