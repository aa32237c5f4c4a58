#include "Session.h"

#include <QCoreApplication>
#include <QFile>
#include <QtCrypto>

#include <cstdio>

int main(int argc, char **argv)
{
    QCA::Initializer qcaInit;
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("qkms"));
    QFile out;
    QFile err;
    if (!out.open(stdout, QIODevice::WriteOnly | QIODevice::Unbuffered)
        || !err.open(stderr, QIODevice::WriteOnly | QIODevice::Unbuffered))
        return 255;
    return qkms::cli::run(QCoreApplication::arguments().mid(1), out, err);
}
