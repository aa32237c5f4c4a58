// The start-up self-test: it passes on a complete installation, and a missing algorithm (through
// the test seam) makes it refuse with a message that names the algorithm and the package.

#include "primitives/SelfTest.h"
#include "TestMain.h"

#include <QTest>

#include <thread>
#include <vector>

using namespace qkms;
using namespace qkms::crypto;

class TestSelfTest : public QObject
{
    Q_OBJECT

private:
    /// QSKIP (never pass) when this machine itself lacks a provider: the tests below are about
    /// the refusal path, which needs a passing baseline.
    static bool baselineMissing(QString *why)
    {
        const SelfTestReport real = runSelfTest();
        *why = real.summary();
        return !real.missing.isEmpty();
    }

private Q_SLOTS:
    void init() { simulateMissingAlgorithmForTest(QString()); }

    void realSelfTestPasses()
    {
        const SelfTestReport report = runSelfTest();
        if (!report.missing.isEmpty())
            QSKIP(qPrintable(QStringLiteral("a crypto provider is missing on this machine: ") + report.summary()));
        QVERIFY2(report.failures.isEmpty(), qPrintable(report.summary()));
        QVERIFY(report.ok());
        QVERIFY(report.summary().contains(QStringLiteral("passed")));
        const Status st = requireSelfTest();
        QVERIFY2(st.has_value(), qPrintable(st ? QString() : st.error().toString()));
    }

    void simulatedMissingRefuses_data()
    {
        QTest::addColumn<QString>("algorithm");
        QTest::addColumn<QString>("package");
        QTest::newRow("QCA hkdf(sha256)") << QStringLiteral("hkdf(sha256)") << QStringLiteral("libqca-qt6-plugins");
        QTest::newRow("QCA aes256-gcm") << QStringLiteral("aes256-gcm") << QStringLiteral("libqca-qt6-plugins");
        QTest::newRow("QCA random") << QStringLiteral("random") << QStringLiteral("libqca-qt6-plugins");
        QTest::newRow("OpenSSL AES-256-GCM") << QStringLiteral("AES-256-GCM") << QStringLiteral("libssl3t64");
        QTest::newRow("OpenSSL HKDF-SHA512") << QStringLiteral("HKDF-SHA512") << QStringLiteral("libssl3t64");
        QTest::newRow("OpenSSL PBKDF2-SHA512") << QStringLiteral("PBKDF2-SHA512") << QStringLiteral("libssl3t64");
        QTest::newRow("OpenSSL EC P-384") << QStringLiteral("EC P-384 key generation") << QStringLiteral("libssl3t64");
        QTest::newRow("a name outside the probe list") << QStringLiteral("whirlpool")
                                                       << QStringLiteral("libqca-qt6-plugins");
    }

    void simulatedMissingRefuses()
    {
        QFETCH(QString, algorithm);
        QFETCH(QString, package);
        QString why;
        if (baselineMissing(&why))
            QSKIP(qPrintable(QStringLiteral("a crypto provider is missing on this machine: ") + why));
        QVERIFY(requireSelfTest().has_value()); // the real result is cached first

        simulateMissingAlgorithmForTest(algorithm);
        const Status refused = requireSelfTest();
        QVERIFY(!refused.has_value());
        QCOMPARE(refused.error().type, errors::SelfTest);
        QVERIFY2(refused.error().message.contains(QStringLiteral("does not offer ") + algorithm),
                 qPrintable(refused.error().message));
        QVERIFY2(refused.error().message.contains(package), qPrintable(refused.error().message));

        // Used once: the cached real answer comes back, and was not overwritten.
        QVERIFY(requireSelfTest().has_value());
    }

    void simulatedMissingInReport()
    {
        QString why;
        if (baselineMissing(&why))
            QSKIP(qPrintable(QStringLiteral("a crypto provider is missing on this machine: ") + why));
        simulateMissingAlgorithmForTest(QStringLiteral("hkdf(sha256)"));
        const SelfTestReport report = runSelfTest();
        QVERIFY(!report.ok());
        QCOMPARE(report.missing,
                 QStringList{QStringLiteral("QCA provider qca-ossl (Debian package libqca-qt6-plugins) does not "
                                            "offer hkdf(sha256)")});
        // The known-answer test that needs the missing algorithm is skipped, not reported twice.
        QVERIFY2(report.failures.isEmpty(), qPrintable(report.failures.join(u'\n')));
        const QString summary = report.summary();
        QVERIFY(summary.contains(QStringLiteral("hkdf(sha256)")));
        QVERIFY(summary.contains(QStringLiteral("failed")));
        QVERIFY(!summary.contains(u'\n')); // one paragraph
        QVERIFY(runSelfTest().ok());       // the seam cleared itself
    }

    void simulationCanBeCleared()
    {
        QString why;
        if (baselineMissing(&why))
            QSKIP(qPrintable(QStringLiteral("a crypto provider is missing on this machine: ") + why));
        simulateMissingAlgorithmForTest(QStringLiteral("sha256"));
        simulateMissingAlgorithmForTest(QString());
        QVERIFY(runSelfTest().ok());
        QVERIFY(requireSelfTest().has_value());
    }

    void summaryOfAFailedKnownAnswerTest()
    {
        SelfTestReport report;
        report.failures << QStringLiteral("HKDF-SHA512 through OpenSSL (Wycheproof hkdf_sha512 tcId 11)");
        QVERIFY(!report.ok());
        QVERIFY(report.summary().contains(QStringLiteral("HKDF-SHA512 through OpenSSL")));
        QVERIFY(report.summary().contains(QStringLiteral("Wrong answers")));
    }

    void requireSelfTestFromManyThreads()
    {
        QString why;
        if (baselineMissing(&why))
            QSKIP(qPrintable(QStringLiteral("a crypto provider is missing on this machine: ") + why));
        std::vector<std::thread> threads;
        std::atomic<int> passed = 0;
        for (int i = 0; i < 8; ++i)
            threads.emplace_back([&passed] {
                if (requireSelfTest().has_value())
                    ++passed;
            });
        for (auto &t : threads)
            t.join();
        QCOMPARE(passed.load(), 8);
    }
};

QKMS_TEST_MAIN(TestSelfTest)
#include "tst_selftest.moc"
