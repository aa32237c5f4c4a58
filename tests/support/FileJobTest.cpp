#include "FileJobTest.h"

#include <QDir>
#include <QFile>

namespace qkms::test {

using namespace Qt::StringLiterals;

bool FileJobTest::openFileJob()
{
    // "console": the front end the file jobs run behind in the app, recorded in the audit log.
    if (!openEngine(u"us-east-1"_s, u"console"_s))
        return false;
    m_keyArn = create().arn;
    m_dir = std::make_unique<QTemporaryDir>();
    if (!m_dir->isValid()) {
        qWarning("QTemporaryDir: %s", qPrintable(m_dir->errorString()));
        return false;
    }
    m_keyring = std::make_unique<envelope::KmsKeyring>(*m_svc, m_root, QStringList{m_keyArn});
    return true;
}

void FileJobTest::closeFileJob()
{
    // The keyring refers to the engine: it goes before closeEngine().
    m_keyring.reset();
    m_dir.reset();
    closeEngine();
}

QString FileJobTest::path(const QString &name) const
{
    return m_dir->filePath(name);
}

QStringList FileJobTest::names() const
{
    return QDir(m_dir->path()).entryList(QDir::Files | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot, QDir::Name);
}

QByteArray FileJobTest::pattern(qint64 size)
{
    QByteArray b(size, Qt::Uninitialized);
    for (qint64 i = 0; i < size; ++i)
        b[i] = char((i * 131) ^ (i >> 9));
    return b;
}

bool FileJobTest::writeFile(const QString &path, const QByteArray &bytes)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(bytes) == bytes.size();
}

QByteArray FileJobTest::readFile(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

} // namespace qkms::test
