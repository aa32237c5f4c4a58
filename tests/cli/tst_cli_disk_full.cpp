// encrypt-file and decrypt-file onto a file system that really fills up: the real qkms binary
// runs in a private mount namespace over a 256 KiB tmpfs (unshare(1); as root inside the build
// root, or with an unprivileged user namespace elsewhere), so its write(2) fails with ENOSPC
// part-way. The command must exit 254 with "No space left on device while writing <target>",
// and the file system must be left empty — no output, no temporary file — with the input as it
// was. The listing is taken inside the namespace, where the tmpfs is visible. Where no namespace
// can mount (an unprivileged container), the tests skip with the reason; tst_file_job_disk_full
// and tst_files_pane cover the same path through the file size limit in every environment.

#include "CliRunner.h"
#include "TestMain.h"
#include "VaultFixture.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>

using namespace qkms;
using namespace qkms::test;
using namespace Qt::StringLiterals;

namespace {

/// Mounts the tmpfs on $1 (after making its parent mount private, so nothing propagates out
/// when unshare could not), runs the rest, then lists $1 — all inside the namespace.
constexpr auto kScript = R"sh(dir=$1; shift
if [ "$QKMS_MAKE_PRIVATE" = 1 ]; then mount --make-private "$(findmnt -n -o TARGET -T "$dir")" || exit 0; fi
mount -t tmpfs -o size=256k qkms-full "$dir" || exit 0
echo @@MOUNTED
"$@"
rc=$?
echo @@LISTING
ls -A "$dir"
exit $rc
)sh";

/// What one run in the small file system did.
struct SmallFsRun {
    bool mounted = false;
    int exitCode = -1;
    QString err;           ///< qkms's stderr
    QStringList listing;   ///< the tmpfs afterwards, hidden files included
};

} // namespace

class TestCliDiskFull : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void encryptFillsTheDisk();
    void decryptFillsTheDisk();
    void smallFileFits();

private:
    /// Runs qkms `args` with the tmpfs mounted on m_full; tries each way of getting a mount
    /// namespace until one mounts (remembered for the next runs).
    SmallFsRun runInSmallFs(const QStringList &args)
    {
        // Unprivileged user namespace (a developer's machine); root with a private mount
        // namespace (a CI container); root inside a chroot, whose "/" is no mount point, so
        // unshare cannot change its propagation and the script makes the parent mount private.
        const QList<QStringList> ways{{u"--user"_s, u"--map-root-user"_s, u"--mount"_s},
                                      {u"--mount"_s},
                                      {u"--mount"_s, u"--propagation"_s, u"unchanged"_s}};
        QStringList qkms{binaryPath(u"qkms"_s), u"--vault"_s, m_vault, u"--region"_s, u"us-east-1"_s};
        qkms += args;
        SmallFsRun run;
        for (qsizetype i = m_way < 0 ? 0 : m_way; i < ways.size() && !run.mounted; ++i) {
            QProcessEnvironment env;
            env.insert(u"QKMS_PASSPHRASE"_s, QString::fromUtf8(kPassphrase));
            env.insert(u"QKMS_MAKE_PRIVATE"_s, i == 2 ? u"1"_s : u"0"_s);
            const CliResult r = runProgram(u"unshare"_s, ways[i] + QStringList{u"sh"_s, u"-c"_s, QLatin1String(kScript),
                                                                               u"sh"_s, m_full} + qkms,
                                           env);
            const QString out = r.outText();
            if (!out.startsWith(u"@@MOUNTED\n"_s)) {
                m_failures += u"unshare %1: %2"_s.arg(ways[i].join(u' '), r.errText().trimmed());
                continue;
            }
            m_way = int(i);
            run.mounted = true;
            run.exitCode = r.exitCode;
            run.err = r.errText();
            run.listing = out.section(u"@@LISTING\n"_s, 1).split(u'\n', Qt::SkipEmptyParts);
        }
        return run;
    }
    static QByteArray read(const QString &path)
    {
        QFile f(path);
        return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
    }
    static bool write(const QString &path, const QByteArray &bytes)
    {
        QFile f(path);
        return f.open(QIODevice::WriteOnly) && f.write(bytes) == bytes.size();
    }
    /// Fails the test unless `run` ended as a full disk must.
    void expectDiskFull(const SmallFsRun &run, const QString &operation, const QString &target)
    {
        QCOMPARE(run.exitCode, 254);
        QVERIFY2(run.err.contains(u"An error occurred (StorageException) when calling the %1 operation"_s.arg(operation)),
                 qPrintable(run.err));
        QVERIFY2(run.err.contains(u"No space left on device while writing %1"_s.arg(target)), qPrintable(run.err));
        QCOMPARE(run.listing, QStringList()); // neither the output nor its temporary file
    }

    QTemporaryDir m_tmp;
    QString m_vault;
    QString m_full;  ///< the mount point (an empty folder outside the namespace)
    QString m_input; ///< 1 MiB of plaintext
    QString m_message;
    QByteArray m_plain;
    QByteArray m_messageBytes;
    int m_way = -1;
    QStringList m_failures;
};

void TestCliDiskFull::initTestCase()
{
    QVERIFY(m_tmp.isValid());
    m_vault = m_tmp.filePath(u"vault"_s);
    const CliResult init = runQkms(m_vault, {u"--region"_s, u"us-east-1"_s, u"init"_s}, kPassphrase);
    QVERIFY2(init.exitCode == 0, init.err.constData());
    m_full = m_tmp.filePath(u"full"_s);
    QVERIFY(QDir().mkpath(m_full));
    m_input = m_tmp.filePath(u"big.bin"_s);
    m_plain = QByteArray("\x00\xff payroll \r\n", 13).repeated(80 * 1024); // ~1 MiB
    QVERIFY(write(m_input, m_plain));
    m_message = m_tmp.filePath(u"big.bin.encrypted"_s);
    const CliResult enc = runQkms(m_vault, {u"--region"_s, u"us-east-1"_s, u"encrypt-file"_s, m_input}, kPassphrase);
    QVERIFY2(enc.exitCode == 0, enc.err.constData());
    m_messageBytes = read(m_message);
    QVERIFY(m_messageBytes.size() > m_plain.size());
    // Find, once, the way to mount a tmpfs here; without one none of the cases can run.
    if (!runInSmallFs({u"--version"_s}).mounted)
        QSKIP(qPrintable(u"no mount namespace can mount a tmpfs here: "_s + m_failures.join(u"; "_s)));
}

void TestCliDiskFull::encryptFillsTheDisk()
{
    const QString target = m_full + u"/big.bin.encrypted"_s;
    const SmallFsRun run = runInSmallFs({u"encrypt-file"_s, m_input, u"--output"_s, target});
    QVERIFY(run.mounted);
    expectDiskFull(run, u"EncryptFile"_s, target);
    QCOMPARE(read(m_input), m_plain);
}

void TestCliDiskFull::decryptFillsTheDisk()
{
    const QString target = m_full + u"/big.bin"_s;
    const SmallFsRun run = runInSmallFs({u"decrypt-file"_s, m_message, u"--output"_s, target});
    QVERIFY(run.mounted);
    expectDiskFull(run, u"DecryptFile"_s, target);
    QCOMPARE(read(m_message), m_messageBytes);
}

void TestCliDiskFull::smallFileFits()
{
    // The control: the same file system takes a file that fits, so the failures above are the
    // disk's and not the set-up's.
    const QString small = m_tmp.filePath(u"small.txt"_s);
    QVERIFY(write(small, m_plain.left(10 * 1024)));
    const SmallFsRun run = runInSmallFs({u"encrypt-file"_s, small, u"--output"_s, m_full + u"/small.txt.encrypted"_s});
    QVERIFY(run.mounted);
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));
    QCOMPARE(run.listing, QStringList{u"small.txt.encrypted"_s});
}

QKMS_TEST_MAIN(TestCliDiskFull)
#include "tst_cli_disk_full.moc"
