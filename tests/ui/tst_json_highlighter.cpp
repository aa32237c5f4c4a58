// The policy editor's highlighter: each JSON token gets its format, policy words their own, and
// what is not a token (spaces, stray words) none.

#include "GuiTestMain.h"
#include "JsonHighlighter.h"

#include <QSet>
#include <QTextBlock>
#include <QTextDocument>
#include <QTextLayout>

using namespace qkms;
using Token = ui::JsonHighlighter::Token;

class TestJsonHighlighter : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void formats_data();
    void formats();
    void formatsDiffer();
    void keywords();

private:
    /// The format the highlighter put on character `offset` of the first line, if any.
    static std::optional<QTextCharFormat> formatAt(const QTextDocument &doc, int offset)
    {
        const QTextBlock block = doc.firstBlock();
        for (const QTextLayout::FormatRange &r : block.layout()->formats()) {
            if (offset >= r.start && offset < r.start + r.length)
                return r.format;
        }
        return std::nullopt;
    }
};

void TestJsonHighlighter::formats_data()
{
    QTest::addColumn<QString>("line");
    QTest::addColumn<QString>("fragment"); // the first occurrence is checked, over its whole length
    QTest::addColumn<int>("token");        // -1: no format at all

    const auto row = [](const char *name, const char *line, const char *fragment, int token) {
        QTest::newRow(name) << QString::fromUtf8(line) << QString::fromUtf8(fragment) << token;
    };
    row("member name", R"({"Foo": "bar"})", R"("Foo")", int(Token::Key));
    row("string value", R"({"Foo": "bar"})", R"("bar")", int(Token::String));
    row("policy element name", R"(  "Effect": "Allow",)", R"("Effect")", int(Token::PolicyKeyword));
    row("Effect value Deny", R"(  "Effect": "Deny",)", R"("Deny")", int(Token::PolicyKeyword));
    row("Principal", R"("Principal": {"AWS": "arn:aws:iam::111122223333:root"})", R"("Principal")",
        int(Token::PolicyKeyword));
    row("ARN is a string", R"("Principal": {"AWS": "arn:aws:iam::111122223333:root"})",
        R"("arn:aws:iam::111122223333:root")", int(Token::String));
    row("Condition", R"("Condition": {"StringEquals": {}})", R"("Condition")", int(Token::PolicyKeyword));
    row("operator is a key", R"("Condition": {"StringEquals": {}})", R"("StringEquals")", int(Token::Key));
    row("action string", R"("Action": ["kms:Encrypt", "kms:Decrypt"])", R"("kms:Decrypt")", int(Token::String));
    row("escaped quote in key", R"({"a\"b": 1})", R"("a\"b")", int(Token::Key));
    row("integer", R"({"n": 42})", "42", int(Token::Number));
    row("negative exponent", R"({"n": -1.5e3})", "-1.5e3", int(Token::Number));
    row("true", R"({"b": true})", "true", int(Token::Literal));
    row("null", R"({"b": null})", "null", int(Token::Literal));
    row("brace", R"({"b": null})", "{", int(Token::Punctuation));
    row("colon", R"({"b": null})", ":", int(Token::Punctuation));
    row("comma", R"([1, 2])", ",", int(Token::Punctuation));
    // Negative rows: nothing where there is no token.
    row("space between tokens (negative)", R"({"b":   1})", "   ", -1);
    row("bare word is not a literal (negative)", R"({"b": Allow})", "Allow", -1);
}

void TestJsonHighlighter::formats()
{
    QFETCH(QString, line);
    QFETCH(QString, fragment);
    QFETCH(int, token);
    QTextDocument doc;
    ui::JsonHighlighter highlighter(&doc);
    doc.setPlainText(line);
    highlighter.rehighlight(); // the editor does this from its event loop
    const int start = static_cast<int>(line.indexOf(fragment));
    QVERIFY(start >= 0);
    for (int i = start; i < start + fragment.size(); ++i) {
        const auto f = formatAt(doc, i);
        if (token < 0) {
            QVERIFY2(!f || f->foreground() == QBrush(), qPrintable(QStringLiteral("offset %1 is formatted").arg(i)));
            continue;
        }
        QVERIFY2(f.has_value(), qPrintable(QStringLiteral("offset %1 has no format").arg(i)));
        const QTextCharFormat expected = highlighter.format(static_cast<Token>(token));
        QCOMPARE(f->foreground().color(), expected.foreground().color());
        QCOMPARE(f->fontWeight(), expected.fontWeight());
    }
}

void TestJsonHighlighter::formatsDiffer()
{
    QTextDocument doc;
    ui::JsonHighlighter highlighter(&doc);
    QSet<QRgb> colours;
    for (int t = 0; t <= int(Token::PolicyKeyword); ++t)
        colours.insert(highlighter.format(static_cast<Token>(t)).foreground().color().rgb());
    QCOMPARE(colours.size(), int(Token::PolicyKeyword) + 1);
    QCOMPARE(highlighter.format(Token::PolicyKeyword).fontWeight(), int(QFont::Bold));
}

void TestJsonHighlighter::keywords()
{
    for (const char *w : {"Version", "Statement", "Sid", "Effect", "Principal", "NotPrincipal", "Action",
                          "NotAction", "Resource", "NotResource", "Condition", "Allow", "Deny"})
        QVERIFY2(ui::JsonHighlighter::isPolicyKeyword(QString::fromLatin1(w)), w);
    QVERIFY(!ui::JsonHighlighter::isPolicyKeyword(u"effect")); // the grammar is case-sensitive
    QVERIFY(!ui::JsonHighlighter::isPolicyKeyword(u"kms:Encrypt"));
}

QKMS_GUI_TEST_MAIN(TestJsonHighlighter)
#include "tst_json_highlighter.moc"
