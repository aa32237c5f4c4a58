#pragma once

#include <QSyntaxHighlighter>
#include <QTextCharFormat>

namespace qkms::ui {

/// Colours JSON for the policy editor: member names, strings, numbers, true/false/null and
/// punctuation, with the policy language's own words (Effect, Action, Principal, Condition…,
/// and the values Allow and Deny) in bold. JSON strings never span lines, so each line is
/// highlighted on its own.
class JsonHighlighter : public QSyntaxHighlighter
{
    Q_OBJECT
public:
    enum class Token { Key, String, Number, Literal, Punctuation, PolicyKeyword };

    explicit JsonHighlighter(QTextDocument *document);

    /// The format used for `token` (tests compare against it).
    [[nodiscard]] QTextCharFormat format(Token token) const;
    /// True for the element names and Effect values of the policy grammar.
    [[nodiscard]] static bool isPolicyKeyword(QStringView word);

protected:
    void highlightBlock(const QString &text) override;

private:
    QTextCharFormat m_formats[6];
};

} // namespace qkms::ui
