#pragma once

// Test mains: one QCA::Initializer for the whole run, as in the applications.

#include <QCoreApplication>
#include <QTest>
#include <QtCrypto>

#define QKMS_TEST_MAIN_IMPL(AppType, TestObject)                                                                      \
    int main(int argc, char **argv)                                                                                    \
    {                                                                                                                  \
        QCA::Initializer qcaInit;                                                                                      \
        AppType app(argc, argv);                                                                                       \
        app.setAttribute(Qt::AA_Use96Dpi, true);                                                                       \
        TestObject tc;                                                                                                 \
        QTEST_SET_MAIN_SOURCE_PATH                                                                                     \
        return QTest::qExec(&tc, argc, argv);                                                                          \
    }

/// For engine, model and CLI tests.
#define QKMS_TEST_MAIN(TestObject) QKMS_TEST_MAIN_IMPL(QCoreApplication, TestObject)
