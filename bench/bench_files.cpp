// File encryption throughput, data keys from the real engine: 1 GiB on tmpfs file to file (through
// encryptFile/decryptFile: temp file, fsync, rename) and a quarter of it memory to memory
// (QBuffer in, a null device out: the same pipeline without the file system, to compare with
// `openssl speed`), each with one thread and with all threads (EncryptOptions/DecryptOptions::
// threads) — printed beside `openssl speed -evp aes-256-gcm` (one core, and -multi with all
// cores) and beside `age` (X25519 recipient mode) on the same file, all in the same run, with
// the peak RSS of the file jobs. Not a test: figures are printed, never asserted.
//
//   scripts/dev build/<dir>/bench/bench_files [MiB]        (default 1024; build Release)
//
// tmpfs keeps the disk out of the figures (/dev/shm; /tmp with a note when /dev/shm is missing,
// not tmpfs, or too small).

#include "core/Clock.h"
#include "envelope/FileJob.h"
#include "envelope/KmsKeyring.h"
#include "envelope/MessageDecryptor.h"
#include "kms/KmsService.h"
#include "vault/Vault.h"

#include <QCoreApplication>
#include <QBuffer>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QThread>
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

/// User plus system CPU seconds of this process so far (all its threads).
double cpuSeconds()
{
    struct rusage u {};
    ::getrusage(RUSAGE_SELF, &u);
    return double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + double(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

double peakRssMiB()
{
    struct rusage u {};
    ::getrusage(RUSAGE_SELF, &u);
    return double(u.ru_maxrss) / 1024.0; // ru_maxrss is in KiB on Linux
}

/// `openssl speed -evp ALG` with 64 KiB blocks (qkms's frame length), in GB/s: on one core, or
/// with `-multi processes`.
/// openssl counts user CPU time unless `elapsed`: on a loaded machine the two differ a lot, so
/// the wall-clock figure is the one to compare with the wall-clock qkms runs.
double opensslSpeed(const QString &algorithm, bool decrypt = false, int processes = 1, bool elapsed = false)
{
    QStringList args{QStringLiteral("speed"), QStringLiteral("-evp"), algorithm, QStringLiteral("-bytes"),
                     QStringLiteral("65536"), QStringLiteral("-seconds"), QStringLiteral("3")};
    if (decrypt)
        args.insert(1, QStringLiteral("-decrypt"));
    if (processes > 1)
        args << QStringLiteral("-multi") << QString::number(processes);
    if (elapsed)
        args << QStringLiteral("-elapsed");
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


/// Discards what is written: the memory-to-memory runs' output.
class NullDevice : public QIODevice
{
public:
    NullDevice() { open(QIODevice::WriteOnly); }

protected:
    qint64 readData(char *, qint64) override { return -1; }
    qint64 writeData(const char *, qint64 n) override { return n; }
};

/// Encrypts (or decrypts) `from` into `to` through the real file job: temp file beside the
/// target, fsync, rename (overwriting the previous run's output).
bool fileJob(envelope::DataKeyProvider &keys, bool encrypt, const QString &from, const QString &to,
             envelope::AlgorithmSuite suite, int threads)
{
    envelope::FileJobOptions job;
    job.overwrite = true;
    job.threads = threads;
    if (encrypt) {
        envelope::EncryptOptions o;
        o.suite = suite;
        o.threads = threads;
        return bool(envelope::encryptFile(keys, from, to, o, job));
    }
    return bool(envelope::decryptFile(keys, from, to, job));
}

/// Memory to memory: encrypts `plain` (or decrypts `sealed`) into a null device.
bool memoryJob(envelope::DataKeyProvider &keys, bool encrypt, const QByteArray &plain, const QByteArray &sealed, int threads)
{
    QBuffer in;
    in.setData(encrypt ? plain : sealed);
    in.open(QIODevice::ReadOnly);
    NullDevice out;
    if (encrypt) {
        envelope::EncryptOptions o;
        o.threads = threads;
        return bool(envelope::MessageEncryptor(keys).encrypt(in, out, o));
    }
    envelope::DecryptOptions o;
    o.threads = threads;
    return bool(envelope::MessageDecryptor(keys).decrypt(in, out, o));
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
    const int allThreads = std::max(1, QThread::idealThreadCount());
#ifdef NDEBUG
    const char *build = "Release build";
#else
    const char *build = "DEBUG BUILD: build Release for real figures";
#endif
    std::printf("qkms file jobs, %lld MiB in %s, %s, %d KiB frames, 1 and %d threads%s%s\n\n", size / MiB,
                qPrintable(work.path()), build, int(envelope::kDefaultFrameLength / 1024), allThreads,
                note.isEmpty() ? "" : "\nnote: ", qPrintable(note));
    std::printf("%-50s %12s %10s\n", "", "encrypt", "decrypt");

    // [threads == all][file or memory] for 0x0478.
    double qkmsEnc[2][2] = {};
    double qkmsDec[2][2] = {};
    const QString sealed = work.filePath(QStringLiteral("input.bin.encrypted"));
    const QString opened = work.filePath(QStringLiteral("input.out"));
    for (auto suite : {envelope::AlgorithmSuite::AesGcmHkdfSha512Commit, envelope::AlgorithmSuite::AesGcmHkdfSha512CommitEcdsaP384}) {
        for (int threads : {1, allThreads}) {
            bool encOk = false;
            bool decOk = false;
            const double enc = seconds([&] { return fileJob(keyring, true, input, sealed, suite, threads); }, encOk);
            const double dec = seconds([&] { return fileJob(keyring, false, sealed, opened, suite, threads); }, decOk);
            if (!encOk || !decOk || QFileInfo(opened).size() != size) {
                std::fprintf(stderr, "the %s round trip failed\n", qPrintable(envelope::hexId(quint16(suite))));
                return 1;
            }
            const double e = double(size) / enc / 1e9;
            const double d = double(size) / dec / 1e9;
            if (suite == envelope::AlgorithmSuite::AesGcmHkdfSha512Commit) {
                qkmsEnc[threads > 1][0] = e;
                qkmsDec[threads > 1][0] = d;
            }
            std::printf("%-50s %7.2f GB/s %5.2f GB/s\n",
                        qPrintable(QStringLiteral("qkms %1, file to file, %2 thread(s)").arg(envelope::hexId(quint16(suite))).arg(threads)),
                        e, d);
            QFile::remove(sealed);
            QFile::remove(opened);
            if (allThreads == 1)
                break;
        }
    }
    const double rssPeak = peakRssMiB();

    // Memory to memory, after the peak RSS of the file jobs was taken: the buffers are large.
    const qint64 memSize = std::max<qint64>(MiB, size / 4);
    double qkmsCpuEnc = 0;
    double qkmsCpuDec = 0;
    {
        QByteArray plain(memSize, Qt::Uninitialized);
        QFile f(input);
        if (!f.open(QIODevice::ReadOnly) || f.read(plain.data(), memSize) != memSize)
            return 1;
        // The message to decrypt, made once, untimed.
        QByteArray message;
        {
            QBuffer in;
            in.setData(plain);
            in.open(QIODevice::ReadOnly);
            QBuffer out(&message);
            out.open(QIODevice::WriteOnly);
            if (!envelope::MessageEncryptor(keyring).encrypt(in, out))
                return 1;
        }
        for (int threads : {1, allThreads}) {
            bool encOk = false;
            bool decOk = false;
            const double cpu0 = cpuSeconds();
            const double enc = seconds([&] { return memoryJob(keyring, true, plain, message, threads); }, encOk);
            const double cpu1 = cpuSeconds();
            const double dec = seconds([&] { return memoryJob(keyring, false, plain, message, threads); }, decOk);
            const double cpu2 = cpuSeconds();
            if (!encOk || !decOk)
                return 1;
            qkmsEnc[threads > 1][1] = double(memSize) / enc / 1e9;
            qkmsDec[threads > 1][1] = double(memSize) / dec / 1e9;
            std::printf("%-50s %7.2f GB/s %5.2f GB/s\n",
                        qPrintable(QStringLiteral("qkms 0x0478, memory to memory (%1 MiB), %2 thread(s)").arg(memSize / MiB).arg(threads)),
                        qkmsEnc[threads > 1][1], qkmsDec[threads > 1][1]);
            if (threads == 1) {
                qkmsCpuEnc = double(memSize) / (cpu1 - cpu0) / 1e9;
                qkmsCpuDec = double(memSize) / (cpu2 - cpu1) / 1e9;
                std::printf("%-50s %7.2f GB/s %5.2f GB/s\n", "  same, per CPU second (as openssl speed counts)", qkmsCpuEnc, qkmsCpuDec);
            }
            if (allThreads == 1)
                break;
        }
    }

    std::printf("\nreference, same machine, same run\n");
    bool copied = false;
    const QString copy = work.filePath(QStringLiteral("input.copy"));
    const double copySeconds = seconds([&] { return copyFile(input, copy); }, copied);
    QFile::remove(copy);
    if (copied)
        std::printf("%-50s %7.2f GB/s\n", "copy of the same file (QFile, 64 KiB: the I/O floor)", double(size) / copySeconds / 1e9);
    const double sslEnc = opensslSpeed(QStringLiteral("aes-256-gcm"));
    const double sslDec = opensslSpeed(QStringLiteral("aes-256-gcm"), true);
    std::printf("%-50s %7.2f GB/s %5.2f GB/s\n", "openssl speed -evp aes-256-gcm (1 core, 64 KiB, CPU)", sslEnc, sslDec);
    const double sslEncWall = opensslSpeed(QStringLiteral("aes-256-gcm"), false, 1, true);
    const double sslDecWall = opensslSpeed(QStringLiteral("aes-256-gcm"), true, 1, true);
    std::printf("%-50s %7.2f GB/s %5.2f GB/s\n", "  same with -elapsed (wall clock, as qkms is timed)", sslEncWall, sslDecWall);
    double sslEncN = sslEnc;
    double sslDecN = sslDec;
    if (allThreads > 1) {
        sslEncN = opensslSpeed(QStringLiteral("aes-256-gcm"), false, allThreads);
        sslDecN = opensslSpeed(QStringLiteral("aes-256-gcm"), true, allThreads);
        std::printf("%-50s %7.2f GB/s %5.2f GB/s\n",
                    qPrintable(QStringLiteral("openssl speed -multi %1 -evp aes-256-gcm").arg(allThreads)), sslEncN, sslDecN);
    }
    std::printf("%-50s %7.2f GB/s\n", "openssl speed -evp sha384 (bounds 0x0578)", opensslSpeed(QStringLiteral("sha384")));
    const AgeFigures age = measureAge(work.path(), input, size);
    if (age.note.isEmpty())
        std::printf("%-50s %7.2f GB/s %5.2f GB/s\n", "age -r (X25519, ChaCha20-Poly1305), same file", age.encrypt, age.decrypt);
    else
        std::printf("%-50s %s\n", "age", qPrintable(age.note));

    const auto pct = [](double a, double b) { return b > 0 ? 100 * a / b : 0.0; };
    std::printf("\nqkms 0x0478 / openssl, 1 thread:  memory %.0f%% / %.0f%% (CPU time %.0f%% / %.0f%%), file %.0f%% / %.0f%% "
                "(encrypt / decrypt; wall clock against -elapsed)\n",
                pct(qkmsEnc[0][1], sslEncWall), pct(qkmsDec[0][1], sslDecWall), pct(qkmsCpuEnc, sslEnc), pct(qkmsCpuDec, sslDec),
                pct(qkmsEnc[0][0], sslEncWall), pct(qkmsDec[0][0], sslDecWall));
    std::printf("qkms 0x0478 / openssl, %d threads: memory %.0f%% / %.0f%%, file %.0f%% / %.0f%%\n", allThreads,
                pct(qkmsEnc[1][1], sslEncN), pct(qkmsDec[1][1], sslDecN), pct(qkmsEnc[1][0], sslEncN), pct(qkmsDec[1][0], sslDecN));
    if (age.encrypt > 0 && age.decrypt > 0)
        std::printf("qkms 0x0478 file to file against age: 1 thread %.1f× / %.1f×, %d threads %.1f× / %.1f×\n",
                    qkmsEnc[0][0] / age.encrypt, qkmsDec[0][0] / age.decrypt, allThreads, qkmsEnc[1][0] / age.encrypt,
                    qkmsDec[1][0] / age.decrypt);
    std::printf("peak RSS of this process over the file jobs: %.1f MiB (%.1f MiB before them)\n", rssPeak, rssBefore);
    return 0;
}
