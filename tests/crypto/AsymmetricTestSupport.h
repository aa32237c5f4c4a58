#pragma once

// Shared by tst_asymmetric, tst_signature and tst_rsaoaep: key kinds with their AWS names,
// digests computed by Qt (independently of the code under test), freshly generated keys, and
// the openssl command line as a second implementation to check against.

#include "primitives/AsymmetricKey.h"

#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QStandardPaths>
#include <QTest>

#include <map>
#include <span>

Q_DECLARE_METATYPE(qkms::crypto::KeyKind)
Q_DECLARE_METATYPE(qkms::crypto::SignatureScheme)
Q_DECLARE_METATYPE(qkms::crypto::HashAlg)
Q_DECLARE_METATYPE(qkms::crypto::MessageKind)

namespace qkms::test {

using crypto::AsymmetricKey;
using crypto::HashAlg;
using crypto::KeyKind;

inline constexpr KeyKind AllKinds[] = {KeyKind::Rsa2048, KeyKind::Rsa3072, KeyKind::Rsa4096, KeyKind::EcP256,
                                       KeyKind::EcP384,  KeyKind::EcP521,  KeyKind::EcSecp256k1};
inline constexpr KeyKind RsaKinds[] = {KeyKind::Rsa2048, KeyKind::Rsa3072, KeyKind::Rsa4096};

/// AWS KMS's KeySpec name.
inline const char *kindName(KeyKind k)
{
    switch (k) {
    case KeyKind::Rsa2048: return "RSA_2048";
    case KeyKind::Rsa3072: return "RSA_3072";
    case KeyKind::Rsa4096: return "RSA_4096";
    case KeyKind::EcP256: return "ECC_NIST_P256";
    case KeyKind::EcP384: return "ECC_NIST_P384";
    case KeyKind::EcP521: return "ECC_NIST_P521";
    case KeyKind::EcSecp256k1: return "ECC_SECG_P256K1";
    }
    return "?";
}

/// The hash as AWS spells it in algorithm names ("SHA_256").
inline const char *hashName(HashAlg alg)
{
    switch (alg) {
    case HashAlg::Sha1: return "SHA_1";
    case HashAlg::Sha224: return "SHA_224";
    case HashAlg::Sha256: return "SHA_256";
    case HashAlg::Sha384: return "SHA_384";
    case HashAlg::Sha512: return "SHA_512";
    }
    return "?";
}

/// The hash as the openssl command line spells it ("sha256").
inline QString opensslHashName(HashAlg alg)
{
    return QString::fromLatin1(hashName(alg)).remove(QLatin1Char('_')).toLower();
}

inline bool isRsaKind(KeyKind k)
{
    return k == KeyKind::Rsa2048 || k == KeyKind::Rsa3072 || k == KeyKind::Rsa4096;
}

/// Digest computed by Qt, not by the code under test.
inline QByteArray hashOf(HashAlg alg, const QByteArray &data)
{
    static const std::map<HashAlg, QCryptographicHash::Algorithm> qt = {
        {HashAlg::Sha1, QCryptographicHash::Sha1},     {HashAlg::Sha224, QCryptographicHash::Sha224},
        {HashAlg::Sha256, QCryptographicHash::Sha256}, {HashAlg::Sha384, QCryptographicHash::Sha384},
        {HashAlg::Sha512, QCryptographicHash::Sha512}};
    return QCryptographicHash::hash(data, qt.at(alg));
}

inline QByteArray hex(const char *text)
{
    return QByteArray::fromHex(QByteArray(text));
}

/// `bytes` with the lowest bit of one byte changed.
inline QByteArray flipped(QByteArray bytes, qsizetype at)
{
    bytes[at] = char(bytes[at] ^ 0x01);
    return bytes;
}

/// One fresh key per kind, generated once per test binary (RSA 4096 takes a moment); prints the
/// time each took. False when one failed.
inline bool generateKeys(std::span<const KeyKind> kinds, std::map<KeyKind, AsymmetricKey> &keys)
{
    for (KeyKind k : kinds) {
        QElapsedTimer timer;
        timer.start();
        auto made = AsymmetricKey::generate(k);
        if (!made) {
            qWarning("generating %s: %s", kindName(k), qPrintable(made.error().toString()));
            return false;
        }
        qInfo("generated %s in %lld ms", kindName(k), static_cast<long long>(timer.elapsed()));
        keys.emplace(k, std::move(*made));
    }
    return true;
}

/// The openssl command line tool, run synchronously.
class OpensslTool
{
public:
    OpensslTool()
        : m_path(QStandardPaths::findExecutable(QStringLiteral("openssl")))
    {
    }
    [[nodiscard]] bool available() const { return !m_path.isEmpty(); }
    /// Exit code (-1 when it crashed or hung); stdout and stderr together in `output`.
    int run(const QStringList &args, QByteArray *output = nullptr) const
    {
        QProcess process;
        process.setProcessChannelMode(QProcess::MergedChannels);
        process.start(m_path, args);
        if (!process.waitForFinished(60000))
            return -1;
        if (output)
            *output = process.readAll();
        return process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    }

private:
    QString m_path;
};

inline bool writeFile(const QString &path, const QByteArray &bytes)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(bytes) == bytes.size();
}

} // namespace qkms::test
