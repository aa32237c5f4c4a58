// File encryption throughput: `encryptFile` / `decryptFile` of 1 GiB on tmpfs, one thread, data
// keys from the real engine — printed beside `openssl speed -evp aes-256-gcm` (one core) and
// beside `age` (X25519 recipient mode) on the same file, all in the same run, with the peak RSS
// of this process. Not a test: figures are printed, never asserted.
//
//   scripts/dev build/<dir>/bench/bench_files [MiB]        (default 1024; build Release)
//
// tmpfs keeps the disk out of the figures (/dev/shm; /tmp with a note when /dev/shm is missing,
// not tmpfs, or too small). Timings include opening, fsync (a no-op on tmpfs) and the rename.

#include "core/Clock.h"
#include "envelope/FileJob.h"
#include "envelope/KmsKeyring.h"
#include "kms/KmsService.h"
#include "vault/Vault.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtCrypto>

#include <cstdio>
#include <functional>
#include <linux/magic.h>
#include <random>
#include <sys/resource.h>
#include <sys/statfs.h>

using namespace qkms;

namespace {

constexpr qint64 MiB = 1024 * 1024;

/// A tmpfs directory with room for `need` bytes, else /tmp; `note` says which and why.
QString workDirectory(qint64 need, QString &note)
{
    struct statfs fs {};
    if (::statfs("/dev/shm", &fs) == 0 && fs.f_type == TMPFS_MAGIC) {
        if (qint64(fs.f_bavail) * qint64(fs.f_bsize) >= need)
            return QStringLiteral("/dev/shm");
        note = QStringLiteral("/dev/shm is too small; on /tmp, so the disk may show in the figures");
    } else {
        note = QStringLiteral("/dev/shm is not tmpfs; on /tmp, so the disk may show in the figures");
    }
    if (::statfs("/tmp", &fs) == 0 && fs.f_type == TMPFS_MAGIC)
        note.clear(); // /tmp is tmpfs after all
    return QStringLiteral("/tmp");
}

/// Writes `size` pseudo-random bytes (incompressible enough for a cipher benchmark) in 1 MiB
/// steps, so that the setup does not set the peak RSS the jobs are measured by.
bool writeInput(const QString &path, qint64 size)
{
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly))
        return false;
    std::mt19937_64 rng(42);
    QByteArray chunk(MiB, Qt::Uninitialized);
    for (qint64 done = 0; done < size; done += chunk.size()) {
        auto *words = reinterpret_cast<quint64 *>(chunk.data());
        for (qsizetype i = 0; i < chunk.size() / 8; ++i)
            words[i] = rng();
        const qint64 n = std::min<qint64>(chunk.size(), size - done);
        if (f.write(chunk.constData(), n) != n)
            return false;
    }
    return true;
}

double seconds(const std::function<bool()> &run, bool &ok)
{
    QElapsedTimer t;
    t.start();
    ok = run();
    return double(t.nsecsElapsed()) / 1e9;
}

double peakRssMiB()
{
    struct rusage u {};
    ::getrusage(RUSAGE_SELF, &u);
    return double(u.ru_maxrss) / 1024.0; // ru_maxrss is in KiB on Linux
}

/// `openssl speed -evp ALG` on one core with 64 KiB blocks (qkms's frame length), in GB/s.
double opensslSpeed(const QString &algorithm, bool decrypt = false)
{
    QStringList args{QStringLiteral("speed"), QStringLiteral("-evp"), algorithm, QStringLiteral("-bytes"),
                     QStringLiteral("65536"), QStringLiteral("-seconds"), QStringLiteral("3")};
    if (decrypt)
        args.insert(1, QStringLiteral("-decrypt"));
    QProcess p;
    p.start(QStringLiteral("openssl"), args);
    if (!p.waitForFinished(60000))
        return 0;
    // "AES-256-GCM    3456789.12k" / "sha384    1234567.89k": thousands of bytes per second.
    const auto m = QRegularExpression(QStringLiteral("\\s([\\d.]+)k\\s*$"), QRegularExpression::MultilineOption)
                       .match(QString::fromUtf8(p.readAllStandardOutput()));
    return m.hasMatch() ? m.captured(1).toDouble() * 1000.0 / 1e9 : 0;
}

/// Copies `from` to `to` with 64 KiB reads and writes through QFile: the floor of any
/// file-to-file job on this file system (page allocation and two memory copies per byte).
bool copyFile(const QString &from, const QString &to)
{
    QFile in(from);
    QFile out(to);
    if (!in.open(QIODevice::ReadOnly) || !out.open(QIODevice::WriteOnly))
        return false;
    QByteArray buf(64 * 1024, Qt::Uninitialized);
    for (qint64 n; (n = in.read(buf.data(), buf.size())) > 0;)
        if (out.write(buf.constData(), n) != n)
            return false;
    return true;
}

/// Runs a program and returns its exit status (-1 when it could not start or timed out).
int runTool(const QString &program, const QStringList &args, QByteArray *stderrOut = nullptr)
{
    QProcess p;
    p.start(program, args);
    if (!p.waitForFinished(600000))
        return -1;
    if (stderrOut)
        *stderrOut = p.readAllStandardError();
    return p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
}

struct AgeFigures {
    double encrypt = 0;
    double decrypt = 0;
    QString note;
};

/// age in recipient mode (`age -p` wants a terminal): a fresh X25519 identity from age-keygen.
AgeFigures measureAge(const QString &dir, const QString &input, qint64 size)
{
    AgeFigures a;
    if (QStandardPaths::findExecutable(QStringLiteral("age")).isEmpty()
        || QStandardPaths::findExecutable(QStringLiteral("age-keygen")).isEmpty()) {
        a.note = QStringLiteral("age not installed (Debian package age)");
        return a;
    }
    const QString identity = dir + QStringLiteral("/age-identity.txt");
    QByteArray keygenErr;
    if (runTool(QStringLiteral("age-keygen"), {QStringLiteral("-o"), identity}, &keygenErr) != 0) {
        a.note = QStringLiteral("age-keygen failed");
        return a;
    }
    // age-keygen -o FILE prints "Public key: age1…" on stderr.
    const auto m = QRegularExpression(QStringLiteral("(age1[0-9a-z]+)")).match(QString::fromUtf8(keygenErr));
    if (!m.hasMatch()) {
        a.note = QStringLiteral("age-keygen printed no public key");
        return a;
    }
    const QString sealed = dir + QStringLiteral("/input.age");
    const QString opened = dir + QStringLiteral("/input.age.out");
    bool ok = false;
    const double enc = seconds([&] {
        return runTool(QStringLiteral("age"), {QStringLiteral("-r"), m.captured(1), QStringLiteral("-o"), sealed, input}) == 0;
    }, ok);
    if (ok)
        a.encrypt = double(size) / enc / 1e9;
    const double dec = seconds([&] {
        return runTool(QStringLiteral("age"), {QStringLiteral("-d"), QStringLiteral("-i"), identity, QStringLiteral("-o"), opened, sealed}) == 0;
    }, ok);
    if (ok && QFileInfo(opened).size() == size)
        a.decrypt = double(size) / dec / 1e9;
    QFile::remove(sealed);
    QFile::remove(opened);
    return a;
}

} // namespace

int main(int argc, char **argv)
{
    QCA::Initializer qcaInit;
    QCoreApplication app(argc, argv);
    const qint64 size = (argc > 1 ? QString::fromLatin1(argv[1]).toLongLong() : 1024) * MiB;
    if (size <= 0) {
        std::fprintf(stderr, "usage: bench_files [MiB]\n");
        return 2;
    }

    QString note;
    QTemporaryDir work(workDirectory(3 * size + 64 * MiB, note) + QStringLiteral("/qkms-bench-XXXXXX"));
    QTemporaryDir vaultDir;
    if (!work.isValid() || !vaultDir.isValid())
        return 1;
    SystemClock clock;
    auto vault = vault::Vault::create(vaultDir.path() + QStringLiteral("/v"), QCA::SecureArray(QByteArrayLiteral("bench passphrase")),
                                      clock, vault::KdfCost{1000});
    if (!vault)
        return 1;
    auto svc = kms::KmsService::open(**vault, QStringLiteral("us-east-1"));
    if (!svc)
        return 1;
    const kms::Caller root{(*svc)->rootArn(), QStringLiteral("bench"), {}};
    auto key = (*svc)->createKey(root, kms::CreateKeyRequest{});
    if (!key)
        return 1;
    envelope::KmsKeyring keyring(**svc, root, {key->arn});

    const QString input = work.filePath(QStringLiteral("input.bin"));
    if (!writeInput(input, size)) {
        std::fprintf(stderr, "cannot write %s\n", qPrintable(input));
        return 1;
    }
    const double rssBefore = peakRssMiB();
#ifdef NDEBUG
    const char *build = "Release build";
#else
    const char *build = "DEBUG BUILD: build Release for real figures";
#endif
    std::printf("qkms file jobs, %lld MiB in %s, one thread, %s%s%s\n\n", size / MiB, qPrintable(work.path()), build,
                note.isEmpty() ? "" : "\nnote: ", qPrintable(note));
    std::printf("%-50s %12s %10s\n", "", "encrypt", "decrypt");

    double qkmsEncrypt = 0;
    double qkmsDecrypt = 0;
    for (auto suite : {envelope::AlgorithmSuite::AesGcmHkdfSha512Commit, envelope::AlgorithmSuite::AesGcmHkdfSha512CommitEcdsaP384}) {
        const QString sealed = work.filePath(QStringLiteral("input.bin.encrypted"));
        const QString opened = work.filePath(QStringLiteral("input.out"));
        envelope::EncryptOptions options;
        options.suite = suite;
        bool encOk = false;
        bool decOk = false;
        const double enc = seconds([&] { return bool(envelope::encryptFile(keyring, input, sealed, options)); }, encOk);
        const double dec = seconds([&] { return bool(envelope::decryptFile(keyring, sealed, opened)); }, decOk);
        if (!encOk || !decOk || QFileInfo(opened).size() != size) {
            std::fprintf(stderr, "the %s round trip failed\n", qPrintable(envelope::hexId(quint16(suite))));
            return 1;
        }
        const double e = double(size) / enc / 1e9;
        const double d = double(size) / dec / 1e9;
        if (suite == envelope::AlgorithmSuite::AesGcmHkdfSha512Commit) {
            qkmsEncrypt = e;
            qkmsDecrypt = d;
        }
        std::printf("%-50s %7.2f GB/s %5.2f GB/s\n",
                    qPrintable(QStringLiteral("qkms %1, %2 KiB frames").arg(envelope::hexId(quint16(suite))).arg(envelope::kDefaultFrameLength / 1024)),
                    e, d);
        QFile::remove(sealed);
        QFile::remove(opened);
    }
    const double rssPeak = peakRssMiB();

    std::printf("\nreference, same machine, same run\n");
    bool copied = false;
    const QString copy = work.filePath(QStringLiteral("input.copy"));
    const double copySeconds = seconds([&] { return copyFile(input, copy); }, copied);
    QFile::remove(copy);
    if (copied)
        std::printf("%-50s %7.2f GB/s\n", "copy of the same file (QFile, 64 KiB: the I/O floor)", double(size) / copySeconds / 1e9);
    const double sslEnc = opensslSpeed(QStringLiteral("aes-256-gcm"));
    const double sslDec = opensslSpeed(QStringLiteral("aes-256-gcm"), true);
    std::printf("%-50s %7.2f GB/s %5.2f GB/s\n", "openssl speed -evp aes-256-gcm (1 core, 64 KiB)", sslEnc, sslDec);
    std::printf("%-50s %7.2f GB/s\n", "openssl speed -evp sha384 (bounds 0x0578)", opensslSpeed(QStringLiteral("sha384")));
    const AgeFigures age = measureAge(work.path(), input, size);
    if (age.note.isEmpty())
        std::printf("%-50s %7.2f GB/s %5.2f GB/s\n", "age -r (X25519, ChaCha20-Poly1305), same file", age.encrypt, age.decrypt);
    else
        std::printf("%-50s %s\n", "age", qPrintable(age.note));

    std::printf("\nqkms 0x0478 against openssl: encrypt %.0f%%, decrypt %.0f%%", sslEnc > 0 ? 100 * qkmsEncrypt / sslEnc : 0.0,
                sslDec > 0 ? 100 * qkmsDecrypt / sslDec : 0.0);
    if (age.encrypt > 0 && age.decrypt > 0)
        std::printf("; against age: encrypt %.1f×, decrypt %.1f×", qkmsEncrypt / age.encrypt, qkmsDecrypt / age.decrypt);
    std::printf("\npeak RSS of this process: %.1f MiB (%.1f MiB before the jobs)\n", rssPeak, rssBefore);
    return 0;
}
