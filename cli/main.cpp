#include <QCoreApplication>
#include <QtCrypto>

int main(int argc, char **argv)
{
    QCA::Initializer qcaInit;
    QCoreApplication app(argc, argv);
    return 0;
}
