// Randomised checks of the policy language, seeded so every run is the same: generated and
// mangled policies never crash the parser or the evaluator, and adding an explicit Deny never
// turns a denial into an allow (and a Deny that applies always wins).

#include "policy/KmsActions.h"
#include "policy/PolicyEvaluator.h"

#include "TestMain.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>

using namespace Qt::StringLiterals;
using namespace qkms;
using namespace qkms::policy;

namespace {

const QString KeyArn = u"arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"_s;
const QStringList Callers{u"arn:aws:iam::111122223333:user/Alice"_s, u"arn:aws:iam::111122223333:user/Bob"_s,
                          u"arn:aws:iam::111122223333:root"_s, u"arn:aws:iam::111122223333:role/Ops"_s,
                          u"arn:aws:iam::444455556666:user/Carol"_s, u"arn:aws:sts::111122223333:assumed-role/Ops/s1"_s,
                          u"ec2.amazonaws.com"_s};
const QStringList GoodPrincipals = Callers.mid(0, 6) + QStringList{u"*"_s, u"111122223333"_s, u"arn:aws:iam::444455556666:root"_s};
const QStringList BadPrincipals{u"bob"_s, u"arn:aws:iam::111122223333:group/G"_s, u"arn:aws:iam::111122223333:user/*"_s, QString()};
const QStringList ExtraActions{u"kms:*"_s, u"*"_s, u"kms:ReEncrypt*"_s, u"kms:Generate*"_s, u"KMS:encrypt"_s,
                               u"kms:?ign"_s, u"kms:*Key*"_s};
const QStringList BadActions{u"Encrypt"_s, u"iam:CreateUser"_s, u"kms:Nope"_s, u"kms:"_s};
const QStringList IdentityResources{u"*"_s, KeyArn, u"arn:aws:kms:*:111122223333:key/*"_s,
                                    u"arn:aws:kms:us-west-2:111122223333:alias/finance*"_s,
                                    u"arn:aws:kms:*:444455556666:key/*"_s};
const QStringList Operators{u"StringEquals"_s, u"StringNotEquals"_s, u"StringEqualsIgnoreCase"_s,
                            u"StringNotEqualsIgnoreCase"_s, u"StringLike"_s, u"StringNotLike"_s, u"Bool"_s,
                            u"NumericEquals"_s, u"NumericNotEquals"_s, u"NumericLessThan"_s, u"NumericGreaterThanEquals"_s,
                            u"DateLessThan"_s, u"DateGreaterThan"_s, u"DateNotEquals"_s, u"ArnEquals"_s, u"ArnLike"_s,
                            u"ArnNotLike"_s, u"Null"_s};
const QStringList Keys{u"kms:EncryptionContext:dept"_s, u"kms:EncryptionContextKeys"_s, u"kms:CallerAccount"_s,
                       u"kms:ViaService"_s, u"kms:GrantIsForAWSResource"_s, u"kms:RequestAlias"_s,
                       u"kms:ScheduleKeyDeletionPendingWindowInDays"_s, u"aws:CurrentTime"_s, u"aws:PrincipalArn"_s,
                       u"aws:ResourceTag/Project"_s, u"kms:KeySpec"_s};
const QStringList Values{u"hr"_s, u"sales"_s, u"dept"_s, u"111122223333"_s, u"ec2.us-west-2.amazonaws.com"_s,
                         u"true"_s, u"false"_s, u"alias/fin*"_s, u"7"_s, u"30"_s, u"2025-01-01T00:00:00Z"_s,
                         u"1735689600"_s, u"arn:aws:iam::111122223333:*"_s, u"*"_s, u"SYMMETRIC_DEFAULT"_s};
// Values each operator family can read, so "sane" policies parse.
const QStringList NumericValues{u"7"_s, u"30"_s, u"1735689600"_s, u"-1"_s, u"2.5"_s};
const QStringList DateValues{u"2025-01-01T00:00:00Z"_s, u"1735689600"_s, u"2030-06-01"_s, u"2020-01-01T00:00:00+02:00"_s};
const QStringList BoolValues{u"true"_s, u"false"_s, u"TRUE"_s};

class Generator
{
public:
    explicit Generator(quint32 seed) : m_rng(seed) {}

    int below(int n) { return int(m_rng.bounded(n)); }
    bool chance(int percent) { return below(100) < percent; }
    template <typename T>
    const T &pick(const QList<T> &list) { return list.at(below(int(list.size()))); }

    QJsonValue oneOrMany(const QStringList &pool, int max)
    {
        const int n = 1 + below(max);
        if (n == 1 && chance(50))
            return pick(pool);
        QJsonArray a;
        for (int i = 0; i < n; ++i)
            a.append(pick(pool));
        return a;
    }

    QJsonObject condition(bool sane)
    {
        QJsonObject block;
        const int n = 1 + below(3);
        for (int i = 0; i < n; ++i) {
            QString op = pick(Operators);
            if (op != u"Null") {
                if (chance(25))
                    op = (chance(50) ? u"ForAnyValue:"_s : u"ForAllValues:"_s) + op;
                if (chance(20))
                    op += u"IfExists"_s;
            }
            if (!sane && chance(10))
                op = u"StringEqualz"_s;
            QJsonObject keys = block.value(op).toObject();
            const QStringList &pool = !sane                    ? Values
                                      : op.contains(u"Numeric"_s) ? NumericValues
                                      : op.contains(u"Date"_s)    ? DateValues
                                      : op.contains(u"Bool"_s) || op == u"Null" ? BoolValues
                                                                                : Values;
            QJsonValue value = oneOrMany(pool, 3);
            if (chance(10) && (!sane || op.contains(u"Numeric"_s)))
                value = chance(50) || sane ? QJsonValue(below(60)) : QJsonValue(chance(50));
            keys.insert(pick(Keys), value);
            block.insert(op, keys);
        }
        return block;
    }

    QJsonObject statement(PolicyKind kind, bool sane, const QString &effect = {})
    {
        QJsonObject s;
        if (chance(40))
            s.insert(u"Sid"_s, u"S%1"_s.arg(below(1000)));
        s.insert(u"Effect"_s, !effect.isEmpty() ? effect : (chance(75) ? u"Allow"_s : u"Deny"_s));
        if (kind == PolicyKind::KeyPolicy) {
            QJsonValue principal = chance(15) ? QJsonValue(u"*"_s)
                                              : QJsonValue(QJsonObject{{u"AWS"_s, oneOrMany(GoodPrincipals, 3)}});
            if (chance(10))
                principal = QJsonObject{{u"Service"_s, u"ec2.amazonaws.com"_s}};
            s.insert(chance(15) ? u"NotPrincipal"_s : u"Principal"_s, principal);
        }
        QStringList actions = kmsActionNames();
        for (QString &a : actions)
            a.prepend(u"kms:"_s);
        s.insert(chance(15) ? u"NotAction"_s : u"Action"_s, oneOrMany(actions + ExtraActions, 4));
        s.insert(u"Resource"_s, kind == PolicyKind::KeyPolicy ? QJsonValue(u"*"_s) : oneOrMany(IdentityResources, 2));
        if (chance(50))
            s.insert(u"Condition"_s, condition(sane));
        if (!sane)
            breakSomething(s, kind);
        return s;
    }

    QString policy(PolicyKind kind, bool sane)
    {
        QJsonArray statements;
        const int n = 1 + below(4);
        for (int i = 0; i < n; ++i)
            statements.append(statement(kind, sane));
        QJsonObject p{{u"Version"_s, u"2012-10-17"_s}};
        p.insert(u"Statement"_s, n == 1 && chance(30) ? statements.first() : QJsonValue(statements));
        return QString::fromUtf8(QJsonDocument(p).toJson(chance(50) ? QJsonDocument::Compact : QJsonDocument::Indented));
    }

    // Random edits to valid JSON text: inserted, deleted and replaced characters, some of
    // them outside what a policy may hold.
    QString mangle(QString text)
    {
        static const QString alphabet = u"{}[]\",:*?\\ \t\nabcAZ09\u00e9\u20ac\u0001\u0000"_s;
        const int edits = 1 + below(6);
        for (int i = 0; i < edits && !text.isEmpty(); ++i) {
            const int at = below(int(text.size()));
            switch (below(4)) {
            case 0: text.insert(at, alphabet.at(below(int(alphabet.size())))); break;
            case 1: text.remove(at, 1 + below(8)); break;
            case 2: text[at] = alphabet.at(below(int(alphabet.size()))); break;
            default: text.truncate(at); break;
            }
        }
        return text;
    }

    QString garbage()
    {
        QString s;
        const int n = below(chance(5) ? 40000 : 200);
        s.reserve(n);
        for (int i = 0; i < n; ++i)
            s.append(QChar(char16_t(chance(90) ? 0x20 + below(0x60) : below(0x300))));
        return s;
    }

    RequestContext request()
    {
        RequestContext r;
        r.principalArn = pick(Callers);
        QStringList actions = kmsActionNames();
        r.action = u"kms:"_s + pick(actions);
        r.resourceArn = chance(90) ? KeyArn : QString();
        r.accountId = u"111122223333"_s;
        for (const QString &key : Keys) {
            if (key.startsWith(u"kms:EncryptionContext"_s) || !chance(30))
                continue;
            r.set(key, pick(Values));
        }
        QMap<QString, QString> context;
        for (int i = below(3); i > 0; --i)
            context.insert(pick(QStringList{u"dept"_s, u"Dept"_s, u"project"_s}), pick(Values));
        r.setEncryptionContext(context);
        if (chance(10))
            r.setMulti(u"kms:ResourceAliases"_s, {u"alias/finance"_s, u"alias/x"_s});
        return r;
    }

private:
    void breakSomething(QJsonObject &s, PolicyKind kind)
    {
        switch (below(8)) {
        case 0: s.remove(u"Effect"_s); break;
        case 1: s.insert(u"Effect"_s, chance(50) ? QJsonValue(u"allow"_s) : QJsonValue(3)); break;
        case 2: s.insert(u"Action"_s, pick(BadActions)); break;
        case 3: s.remove(u"Resource"_s); break;
        case 4: s.insert(u"Resource"_s, kind == PolicyKind::KeyPolicy ? KeyArn : u"arn:aws:s3:::b"_s); break;
        case 5: s.insert(u"Principal"_s, QJsonObject{{u"AWS"_s, pick(BadPrincipals)}}); break;
        case 6: s.insert(u"Condition"_s, QJsonArray{1, 2}); break;
        default: s.insert(u"Bogus"_s, true); break;
        }
    }

    QRandomGenerator m_rng;
};

// Appends `statement` to a policy's Statement list (making it a list if it was an object).
QString withStatement(const QString &policy, const QJsonObject &statement)
{
    QJsonObject p = QJsonDocument::fromJson(policy.toUtf8()).object();
    QJsonValue current = p.value(u"Statement"_s);
    QJsonArray list = current.isArray() ? current.toArray() : QJsonArray{current};
    list.append(statement);
    p.insert(u"Statement"_s, list);
    return QString::fromUtf8(QJsonDocument(p).toJson(QJsonDocument::Compact));
}

bool sanePrincipal(const QString &arn)
{
    return !arn.contains(u"Ghost"_s);
}

} // namespace

class TestPolicyFuzz : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parserSurvivesAnything();
    void evaluatorSurvivesGeneratedPolicies();
    void addingDenyNeverAllows();
};

void TestPolicyFuzz::parserSurvivesAnything()
{
    Generator g(0x9e3779b9u);
    int accepted = 0;
    int refused = 0;
    for (int i = 0; i < 2000; ++i) {
        const PolicyKind kind = g.chance(50) ? PolicyKind::KeyPolicy : PolicyKind::IdentityPolicy;
        QString text;
        switch (i % 4) {
        case 0: text = g.policy(kind, true); break;
        case 1: text = g.policy(kind, false); break;
        case 2: text = g.mangle(g.policy(kind, true)); break;
        default: text = g.garbage(); break;
        }
        const auto result = PolicyDocument::parse(text, kind, sanePrincipal);
        if (result) {
            ++accepted;
            QVERIFY(!result->statements.isEmpty());
        } else {
            ++refused;
            QVERIFY2(result.error().type == errors::MalformedPolicy || result.error().type == errors::LimitExceeded,
                     qPrintable(result.error().toString()));
            QVERIFY(!result.error().message.isEmpty());
        }
    }
    qInfo("parser: %d accepted, %d refused", accepted, refused);
    // Both sides must be exercised, or the loop proves nothing.
    QVERIFY(accepted > 400);
    QVERIFY(refused > 800);
}

void TestPolicyFuzz::evaluatorSurvivesGeneratedPolicies()
{
    Generator g(20250101u);
    int decisions = 0;
    int allowed = 0;
    for (int i = 0; i < 2000; ++i) {
        const auto key = PolicyDocument::parse(g.policy(PolicyKind::KeyPolicy, true), PolicyKind::KeyPolicy);
        const auto identity = PolicyDocument::parse(g.policy(PolicyKind::IdentityPolicy, true),
                                                    PolicyKind::IdentityPolicy, {}, u"p"_s);
        if (!key || !identity)
            continue;
        const RequestContext r = g.request();
        const bool withKey = g.chance(90);
        const Decision d = PolicyEvaluator::evaluate(withKey ? &*key : nullptr, {*identity},
                                                     GrantResult{g.chance(10), u"grant"_s}, r);
        ++decisions;
        allowed += d.allowed() ? 1 : 0;
        QCOMPARE(d.trace.size(), (withKey ? key->statements.size() : 0) + identity->statements.size());
        QCOMPARE(PolicyEvaluator::accessDeniedMessage(d, r).isEmpty(), d.allowed());
        QVERIFY(!d.summary.isEmpty());
        QVERIFY(!d.explain().isEmpty());
        if (d.outcome == Outcome::ExplicitDeny)
            QVERIFY(d.decidingStatement() && d.decidingStatement()->effect == Effect::Deny);
    }
    qInfo("evaluator: %d decisions, %d allowed", decisions, allowed);
    QVERIFY(decisions > 1000);
    QVERIFY(allowed > 50);
}

void TestPolicyFuzz::addingDenyNeverAllows()
{
    Generator g(7u);
    int checked = 0;
    int denyApplied = 0;
    int flipped = 0; // allowed before, denied after
    const QJsonObject denyAll{{u"Effect"_s, u"Deny"_s}, {u"Principal"_s, u"*"_s}, {u"Action"_s, u"*"_s},
                              {u"Resource"_s, u"*"_s}};
    for (int i = 0; i < 2000; ++i) {
        const QString keyText = g.policy(PolicyKind::KeyPolicy, true);
        const QString identityText = g.policy(PolicyKind::IdentityPolicy, true);
        const auto key = PolicyDocument::parse(keyText, PolicyKind::KeyPolicy);
        const auto identity = PolicyDocument::parse(identityText, PolicyKind::IdentityPolicy, {}, u"p"_s);
        if (!key || !identity)
            continue;
        const RequestContext r = g.request();
        const GrantResult grant{g.chance(15), u"grant"_s};
        const Decision before = PolicyEvaluator::evaluate(&*key, {*identity}, grant, r);

        // A random Deny, added to the key policy or to the identity policy.
        const bool intoKey = g.chance(50);
        const PolicyKind kind = intoKey ? PolicyKind::KeyPolicy : PolicyKind::IdentityPolicy;
        const auto key2 = PolicyDocument::parse(intoKey ? withStatement(keyText, g.statement(kind, true, u"Deny"_s)) : keyText,
                                                PolicyKind::KeyPolicy);
        const auto identity2 = PolicyDocument::parse(
            intoKey ? identityText : withStatement(identityText, g.statement(kind, true, u"Deny"_s)),
            PolicyKind::IdentityPolicy, {}, u"p"_s);
        if (!key2 || !identity2)
            continue;
        const Decision after = PolicyEvaluator::evaluate(&*key2, {*identity2}, grant, r);
        ++checked;
        if (!before.allowed())
            QVERIFY2(!after.allowed(), qPrintable(before.explain() + u"\n---\n"_s + after.explain()));
        if (before.outcome == Outcome::ExplicitDeny)
            QCOMPARE(after.outcome, Outcome::ExplicitDeny);
        // The added statement is the last of its policy in the trace.
        const int added = intoKey ? int(key2->statements.size()) - 1 : int(after.trace.size()) - 1;
        QCOMPARE(after.trace.at(added).effect, Effect::Deny);
        if (after.trace.at(added).matched) {
            ++denyApplied;
            QVERIFY2(after.outcome == Outcome::ExplicitDeny, qPrintable(after.explain()));
            flipped += before.allowed() ? 1 : 0;
        }

        // Deny everything to everyone: always an explicit deny, whatever else the policy says.
        const auto locked = PolicyDocument::parse(withStatement(keyText, denyAll), PolicyKind::KeyPolicy);
        QVERIFY(locked.has_value());
        const Decision none = PolicyEvaluator::evaluate(&*locked, {*identity}, GrantResult{true, u"grant"_s}, r);
        QCOMPARE(none.outcome, Outcome::ExplicitDeny);
        QCOMPARE(none.denySource, DenySource::KeyPolicy);
    }
    qInfo("deny monotonicity: %d pairs checked, added Deny applied %d times (%d turned Allowed into ExplicitDeny)",
          checked, denyApplied, flipped);
    QVERIFY(checked > 1000);
    QVERIFY(denyApplied > 100);
    QVERIFY(flipped > 10);
}

QKMS_TEST_MAIN(TestPolicyFuzz)
#include "tst_policy_fuzz.moc"
