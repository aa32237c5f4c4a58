// checkPolicyText, the verdict both policy editors show (the Policies pane's editor and the
// identity-policy dialog): where the engine parser's refusal is, as "Line l, column c", 1-based
// as the editor counts, and what gets underlined. The rows cover the locator's fallback to the
// document's start (offset 0), which once came out as a negative column on multi-line text.

#include "GuiTestMain.h"
#include "PolicyVerdict.h"

#include <QPlainTextEdit>
#include <QTest>

using namespace qkms;

class TestPolicyVerdict : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void locatesTheRefusal_data();
    void locatesTheRefusal();
    void validTextHasNoVerdict();
};

void TestPolicyVerdict::locatesTheRefusal_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("where");      // the message's start
    QTest::addColumn<QString>("why");        // the parser's words, as the message ends
    QTest::addColumn<QString>("underlined"); // the start of the marked text

    // No Statement: nothing in the text to point at, so the locator falls back to offset 0.
    QTest::newRow("offset 0, multi-line (missing Statement)")
        << QStringLiteral("{\n  \"Version\": \"2012-10-17\",\n  \"Id\": \"no statement\"\n}\n")
        << QStringLiteral("Line 1, column 1: ") << QStringLiteral("missing Statement") << QStringLiteral("{");
    QTest::newRow("offset 0, one line (missing Statement)")
        << QStringLiteral(R"({"Version":"2012-10-17"})") << QStringLiteral("Line 1, column 1: ")
        << QStringLiteral("missing Statement") << QStringLiteral("{");
    // A refusal further in: line and column of the offending value.
    QTest::newRow("line 3 (unknown Effect)")
        << QStringLiteral("{\n  \"Version\": \"2012-10-17\",\n"
                          "  \"Statement\": {\"Effect\": \"Maybe\", \"Action\": \"kms:Encrypt\", \"Resource\": \"*\"}\n}")
        << QStringLiteral("Line 3, column 27: ") << QStringLiteral("unknown Effect 'Maybe'")
        << QStringLiteral("\"Maybe\"");
    // A JSON error: the parser's character offset (a stray x typed after the document).
    QTest::newRow("line 4, column 1 (not valid JSON)")
        << QStringLiteral("{\n  \"Version\": \"2012-10-17\"\n}\nx") << QStringLiteral("Line 4, column 1: ")
        << QStringLiteral("not valid JSON") << QStringLiteral("x");
}

void TestPolicyVerdict::locatesTheRefusal()
{
    QFETCH(QString, text);
    QFETCH(QString, where);
    QFETCH(QString, why);
    QFETCH(QString, underlined);

    const ui::PolicyVerdict verdict = ui::checkPolicyText(text, policy::PolicyKind::IdentityPolicy);
    QVERIFY(!verdict.valid);
    QVERIFY2(verdict.message.startsWith(where), qPrintable(verdict.message));
    QVERIFY2(verdict.message.contains(why), qPrintable(verdict.message));
    QVERIFY2(verdict.message.endsWith(QStringLiteral(" (MalformedPolicyDocumentException)")), qPrintable(verdict.message));

    // The editor underlines the same place the message names.
    QPlainTextEdit editor;
    editor.setPlainText(text);
    ui::markPolicyVerdict(&editor, verdict);
    QCOMPARE(editor.extraSelections().size(), 1);
    const QString marked = editor.extraSelections().first().cursor.selectedText();
    QVERIFY2(marked.startsWith(underlined), qPrintable(marked));
    const QTextCursor start = [&] {
        QTextCursor c(editor.document());
        c.setPosition(verdict.span.start);
        return c;
    }();
    QCOMPARE(QStringLiteral("Line %1, column %2: ").arg(start.blockNumber() + 1).arg(start.positionInBlock() + 1), where);
}

void TestPolicyVerdict::validTextHasNoVerdict()
{
    const QString text = QStringLiteral(
        "{\n  \"Version\": \"2012-10-17\",\n"
        "  \"Statement\": {\"Effect\": \"Allow\", \"Action\": \"kms:Encrypt\", \"Resource\": \"*\"}\n}");
    const ui::PolicyVerdict verdict = ui::checkPolicyText(text, policy::PolicyKind::IdentityPolicy);
    QVERIFY(verdict.valid);
    QCOMPARE(verdict.message, QString());
    QPlainTextEdit editor;
    editor.setPlainText(text);
    editor.setExtraSelections({QTextEdit::ExtraSelection{}});
    ui::markPolicyVerdict(&editor, verdict);
    QVERIFY(editor.extraSelections().isEmpty());
}

QKMS_GUI_TEST_MAIN(TestPolicyVerdict)
#include "tst_policy_verdict.moc"
