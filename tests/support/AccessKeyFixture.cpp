#include "AccessKeyFixture.h"

#include "iam/PrincipalStore.h"

namespace qkms::test {

QString AccessKeyFixture::allowAllKmsPolicy()
{
    return QStringLiteral(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:*","Resource":"*"}]})");
}

Result<AccessKeyFixture> AccessKeyFixture::create(iam::PrincipalStore &principals, const QString &userName,
                                                  const QString &policyName)
{
    const QString root = principals.rootArn();
    auto user = principals.createUser(root, userName);
    if (!user)
        return std::unexpected(user.error());
    if (auto put = principals.putPolicy(root, iam::PrincipalKind::User, userName, policyName, allowAllKmsPolicy()); !put)
        return std::unexpected(put.error());
    auto key = principals.createAccessKey(root, userName);
    if (!key)
        return std::unexpected(key.error());
    return AccessKeyFixture{userName, user->arn, key->info.accessKeyId, std::move(key->secretAccessKey)};
}

Result<AccessKeyFixture> AccessKeyFixture::create(vault::Vault &vault, const QString &userName, const QString &policyName)
{
    iam::PrincipalStore principals(vault);
    return create(principals, userName, policyName);
}

} // namespace qkms::test
