#include "JsonHighlighter.h"

#include <QFont>

namespace qkms::ui {

namespace {

int slot(JsonHighlighter::Token token)
{
    return static_cast<int>(token);
}

QTextCharFormat makeFormat(const char *colour, bool bold = false)
{
    QTextCharFormat f;
    f.setForeground(QColor(QLatin1StringView(colour)));
    if (bold)
        f.setFontWeight(QFont::Bold);
    return f;
}

} // namespace

JsonHighlighter::JsonHighlighter(QTextDocument *document) : QSyntaxHighlighter(document)
{
    // Colours that read on a white editor and differ for people with red-green colour blindness.
    m_formats[slot(Token::Key)] = makeFormat("#1a4f8b");
    m_formats[slot(Token::String)] = makeFormat("#0b6e4f");
    m_formats[slot(Token::Number)] = makeFormat("#a04000");
    m_formats[slot(Token::Literal)] = makeFormat("#7b1fa2");
    m_formats[slot(Token::Punctuation)] = makeFormat("#5f6368");
    m_formats[slot(Token::PolicyKeyword)] = makeFormat("#8b1a4f", true);
}

QTextCharFormat JsonHighlighter::format(Token token) const
{
    return m_formats[slot(token)];
}

bool JsonHighlighter::isPolicyKeyword(QStringView word)
{
    static const QStringList words{
        QStringLiteral("Version"),     QStringLiteral("Id"),       QStringLiteral("Statement"),
        QStringLiteral("Sid"),         QStringLiteral("Effect"),   QStringLiteral("Principal"),
        QStringLiteral("NotPrincipal"), QStringLiteral("Action"),  QStringLiteral("NotAction"),
        QStringLiteral("Resource"),    QStringLiteral("NotResource"), QStringLiteral("Condition"),
        QStringLiteral("Allow"),       QStringLiteral("Deny"),     QStringLiteral("AWS"),
        QStringLiteral("Service")};
    for (const QString &w : words) {
        if (word == w)
            return true;
    }
    return false;
}

void JsonHighlighter::highlightBlock(const QString &text)
{
    const qsizetype n = text.size();
    qsizetype i = 0;
    while (i < n) {
        const QChar c = text.at(i);
        if (c.isSpace()) {
            ++i;
            continue;
        }
        if (c == u'"') {
            qsizetype end = i + 1;
            while (end < n && text.at(end) != u'"')
                end += text.at(end) == u'\\' ? 2 : 1;
            end = std::min(end + 1, n); // include the closing quote (an unterminated string runs to the end)
            // A string followed by ':' is a member name.
            qsizetype next = end;
            while (next < n && text.at(next).isSpace())
                ++next;
            const bool key = next < n && text.at(next) == u':';
            const QStringView inner = QStringView(text).mid(i + 1, std::max<qsizetype>(0, end - i - 2));
            Token token = key ? Token::Key : Token::String;
            // Keywords as member names ("Effect":) and as Effect values ("Allow").
            if (isPolicyKeyword(inner))
                token = Token::PolicyKeyword;
            setFormat(static_cast<int>(i), static_cast<int>(end - i), m_formats[slot(token)]);
            i = end;
        } else if (c.isDigit() || c == u'-') {
            qsizetype end = i + 1;
            while (end < n && (text.at(end).isDigit() || QStringView(u".eE+-").contains(text.at(end))))
                ++end;
            setFormat(static_cast<int>(i), static_cast<int>(end - i), m_formats[slot(Token::Number)]);
            i = end;
        } else if (c.isLetter()) {
            qsizetype end = i + 1;
            while (end < n && text.at(end).isLetter())
                ++end;
            const QStringView word = QStringView(text).mid(i, end - i);
            if (word == u"true" || word == u"false" || word == u"null")
                setFormat(static_cast<int>(i), static_cast<int>(end - i), m_formats[slot(Token::Literal)]);
            i = end;
        } else {
            if (QStringView(u"{}[],:").contains(c))
                setFormat(static_cast<int>(i), 1, m_formats[slot(Token::Punctuation)]);
            ++i;
        }
    }
}

} // namespace qkms::ui
