// Signature Version 4 against AWS's published test suite (aws-sig-v4-test-suite: credentials
// AKIDEXAMPLE, 2015-08-30T12:36:00Z, us-east-1, service "service"), then the verifier's refusals.

#include "SigV4.h"
#include "TestMain.h"

#include <QTest>

using namespace Qt::StringLiterals;
using qkms::server::SigV4;
using qkms::server::SigV4Request;

namespace {

// A function, not a global: a SecureArray needs QCA initialised, which main() does.
QCA::SecureArray suiteSecret()
{
    return QCA::SecureArray(QByteArrayLiteral("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"));
}
const QString kSuiteKeyId = u"AKIDEXAMPLE"_s;
const QDateTime kSuiteTime(QDate(2015, 8, 30), QTime(12, 36), QTimeZone::UTC);
const QByteArray kEmptyHash = QByteArrayLiteral("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");

} // namespace

Q_DECLARE_METATYPE(qkms::server::SigV4Request)

namespace {
using Headers = QList<std::pair<QByteArray, QByteArray>>;

SigV4Request suiteRequest(const QByteArray &method, const QByteArray &query, Headers extra, const QByteArray &body = {})
{
    SigV4Request r;
    r.method = method;
    r.query = query;
    r.headers = {{"Host", "example.amazonaws.com"}, {"X-Amz-Date", "20150830T123600Z"}};
    r.headers += extra;
    r.body = body;
    return r;
}

// A secret lookup that knows one key.
qkms::server::SecretLookup lookupOf(const QString &id, const QCA::SecureArray &secret)
{
    return [id, secret](const QString &asked) -> qkms::Result<std::pair<QString, QCA::SecureArray>> {
        if (asked != id)
            return qkms::fail(u"NoSuchEntityException"_s, u"unknown"_s);
        return std::pair{u"arn:aws:iam::111122223333:user/alice"_s, secret};
    };
}

} // namespace

class TestSigV4 : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void suite_data()
    {
        QTest::addColumn<SigV4Request>("request");
        QTest::addColumn<QByteArray>("signedHeaders");
        QTest::addColumn<QByteArray>("signature");

        QTest::newRow("aws-sig-v4-test-suite get-vanilla")
            << suiteRequest("GET", {}, {}) << QByteArray("host;x-amz-date")
            << QByteArray("5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
        QTest::newRow("aws-sig-v4-test-suite post-vanilla")
            << suiteRequest("POST", {}, {}) << QByteArray("host;x-amz-date")
            << QByteArray("5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b");
        QTest::newRow("aws-sig-v4-test-suite post-vanilla-query")
            << suiteRequest("POST", "Param1=value1", {}) << QByteArray("host;x-amz-date")
            << QByteArray("28038455d6de14eafc1f9222cf5aa6f1a96197d7deb8263271d420d138af7f11");
        QTest::newRow("aws-sig-v4-test-suite post-header-key-case")
            << suiteRequest("POST", {}, {{"MY-HEADER1", "value1"}}) << QByteArray("host;my-header1;x-amz-date")
            << QByteArray("c5410059b04c1ee005303aed430f6e6645f61f4dc9e1461ec8f8916fdf18852c");
        QTest::newRow("aws-sig-v4-test-suite post-header-value-case")
            << suiteRequest("POST", {}, {{"My-Header1", "VALUE1"}}) << QByteArray("host;my-header1;x-amz-date")
            << QByteArray("cdbc9802e29d2942e5e10b5bccfdd67c5f22c7c4e8ae67b53629efa58b974b7d");
        QTest::newRow("aws-sig-v4-test-suite get-header-value-trim")
            << suiteRequest("GET", {}, {{"My-Header1", " value1"}, {"My-Header2", " \"a   b   c\""}})
            << QByteArray("host;my-header1;my-header2;x-amz-date")
            << QByteArray("acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736");
        QTest::newRow("aws-sig-v4-test-suite get-header-key-duplicate")
            << suiteRequest("GET", {}, {{"My-Header1", "value2"}, {"My-Header1", "value2"}, {"My-Header1", "value1"}})
            << QByteArray("host;my-header1;x-amz-date")
            << QByteArray("c9d5ea9f3f72853aea855b47ea873832890dbdd183b4468f858259531a5138ea");
        QTest::newRow("aws-sig-v4-test-suite post-x-www-form-urlencoded")
            << suiteRequest("POST", {}, {{"Content-Type", "application/x-www-form-urlencoded"}}, "Param1=value1")
            << QByteArray("content-type;host;x-amz-date")
            << QByteArray("ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a");
    }

    void suite()
    {
        QFETCH(SigV4Request, request);
        QFETCH(QByteArray, signedHeaders);
        QFETCH(QByteArray, signature);
        const qkms::server::SigV4Authorization scope{kSuiteKeyId, u"20150830"_s, u"us-east-1"_s, u"service"_s, {}, {}};
        auto canonical = SigV4::canonicalRequest(request, signedHeaders.split(';'), SigV4::sha256Hex(request.body));
        QVERIFY2(canonical.has_value(), qPrintable(canonical ? QString() : canonical.error().message));
        auto sig = SigV4::signature(suiteSecret(), u"20150830"_s, u"us-east-1"_s, u"service"_s,
                                    SigV4::stringToSign("20150830T123600Z", scope.scope(), *canonical));
        QVERIFY(sig.has_value());
        QCOMPARE(*sig, signature);

        // The verifier accepts the suite's own Authorization header at the suite's time …
        request.headers.append({"Authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/"
                                                 "aws4_request, SignedHeaders=" + signedHeaders + ", Signature=" + signature});
        auto id = SigV4::verify(request, kSuiteTime, lookupOf(kSuiteKeyId, suiteSecret()), u"service"_s);
        QVERIFY2(id.has_value(), qPrintable(id ? QString() : id.error().toString()));
        QCOMPARE(id->region, u"us-east-1"_s);
        // … and refuses it when one byte of the signature changes (the suite's negative row).
        request.headers.last().second.chop(1);
        request.headers.last().second.append(signature.endsWith('0') ? '1' : '0');
        auto bad = SigV4::verify(request, kSuiteTime, lookupOf(kSuiteKeyId, suiteSecret()), u"service"_s);
        QVERIFY(!bad.has_value());
        QCOMPARE(bad.error().type, qkms::server::errors::InvalidSignature);
    }

    void suiteIntermediates()
    {
        // post-vanilla-query: the suite also publishes the canonical request and string to sign.
        const SigV4Request r = suiteRequest("POST", "Param1=value1", {});
        auto canonical = SigV4::canonicalRequest(r, {"host", "x-amz-date"}, kEmptyHash);
        QVERIFY(canonical.has_value());
        QCOMPARE(*canonical, QByteArray("POST\n/\nParam1=value1\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\n"
                                        "host;x-amz-date\n") + kEmptyHash);
        QCOMPARE(SigV4::stringToSign("20150830T123600Z", "20150830/us-east-1/service/aws4_request", *canonical),
                 QByteArray("AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n"
                            "9d659678c1756bb3113e2ce898845a0a79dbbc57b740555917687f1b3340fbbd"));
    }

    void refusals_data()
    {
        QTest::addColumn<QString>("change");
        QTest::addColumn<QString>("errorType");
        QTest::addColumn<QString>("messageStart");
        QTest::newRow("wrong secret") << u"secret"_s << u"InvalidSignatureException"_s << u"The request signature"_s;
        QTest::newRow("unknown access key") << u"key"_s << u"UnrecognizedClientException"_s << u"The security token"_s;
        QTest::newRow("stale date (16 min)") << u"stale"_s << u"InvalidSignatureException"_s << u"Signature expired"_s;
        QTest::newRow("future date (16 min)") << u"future"_s << u"InvalidSignatureException"_s
                                              << u"Signature not yet current"_s;
        QTest::newRow("other service") << u"service"_s << u"InvalidSignatureException"_s
                                       << u"Credential should be scoped to correct service"_s;
        QTest::newRow("region mismatch (scope says eu-west-1, signed for us-east-1)")
            << u"region"_s << u"InvalidSignatureException"_s << u"The request signature"_s;
        QTest::newRow("body changed after signing") << u"body"_s << u"InvalidSignatureException"_s
                                                    << u"The request signature"_s;
        QTest::newRow("content hash not the body's") << u"contenthash"_s << u"InvalidSignatureException"_s
                                                     << u"The provided 'x-amz-content-sha256'"_s;
        QTest::newRow("no Authorization") << u"noauth"_s << u"MissingAuthenticationTokenException"_s
                                          << u"Missing Authentication Token"_s;
        QTest::newRow("X-Amz-Date not ISO 8601 basic") << u"baddate"_s << u"IncompleteSignatureException"_s
                                                       << u"X-Amz-Date must be"_s;
        QTest::newRow("X-Amz-Date with month 13") << u"month13"_s << u"IncompleteSignatureException"_s
                                                  << u"X-Amz-Date must be"_s;
        QTest::newRow("other algorithm") << u"algorithm"_s << u"IncompleteSignatureException"_s << u"Authorization"_s;
    }

    void refusals()
    {
        QFETCH(QString, change);
        QFETCH(QString, errorType);
        QFETCH(QString, messageStart);
        const QCA::SecureArray secret(QByteArrayLiteral("0123456789012345678901234567890123456789"));
        const QDateTime now(QDate(2026, 1, 2), QTime(3, 4, 5), QTimeZone::UTC);
        SigV4Request r;
        r.method = "POST";
        r.headers = {{"Host", "127.0.0.1:4599"},
                     {"Content-Type", "application/x-amz-json-1.1"},
                     {"X-Amz-Target", "TrentService.ListKeys"}};
        r.body = "{}";
        if (change == u"contenthash")
            r.headers.append({"X-Amz-Content-Sha256", SigV4::sha256Hex("{\"Limit\":1}")});
        QDateTime signedAt = now;
        if (change == u"stale")
            signedAt = now.addSecs(-16 * 60);
        if (change == u"future")
            signedAt = now.addSecs(16 * 60);
        const QCA::SecureArray signingSecret =
            change == u"secret" ? QCA::SecureArray(QByteArrayLiteral("x123456789012345678901234567890123456789")) : secret;
        QVERIFY(SigV4::sign(r, u"AKIAEXAMPLEEXAMPLE12"_s, signingSecret, u"us-east-1"_s, signedAt,
                            change == u"service" ? u"s3"_s : u"kms"_s)
                    .has_value());
        // Sanity: unchanged, the request verifies (so each row fails for its own reason).
        if (change == u"secret" || change == u"stale") {
            auto ok = SigV4::verify(r, signedAt, lookupOf(u"AKIAEXAMPLEEXAMPLE12"_s, signingSecret));
            QVERIFY2(ok.has_value(), qPrintable(ok ? QString() : ok.error().toString()));
        }
        QByteArray &auth = r.headers.last().second;
        if (change == u"key")
            auth.replace("AKIAEXAMPLEEXAMPLE12", "AKIAUNKNOWNUNKNOWN12");
        if (change == u"region")
            auth.replace("/us-east-1/", "/eu-west-1/");
        if (change == u"body")
            r.body = "{\"Limit\":1}";
        if (change == u"noauth")
            r.headers.removeLast();
        for (auto &[name, value] : r.headers) {
            if (name == "X-Amz-Date" && change == u"baddate")
                value = "2026-01-02T03:04:05Z";
            if (name == "X-Amz-Date" && change == u"month13")
                value = "20261302T030405Z";
        }
        if (change == u"algorithm")
            auth.replace("AWS4-HMAC-SHA256", "AWS4-HMAC-SHA512");
        auto result = SigV4::verify(r, now, lookupOf(u"AKIAEXAMPLEEXAMPLE12"_s, secret));
        QVERIFY(!result.has_value());
        QCOMPARE(result.error().type, errorType);
        QVERIFY2(result.error().message.startsWith(messageStart), qPrintable(result.error().message));
        QVERIFY(!result.error().message.contains(u"0123456789012345678901234567890123456789"_s));
    }

    // SigV4Request::header as the canonical request uses it (the fast path shares the request's
    // bytes when there is nothing to change, so every other shape is pinned here).
    void headerValues_data()
    {
        QTest::addColumn<Headers>("headers");
        QTest::addColumn<QByteArray>("name");
        QTest::addColumn<QByteArray>("expected");
        QTest::addColumn<bool>("present");
        QTest::newRow("one value, as is") << Headers{{"X-Amz-Target", "TrentService.Encrypt"}} << QByteArray("x-amz-target")
                                          << QByteArray("TrentService.Encrypt") << true;
        QTest::newRow("name in any case") << Headers{{"x-AMZ-target", "a b"}} << QByteArray("X-Amz-Target")
                                          << QByteArray("a b") << true;
        QTest::newRow("trimmed") << Headers{{"My-Header1", " \tvalue1 \r\n"}} << QByteArray("my-header1")
                                 << QByteArray("value1") << true;
        QTest::newRow("inner runs folded (get-header-value-trim)")
            << Headers{{"My-Header2", " \"a   b \t c\""}} << QByteArray("my-header2") << QByteArray("\"a b c\"") << true;
        QTest::newRow("a tab alone becomes a space") << Headers{{"H", "a\tb"}} << QByteArray("h") << QByteArray("a b")
                                                     << true;
        QTest::newRow("repeated, joined in order (get-header-key-duplicate)")
            << Headers{{"My-Header1", "value2"}, {"Other", "x"}, {"my-header1", " value1 "}} << QByteArray("my-header1")
            << QByteArray("value2,value1") << true;
        QTest::newRow("empty value is present") << Headers{{"X-Empty", ""}} << QByteArray("x-empty") << QByteArray("")
                                                << true;
        QTest::newRow("blank value is present") << Headers{{"X-Empty", "   "}} << QByteArray("x-empty") << QByteArray("")
                                                << true;
        QTest::newRow("a longer name does not match") << Headers{{"Hostname", "h"}} << QByteArray("host") << QByteArray()
                                                      << false;
        QTest::newRow("absent") << Headers{{"Host", "h"}} << QByteArray("x-amz-date") << QByteArray() << false;
    }

    void headerValues()
    {
        QFETCH(Headers, headers);
        QFETCH(QByteArray, name);
        QFETCH(QByteArray, expected);
        QFETCH(bool, present);
        SigV4Request r;
        r.method = "post";
        r.headers = headers;
        const QByteArray value = r.header(name);
        QCOMPARE(value, expected);
        QCOMPARE(!value.isNull(), present); // the canonical request tells absent from empty
        auto canonical = SigV4::canonicalRequest(r, {name}, kEmptyHash);
        QCOMPARE(canonical.has_value(), present);
        if (present)
            QCOMPARE(*canonical, "POST\n/\n\n"_ba + name.toLower() + ':' + expected + "\n\n"
                                     + name.toLower() + '\n' + kEmptyHash);
    }

    void parseAuthorization_data()
    {
        QTest::addColumn<QByteArray>("header");
        QTest::addColumn<QString>("errorType"); // empty: parses
        QTest::addColumn<QString>("region");
        QTest::addColumn<int>("signedHeaders");
        const QByteArray sig = "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31";
        QTest::newRow("aws-sig-v4-test-suite get-vanilla")
            << "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
               "SignedHeaders=host;x-amz-date, "_ba + sig
            << QString() << u"us-east-1"_s << 2;
        QTest::newRow("parameters in another order, no spaces")
            << "AWS4-HMAC-SHA256 " + sig + ",SignedHeaders=host,Credential=AK/20150830/eu-west-1/kms/aws4_request"
            << QString() << u"eu-west-1"_s << 1;
        QTest::newRow("no Signature") << "AWS4-HMAC-SHA256 Credential=AK/20150830/us-east-1/kms/aws4_request, "
                                         "SignedHeaders=host"_ba
                                      << u"IncompleteSignatureException"_s << QString() << 0;
        QTest::newRow("scope of four parts")
            << "AWS4-HMAC-SHA256 Credential=AK/20150830/us-east-1/aws4_request, SignedHeaders=host, " + sig
            << u"IncompleteSignatureException"_s << QString() << 0;
        QTest::newRow("scope of six parts")
            << "AWS4-HMAC-SHA256 Credential=AK/20150830/us-east-1/kms/x/aws4_request, SignedHeaders=host, " + sig
            << u"IncompleteSignatureException"_s << QString() << 0;
        QTest::newRow("empty access key id")
            << "AWS4-HMAC-SHA256 Credential=/20150830/us-east-1/kms/aws4_request, SignedHeaders=host, " + sig
            << u"IncompleteSignatureException"_s << QString() << 0;
        QTest::newRow("other terminator")
            << "AWS4-HMAC-SHA256 Credential=AK/20150830/us-east-1/kms/aws5_request, SignedHeaders=host, " + sig
            << u"InvalidSignatureException"_s << QString() << 0;
        QTest::newRow("algorithm without a space") << "AWS4-HMAC-SHA256Credential=AK/20150830/us-east-1/kms/aws4_request"_ba
                                                   << u"IncompleteSignatureException"_s << QString() << 0;
        QTest::newRow("algorithm alone") << "AWS4-HMAC-SHA256"_ba << u"IncompleteSignatureException"_s << QString() << 0;
    }

    void parseAuthorization()
    {
        QFETCH(QByteArray, header);
        QFETCH(QString, errorType);
        QFETCH(QString, region);
        QFETCH(int, signedHeaders);
        auto a = SigV4::parseAuthorization(header);
        QCOMPARE(a.has_value(), errorType.isEmpty());
        if (!a) {
            QCOMPARE(a.error().type, errorType);
            return;
        }
        QCOMPARE(a->date, u"20150830"_s);
        QCOMPARE(a->region, region);
        QCOMPARE(a->signedHeaders.size(), signedHeaders);
        QCOMPARE(a->signedHeaders.first(), QByteArray("host"));
        QCOMPARE(a->signature, QByteArray("5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"));
        QCOMPARE(a->scope(), "20150830/"_ba + region.toLatin1() + '/' + a->service.toLatin1() + "/aws4_request");
    }

    // The endpoint's cache: a changed secret for the same key and scope never verifies with the
    // signing key of the old one.
    void signingKeyCacheFollowsTheSecret()
    {
        const QCA::SecureArray oldSecret(QByteArrayLiteral("0123456789012345678901234567890123456789"));
        const QCA::SecureArray newSecret(QByteArrayLiteral("x123456789012345678901234567890123456789"));
        const QDateTime now(QDate(2026, 1, 2), QTime(3, 4, 5), QTimeZone::UTC);
        qkms::server::SigningKeyCache cache;
        SigV4Request r;
        r.method = "POST";
        r.headers = {{"Host", "localhost"}};
        QVERIFY(SigV4::sign(r, u"AKIAEXAMPLEEXAMPLE12"_s, oldSecret, u"us-east-1"_s, now).has_value());
        QVERIFY(SigV4::verify(r, now, lookupOf(u"AKIAEXAMPLEEXAMPLE12"_s, oldSecret), u"kms"_s, &cache).has_value());
        QVERIFY(SigV4::verify(r, now, lookupOf(u"AKIAEXAMPLEEXAMPLE12"_s, oldSecret), u"kms"_s, &cache).has_value());
        auto refused = SigV4::verify(r, now, lookupOf(u"AKIAEXAMPLEEXAMPLE12"_s, newSecret), u"kms"_s, &cache);
        QVERIFY(!refused.has_value());
        QCOMPARE(refused.error().type, qkms::server::errors::InvalidSignature);
    }

    void skewWithinLimitIsAccepted()
    {
        const QCA::SecureArray secret(QByteArrayLiteral("0123456789012345678901234567890123456789"));
        const QDateTime now(QDate(2026, 1, 2), QTime(3, 4, 5), QTimeZone::UTC);
        for (int minutes : {-15, -14, 14, 15}) {
            SigV4Request r;
            r.method = "POST";
            r.headers = {{"Host", "localhost"}};
            QVERIFY(SigV4::sign(r, u"AKIAEXAMPLEEXAMPLE12"_s, secret, u"us-east-1"_s, now.addSecs(minutes * 60)).has_value());
            QVERIFY(SigV4::verify(r, now, lookupOf(u"AKIAEXAMPLEEXAMPLE12"_s, secret)).has_value());
            // One second further is refused (the bound is inclusive, as before).
            if (std::abs(minutes) == 15)
                QVERIFY(!SigV4::verify(r, now.addSecs(minutes < 0 ? 1 : -1), lookupOf(u"AKIAEXAMPLEEXAMPLE12"_s, secret))
                         .has_value());
        }
    }
};

QKMS_TEST_MAIN(TestSigV4)
#include "tst_sigv4.moc"
