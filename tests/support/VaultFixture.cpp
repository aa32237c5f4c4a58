#include "VaultFixture.h"

#include <QCryptographicHash>
#include <QDirIterator>
#include <QFile>
#include <QTest>

namespace qkms::test {

VaultFixture::VaultFixture() : m_clock(QDateTime(QDate(2026, 1, 15), QTime(9, 0), QTimeZone::UTC)) {}

vault::Vault &VaultFixture::vault()
{
    if (!m_vault) {
        auto v = vault::Vault::exists(dir()) ? vault::Vault::open(dir(), QCA::SecureArray(kPassphrase), m_clock)
                                             : vault::Vault::create(dir(), QCA::SecureArray(kPassphrase), m_clock, kFastKdf);
        if (!v)
            qFatal("test vault: %s", qPrintable(v.error().toString()));
        m_vault = std::move(*v);
    }
    return *m_vault;
}

std::unique_ptr<vault::Vault> VaultFixture::openAgain(const QByteArray &passphrase)
{
    auto v = vault::Vault::open(dir(), QCA::SecureArray(passphrase), m_clock);
    if (!v)
        return nullptr;
    return std::move(*v);
}

QByteArray allFileBytes(const QString &dir)
{
    QByteArray all;
    QDirIterator it(dir, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        QFile f(it.next());
        if (f.open(QIODevice::ReadOnly))
            all += f.readAll();
    }
    return all;
}

QByteArray treeDigest(const QString &dir)
{
    QCryptographicHash h(QCryptographicHash::Sha256);
    QStringList files;
    QDirIterator it(dir, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    while (it.hasNext())
        files.append(it.next());
    files.sort();
    for (const QString &path : files) {
        QFile f(path);
        h.addData(path.toUtf8());
        if (f.open(QIODevice::ReadOnly))
            h.addData(f.readAll());
    }
    return h.result();
}

} // namespace qkms::test
