// PolicyErrorLocator against the engine parser's real messages: each row is a broken policy and
// the text the editor must underline.

#include "PolicyErrorLocator.h"
#include "TestMain.h"
#include "policy/PolicyDocument.h"

using namespace qkms;

class TestPolicyErrorLocator : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void locates_data();
    void locates();
    void neverFails();
};

namespace {

QString statement(const char *body)
{
    return QStringLiteral(R"({"Version": "2012-10-17", "Statement": [
  {"Sid": "Root", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
   "Action": "kms:*", "Resource": "*"},
  %1
]})")
        .arg(QString::fromUtf8(body));
}

} // namespace

void TestPolicyErrorLocator::locates_data()
{
    QTest::addColumn<QString>("json");
    QTest::addColumn<QString>("underlined");
    QTest::addColumn<int>("occurrence"); // which occurrence of `underlined` (0-based)

    QTest::newRow("JSON syntax: missing value") << QStringLiteral(R"({"Version": })") << QStringLiteral("}") << 0;
    QTest::newRow("JSON syntax: trailing garbage")
        << QStringLiteral(R"({"Statement": []} x)") << QStringLiteral("x") << 0;
    QTest::newRow("unknown Effect value")
        << statement(R"({"Effect": "Allw", "Principal": "*", "Action": "kms:Encrypt", "Resource": "*"})")
        << QStringLiteral(R"("Allw")") << 0;
    QTest::newRow("unknown action")
        << statement(R"({"Effect": "Deny", "Principal": "*", "Action": "kms:Encrpt", "Resource": "*"})")
        << QStringLiteral(R"("kms:Encrpt")") << 0;
    QTest::newRow("missing Action names statement 2, not its Sid")
        << statement(R"({"Sid": "Two", "Effect": "Deny", "Principal": "*", "Resource": "*"})")
        << QStringLiteral(R"({"Sid": "Two", "Effect": "Deny", "Principal": "*", "Resource": "*"})") << 0;
    QTest::newRow("both Principal and NotPrincipal")
        << statement(R"({"Effect": "Deny", "Principal": "*", "NotPrincipal": "*", "Action": "kms:*", "Resource": "*"})")
        << QStringLiteral(R"("Principal")") << 1;
    QTest::newRow("resource in a key policy")
        << statement(R"({"Effect": "Deny", "Principal": "*", "Action": "kms:*", "Resource": "arn:aws:kms:x"})")
        << QStringLiteral(R"("arn:aws:kms:x")") << 0;
    QTest::newRow("unknown condition operator")
        << statement(R"({"Effect": "Deny", "Principal": "*", "Action": "kms:*", "Resource": "*",
                         "Condition": {"StringEqualz": {"kms:EncryptionContext:a": "b"}}})")
        << QStringLiteral(R"("StringEqualz")") << 0;
    QTest::newRow("unknown top-level element")
        << QStringLiteral(R"({"Version": "2012-10-17", "Statment": []})") << QStringLiteral(R"("Statment")") << 0;
    QTest::newRow("unknown Version")
        << QStringLiteral(R"({"Version": "2020-01-01", "Statement": []})") << QStringLiteral(R"("Version")") << 0;
}

void TestPolicyErrorLocator::locates()
{
    QFETCH(QString, json);
    QFETCH(QString, underlined);
    QFETCH(int, occurrence);
    const auto parsed = policy::PolicyDocument::parse(json, policy::PolicyKind::KeyPolicy);
    QVERIFY(!parsed.has_value()); // every row is broken
    const model::TextSpan span = model::locatePolicyError(json, parsed.error().message);
    qsizetype expected = -1;
    for (int i = 0; i <= occurrence; ++i)
        expected = json.indexOf(underlined, expected + 1);
    QVERIFY(expected >= 0);
    QCOMPARE(json.mid(span.start, span.length), underlined);
    QCOMPARE(span.start, int(expected));
}

void TestPolicyErrorLocator::neverFails()
{
    QCOMPARE(model::locatePolicyError(QString(), QStringLiteral("policy is empty")), model::TextSpan{});
    // A message that names nothing in the text: the first line.
    const model::TextSpan span = model::locatePolicyError(QStringLiteral("  [1, 2]\n[3]"), QStringLiteral("policy must be a JSON object"));
    QCOMPARE(span.start, 2);
    QCOMPARE(span.length, 6);
    // An offset past the end points at the last character written.
    const QString open = QStringLiteral("{\"a\": 1  ");
    QCOMPARE(model::locatePolicyError(open, QStringLiteral("x at character offset 9")).start, 6);
}

QKMS_TEST_MAIN(TestPolicyErrorLocator)
#include "tst_policy_error_locator.moc"
