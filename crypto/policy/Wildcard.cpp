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

QStringList splitArn(QStringView arn)
{
    QStringList parts;
    qsizetype start = 0;
    for (int i = 0; i < 5; ++i) {
        const qsizetype colon = arn.indexOf(u':', start);
        if (colon < 0)
            return {};
        parts.append(arn.mid(start, colon - start).toString());
        start = colon + 1;
    }
    parts.append(arn.mid(start).toString());
    if (parts.first() != QLatin1String("arn"))
        return {};
    return parts;
}

bool arnMatch(QStringView pattern, QStringView arn)
{
    const QStringList target = splitArn(arn);
    if (target.isEmpty())
        return false;
    if (pattern == u"*")
        return true;
    const QStringList want = splitArn(pattern);
    if (want.isEmpty())
        return false;
    for (int i = 0; i < 6; ++i) {
        if (!wildcardMatch(want.at(i), target.at(i), Qt::CaseSensitive))
            return false;
    }
    return true;
}

} // namespace qkms::policy
