// The Files pane driven like a user would: synthesised drag-and-drop on the drop zone (files,
// a folder, a mixed drop), the encrypt dialog, decryption back to the original bytes, cancel of
// large jobs (no output, no temporary file), a tampered file, an unknown key, an existing target,
// the Inspect view with the data key's ARN, a dropped tree mirrored under one output folder
// (same-named files never collide), and a write the system refuses part-way (the file size limit,
// which takes the disk-full path). Offscreen and deterministic.

#include "EncryptFilesDialog.h"
#include "EngineRunner.h"
#include "FileJobModel.h"
#include "FileSizeLimit.h"
#include "FilesPane.h"
#include "GuiTestMain.h"
#include "InspectFileDialog.h"
#include "VaultFixture.h"
#include "envelope/FileJob.h"
#include "envelope/KmsKeyring.h"
#include "iam/PrincipalStore.h"
#include "kms/KmsService.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QLabel>
#include <QLineEdit>
#include <QMimeData>
#include <QPushButton>
#include <QSpinBox>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>


using namespace qkms;
using model::FileJob;
using model::FileJobModel;

class TestFilesPane : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void encryptThenDecryptByDrop();
    void mixedFolderDropWithTheDefaultKey();
    void cancelLeavesNothingBehind();
    void tamperedFileFailsAndWritesNothing();
    void unknownKeyAndExistingTargetFail();
    void inspectShowsKeyArn();
    void accessDeniedNamesThePrincipal();
    void treeDropMirroredUnderOutputFolder();
    void fullDiskFailsTheJob();

private:
    template <typename T>
    T *child(QObject *root, const char *name)
    {
        return root->findChild<T *>(QString::fromLatin1(name));
    }
    void click(QWidget *w)
    {
        QVERIFY(w);
        QVERIFY2(w->isEnabled(), qPrintable(w->objectName()));
        QTest::mouseClick(w, Qt::LeftButton);
    }
    kms::KmsService &engine()
    {
        m_runner->waitForIdle(); // the test thread and the worker must not share the service
        return *m_service;
    }
    kms::Caller root() const { return {m_service->rootArn(), QStringLiteral("cli"), {}}; }
    QString path(const QString &name) const { return m_files.filePath(name); }
    static void write(const QString &file, const QByteArray &bytes)
    {
        QFile f(file);
        QVERIFY(f.open(QIODevice::WriteOnly));
        QCOMPARE(f.write(bytes), bytes.size());
    }
    static QByteArray read(const QString &file)
    {
        QFile f(file);
        return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
    }
    static QByteArray pattern(qsizetype size, char seed)
    {
        QByteArray b(size, Qt::Uninitialized);
        for (qsizetype i = 0; i < size; ++i)
            b[i] = char((i * 131 + seed) & 0xff);
        return b;
    }
    /// Drags `paths` onto the drop zone and drops them, as a file manager would.
    void drop(const QStringList &paths)
    {
        QWidget *zone = child<QWidget>(m_pane.get(), "fileDropZone");
        QVERIFY(zone);
        QList<QUrl> urls;
        for (const QString &p : paths)
            urls.append(QUrl::fromLocalFile(p));
        QMimeData mime;
        mime.setUrls(urls);
        const QPoint at = zone->rect().center();
        QDragEnterEvent enter(at, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(zone, &enter);
        QVERIFY(enter.isAccepted());
        QDragMoveEvent move(at, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(zone, &move);
        QVERIFY(move.isAccepted());
        QDropEvent dropEvent(QPointF(at), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(zone, &dropEvent);
        QVERIFY(dropEvent.isAccepted());
    }
    /// The encrypt dialog the drop opened, with `keyId` typed in (empty: keep the default).
    ui::EncryptFilesDialog *encryptDialog(const QString &keyId)
    {
        ui::EncryptFilesDialog *d = nullptr;
        [&] { QTRY_VERIFY((d = m_pane->encryptDialog()) && d->isVisible()); }();
        if (d && !keyId.isEmpty()) {
            auto *combo = child<QComboBox>(d, "keyIdCombo");
            combo->lineEdit()->clear();
            QTest::keyClicks(combo->lineEdit(), keyId);
        }
        return d;
    }
    void accept(ui::EncryptFilesDialog *d)
    {
        QVERIFY(d);
        click(child<QPushButton>(d, "encryptFilesOkButton"));
        QTRY_VERIFY(!m_pane->encryptDialog() || !m_pane->encryptDialog()->isVisible());
    }
    void waitForJobs() { QTRY_COMPARE_WITH_TIMEOUT(m_pane->activeJobCount(), 0, 30000); }
    FileJob jobFor(const QString &input)
    {
        for (int row = 0; row < m_pane->jobModel()->rowCount(); ++row)
            if (auto j = m_pane->jobModel()->jobAt(row); j && j->inputPath == input)
                return *j;
        return {};
    }
    /// Everything in `dir` whose name says it is a temporary file of a job.
    static QStringList leftovers(const QString &dir)
    {
        return QDir(dir).entryList({QStringLiteral("*.qkms-part")}, QDir::Files | QDir::Hidden);
    }
    /// Encrypts `file` under the test key through the pane.
    void encryptThroughPane(const QString &file)
    {
        drop({file});
        auto *d = encryptDialog(m_keyAlias);
        d->addContextPair(QStringLiteral("purpose"), QStringLiteral("test"));
        accept(d);
        waitForJobs();
        QCOMPARE(int(jobFor(file).state), int(FileJob::State::Done));
    }

    std::unique_ptr<test::VaultFixture> m_fx;
    std::unique_ptr<kms::KmsService> m_service;
    std::unique_ptr<model::EngineRunner> m_runner;
    std::unique_ptr<ui::FilesPane> m_pane;
    QTemporaryDir m_files;
    QString m_keyAlias = QStringLiteral("alias/test-files");
    QString m_keyArn;
};

void TestFilesPane::init()
{
    m_fx = std::make_unique<test::VaultFixture>();
    auto s = kms::KmsService::open(m_fx->vault(), QStringLiteral("eu-west-1"));
    QVERIFY(s.has_value());
    m_service = std::move(*s);
    const kms::KeyRecord key = m_service->createKey(root(), {}).value();
    m_keyArn = key.arn;
    QVERIFY(m_service->createAlias(root(), m_keyAlias, key.keyId).has_value());
    m_runner = std::make_unique<model::EngineRunner>();
    m_runner->setService(m_service.get(), {m_service->rootArn(), QStringLiteral("console"), {}});
    m_pane = std::make_unique<ui::FilesPane>(m_runner.get());
    m_pane->resize(1000, 700);
    m_pane->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_pane.get()));
    QDir(m_files.path()).removeRecursively();
    QVERIFY(QDir().mkpath(m_files.path()));
}

void TestFilesPane::cleanup()
{
    m_pane.reset();
    m_runner.reset();
    m_service.reset();
    m_fx.reset();
}

void TestFilesPane::encryptThenDecryptByDrop()
{
    const QByteArray small = pattern(1000, 1);
    const QByteArray big = pattern(300 * 1024 + 7, 2);
    write(path(QStringLiteral("a.txt")), small);
    write(path(QStringLiteral("empty.bin")), {});
    write(path(QStringLiteral("b.bin")), big);
    drop({path(QStringLiteral("a.txt")), path(QStringLiteral("empty.bin")), path(QStringLiteral("b.bin"))});
    ui::EncryptFilesDialog *d = encryptDialog(m_keyAlias);
    QCOMPARE(d->files().size(), 3);
    QVERIFY(!child<QCheckBox>(d, "overwriteCheck")->isChecked());
    d->addContextPair(QStringLiteral("department"), QStringLiteral("finance"));
    accept(d);
    waitForJobs();
    QCOMPARE(m_pane->jobModel()->rowCount(), 3);
    for (const QString &name : {QStringLiteral("a.txt"), QStringLiteral("empty.bin"), QStringLiteral("b.bin")}) {
        const FileJob j = jobFor(path(name));
        QVERIFY2(j.state == FileJob::State::Done, qPrintable(name + QStringLiteral(": ") + j.message));
        QCOMPARE(j.outputPath, path(name + QStringLiteral(".encrypted")));
        QCOMPARE(int(envelope::classifyFile(j.outputPath)), int(envelope::FileKind::Encrypted));
        QCOMPARE(j.percent(), 100);
    }
    QVERIFY(m_pane->summary().startsWith(QStringLiteral("3 of 3 files done")));
    QCOMPARE(read(path(QStringLiteral("a.txt"))), small); // the originals stay

    // Move the originals aside, then drop the encrypted files: they come back byte for byte.
    QDir aside(path(QStringLiteral("orig")));
    QVERIFY(QDir().mkpath(aside.path()));
    for (const QString &name : {QStringLiteral("a.txt"), QStringLiteral("empty.bin"), QStringLiteral("b.bin")})
        QVERIFY(QFile::rename(path(name), aside.filePath(name)));
    drop({path(QStringLiteral("a.txt.encrypted")), path(QStringLiteral("empty.bin.encrypted")),
          path(QStringLiteral("b.bin.encrypted"))});
    QVERIFY(!m_pane->encryptDialog() || !m_pane->encryptDialog()->isVisible()); // nothing to encrypt
    waitForJobs();
    const FileJob back = jobFor(path(QStringLiteral("b.bin.encrypted")));
    QVERIFY2(back.state == FileJob::State::Done, qPrintable(back.message));
    QCOMPARE(int(back.direction), int(FileJob::Direction::Decrypt));
    QCOMPARE(read(path(QStringLiteral("a.txt"))), small);
    QCOMPARE(read(path(QStringLiteral("b.bin"))), big);
    QVERIFY(QFileInfo::exists(path(QStringLiteral("empty.bin"))));
    QCOMPARE(QFileInfo(path(QStringLiteral("empty.bin"))).size(), 0);
    QVERIFY(m_pane->summary().startsWith(QStringLiteral("6 of 6 files done")));
    QCOMPARE(leftovers(m_files.path()), QStringList());

    // Clear finished empties the list.
    click(child<QPushButton>(m_pane.get(), "clearFinishedButton"));
    QCOMPARE(m_pane->jobModel()->rowCount(), 0);
}

void TestFilesPane::mixedFolderDropWithTheDefaultKey()
{
    // A folder holding a message (made by the CLI's code path) and, one level down, a plain file.
    const QString folder = path(QStringLiteral("mixed"));
    QVERIFY(QDir().mkpath(folder + QStringLiteral("/sub")));
    const QByteArray secret = pattern(70 * 1024, 3);
    const QByteArray plain = pattern(5000, 4);
    write(path(QStringLiteral("secret.txt")), secret);
    write(folder + QStringLiteral("/sub/plain.txt"), plain);
    {
        envelope::KmsKeyring keyring(engine(), root(), {m_keyAlias});
        QVERIFY(envelope::encryptFile(keyring, path(QStringLiteral("secret.txt")),
                                      folder + QStringLiteral("/secret.txt.encrypted"), {})
                    .has_value());
    }
    drop({folder});
    // The message is decrypted at once; the plain file waits for the dialog.
    ui::EncryptFilesDialog *d = encryptDialog({});
    QCOMPARE(d->files(), QStringList{folder + QStringLiteral("/sub/plain.txt")});
    QCOMPARE(d->keyIds(), QStringList{QStringLiteral("alias/aws/files")});
    accept(d);
    waitForJobs();
    const FileJob dec = jobFor(folder + QStringLiteral("/secret.txt.encrypted"));
    QVERIFY2(dec.state == FileJob::State::Done, qPrintable(dec.message));
    QCOMPARE(read(folder + QStringLiteral("/secret.txt")), secret);
    const FileJob enc = jobFor(folder + QStringLiteral("/sub/plain.txt"));
    QVERIFY2(enc.state == FileJob::State::Done, qPrintable(enc.message));

    // The AWS-managed key was made on first use and wraps the data key.
    const kms::KeyRecord managed = engine().describeKey(root(), QStringLiteral("alias/aws/files")).value();
    const auto header = envelope::inspectFile(enc.outputPath);
    QVERIFY(header.has_value());
    QCOMPARE(header->encryptedDataKeys.size(), 1);
    QCOMPARE(QString::fromUtf8(header->encryptedDataKeys.first().providerInfo), managed.arn);
}

void TestFilesPane::cancelLeavesNothingBehind()
{
    // Frames of one byte make the jobs slow enough to be caught running.
    const QString dir = path(QStringLiteral("big"));
    QVERIFY(QDir().mkpath(dir));
    write(dir + QStringLiteral("/one.bin"), pattern(6 * 1024 * 1024, 5));
    write(dir + QStringLiteral("/two.bin"), pattern(6 * 1024 * 1024, 6));
    drop({dir + QStringLiteral("/one.bin"), dir + QStringLiteral("/two.bin")});
    ui::EncryptFilesDialog *d = encryptDialog(m_keyAlias);
    child<QSpinBox>(d, "frameLengthSpin")->setValue(1);
    QCOMPARE(d->frameLength(), 1u);
    accept(d);
    QTRY_VERIFY_WITH_TIMEOUT(jobFor(dir + QStringLiteral("/one.bin")).bytesDone > 0, 20000);
    QCOMPARE(int(jobFor(dir + QStringLiteral("/one.bin")).state), int(FileJob::State::Running));
    // The job streams off the engine worker: an engine call gets through while it runs.
    bool engineFree = false;
    QVERIFY(m_runner->run(
        m_pane.get(), [](kms::KmsService &s, const kms::Caller &c) { return s.listKeys(c).has_value(); },
        [&engineFree](bool ok) { engineFree = ok; }));
    QTRY_VERIFY(engineFree);
    QCOMPARE(int(jobFor(dir + QStringLiteral("/one.bin")).state), int(FileJob::State::Running));

    // Cancel the first job through its row, then the rest with "Cancel all".
    auto *table = child<QTableView>(m_pane.get(), "fileJobTable");
    table->selectRow(m_pane->jobModel()->indexOf(jobFor(dir + QStringLiteral("/one.bin")).id));
    click(child<QPushButton>(m_pane.get(), "cancelJobButton"));
    QTRY_COMPARE(int(jobFor(dir + QStringLiteral("/one.bin")).state), int(FileJob::State::Cancelled));
    QVERIFY(jobFor(dir + QStringLiteral("/one.bin")).message.contains(QStringLiteral("CancelledException")));
    QVERIFY(jobFor(dir + QStringLiteral("/two.bin")).state != FileJob::State::Cancelled);
    click(child<QPushButton>(m_pane.get(), "cancelAllButton"));
    waitForJobs();
    QCOMPARE(int(jobFor(dir + QStringLiteral("/two.bin")).state), int(FileJob::State::Cancelled));
    QVERIFY(m_pane->summary().contains(QStringLiteral("2 cancelled")));
    // Neither output nor temporary file remains: only the inputs.
    QCOMPARE(QDir(dir).entryList(QDir::Files | QDir::Hidden | QDir::NoDotAndDotDot),
             (QStringList{QStringLiteral("one.bin"), QStringLiteral("two.bin")}));
}

void TestFilesPane::tamperedFileFailsAndWritesNothing()
{
    const QString file = path(QStringLiteral("report.csv"));
    write(file, pattern(200 * 1024, 7));
    encryptThroughPane(file);
    QVERIFY(QFile::remove(file));
    const QString message = file + QStringLiteral(".encrypted");
    QByteArray bytes = read(message);
    bytes[bytes.size() / 2] = char(bytes[bytes.size() / 2] ^ 0x01); // inside a frame
    write(message, bytes);

    drop({message});
    waitForJobs();
    const FileJob j = jobFor(message);
    QCOMPARE(int(j.state), int(FileJob::State::Failed));
    QCOMPARE(j.errorType, QStringLiteral("InvalidCiphertextException"));
    QVERIFY2(j.message.contains(QStringLiteral("tampered")), qPrintable(j.message));
    QVERIFY(j.message.contains(QStringLiteral("(InvalidCiphertextException)")));
    QVERIFY(!QFileInfo::exists(file));
    QCOMPARE(leftovers(m_files.path()), QStringList());
    QVERIFY(m_pane->summary().contains(QStringLiteral("1 failed")));
}

void TestFilesPane::unknownKeyAndExistingTargetFail()
{
    const QString file = path(QStringLiteral("notes.txt"));
    write(file, pattern(100, 8));
    drop({file});
    accept(encryptDialog(QStringLiteral("alias/no-such-key")));
    waitForJobs();
    FileJob j = jobFor(file);
    QCOMPARE(int(j.state), int(FileJob::State::Failed));
    QCOMPARE(j.errorType, QStringLiteral("NotFoundException"));
    QVERIFY2(j.message.startsWith(QStringLiteral("No such key")), qPrintable(j.message));
    QVERIFY(!QFileInfo::exists(file + QStringLiteral(".encrypted")));

    // An existing target is left alone unless the dialog's overwrite box is ticked.
    write(file + QStringLiteral(".encrypted"), "keep me");
    click(child<QPushButton>(m_pane.get(), "clearFinishedButton"));
    drop({file});
    accept(encryptDialog(m_keyAlias));
    waitForJobs();
    j = jobFor(file);
    QCOMPARE(j.errorType, QStringLiteral("AlreadyExistsException"));
    QVERIFY2(j.message.contains(QStringLiteral("notes.txt.encrypted already exists")), qPrintable(j.message));
    QCOMPARE(read(file + QStringLiteral(".encrypted")), QByteArray("keep me"));

    click(child<QPushButton>(m_pane.get(), "clearFinishedButton"));
    drop({file});
    ui::EncryptFilesDialog *d = encryptDialog(m_keyAlias);
    QTest::mouseClick(child<QCheckBox>(d, "overwriteCheck"), Qt::LeftButton, {}, QPoint(8, 8));
    QVERIFY(d->overwrite());
    accept(d);
    waitForJobs();
    QCOMPARE(int(jobFor(file).state), int(FileJob::State::Done));
    QCOMPARE(int(envelope::classifyFile(file + QStringLiteral(".encrypted"))), int(envelope::FileKind::Encrypted));

    // A reserved context key is refused in the dialog, before any job.
    click(child<QPushButton>(m_pane.get(), "clearFinishedButton"));
    drop({file});
    d = encryptDialog(m_keyAlias);
    d->addContextPair(QStringLiteral("aws-crypto-public-key"), QStringLiteral("x"));
    click(child<QPushButton>(d, "encryptFilesOkButton"));
    QVERIFY(d->isVisible());
    QVERIFY(child<QLabel>(d, "encryptFilesError")->text().contains(QStringLiteral("aws-crypto-")));
    click(child<QPushButton>(d, "encryptFilesCancelButton"));
    QCOMPARE(m_pane->jobModel()->rowCount(), 0);
}

void TestFilesPane::inspectShowsKeyArn()
{
    const QString file = path(QStringLiteral("plan.txt"));
    write(file, pattern(10, 9));
    encryptThroughPane(file);
    auto *table = child<QTableView>(m_pane.get(), "fileJobTable");
    table->selectRow(0);
    click(child<QPushButton>(m_pane.get(), "inspectSelectedButton"));
    ui::InspectFileDialog *d = m_pane->inspectDialog();
    QVERIFY(d);
    QTRY_VERIFY(d->isVisible());
    QCOMPARE(d->path(), file + QStringLiteral(".encrypted"));
    QTRY_VERIFY(d->accessChecked());
    QVERIFY(child<QLabel>(d, "inspectSuiteLabel")->text().startsWith(QStringLiteral("0x0478")));
    QCOMPARE(child<QLabel>(d, "inspectMessageIdLabel")->text().size(), 64);
    QCOMPARE(child<QLabel>(d, "inspectFrameLengthLabel")->text(), QStringLiteral("65536 bytes"));
    auto *context = child<QTableWidget>(d, "inspectContextTable");
    QCOMPARE(context->rowCount(), 1);
    QCOMPARE(context->item(0, 0)->text(), QStringLiteral("purpose"));
    QCOMPARE(context->item(0, 1)->text(), QStringLiteral("test"));
    auto *keys = child<QTableWidget>(d, "inspectKeysTable");
    QCOMPARE(keys->rowCount(), 1);
    QCOMPARE(keys->item(0, 0)->text(), QStringLiteral("aws-kms"));
    QCOMPARE(keys->item(0, 1)->text(), m_keyArn);
    QCOMPARE(keys->item(0, 2)->text(), QStringLiteral("Yes"));

    // Once the key is disabled, the same file says why it cannot be opened — still nothing decrypted.
    click(child<QPushButton>(d, "inspectCloseButton"));
    QVERIFY(engine().disableKey(root(), m_keyArn).has_value());
    m_pane->inspectFile(file + QStringLiteral(".encrypted"));
    d = m_pane->inspectDialog();
    QVERIFY(d);
    QTRY_VERIFY(d->accessChecked());
    keys = child<QTableWidget>(d, "inspectKeysTable");
    QCOMPARE(keys->item(0, 2)->text(), QStringLiteral("No"));
    QVERIFY2(keys->item(0, 3)->text().contains(QStringLiteral("DisabledException")), qPrintable(keys->item(0, 3)->text()));

    // A file that is not a message says so.
    m_pane->inspectFile(file);
    QVERIFY(m_pane->inspectDialog()->error().has_value());
    QVERIFY(!child<QLabel>(m_pane->inspectDialog(), "inspectStatusLabel")->text().isEmpty());
}

void TestFilesPane::accessDeniedNamesThePrincipal()
{
    const QString file = path(QStringLiteral("payroll.csv"));
    write(file, pattern(3000, 10));
    encryptThroughPane(file);
    QVERIFY(QFile::remove(file));
    // Bob exists but no policy lets him use the key.
    QVERIFY(engine().principals().createUser(root().principalArn, QStringLiteral("bob")));
    const QString bob = QStringLiteral("arn:aws:iam::%1:user/bob").arg(m_service->accountId());
    m_runner->setService(m_service.get(), {bob, QStringLiteral("console"), {}});

    const QString message = file + QStringLiteral(".encrypted");
    drop({message});
    waitForJobs();
    const FileJob j = jobFor(message);
    QCOMPARE(int(j.state), int(FileJob::State::Failed));
    QCOMPARE(j.errorType, QStringLiteral("AccessDeniedException"));
    QVERIFY2(j.message.startsWith(QStringLiteral("Not permitted: ")), qPrintable(j.message));
    QVERIFY2(j.message.contains(bob), qPrintable(j.message)); // AWS's wording names who was refused
    QVERIFY(!QFileInfo::exists(file));
    QCOMPARE(leftovers(m_files.path()), QStringList());

    // Inspect tells him the same without decrypting.
    m_pane->inspectFile(message);
    ui::InspectFileDialog *d = m_pane->inspectDialog();
    QVERIFY(d);
    QTRY_VERIFY(d->accessChecked());
    auto *keys = child<QTableWidget>(d, "inspectKeysTable");
    QCOMPARE(keys->item(0, 1)->text(), m_keyArn);
    QCOMPARE(keys->item(0, 2)->text(), QStringLiteral("No"));
    QVERIFY(keys->item(0, 3)->text().contains(QStringLiteral("AccessDeniedException")));
}

void TestFilesPane::treeDropMirroredUnderOutputFolder()
{
    // proj/a/x.txt and proj/b/x.txt, plus a loose x.txt from elsewhere: one output folder.
    const QString proj = path(QStringLiteral("proj"));
    QVERIFY(QDir().mkpath(proj + QStringLiteral("/a")) && QDir().mkpath(proj + QStringLiteral("/b")));
    QVERIFY(QDir().mkpath(path(QStringLiteral("other"))));
    write(proj + QStringLiteral("/a/x.txt"), pattern(3000, 8));
    write(proj + QStringLiteral("/b/x.txt"), pattern(4000, 9));
    write(path(QStringLiteral("other/x.txt")), pattern(5000, 10));
    write(path(QStringLiteral("other/kept.txt")), pattern(10, 11));
    const QString out = path(QStringLiteral("out"));
    QVERIFY(QDir().mkpath(out));
    write(out + QStringLiteral("/kept.txt.encrypted"), "already here");

    drop({proj, path(QStringLiteral("other/x.txt")), path(QStringLiteral("other/kept.txt"))});
    ui::EncryptFilesDialog *d = encryptDialog(m_keyAlias);
    QCOMPARE(d->files().size(), 4);
    QTest::keyClicks(child<QLineEdit>(d, "outputFolderEdit"), out);
    accept(d);
    waitForJobs();

    const QStringList expected{out + QStringLiteral("/proj/a/x.txt.encrypted"), out + QStringLiteral("/proj/b/x.txt.encrypted"),
                               out + QStringLiteral("/x.txt.encrypted")};
    const QStringList inputs{proj + QStringLiteral("/a/x.txt"), proj + QStringLiteral("/b/x.txt"), path(QStringLiteral("other/x.txt"))};
    for (qsizetype i = 0; i < inputs.size(); ++i) {
        const FileJob j = jobFor(inputs[i]);
        QVERIFY2(j.state == FileJob::State::Done, qPrintable(inputs[i] + QStringLiteral(": ") + j.message));
        QCOMPARE(j.outputPath, expected[i]);
        QCOMPARE(int(envelope::classifyFile(expected[i])), int(envelope::FileKind::Encrypted));
    }
    // The existing target is kept and only its job fails, saying so.
    const FileJob kept = jobFor(path(QStringLiteral("other/kept.txt")));
    QCOMPARE(int(kept.state), int(FileJob::State::Failed));
    QCOMPARE(kept.errorType, QStringLiteral("AlreadyExistsException"));
    QVERIFY2(kept.message.contains(QStringLiteral("already exists")), qPrintable(kept.message));
    QCOMPARE(read(out + QStringLiteral("/kept.txt.encrypted")), QByteArray("already here"));

    // Dropping the output folder decrypts each message next to itself, the tree intact.
    QVERIFY(QDir(proj).removeRecursively());
    QVERIFY(QFile::remove(out + QStringLiteral("/kept.txt.encrypted")));
    drop({out});
    waitForJobs();
    QCOMPARE(read(out + QStringLiteral("/proj/a/x.txt")), pattern(3000, 8));
    QCOMPARE(read(out + QStringLiteral("/proj/b/x.txt")), pattern(4000, 9));
    QCOMPARE(read(out + QStringLiteral("/x.txt")), pattern(5000, 10));
    QCOMPARE(leftovers(out), QStringList());
}

void TestFilesPane::fullDiskFailsTheJob()
{
    // The process's file size limit below the output makes write(2) fail part-way (EFBIG), as a
    // full disk would (ENOSPC; tst_cli_disk_full fills a real tmpfs).
    const QString dir = path(QStringLiteral("full"));
    QVERIFY(QDir().mkpath(dir));
    const QByteArray plain = pattern(5 * 1024 * 1024, 12);
    write(dir + QStringLiteral("/big.bin"), plain);
    drop({dir + QStringLiteral("/big.bin")});
    ui::EncryptFilesDialog *d = encryptDialog(m_keyAlias);
    {
        FileSizeLimit limit(3 * 1024 * 1024); // above the test vault, below the output
        QVERIFY(limit.ok());
        accept(d);
        waitForJobs();
    }

    const FileJob j = jobFor(dir + QStringLiteral("/big.bin"));
    QCOMPARE(int(j.state), int(FileJob::State::Failed));
    QCOMPARE(j.errorType, QStringLiteral("StorageException"));
    const QString target = dir + QStringLiteral("/big.bin.encrypted");
    QVERIFY2(j.message.contains(QStringLiteral("File too large while writing ") + target), qPrintable(j.message));
    QVERIFY2(j.message.contains(QStringLiteral("nothing was written")), qPrintable(j.message));
    QVERIFY(j.message.endsWith(QStringLiteral("(StorageException)")));
    // Only the input, as it was: no output, no temporary file.
    QCOMPARE(QDir(dir).entryList(QDir::Files | QDir::Hidden | QDir::NoDotAndDotDot), QStringList{QStringLiteral("big.bin")});
    QCOMPARE(read(dir + QStringLiteral("/big.bin")), plain);
    QVERIFY(m_pane->summary().contains(QStringLiteral("1 failed")));
}

QKMS_GUI_TEST_MAIN(TestFilesPane)
#include "tst_files_pane.moc"
