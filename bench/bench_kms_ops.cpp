// Operations per second of the engine, in process, audit included, printed beside `openssl speed`
// for the same primitives taken in the same run. Not a test: it never fails because a machine is slow.
//
//   scripts/dev build/release/bench/bench_kms_ops [seconds-per-figure] [only-operations-containing]
//
// Two figures per operation: operations per wall-clock second, and per second of this thread's
// CPU time. On a shared machine the second is the steadier one; the difference between them is
// mostly the audit's fsync (one per group commit) and time the scheduler gave to others. With a
// filter (e.g. "Encrypt", for callgrind) only matching operations run and openssl is skipped.

#include "AccessKeyFixture.h"
#include "core/Clock.h"
#include "iam/PrincipalStore.h"
#include "kms/KmsService.h"
#include "primitives/Primitives.h"
#include "vault/Vault.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtCrypto>

#include <cstdio>
#include <ctime>
#include <functional>

using namespace qkms;

namespace {

double threadCpuSeconds()
{
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

struct Rate {
    double wall = 0; ///< operations per wall-clock second
    double cpu = 0;  ///< operations per second of this thread's CPU time
};

Rate opsPerSecond(double seconds, const std::function<bool()> &op)
{
    QElapsedTimer t;
    t.start();
    const double cpuStart = threadCpuSeconds();
    qint64 n = 0;
    const qint64 budget = static_cast<qint64>(seconds * 1e9);
    while (t.nsecsElapsed() < budget) {
        for (int i = 0; i < 16; ++i) {
            if (!op()) {
                std::fprintf(stderr, "operation failed\n");
                return {};
            }
        }
        n += 16;
    }
    const double cpu = threadCpuSeconds() - cpuStart;
    return {static_cast<double>(n) / (static_cast<double>(t.nsecsElapsed()) / 1e9),
            cpu > 0 ? static_cast<double>(n) / cpu : 0.0};
}

/// Runs and prints one figure unless the filter excludes it.
Rate measure(const char *name, const QString &filter, double seconds, const std::function<bool()> &op)
{
    if (!filter.isEmpty() && !QString::fromLatin1(name).contains(filter))
        return {};
    const Rate r = opsPerSecond(seconds, op);
    std::printf("%-34s %14.0f %14.0f\n", name, r.wall, r.cpu);
    std::fflush(stdout);
    return r;
}

// The last figure of `openssl speed` for one algorithm: operations (or blocks) per second.
QString opensslSpeed(const QStringList &args, const QRegularExpression &pattern, int group)
{
    QProcess p;
    p.start(QStringLiteral("openssl"), QStringList{QStringLiteral("speed")} + args);
    if (!p.waitForFinished(120000))
        return QStringLiteral("(openssl speed timed out)");
    const QString text = QString::fromUtf8(p.readAllStandardOutput());
    QRegularExpressionMatch m;
    QString last;
    auto it = pattern.globalMatch(text);
    while (it.hasNext())
        last = it.next().captured(group);
    return last.isEmpty() ? QStringLiteral("(not found in openssl output)") : last;
}

} // namespace

int main(int argc, char **argv)
{
    QCA::Initializer qcaInit;
    QCoreApplication app(argc, argv);
    const double secs = argc > 1 ? QString::fromLatin1(argv[1]).toDouble() : 2.0;
    const QString filter = argc > 2 ? QString::fromLatin1(argv[2]) : QString();

    QTemporaryDir dir;
    SystemClock clock;
    auto vault = vault::Vault::create(dir.path() + QStringLiteral("/v"), QCA::SecureArray(QByteArrayLiteral("bench passphrase")),
                                      clock, vault::KdfCost{1000});
    if (!vault) {
        std::fprintf(stderr, "%s\n", qPrintable(vault.error().toString()));
        return 1;
    }
    auto svc = kms::KmsService::open(**vault, QStringLiteral("us-east-1"));
    const kms::Caller root{(*svc)->rootArn(), QStringLiteral("bench"), {}};
    kms::CreateKeyRequest sym;
    auto key = (*svc)->createKey(root, sym);
    kms::CreateKeyRequest rsaReq;
    rsaReq.keySpec = QStringLiteral("RSA_2048");
    rsaReq.keyUsage = QStringLiteral("SIGN_VERIFY");
    auto rsa = (*svc)->createKey(root, rsaReq);
    kms::CreateKeyRequest ecReq;
    ecReq.keySpec = QStringLiteral("ECC_NIST_P256");
    ecReq.keyUsage = QStringLiteral("SIGN_VERIFY");
    auto ec = (*svc)->createKey(root, ecReq);
    if (!key || !rsa || !ec)
        return 1;

    const QCA::SecureArray plaintext(crypto::randomBytes(4096));
    const kms::EncryptionContext context{{QStringLiteral("purpose"), QStringLiteral("bench")}};
    auto blob = (*svc)->encrypt(root, key->keyId, plaintext, context);
    if (!blob)
        return 1;
    const QByteArray message = crypto::randomBytes(256);

    // An IAM user allowed by an identity policy (the default key policy delegates to IAM), as the
    // endpoint's callers are: the account root's decisions are remembered, a user's go through
    // its identity policies.
    if (!(*svc)->principals().createUser(root.principalArn, QStringLiteral("bench"))
        || !(*svc)->principals().putPolicy(root.principalArn, iam::PrincipalKind::User, QStringLiteral("bench"),
                                           QStringLiteral("all-kms"), test::AccessKeyFixture::allowAllKmsPolicy()))
        return 1;
    const kms::Caller user{QStringLiteral("arn:aws:iam::%1:user/bench").arg((*svc)->accountId()),
                           QStringLiteral("bench"), {}};

    std::printf("qkms engine, one thread, audit included (%.1f s per figure)\n\n", secs);
    std::printf("%-34s %14s %14s\n", "operation", "ops/s", "ops/CPU-s");
    const double enc = measure("Encrypt (4 KiB, context)", filter, secs, [&] {
        return bool((*svc)->encrypt(root, key->keyId, plaintext, context));
    }).wall;
    measure("Decrypt (4 KiB, context)", filter, secs,
            [&] { return bool((*svc)->decrypt(root, blob->ciphertextBlob, context)); });
    measure("GenerateDataKey (AES_256)", filter, secs, [&] {
        return bool((*svc)->generateDataKey(root, key->keyId, context, QStringLiteral("AES_256"), std::nullopt));
    });
    measure("Encrypt 4 KiB as IAM user", filter, secs, [&] {
        return bool((*svc)->encrypt(user, key->keyId, plaintext, context));
    });
    measure("GenerateDataKey as IAM user", filter, secs, [&] {
        return bool((*svc)->generateDataKey(user, key->keyId, context, QStringLiteral("AES_256"), std::nullopt));
    });
    const double signRsa = measure("Sign RSA-2048 PSS SHA-256", filter, secs, [&] {
        return bool((*svc)->sign(root, rsa->keyId, message, QStringLiteral("RAW"), QStringLiteral("RSASSA_PSS_SHA_256")));
    }).wall;
    const double signEc = measure("Sign ECDSA P-256 SHA-256", filter, secs, [&] {
        return bool((*svc)->sign(root, ec->keyId, message, QStringLiteral("RAW"), QStringLiteral("ECDSA_SHA_256")));
    }).wall;
    if (!filter.isEmpty())
        return 0;

    std::printf("\nreference, same machine, same run (openssl speed, one thread)\n");
    // "AES-256-GCM    8315730.23k": thousands of bytes per second for 4096-byte blocks.
    const QString gcm = opensslSpeed({QStringLiteral("-evp"), QStringLiteral("aes-256-gcm"), QStringLiteral("-bytes"),
                                      QStringLiteral("4096"), QStringLiteral("-seconds"), QString::number(int(secs))},
                                     QRegularExpression(QStringLiteral("AES-256-GCM\\s+([\\d.]+)k")), 1);
    // OpenSSL 3.5 prints an encapsulation table, then "rsa2048 keygen signs verify keygens/s sign/s verify/s";
    // the last matching line is the signing one.
    const QString rsaSpeed = opensslSpeed({QStringLiteral("-seconds"), QString::number(int(secs)), QStringLiteral("rsa2048")},
                                          QRegularExpression(QStringLiteral("rsa2048\\s+[\\d.]+s\\s+[\\d.]+s\\s+[\\d.]+s\\s+[\\d.]+\\s+([\\d.]+)")), 1);
    const QString ecdsa = opensslSpeed({QStringLiteral("-seconds"), QString::number(int(secs)), QStringLiteral("ecdsap256")},
                                       QRegularExpression(QStringLiteral("256 bits ecdsa \\(nistp256\\)\\s+[\\d.]+s\\s+[\\d.]+s\\s+([\\d.]+)")), 1);
    const double gcmOps = gcm.toDouble() * 1000.0 / 4096.0;
    std::printf("%-34s %14.0f   (qkms Encrypt = %.1f%% of it)\n", "AES-256-GCM 4 KiB blocks", gcmOps,
                gcmOps > 0 ? 100.0 * enc / gcmOps : 0.0);
    std::printf("%-34s %14s   (qkms Sign RSA = %.1f%%)\n", "RSA-2048 sign", qPrintable(rsaSpeed),
                rsaSpeed.toDouble() > 0 ? 100.0 * signRsa / rsaSpeed.toDouble() : 0.0);
    std::printf("%-34s %14s   (qkms Sign P-256 = %.1f%%)\n", "ECDSA P-256 sign", qPrintable(ecdsa),
                ecdsa.toDouble() > 0 ? 100.0 * signEc / ecdsa.toDouble() : 0.0);
    std::printf("%-34s %14d\n", "AWS default quota (symmetric/s)", 10000);
    return 0;
}
