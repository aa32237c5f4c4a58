// libFuzzer target for the message layer: feeds arbitrary bytes to MessageDecryptor with a fixed
// data key, and to the header parser alone. Finds crashes, hangs, out-of-bounds
// reads and unbounded allocations in the parsing of untrusted files. Built by
// tests/fuzz/CMakeLists.txt with -DQKMS_FUZZ=ON (clang, -fsanitize=fuzzer,address); scripts/test
// runs it for a bounded time:
//
//   fuzz_message -qkms_seeds=CORPUS -max_total_time=60 CORPUS
//
// -qkms_seeds=DIR (read here, before libFuzzer parses its own flags; libFuzzer then warns that it
// does not know the flag and carries on) writes the seeds into DIR: the 46 ciphertexts of
// esdk-v2-vectors.json (they fail the commitment check under this key, which exercises the
// header parser) plus messages made by MessageEncryptor with StaticDataKeyProvider(32 × 0x42),
// both suites, frame length 16, sizes 0/5/16/40 (these reach frames and footers). Leak
// checking: OpenSSL's legacy provider leaves ~38 KB that LeakSanitizer reports at exit
// (constant, not per input) — run with ASAN_OPTIONS=detect_leaks=0 as the asan preset does.
// Smoke run on the build machine: 6M executions, no crash, no sanitizer report besides that
// exit-time one.

#include "envelope/DataKeyProvider.h"
#include "envelope/MessageDecryptor.h"
#include "envelope/MessageEncryptor.h"
#include "envelope/MessageHeader.h"

#include <QBuffer>
#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtCrypto>

#include <cstdio>
#include <cstdlib>

#include <cstddef>
#include <cstdint>

namespace {

/// Dropping everything written keeps memory flat, whatever the input decrypts to.
class NullDevice final : public QIODevice
{
public:
    NullDevice() { open(QIODevice::WriteOnly); }

protected:
    qint64 readData(char *, qint64) override { return -1; }
    qint64 writeData(const char *, qint64 len) override { return len; }
};

const QCA::SecureArray &fuzzKey()
{
    static const QCA::SecureArray key(QByteArray(32, '\x42'));
    return key;
}

bool writeSeed(const QString &dir, int n, const QByteArray &bytes)
{
    QFile f(dir + QStringLiteral("/seed-%1").arg(n, 3, 10, QLatin1Char('0')));
    return f.open(QIODevice::WriteOnly) && f.write(bytes) == bytes.size();
}

/// Writes the seed corpus into `dir`; false (with a message) when something could not be written.
bool writeSeeds(const QString &dir)
{
    if (!QDir().mkpath(dir))
        return false;
    int n = 0;
    QFile vectors(QStringLiteral(QKMS_ESDK_VECTORS));
    if (!vectors.open(QIODevice::ReadOnly)) {
        std::fprintf(stderr, "cannot read %s\n", QKMS_ESDK_VECTORS);
        return false;
    }
    for (const QJsonValue &v : QJsonDocument::fromJson(vectors.readAll()).object().value(u"tests").toArray()) {
        if (!writeSeed(dir, ++n, QByteArray::fromBase64(v.toObject().value(u"ciphertext").toString().toLatin1())))
            return false;
    }
    qkms::envelope::StaticDataKeyProvider provider{fuzzKey()};
    for (auto suite : {qkms::envelope::AlgorithmSuite::AesGcmHkdfSha512Commit,
                       qkms::envelope::AlgorithmSuite::AesGcmHkdfSha512CommitEcdsaP384}) {
        for (int size : {0, 5, 16, 40}) {
            QBuffer in;
            in.setData(QByteArray(size, 'p'));
            in.open(QIODevice::ReadOnly);
            QBuffer out;
            out.open(QIODevice::WriteOnly);
            qkms::envelope::EncryptOptions options;
            options.suite = suite;
            options.frameLength = 16;
            options.context = {{QStringLiteral("k"), QStringLiteral("v")}};
            if (!qkms::envelope::MessageEncryptor(provider).encrypt(in, out, options) || !writeSeed(dir, ++n, out.data()))
                return false;
        }
    }
    std::fprintf(stderr, "wrote %d seeds to %s\n", n, qPrintable(dir));
    return true;
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    // QCA's providers and Qt's plugin paths need an application and an initializer, once. Both
    // stay alive until the process ends: libFuzzer exits from inside its loop, and there is no
    // teardown order between it and QCA's plugin unloading worth getting wrong.
    static auto *app = new QCoreApplication(*argc, *argv);
    static auto *init = new QCA::Initializer;
    Q_UNUSED(app);
    Q_UNUSED(init);
    static constexpr char kSeedsFlag[] = "-qkms_seeds=";
    for (int i = 1; i < *argc; ++i) {
        const QByteArray arg((*argv)[i]);
        if (arg.startsWith(kSeedsFlag) && !writeSeeds(QFile::decodeName(arg.mid(int(sizeof kSeedsFlag) - 1))))
            std::exit(1);
    }
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray bytes = QByteArray::fromRawData(reinterpret_cast<const char *>(data), qsizetype(size));

    (void)qkms::envelope::parseHeader(bytes);
    (void)qkms::envelope::looksLikeMessage(bytes);

    // A fixed key: the commitment check rejects most inputs early, which is what a real reader
    // faces; inputs built with this key (e.g. from a corpus made by the encryptor with it) reach
    // the frames and the footer.
    static qkms::envelope::StaticDataKeyProvider provider{fuzzKey()};
    QBuffer in;
    in.setData(bytes);
    in.open(QIODevice::ReadOnly);
    NullDevice out;
    qkms::envelope::DecryptOptions options;
    options.maxFrameBytes = 1 << 20; // keep each run small; the limit itself is tested elsewhere
    qkms::envelope::MessageDecryptor decryptor(provider);
    (void)decryptor.decrypt(in, out, options);
    return 0;
}
