#include "policy/DefaultKeyPolicy.h"

#include "policy/RequestContext.h"

#include <QJsonArray>
#include <QJsonDocument>

using namespace Qt::StringLiterals;

namespace qkms::policy {

namespace {

QJsonValue oneOrMany(const QStringList &values)
{
    if (values.size() == 1)
        return values.first();
    return QJsonArray::fromStringList(values);
}

QJsonObject statement(const QString &sid, const QStringList &principals, const QStringList &actions)
{
    return QJsonObject{{u"Sid"_s, sid},
                       {u"Effect"_s, u"Allow"_s},
                       {u"Principal"_s, QJsonObject{{u"AWS"_s, oneOrMany(principals)}}},
                       {u"Action"_s, oneOrMany(actions)},
                       {u"Resource"_s, u"*"_s}};
}

QJsonObject rootStatement(const QString &accountId)
{
    return statement(u"Enable IAM User Permissions"_s, {accountRootArn(accountId)}, {u"kms:*"_s});
}

QStringList userActions(KeyUsageProfile usage)
{
    switch (usage) {
    case KeyUsageProfile::SymmetricEncryption:
        return {u"kms:Encrypt"_s, u"kms:Decrypt"_s, u"kms:ReEncrypt*"_s, u"kms:GenerateDataKey*"_s,
                u"kms:DescribeKey"_s};
    case KeyUsageProfile::AsymmetricEncryption:
        return {u"kms:Encrypt"_s, u"kms:Decrypt"_s, u"kms:ReEncrypt*"_s, u"kms:DescribeKey"_s, u"kms:GetPublicKey"_s};
    case KeyUsageProfile::Signing:
        return {u"kms:DescribeKey"_s, u"kms:GetPublicKey"_s, u"kms:Sign"_s, u"kms:Verify"_s};
    case KeyUsageProfile::Hmac: return {u"kms:DescribeKey"_s, u"kms:GenerateMac"_s, u"kms:VerifyMac"_s};
    case KeyUsageProfile::KeyAgreement:
        return {u"kms:DescribeKey"_s, u"kms:GetPublicKey"_s, u"kms:DeriveSharedSecret"_s};
    }
    return {};
}

const QStringList ElementOrder{u"Version"_s,  u"Id"_s,        u"Statement"_s,   u"Sid"_s,
                               u"Effect"_s,   u"Principal"_s, u"NotPrincipal"_s, u"Action"_s,
                               u"NotAction"_s, u"Resource"_s, u"NotResource"_s, u"Condition"_s};

QString scalarJson(const QJsonValue &v)
{
    // QJsonDocument only serialises containers; wrap and strip the brackets.
    const QByteArray wrapped = QJsonDocument(QJsonArray{v}).toJson(QJsonDocument::Compact);
    return QString::fromUtf8(wrapped.mid(1, wrapped.size() - 2));
}

void write(const QJsonValue &value, int depth, QString &out)
{
    const QString pad(2 * (depth + 1), u' ');
    const QString closePad(2 * depth, u' ');
    if (value.isObject()) {
        const QJsonObject o = value.toObject();
        QStringList keys = o.keys();
        std::stable_sort(keys.begin(), keys.end(), [](const QString &a, const QString &b) {
            const auto rank = [](const QString &k) {
                const auto i = ElementOrder.indexOf(k);
                return i < 0 ? ElementOrder.size() : i;
            };
            return rank(a) < rank(b);
        });
        out += u"{\n"_s;
        for (qsizetype i = 0; i < keys.size(); ++i) {
            out += pad + scalarJson(keys.at(i)) + u" : "_s;
            write(o.value(keys.at(i)), depth + 1, out);
            out += (i + 1 < keys.size() ? u",\n"_s : u"\n"_s);
        }
        out += closePad + u"}"_s;
    } else if (value.isArray()) {
        const QJsonArray a = value.toArray();
        out += u"[ "_s;
        for (qsizetype i = 0; i < a.size(); ++i) {
            if (a.at(i).isObject())
                write(a.at(i), depth, out);
            else
                out += scalarJson(a.at(i));
            out += (i + 1 < a.size() ? u", "_s : u" "_s);
        }
        out += u"]"_s;
    } else {
        out += scalarJson(value);
    }
}

} // namespace

QString DefaultKeyPolicy::toJson(const QJsonObject &policy)
{
    QString out;
    write(policy, 0, out);
    return out;
}

QString DefaultKeyPolicy::forAccount(const QString &accountId)
{
    return toJson(QJsonObject{{u"Version"_s, u"2012-10-17"_s},
                              {u"Id"_s, u"key-default-1"_s},
                              {u"Statement"_s, QJsonArray{rootStatement(accountId)}}});
}

QString DefaultKeyPolicy::console(const ConsolePolicyOptions &options)
{
    QJsonArray statements{rootStatement(options.accountId)};
    if (!options.administrators.isEmpty()) {
        QStringList actions{u"kms:Create*"_s, u"kms:Describe*"_s, u"kms:Enable*"_s, u"kms:List*"_s,
                            u"kms:Put*"_s,    u"kms:Update*"_s,   u"kms:Revoke*"_s, u"kms:Disable*"_s,
                            u"kms:Get*"_s,    u"kms:Delete*"_s,   u"kms:TagResource"_s, u"kms:UntagResource"_s,
                            u"kms:ScheduleKeyDeletion"_s, u"kms:CancelKeyDeletion"_s, u"kms:RotateKeyOnDemand"_s};
        if (options.externalOrigin)
            actions.append(u"kms:ImportKeyMaterial"_s);
        if (options.multiRegion)
            actions << u"kms:ReplicateKey"_s << u"kms:UpdatePrimaryRegion"_s;
        statements.append(statement(u"Allow access for Key Administrators"_s, options.administrators, actions));
    }
    if (!options.users.isEmpty()) {
        statements.append(statement(u"Allow use of the key"_s, options.users, userActions(options.usage)));
        // Only symmetric encryption keys can back AWS-integrated persistent resources (EBS...).
        if (options.usage == KeyUsageProfile::SymmetricEncryption) {
            QJsonObject grants = statement(u"Allow attachment of persistent resources"_s, options.users,
                                           {u"kms:CreateGrant"_s, u"kms:ListGrants"_s, u"kms:RevokeGrant"_s});
            grants.insert(u"Condition"_s,
                          QJsonObject{{u"Bool"_s, QJsonObject{{u"kms:GrantIsForAWSResource"_s, true}}}});
            statements.append(grants);
        }
    }
    return toJson(QJsonObject{{u"Version"_s, u"2012-10-17"_s},
                              {u"Id"_s, u"key-consolepolicy-3"_s},
                              {u"Statement"_s, statements}});
}

} // namespace qkms::policy
