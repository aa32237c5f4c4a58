#include "policy/RequestContext.h"

#include "policy/Wildcard.h"

namespace qkms::policy {

namespace {

const QString EncryptionContextPrefix = QStringLiteral("kms:encryptioncontext:");

} // namespace

QString RequestContext::canonicalKey(const QString &key)
{
    // kms:EncryptionContext:<k>: the prefix is a key name (case-insensitive) but <k> is data
    // and stays case-sensitive, so "dept" and "Dept" are different keys as in the context.
    if (key.startsWith(EncryptionContextPrefix, Qt::CaseInsensitive))
        return EncryptionContextPrefix + key.mid(EncryptionContextPrefix.size());
    // Every call canonicalises its keys, and they are ASCII: lower A–Z in one pass (sharing `key`
    // when there is nothing to lower) instead of QString::toLower's Unicode tables, which give
    // the same result for ASCII. Anything else still goes through toLower.
    const QChar *in = key.constData();
    const qsizetype n = key.size();
    bool upper = false;
    for (qsizetype i = 0; i < n; ++i) {
        const char16_t c = in[i].unicode();
        if (c >= 0x80)
            return key.toLower();
        upper = upper || (c >= u'A' && c <= u'Z');
    }
    if (!upper)
        return key;
    QString lowered(n, Qt::Uninitialized);
    QChar *out = lowered.data();
    for (qsizetype i = 0; i < n; ++i) {
        const char16_t c = in[i].unicode();
        out[i] = QChar(c >= u'A' && c <= u'Z' ? char16_t(c + (u'a' - u'A')) : c);
    }
    return lowered;
}

void RequestContext::set(const QString &key, const QString &value)
{
    m_values.insert(canonicalKey(key), Entry{key, ContextValue{{value}, false}});
}

void RequestContext::setMulti(const QString &key, const QStringList &values)
{
    if (values.isEmpty()) {
        remove(key);
        return;
    }
    m_values.insert(canonicalKey(key), Entry{key, ContextValue{values, true}});
}

void RequestContext::remove(const QString &key)
{
    m_values.remove(canonicalKey(key));
}

void RequestContext::setEncryptionContext(const QMap<QString, QString> &context)
{
    for (auto it = m_values.begin(); it != m_values.end();) {
        if (it.key().startsWith(EncryptionContextPrefix))
            it = m_values.erase(it);
        else
            ++it;
    }
    for (auto it = context.cbegin(); it != context.cend(); ++it)
        set(QStringLiteral("kms:EncryptionContext:") + it.key(), it.value());
    setMulti(QStringLiteral("kms:EncryptionContextKeys"), context.keys());
}

void RequestContext::setResourceTags(const QMap<QString, QString> &tags)
{
    for (auto it = tags.cbegin(); it != tags.cend(); ++it)
        set(QStringLiteral("aws:ResourceTag/") + it.key(), it.value());
}

void RequestContext::setRequestTags(const QMap<QString, QString> &tags)
{
    for (auto it = tags.cbegin(); it != tags.cend(); ++it)
        set(QStringLiteral("aws:RequestTag/") + it.key(), it.value());
    setMulti(QStringLiteral("aws:TagKeys"), tags.keys());
}

void RequestContext::setCurrentTime(const QDateTime &time)
{
    set(QStringLiteral("aws:CurrentTime"), time.toUTC().toString(Qt::ISODate));
}

std::optional<ContextValue> RequestContext::value(const QString &key) const
{
    const QString canonical = canonicalKey(key);
    const auto it = m_values.constFind(canonical);
    if (it != m_values.constEnd())
        return it->value.values.isEmpty() ? std::nullopt : std::optional(it->value);

    // Keys AWS always puts in the request context, derived from the caller.
    if (canonical == u"aws:principalarn" && !principalArn.isEmpty())
        return ContextValue{{principalArn}, false};
    if (canonical == u"kms:calleraccount" || canonical == u"aws:principalaccount") {
        const QString account = accountOfPrincipal(principalArn);
        if (!account.isEmpty())
            return ContextValue{{account}, false};
    }
    return std::nullopt;
}

QStringList RequestContext::keys() const
{
    QStringList names;
    for (const Entry &e : m_values)
        names.append(e.name);
    names.sort(Qt::CaseInsensitive);
    return names;
}

QString RequestContext::resourceAccount() const
{
    return accountId.isEmpty() ? accountOfPrincipal(principalArn) : accountId;
}

bool isAccountId(QStringView text)
{
    if (text.size() != 12)
        return false;
    for (QChar c : text) {
        if (c < u'0' || c > u'9')
            return false;
    }
    return true;
}

QString accountOfPrincipal(const QString &principal)
{
    if (isAccountId(principal))
        return principal;
    const auto parts = arnParts(principal);
    if (!parts || ((*parts)[2] != u"iam" && (*parts)[2] != u"sts") || !isAccountId((*parts)[4]))
        return {};
    return (*parts)[4].toString();
}

QString accountRootArn(const QString &accountId)
{
    // One allocation rather than arg()'s parsing: the engine builds it on every call.
    static constexpr QLatin1StringView prefix("arn:aws:iam::");
    static constexpr QLatin1StringView suffix(":root");
    QString arn;
    arn.reserve(prefix.size() + accountId.size() + suffix.size());
    arn.append(prefix).append(accountId).append(suffix);
    return arn;
}

} // namespace qkms::policy
