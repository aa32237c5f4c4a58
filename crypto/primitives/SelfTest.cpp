// Start-up self-test: is every algorithm qkms needs offered, and does each give the published
// answer? Modelled on KeePassXC's Crypto::init(): probe, run known-answer tests, and refuse to
// open a vault with a message that names what to install.
//
// QCA side: QCA::isSupported() for each name qkms uses, plus QCA::haveSecureRandom() (QCA
// silently falls back to a non-cryptographic RNG when no plugin offers "random").
// OpenSSL side: EVP fetches for the algorithms QCA cannot provide, and key-generation contexts
// for the key specs qkms creates (RSA, EC P-256, EC P-384).
//
// The known-answer tests for the QCA side call QCA directly, so a broken qca-ossl cannot hide
// behind the OpenSSL fallbacks in Hash.cpp, Hmac.cpp and Hkdf.cpp.

#include "primitives/SelfTest.h"

#include "primitives/Primitives.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/rsa.h>

#include <QSet>

#include <algorithm>
#include <functional>
#include <mutex>
#include <optional>

namespace qkms::crypto {

namespace {

const QString QcaPlugin = QStringLiteral("QCA provider qca-ossl (Debian package libqca-qt6-plugins)");
const QString OpenSslLibrary = QStringLiteral("OpenSSL 3 (Debian package libssl3t64)");

struct Probe {
    QString name;
    const QString &provider;
    std::function<bool()> present;
};

struct KnownAnswerTest {
    QString name;
    QStringList needs; ///< probe names; the test is skipped when one is missing (already reported)
    std::function<bool()> passes;
};

QCA::SecureArray secretFromHex(const char *hex)
{
    return QCA::SecureArray(QByteArray::fromHex(hex));
}

bool qcaSupports(const char *name)
{
    return QCA::isSupported(name);
}

bool opensslHasCipher(const char *name)
{
    EVP_CIPHER *c = EVP_CIPHER_fetch(nullptr, name, nullptr);
    EVP_CIPHER_free(c);
    return c != nullptr;
}

bool opensslHasKdfWith(const char *kdfName, const char *digestName)
{
    EVP_KDF *kdf = EVP_KDF_fetch(nullptr, kdfName, nullptr);
    EVP_MD *md = EVP_MD_fetch(nullptr, digestName, nullptr);
    const bool ok = kdf != nullptr && md != nullptr;
    EVP_KDF_free(kdf);
    EVP_MD_free(md);
    return ok;
}

// RSA: a keygen context that accepts 2048 bits (generating one here would cost ~100 ms).
bool opensslCanGenerateRsa()
{
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr);
    const bool ok = ctx != nullptr && EVP_PKEY_keygen_init(ctx) > 0 && EVP_PKEY_CTX_set_rsa_keygen_bits(ctx, 2048) > 0;
    EVP_PKEY_CTX_free(ctx);
    return ok;
}

// EC: generates a key on the curve, which takes well under a millisecond.
bool opensslCanGenerateEc(const char *group)
{
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr);
    EVP_PKEY *key = nullptr;
    const bool ok = ctx != nullptr && EVP_PKEY_keygen_init(ctx) > 0 && EVP_PKEY_CTX_set_group_name(ctx, group) > 0
        && EVP_PKEY_keygen(ctx, &key) > 0;
    EVP_PKEY_free(key);
    EVP_PKEY_CTX_free(ctx);
    return ok;
}

QList<Probe> probes()
{
    return {
        {QStringLiteral("random"), QcaPlugin, [] { return qcaSupports("random") && QCA::haveSecureRandom(); }},
        {QStringLiteral("sha1"), QcaPlugin, [] { return qcaSupports("sha1"); }},
        {QStringLiteral("sha256"), QcaPlugin, [] { return qcaSupports("sha256"); }},
        {QStringLiteral("sha384"), QcaPlugin, [] { return qcaSupports("sha384"); }},
        {QStringLiteral("sha512"), QcaPlugin, [] { return qcaSupports("sha512"); }},
        {QStringLiteral("hmac(sha256)"), QcaPlugin, [] { return qcaSupports("hmac(sha256)"); }},
        {QStringLiteral("hkdf(sha256)"), QcaPlugin, [] { return qcaSupports("hkdf(sha256)"); }},
        {QStringLiteral("aes256-gcm"), QcaPlugin, [] { return qcaSupports("aes256-gcm"); }},
        {QStringLiteral("AES-256-GCM"), OpenSslLibrary, [] { return opensslHasCipher("AES-256-GCM"); }},
        {QStringLiteral("HKDF-SHA512"), OpenSslLibrary, [] { return opensslHasKdfWith(OSSL_KDF_NAME_HKDF, "SHA512"); }},
        {QStringLiteral("PBKDF2-SHA512"), OpenSslLibrary,
         [] { return opensslHasKdfWith(OSSL_KDF_NAME_PBKDF2, "SHA512"); }},
        {QStringLiteral("RSA key generation"), OpenSslLibrary, [] { return opensslCanGenerateRsa(); }},
        {QStringLiteral("EC P-256 key generation"), OpenSslLibrary, [] { return opensslCanGenerateEc("P-256"); }},
        {QStringLiteral("EC P-384 key generation"), OpenSslLibrary, [] { return opensslCanGenerateEc("P-384"); }},
    };
}

// The McGrew-Viega GCM specification, test cases 15 (no AAD) and 16 (with AAD): AES-256.
constexpr const char *GcmKey = "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308";
constexpr const char *GcmIv = "cafebabefacedbaddecaf888";
constexpr const char *GcmPlain15 = "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
                                   "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255";
constexpr const char *GcmCipher15 = "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
                                    "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662898015ad";
constexpr const char *GcmTag15 = "b094dac5d93471bdec1a502270e3cc6c";
constexpr const char *GcmAad16 = "feedfacedeadbeeffeedfacedeadbeefabaddad2";
constexpr const char *GcmTag16 = "76fc6ece0f4e1768cddf8853bb2d551b";
constexpr int Gcm16Length = 60; // case 16 is case 15's text cut to 60 bytes

bool qcaGcmCase15()
{
    const QCA::SymmetricKey key(secretFromHex(GcmKey));
    const QCA::InitializationVector iv(QByteArray::fromHex(GcmIv));
    // qca-ossl fetches as many tag bytes as the AuthTag passed in has: without AuthTag(16) the
    // encryption "succeeds" and tag() is empty (measured).
    QCA::Cipher enc(QStringLiteral("aes256"), QCA::Cipher::GCM, QCA::Cipher::NoPadding, QCA::Encode, key, iv,
                    QCA::AuthTag(16));
    QCA::SecureArray ct = enc.update(secretFromHex(GcmPlain15));
    if (!enc.ok())
        return false;
    ct.append(enc.final());
    if (!enc.ok() || ct.toByteArray() != QByteArray::fromHex(GcmCipher15)
        || enc.tag().toByteArray() != QByteArray::fromHex(GcmTag15))
        return false;

    // Decryption with the right tag succeeds; with a changed tag it must not.
    auto opens = [&](const QByteArray &tag) {
        QCA::Cipher dec(QStringLiteral("aes256"), QCA::Cipher::GCM, QCA::Cipher::NoPadding, QCA::Decode, key, iv,
                        QCA::AuthTag(QCA::SecureArray(tag)));
        QCA::SecureArray pt = dec.update(QCA::SecureArray(QByteArray::fromHex(GcmCipher15)));
        if (!dec.ok())
            return false;
        pt.append(dec.final());
        return dec.ok() && pt == secretFromHex(GcmPlain15);
    };
    QByteArray badTag = QByteArray::fromHex(GcmTag15);
    badTag[0] = char(badTag[0] ^ 0x01);
    return opens(QByteArray::fromHex(GcmTag15)) && !opens(badTag);
}

bool opensslGcmCase16()
{
    const QCA::SecureArray key = secretFromHex(GcmKey);
    const QByteArray iv = QByteArray::fromHex(GcmIv);
    const QByteArray aad = QByteArray::fromHex(GcmAad16);
    const QCA::SecureArray plain(QByteArray::fromHex(GcmPlain15).left(Gcm16Length));
    const QByteArray cipher = QByteArray::fromHex(GcmCipher15).left(Gcm16Length);
    const QByteArray tag = QByteArray::fromHex(GcmTag16);

    const auto sealed = aesGcmSeal(key, plain, aad, iv);
    if (!sealed || sealed->ciphertext != cipher || sealed->tag != tag)
        return false;
    const auto opened = aesGcmOpen(key, iv, cipher, tag, aad);
    if (!opened || *opened != plain)
        return false;
    QByteArray otherAad = aad;
    otherAad[0] = char(otherAad[0] ^ 0x01);
    if (aesGcmOpen(key, iv, cipher, tag, otherAad))
        return false;

    // The bulk path too: same vector through GcmStream.
    GcmStream stream(GcmStream::Direction::Encrypt, key);
    QByteArray buffer = plain.toByteArray();
    if (!stream.start(iv, aad) || !stream.update(buffer.constData(), buffer.data(), buffer.size()))
        return false;
    const auto streamTag = stream.finishEncrypt();
    return streamTag && *streamTag == tag && buffer == cipher;
}

QList<KnownAnswerTest> knownAnswerTests()
{
    return {
        {QStringLiteral("SHA-256 through QCA (FIPS 180-2, \"abc\")"), {QStringLiteral("sha256")},
         [] {
             return QCA::Hash(QStringLiteral("sha256")).hash(QByteArrayLiteral("abc")).toByteArray()
                 == QByteArray::fromHex("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
         }},
        {QStringLiteral("HMAC-SHA256 through QCA (RFC 4231 test case 2)"), {QStringLiteral("hmac(sha256)")},
         [] {
             QCA::MessageAuthenticationCode mac(QStringLiteral("hmac(sha256)"),
                                                QCA::SymmetricKey(QCA::SecureArray("Jefe")));
             mac.update(QByteArrayLiteral("what do ya want for nothing?"));
             return mac.final().toByteArray()
                 == QByteArray::fromHex("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
         }},
        {QStringLiteral("HKDF-SHA256 through QCA (RFC 5869 A.1)"), {QStringLiteral("hkdf(sha256)")},
         [] {
             QCA::HKDF kdf(QStringLiteral("sha256"));
             const QCA::SymmetricKey okm =
                 kdf.makeKey(secretFromHex("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b"),
                             QCA::InitializationVector(QByteArray::fromHex("000102030405060708090a0b0c")),
                             QCA::InitializationVector(QByteArray::fromHex("f0f1f2f3f4f5f6f7f8f9")), 42);
             return okm == secretFromHex("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf"
                                         "34007208d5b887185865");
         }},
        {QStringLiteral("AES-256-GCM through QCA (GCM specification test case 15)"), {QStringLiteral("aes256-gcm")},
         qcaGcmCase15},
        {QStringLiteral("AES-256-GCM with AAD through OpenSSL (GCM specification test case 16)"),
         {QStringLiteral("AES-256-GCM")}, opensslGcmCase16},
        {QStringLiteral("HKDF-SHA512 through OpenSSL (Wycheproof hkdf_sha512 tcId 11)"), {QStringLiteral("HKDF-SHA512")},
         [] {
             const auto okm = hkdf(HashAlg::Sha512, secretFromHex("0cbd136d66d15a4ffefde1303b430821"),
                                   QByteArray::fromHex("2614d80275b08a1cf90bae0eb607d4d5"),
                                   QByteArray::fromHex("ee991de21aeb6baa6a5f683dbb755e6f80db1c1d"), 42);
             return okm
                 && *okm == secretFromHex("e51c3bfe5f4e9b4fb0d3c3a67bb33a20c288800e03707621cf143e8581d422df"
                                          "ec3fe658ba8fa2e35c2c");
         }},
        {QStringLiteral("PBKDF2-HMAC-SHA512 through OpenSSL (P=\"password\", S=\"salt\", c=2)"),
         {QStringLiteral("PBKDF2-SHA512")},
         [] {
             const auto dk = pbkdf2Sha512(QCA::SecureArray("password"), QByteArrayLiteral("salt"), 2, 64);
             return dk
                 && *dk == secretFromHex("e1d9c16aa681708a45f5c7c4e215ceb66e011a2e9f0040713f18aefdb866d53c"
                                         "f76cab2868a39b9f7840edce4fef5a82be67335c77a6068e04112754f27ccf4e");
         }},
    };
}

SelfTestReport run(const QString &simulatedMissing)
{
    SelfTestReport report;
    QSet<QString> absent;
    bool simulatedMatched = false;
    for (const Probe &probe : probes()) {
        const bool simulated = !simulatedMissing.isEmpty()
            && probe.name.compare(simulatedMissing, Qt::CaseInsensitive) == 0;
        simulatedMatched = simulatedMatched || simulated;
        if (simulated || !probe.present()) {
            report.missing << QStringLiteral("%1 does not offer %2").arg(probe.provider, probe.name);
            absent.insert(probe.name);
        }
    }
    // A simulated name that is not one of the probes: reported as a QCA algorithm.
    if (!simulatedMissing.isEmpty() && !simulatedMatched)
        report.missing << QStringLiteral("%1 does not offer %2").arg(QcaPlugin, simulatedMissing);

    for (const KnownAnswerTest &kat : knownAnswerTests()) {
        const bool runnable = std::none_of(kat.needs.cbegin(), kat.needs.cend(),
                                           [&](const QString &n) { return absent.contains(n); });
        if (runnable && !kat.passes())
            report.failures << kat.name;
    }
    return report;
}

// Guards the cache and the test seam. requireSelfTest() holds it while the test runs, so
// concurrent first callers wait for one run instead of starting several.
std::mutex &stateMutex()
{
    static std::mutex m;
    return m;
}
std::optional<Status> g_cached;
QString g_simulatedMissing;

} // namespace

QString SelfTestReport::summary() const
{
    if (ok())
        return QStringLiteral("Crypto self-test passed: QCA (qca-ossl) and OpenSSL offer every algorithm qkms needs, "
                              "and every known-answer test gave the published answer.");
    QString text = QStringLiteral("Crypto self-test failed, so qkms will not open a vault.");
    if (!missing.isEmpty())
        text += QStringLiteral(" Missing: %1.").arg(missing.join(QStringLiteral("; ")));
    if (!failures.isEmpty())
        text += QStringLiteral(" Wrong answers from: %1.").arg(failures.join(QStringLiteral("; ")));
    text += missing.isEmpty()
        ? QStringLiteral(" The crypto libraries are damaged or mismatched; reinstall them and start qkms again.")
        : QStringLiteral(" Install the named packages and start qkms again.");
    return text;
}

SelfTestReport runSelfTest()
{
    QString simulated;
    {
        std::lock_guard lock(stateMutex());
        simulated = std::exchange(g_simulatedMissing, QString());
    }
    return run(simulated);
}

Status requireSelfTest()
{
    std::lock_guard lock(stateMutex());
    auto toStatus = [](const SelfTestReport &r) -> Status {
        if (r.ok())
            return {};
        return fail(errors::SelfTest, r.summary());
    };
    // A simulated gap is answered fresh and never cached, so the real result stays intact.
    if (!g_simulatedMissing.isEmpty())
        return toStatus(run(std::exchange(g_simulatedMissing, QString())));
    if (!g_cached)
        g_cached = toStatus(run(QString()));
    return *g_cached;
}

void simulateMissingAlgorithmForTest(const QString &algorithm)
{
    std::lock_guard lock(stateMutex());
    g_simulatedMissing = algorithm;
}

} // namespace qkms::crypto
