#include "Passphrase.h"

#include <QFile>

#include <cstdio>
#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

namespace qkms::cli {

namespace {

// Reads one line from the terminal with echo off, straight into a SecureArray.
Result<QCA::SecureArray> promptNoEcho(const QString &prompt)
{
    const int fd = ::open("/dev/tty", O_RDWR | O_NOCTTY);
    if (fd < 0)
        return fail(errors::Validation,
                    QStringLiteral("no passphrase: set QKMS_PASSPHRASE, use --passphrase-file, or run in a terminal"));
    const QByteArray p = prompt.toUtf8();
    (void)!::write(fd, p.constData(), static_cast<size_t>(p.size()));
    termios old{};
    const bool isTty = ::tcgetattr(fd, &old) == 0;
    if (isTty) {
        termios quiet = old;
        quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
        ::tcsetattr(fd, TCSAFLUSH, &quiet);
    }
    QCA::SecureArray buf(1024);
    int n = 0;
    char c = 0;
    while (n < buf.size() && ::read(fd, &c, 1) == 1 && c != '\n' && c != '\r')
        buf[n++] = c;
    c = 0;
    if (isTty)
        ::tcsetattr(fd, TCSAFLUSH, &old);
    (void)!::write(fd, "\n", 1);
    ::close(fd);
    buf.resize(n);
    return buf;
}

} // namespace

Result<QCA::SecureArray> readPassphrase(const char *envVar, const QString &file, const QString &prompt, bool confirm)
{
    if (qEnvironmentVariableIsSet(envVar))
        return QCA::SecureArray(qgetenv(envVar));
    if (!file.isEmpty()) {
        QFile f(file);
        if (!f.open(QIODevice::ReadOnly))
            return fail(errors::Validation, QStringLiteral("cannot read the passphrase file %1: %2").arg(file, f.errorString()));
        QCA::SecureArray line(f.readLine(4096));
        while (!line.isEmpty() && (line[line.size() - 1] == '\n' || line[line.size() - 1] == '\r'))
            line.resize(line.size() - 1);
        return line;
    }
    auto first = promptNoEcho(prompt);
    if (!first || !confirm)
        return first;
    auto second = promptNoEcho(QStringLiteral("Repeat the passphrase: "));
    if (!second)
        return second;
    if (!(*first == *second))
        return fail(errors::Validation, QStringLiteral("the two passphrases differ; nothing was changed"));
    return first;
}

} // namespace qkms::cli
