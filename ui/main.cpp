#include "Console.h"
#include "core/Regions.h"
#include "vault/Vault.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QIcon>
#include <QtCrypto>

#include <cstdio>

int main(int argc, char **argv)
{
    QCA::Initializer qcaInit;
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("qkms"));
    QApplication::setApplicationDisplayName(QStringLiteral("qkms"));
    QApplication::setApplicationVersion(QStringLiteral(QKMS_VERSION));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/qkms/icons/qkms.svg")));
    app.setQuitOnLastWindowClosed(true);

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("qkms console: a key management service on your desktop"));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption vaultOpt(QStringLiteral("vault"), QStringLiteral("Vault directory."), QStringLiteral("DIR"),
                                      qkms::vault::Vault::defaultDirectory());
    const QCommandLineOption regionOpt(QStringLiteral("region"), QStringLiteral("AWS region code."),
                                       QStringLiteral("REGION"), qkms::defaultRegion());
    parser.addOption(vaultOpt);
    parser.addOption(regionOpt);
    parser.process(app);
    const QString region = parser.value(regionOpt);
    if (!qkms::isValidRegion(region)) {
        std::fprintf(stderr, "qkms-console: '%s' is not an AWS region code\n", qPrintable(region));
        return 2;
    }

    std::unique_ptr<qkms::Clock> clock = std::make_unique<qkms::SystemClock>();
    if (const QString now = qEnvironmentVariable("QKMS_NOW"); !now.isEmpty()) {
        const QDateTime t = QDateTime::fromString(now, Qt::ISODateWithMs);
        if (!t.isValid()) {
            std::fprintf(stderr, "qkms-console: QKMS_NOW='%s' is not an ISO 8601 time\n", qPrintable(now));
            return 2;
        }
        clock = std::make_unique<qkms::ManualClock>(t);
    }
    qkms::ui::Console console(parser.value(vaultOpt), region, std::move(clock));
    console.start();
    return app.exec();
}
