#include "policy/Wildcard.h"

#include <QStringList>

namespace qkms::policy {

namespace {

bool sameChar(QChar a, QChar b, Qt::CaseSensitivity cs)
{
    return a == b || (cs == Qt::CaseInsensitive && a.toCaseFolded() == b.toCaseFolded());
}

} // namespace

bool wildcardMatch(QStringView pattern, QStringView text, Qt::CaseSensitivity cs)
{
    // Greedy match with one backtrack point (the last '*'): a later '*' makes earlier choices
    // irrelevant, so remembering only the last one is complete and needs no recursion.
    qsizetype p = 0;
    qsizetype t = 0;
    qsizetype star = -1;
    qsizetype mark = 0;
    while (t < text.size()) {
        if (p < pattern.size() && pattern[p] == u'*') {
            star = p++;
            mark = t;
        } else if (p < pattern.size() && (pattern[p] == u'?' || sameChar(pattern[p], text[t], cs))) {
            ++p;
            ++t;
        } else if (star >= 0) {
            p = star + 1;
            t = ++mark;
        } else {
            return false;
        }
    }
    while (p < pattern.size() && pattern[p] == u'*')
        ++p;
    return p == pattern.size();
}

bool hasWildcard(QStringView pattern)
{
    return pattern.contains(u'*') || pattern.contains(u'?');
}

std::optional<std::array<QStringView, 6>> arnParts(QStringView arn)
{
    std::array<QStringView, 6> parts;
    qsizetype start = 0;
    for (int i = 0; i < 5; ++i) {
        const qsizetype colon = arn.indexOf(u':', start);
        if (colon < 0)
            return std::nullopt;
        parts[i] = arn.sliced(start, colon - start);
        start = colon + 1;
    }
    parts[5] = arn.sliced(start);
    if (parts[0] != QLatin1StringView("arn"))
        return std::nullopt;
    return parts;
}

QStringList splitArn(QStringView arn)
{
    const auto parts = arnParts(arn);
    if (!parts)
        return {};
    QStringList out;
    out.reserve(6);
    for (QStringView part : *parts)
        out.append(part.toString());
    return out;
}

bool arnMatch(QStringView pattern, QStringView arn)
{
    const auto target = arnParts(arn);
    if (!target)
        return false;
    if (pattern == u"*")
        return true;
    const auto want = arnParts(pattern);
    if (!want)
        return false;
    for (int i = 0; i < 6; ++i) {
        if (!wildcardMatch((*want)[i], (*target)[i], Qt::CaseSensitive))
            return false;
    }
    return true;
}

} // namespace qkms::policy
