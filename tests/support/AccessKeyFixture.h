#pragma once

// An IAM user that may call every KMS action, and an access key for it: what a client of the
// endpoint signs its requests with. Shared by the endpoint tests and bench/bench_endpoint, so it
// is plain code over the vault (no Qt Test macros) in a library of its own that needs only
// qkms_crypto (qkms_access_key_fixture; qkms_test_support links it too).

#include "core/KmsError.h"

#include <QString>
#include <QtCrypto>

namespace qkms::vault {
class Vault;
}

namespace qkms::iam {
class PrincipalStore;
}

namespace qkms::test {

struct AccessKeyFixture {
    QString userName;
    QString userArn;                  ///< arn:aws:iam::<acct>:user/<userName>
    QString accessKeyId;              ///< AKIA…
    QCA::SecureArray secretAccessKey; ///< the only copy outside the vault

    /// The identity policy attached to the user: kms:* allowed on every resource.
    [[nodiscard]] static QString allowAllKmsPolicy();

    /// As the account root of `principals`: creates user `userName`, attaches allowAllKmsPolicy()
    /// as inline policy `policyName` and creates an Active access key for the user. Fails with
    /// the error of the first step that fails (EntityAlreadyExistsException when the user exists,
    /// ValidationException for a bad name, VaultException when the vault is locked, …); steps
    /// done before it are not undone.
    [[nodiscard]] static Result<AccessKeyFixture> create(iam::PrincipalStore &principals,
                                                         const QString &userName = QStringLiteral("alice"),
                                                         const QString &policyName = QStringLiteral("admin"));
    /// The same through a PrincipalStore of its own on `vault`.
    [[nodiscard]] static Result<AccessKeyFixture> create(vault::Vault &vault,
                                                         const QString &userName = QStringLiteral("alice"),
                                                         const QString &policyName = QStringLiteral("admin"));
};

} // namespace qkms::test
