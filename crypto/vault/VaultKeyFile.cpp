#include "vault/VaultKeyFile.h"

#include "primitives/Primitives.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace qkms::vault {

namespace {

const QString kFormat = QStringLiteral("qkms-vault-key");
constexpr int kVersion = 1;
constexpr int kMinIterations = 1000;
constexpr int kMaxIterations = 100'000'000;

// The parameters are authenticated with the wrapped key, so nobody can lower the work factor
// or swap the salt without the open failing.
QByteArray associatedData(int iterations, const QByteArray &salt)
{
    return QByteArrayLiteral("qkms vault key v1|pbkdf2-hmac-sha512|") + QByteArray::number(iterations) + '|'
        + salt.toHex();
}

Status fsyncDirectory(const QString &dir)
{
    const int fd = ::open(QFile::encodeName(dir).constData(), O_RDONLY | O_DIRECTORY);
    if (fd < 0)
        return fail(errors::Storage, QStringLiteral("cannot open directory %1 to sync it").arg(dir));
    const int rc = ::fsync(fd);
    ::close(fd);
    if (rc != 0)
        return fail(errors::Storage, QStringLiteral("cannot sync directory %1").arg(dir));
    return {};
}

} // namespace

Result<QCA::SecureArray> readVaultKey(const QString &path, const QCA::SecureArray &passphrase)
{
    const QString name = QFileInfo(path).fileName();
    QFile file(path);
    if (!file.exists())
        return fail(errors::Vault, QStringLiteral("no qkms vault here: %1 is missing").arg(path));
    if (!file.open(QIODevice::ReadOnly))
        return fail(errors::Vault, QStringLiteral("cannot read %1: %2").arg(path, file.errorString()));
    if (file.size() > 64 * 1024)
        return fail(errors::Vault, QStringLiteral("%1 is not a qkms vault key file (too large)").arg(path));
    QJsonParseError parseError{};
    const QJsonDocument doc = QJsonDocument::fromJson(file.readAll(), &parseError);
    const QJsonObject o = doc.object();
    if (parseError.error != QJsonParseError::NoError || o.value(u"format").toString() != kFormat)
        return fail(errors::Vault, QStringLiteral("%1 is corrupt or not a qkms vault key file").arg(path));
    if (o.value(u"version").toInt() != kVersion)
        return fail(errors::Vault, QStringLiteral("%1 has vault key format version %2; this qkms reads version %3")
                                       .arg(path)
                                       .arg(o.value(u"version").toInt())
                                       .arg(kVersion));
    const int iterations = o.value(u"iterations").toInt();
    const QByteArray salt = QByteArray::fromBase64(o.value(u"salt").toString().toLatin1());
    const QByteArray nonce = QByteArray::fromBase64(o.value(u"nonce").toString().toLatin1());
    const QByteArray wrapped = QByteArray::fromBase64(o.value(u"wrappedKey").toString().toLatin1());
    const QByteArray tag = QByteArray::fromBase64(o.value(u"tag").toString().toLatin1());
    if (o.value(u"kdf").toString() != QStringLiteral("pbkdf2-hmac-sha512") || iterations < kMinIterations
        || iterations > kMaxIterations || salt.size() != 32 || nonce.size() != 12 || wrapped.size() != 32
        || tag.size() != 16)
        return fail(errors::Vault, QStringLiteral("%1 is corrupt: its parameters are out of range").arg(name));

    auto kek = crypto::pbkdf2Sha512(passphrase, salt, iterations, 32);
    if (!kek)
        return std::unexpected(kek.error());
    auto master = crypto::aesGcmOpen(*kek, nonce, wrapped, tag, associatedData(iterations, salt));
    if (!master)
        return fail(errors::Vault, QStringLiteral("wrong passphrase, or not a qkms vault (%1)").arg(path));
    return master;
}

Status writeVaultKey(const QString &path, const QCA::SecureArray &masterKey, const QCA::SecureArray &passphrase,
                     KdfCost cost, CrashPoint crash)
{
    const QByteArray salt = crypto::randomBytes(32);
    auto kek = crypto::pbkdf2Sha512(passphrase, salt, cost.iterations, 32);
    if (!kek)
        return std::unexpected(kek.error());
    auto sealed = crypto::aesGcmSeal(*kek, masterKey, associatedData(cost.iterations, salt));
    if (!sealed)
        return std::unexpected(sealed.error());

    QJsonObject o;
    o.insert(u"format", kFormat);
    o.insert(u"version", kVersion);
    o.insert(u"kdf", QStringLiteral("pbkdf2-hmac-sha512"));
    o.insert(u"iterations", cost.iterations);
    o.insert(u"salt", QString::fromLatin1(salt.toBase64()));
    o.insert(u"nonce", QString::fromLatin1(sealed->nonce.toBase64()));
    o.insert(u"wrappedKey", QString::fromLatin1(sealed->ciphertext.toBase64()));
    o.insert(u"tag", QString::fromLatin1(sealed->tag.toBase64()));

    // Written beside the target, synced, then renamed over it: rename is atomic on POSIX.
    const QString temp = path + QStringLiteral(".new");
    {
        QFile out(temp);
        if (!out.open(QIODevice::WriteOnly | QIODevice::Truncate))
            return fail(errors::Storage, QStringLiteral("cannot write %1: %2").arg(temp, out.errorString()));
        out.setPermissions(QFile::ReadOwner | QFile::WriteOwner);
        const QByteArray bytes = QJsonDocument(o).toJson(QJsonDocument::Indented);
        if (out.write(bytes) != bytes.size() || !out.flush() || ::fsync(out.handle()) != 0)
            return fail(errors::Storage, QStringLiteral("cannot write %1: %2 (disk full?)").arg(temp, out.errorString()));
    }
    if (crash == CrashPoint::AfterTempWritten)
        return fail(errors::Vault, QStringLiteral("simulated crash after writing %1").arg(temp));
    if (::rename(QFile::encodeName(temp).constData(), QFile::encodeName(path).constData()) != 0)
        return fail(errors::Storage, QStringLiteral("cannot replace %1").arg(path));
    if (crash == CrashPoint::AfterRename)
        return fail(errors::Vault, QStringLiteral("simulated crash after replacing %1").arg(path));
    return fsyncDirectory(QFileInfo(path).absolutePath());
}

} // namespace qkms::vault
