#include <QApplication>
#include <QtCrypto>

int main(int argc, char **argv)
{
    QCA::Initializer qcaInit;
    QApplication app(argc, argv);
    return 0;
}
