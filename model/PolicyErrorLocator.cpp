#include "PolicyErrorLocator.h"

#include <QRegularExpression>

#include <algorithm>
#include <optional>
#include <vector>

namespace qkms::model {

namespace {

// Just enough of a JSON reader to know where things are: the parser has already said what is
// wrong, this only finds it. It stops quietly at anything it does not understand.
struct Node;
struct Member {
    QString key;
    int keyStart = 0;
    int keyEnd = 0;
    std::vector<Node> value; ///< exactly one once read (a vector only because Node is incomplete here)
};
struct Node {
    enum class Type { Scalar, Object, Array };
    Type type = Type::Scalar;
    int start = 0;
    int end = 0; ///< one past the last character
    std::vector<Member> members;
    std::vector<Node> items;
};

class Scanner
{
public:
    explicit Scanner(const QString &text) : m_s(text) {}

    bool value(Node &out, int depth = 0)
    {
        skipSpace();
        if (m_i >= m_s.size() || depth > 64)
            return false;
        out.start = static_cast<int>(m_i);
        const QChar c = m_s.at(m_i);
        if (c == u'{')
            return object(out, depth);
        if (c == u'[')
            return array(out, depth);
        if (c == u'"') {
            QString ignored;
            if (!string(ignored))
                return false;
        } else {
            while (m_i < m_s.size() && !m_s.at(m_i).isSpace() && !QStringView(u",]}:").contains(m_s.at(m_i)))
                ++m_i;
        }
        out.end = static_cast<int>(m_i);
        return out.end > out.start;
    }

private:
    bool object(Node &out, int depth)
    {
        out.type = Node::Type::Object;
        ++m_i;
        skipSpace();
        if (peek(u'}'))
            return close(out);
        while (true) {
            skipSpace();
            Member m;
            m.keyStart = static_cast<int>(m_i);
            if (!peek(u'"') || !string(m.key))
                return false;
            m.keyEnd = static_cast<int>(m_i);
            skipSpace();
            if (!peek(u':'))
                return false;
            ++m_i;
            m.value.emplace_back();
            const bool ok = value(m.value.front(), depth + 1);
            out.members.push_back(std::move(m));
            if (!ok)
                return false;
            skipSpace();
            if (peek(u',')) {
                ++m_i;
                continue;
            }
            return peek(u'}') && close(out);
        }
    }

    bool array(Node &out, int depth)
    {
        out.type = Node::Type::Array;
        ++m_i;
        skipSpace();
        if (peek(u']'))
            return close(out);
        while (true) {
            out.items.emplace_back();
            if (!value(out.items.back(), depth + 1))
                return false;
            skipSpace();
            if (peek(u',')) {
                ++m_i;
                continue;
            }
            return peek(u']') && close(out);
        }
    }

    bool string(QString &out)
    {
        ++m_i; // the opening quote
        while (m_i < m_s.size()) {
            const QChar c = m_s.at(m_i++);
            if (c == u'"')
                return true;
            if (c == u'\\' && m_i < m_s.size())
                out.append(m_s.at(m_i++)); // escapes are kept as their second character: keys never need more
            else
                out.append(c);
        }
        return false;
    }

    bool close(Node &out)
    {
        ++m_i;
        out.end = static_cast<int>(m_i);
        return true;
    }
    bool peek(char16_t c) const { return m_i < m_s.size() && m_s.at(m_i) == c; }
    void skipSpace()
    {
        while (m_i < m_s.size() && m_s.at(m_i).isSpace())
            ++m_i;
    }

    const QString &m_s;
    qsizetype m_i = 0;
};

// From `start` to the end of its line (without trailing spaces), at least one character.
TextSpan restOfLine(const QString &text, int start)
{
    int end = start;
    while (end < text.size() && text.at(end) != u'\n')
        ++end;
    while (end > start + 1 && text.at(end - 1).isSpace())
        --end;
    return {start, std::max(1, end - start)};
}

// The token at `offset` (a word, a number, a string's first character), at least one character.
TextSpan tokenAt(const QString &text, int offset)
{
    while (offset < text.size() && text.at(offset).isSpace()) // point at the next thing written
        ++offset;
    if (offset >= text.size()) { // "unexpected end": point at the last thing written
        offset = static_cast<int>(text.size()) - 1;
        while (offset > 0 && text.at(offset).isSpace())
            --offset;
        return {std::max(0, offset), 1};
    }
    int end = offset;
    while (end < text.size() && (text.at(end).isLetterOrNumber() || text.at(end) == u'_' || text.at(end) == u'-'))
        ++end;
    return {offset, std::max(1, end - offset)};
}

const Node *statementNode(const Node &root, int index)
{
    for (const Member &m : root.members) {
        if (m.key != u"Statement" || m.value.empty())
            continue;
        const Node &v = m.value.front();
        if (v.type == Node::Type::Object && index == 0)
            return &v;
        if (v.type == Node::Type::Array && index >= 0 && static_cast<size_t>(index) < v.items.size())
            return &v.items.at(static_cast<size_t>(index));
    }
    return nullptr;
}

// The first 'quoted' value of the message, as "value" (or bare) inside [start, end).
std::optional<TextSpan> findQuoted(const QString &text, const QString &message, int start, int end)
{
    static const QRegularExpression quoted(QStringLiteral("'([^']+)'"));
    const auto match = quoted.match(message);
    if (!match.hasMatch())
        return std::nullopt;
    const QString value = match.captured(1);
    const QStringView scope = QStringView(text).mid(start, end - start);
    qsizetype at = scope.indexOf(QStringLiteral("\"%1\"").arg(value));
    if (at >= 0)
        return TextSpan{static_cast<int>(start + at), static_cast<int>(value.size() + 2)};
    at = scope.indexOf(value);
    if (at >= 0)
        return TextSpan{static_cast<int>(start + at), static_cast<int>(value.size())};
    return std::nullopt;
}

// The member of `node` whose name the message mentions first (as a whole word).
const Member *mentionedMember(const Node &node, const QString &message)
{
    const Member *best = nullptr;
    qsizetype bestAt = -1;
    for (const Member &m : node.members) {
        const QRegularExpression word(QStringLiteral("\\b%1\\b").arg(QRegularExpression::escape(m.key)));
        const auto match = word.match(message);
        if (match.hasMatch() && (bestAt < 0 || match.capturedStart() < bestAt)) {
            best = &m;
            bestAt = match.capturedStart();
        }
    }
    return best;
}

TextSpan locateIn(const QString &text, const QString &message, const Node &node)
{
    if (auto span = findQuoted(text, message, node.start, node.end))
        return *span;
    if (const Member *m = mentionedMember(node, message))
        return {m->keyStart, m->keyEnd - m->keyStart};
    return restOfLine(text, node.start);
}

} // namespace

TextSpan locatePolicyError(const QString &json, const QString &message)
{
    if (json.isEmpty())
        return {};
    static const QRegularExpression offset(QStringLiteral("offset (\\d+)"));
    if (const auto match = offset.match(message); match.hasMatch())
        return tokenAt(json, std::min(match.captured(1).toInt(), static_cast<int>(json.size())));

    Node root;
    Scanner(json).value(root);
    int first = 0;
    while (first < json.size() && json.at(first).isSpace())
        ++first;
    static const QRegularExpression statement(QStringLiteral("\\bstatement (\\d+)"));
    if (const auto match = statement.match(message); match.hasMatch()) {
        if (const Node *s = statementNode(root, match.captured(1).toInt() - 1))
            return locateIn(json, message.left(match.capturedStart()), *s); // not the Sid in its label
    }
    if (root.type == Node::Type::Object && root.end > root.start)
        return locateIn(json, message, root);
    return restOfLine(json, std::min(first, static_cast<int>(json.size()) - 1));
}

} // namespace qkms::model
