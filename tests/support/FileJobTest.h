#pragma once

// The fixture of the file-job tests (tst_file_job, tst_file_job_disk_full): the engine fixture
// with one symmetric key, a KMS keyring that encrypts under it as the account root (front end
// "console", as the console's Files pane calls), a temporary work directory, and the small file
// helpers those tests share. A test class inherits it next to QObject:
//
//     class TestX : public QObject, protected test::FileJobTest
//
// and calls QVERIFY(openFileJob()) from init() and closeFileJob() from cleanup(). The members
// keep the names the tests always used, so test bodies read as before.

#include "EngineTest.h"
#include "envelope/KmsKeyring.h"

#include <QByteArray>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>

#include <memory>

namespace qkms::test {

class FileJobTest : public EngineTest
{
protected:
    /// Opens the engine of us-east-1 (openEngine()), creates a symmetric key as m_keyArn, a
    /// fresh work directory as m_dir and a keyring on that key as m_keyring. False (with a
    /// warning naming the cause) when the engine does not open or the directory cannot be
    /// made; a failed CreateKey aborts the run, as create() does. Call it as
    /// QVERIFY(openFileJob()).
    [[nodiscard]] bool openFileJob();
    /// Drops the keyring, removes the work directory, then closes the engine and its vault.
    void closeFileJob();

    /// The absolute path of `name` in the work directory.
    [[nodiscard]] QString path(const QString &name) const;
    /// Every name in the work directory, hidden ones (temporary files) included, sorted — what a
    /// test compares before and after a job to show it left nothing behind.
    [[nodiscard]] QStringList names() const;

    /// `size` bytes of a fixed pattern that does not repeat every 256 bytes (so a misplaced
    /// frame cannot read back as the right bytes).
    [[nodiscard]] static QByteArray pattern(qint64 size);
    /// Writes `bytes` to `path`, replacing it; false when it cannot be opened or written whole.
    static bool writeFile(const QString &path, const QByteArray &bytes);
    /// The contents of `path`, or empty when it cannot be opened.
    [[nodiscard]] static QByteArray readFile(const QString &path);

    QString m_keyArn;
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<envelope::KmsKeyring> m_keyring;
};

} // namespace qkms::test
