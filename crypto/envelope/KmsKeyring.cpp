#include "envelope/KmsKeyring.h"

#include "kms/KeyStateRules.h"
#include "kms/KmsService.h"

#include <QJsonObject>

#include <utility>

namespace qkms::envelope {

namespace {

/// Provider info is stored as UTF-8; anything that does not survive a round trip is not an ARN
/// this keyring wrote (and could only be mangled by QString's replacement characters).
std::optional<QString> utf8Text(const QByteArray &bytes)
{
    const QString text = QString::fromUtf8(bytes);
    if (text.toUtf8() != bytes)
        return std::nullopt;
    return text;
}

/// How much an error of a decryption attempt tells the user, to pick the one to report when no
/// EDK opens: a refusal explains most, a missing key least (it may just be another vault's).
int weight(const KmsError &e)
{
    if (e.type == errors::AccessDenied)
        return 3;
    if (e.type == errors::NotFound || e.type == errors::InvalidArn)
        return 1;
    return 2; // Disabled, KMSInvalidState, IncorrectKey, InvalidCiphertext, storage trouble
}

EncryptedDataKey kmsEdk(const QString &keyArn, const QByteArray &blob)
{
    return EncryptedDataKey{QByteArray(kKmsProviderId.data(), kKmsProviderId.size()), keyArn.toUtf8(), blob};
}

} // namespace

KmsKeyring::KmsKeyring(kms::KmsService &service, kms::Caller caller, QStringList keyIds)
    : m_service(service), m_caller(std::move(caller)), m_keyIds(std::move(keyIds))
{
}

std::optional<QString> KmsKeyring::regionOfKeyArn(const QString &arn)
{
    // arn:<partition>:kms:<region>:<account>:key/<key-id>
    const QStringList parts = arn.split(u':');
    if (parts.size() != 6 || parts[0] != QLatin1StringView("arn") || parts[1].isEmpty()
        || parts[2] != QLatin1StringView("kms") || parts[3].isEmpty() || parts[4].isEmpty()
        || !parts[5].startsWith(QLatin1StringView("key/")) || parts[5].size() <= 4)
        return std::nullopt;
    return parts[3];
}

Result<GeneratedDataKey> KmsKeyring::generate(const EncryptionContext &ctx)
{
    if (m_keyIds.isEmpty())
        return fail(errors::Validation, QStringLiteral("no KMS key to encrypt the data key under"));
    auto generated = m_service.generateDataKey(m_caller, m_keyIds.first(), ctx, std::nullopt, kDataKeyLength);
    if (!generated)
        return std::unexpected(generated.error());
    if (generated->plaintext.size() != kDataKeyLength)
        return fail(errors::Crypto, QStringLiteral("GenerateDataKey returned a key of %1 bytes")
                                        .arg(generated->plaintext.size()));
    GeneratedDataKey out;
    out.plaintextKey = std::move(generated->plaintext);
    out.encryptedDataKeys.append(kmsEdk(generated->keyArn, generated->ciphertextBlob));
    QStringList arns{generated->keyArn};
    for (qsizetype i = 1; i < m_keyIds.size(); ++i) {
        auto wrapped = m_service.encrypt(m_caller, m_keyIds[i], out.plaintextKey, ctx);
        if (!wrapped)
            return std::unexpected(wrapped.error()); // `out` goes out of scope: the data key is wiped
        // An alias and the ARN it points to are one key: one EDK each is enough.
        if (arns.contains(wrapped->keyArn))
            continue;
        arns.append(wrapped->keyArn);
        out.encryptedDataKeys.append(kmsEdk(wrapped->keyArn, wrapped->ciphertextBlob));
    }
    return out;
}

Result<QCA::SecureArray> KmsKeyring::decrypt(const QList<EncryptedDataKey> &edks, const EncryptionContext &ctx)
{
    std::optional<KmsError> best;
    QStringList otherRegions;
    QStringList otherProviders;
    for (const EncryptedDataKey &edk : edks) {
        if (edk.providerId != QByteArrayView(kKmsProviderId.data(), kKmsProviderId.size())) {
            otherProviders.append(QString::fromUtf8(edk.providerId));
            continue;
        }
        const std::optional<QString> arn = utf8Text(edk.providerInfo);
        const std::optional<QString> region = arn ? regionOfKeyArn(*arn) : std::nullopt;
        if (!region) {
            otherProviders.append(QStringLiteral("aws-kms (not a key ARN)"));
            continue;
        }
        if (*region != m_service.region()) {
            if (!otherRegions.contains(*region))
                otherRegions.append(*region);
            continue;
        }
        auto opened = m_service.decrypt(m_caller, edk.ciphertext, ctx, *arn);
        std::optional<KmsError> error;
        if (!opened)
            error = opened.error();
        else if (opened->keyArn != *arn) // KeyId pins the key, but the SDK checks the answer too
            error = KmsError{errors::IncorrectKey,
                             QStringLiteral("The data key of %1 was decrypted under %2.").arg(*arn, opened->keyArn)};
        else if (opened->plaintext.size() != kDataKeyLength)
            error = KmsError{errors::InvalidCiphertext,
                             QStringLiteral("The data key under %1 is %2 bytes, not 32.").arg(*arn).arg(opened->plaintext.size())};
        if (!error) {
            m_lastKeyArn = *arn;
            return std::move(opened->plaintext);
        }
        // A rejected plaintext leaves with `opened`, whose SecureArray wipes it.
        if (!best || weight(*error) > weight(*best))
            best = error;
    }
    if (best)
        return std::unexpected(*best);
    if (!otherRegions.isEmpty())
        return fail(errors::NotFound,
                    QStringLiteral("The message's data keys are under KMS keys in %1, not in %2 (choose that region).")
                        .arg(otherRegions.join(QStringLiteral(", ")), m_service.region()));
    otherProviders.removeDuplicates();
    return fail(errors::NotFound, QStringLiteral("No data key of the message is wrapped by AWS KMS (key providers: %1).")
                                      .arg(otherProviders.join(QStringLiteral(", "))));
}

DataKeyAccess KmsKeyring::checkAccess(const EncryptedDataKey &edk, const EncryptionContext &ctx)
{
    DataKeyAccess access;
    access.providerId = QString::fromUtf8(edk.providerId);
    if (edk.providerId != QByteArrayView(kKmsProviderId.data(), kKmsProviderId.size())) {
        access.why = KmsError{errors::UnsupportedOperation,
                              QStringLiteral("The data key is wrapped by key provider %1, not by AWS KMS.").arg(access.providerId)};
        return access;
    }
    const std::optional<QString> arn = utf8Text(edk.providerInfo);
    access.keyArn = arn.value_or(QString::fromUtf8(edk.providerInfo));
    const std::optional<QString> region = arn ? regionOfKeyArn(*arn) : std::nullopt;
    if (!region) {
        access.why = KmsError{errors::InvalidArn, QStringLiteral("Provider info %1 is not a KMS key ARN.").arg(access.keyArn)};
        return access;
    }
    if (*region != m_service.region()) {
        access.why = KmsError{errors::NotFound,
                              QStringLiteral("The key is in region %1; this is %2.").arg(*region, m_service.region())};
        return access;
    }
    // The engine's own order for Decrypt: find the key, authorize, then usage and state.
    auto check = [&]() -> Status {
        auto key = m_service.resolveKey(*arn, false);
        if (!key)
            return std::unexpected(key.error());
        const QMap<QString, QStringList> conditions{
            {QStringLiteral("kms:EncryptionAlgorithm"), {QStringLiteral("SYMMETRIC_DEFAULT")}}};
        if (auto st = m_service.authorize(m_caller, QStringLiteral("kms:Decrypt"), &*key, ctx, conditions); !st)
            return st;
        if (key->keyUsage != kms::KeyUsage::EncryptDecrypt || key->keySpec != kms::KeySpec::SymmetricDefault)
            return fail(errors::InvalidKeyUsage,
                        QStringLiteral("%1 key usage is %2 which is not valid for Decrypt.").arg(*arn, kms::toString(key->keyUsage)));
        return kms::checkKeyState(*key, kms::OperationGroup::Cryptographic);
    };
    const Status st = check();
    access.usable = st.has_value();
    if (!st)
        access.why = st.error();
    // AWS audits a DryRun like the call, its success reported as DryRunOperationException.
    const KmsError outcome = st ? KmsError{QStringLiteral("DryRunOperationException"),
                                           QStringLiteral("The request would have succeeded, but the DryRun option is set.")}
                                : st.error();
    m_service.record(m_caller, QStringLiteral("Decrypt"), *arn,
                     QJsonObject{{QStringLiteral("keyId"), *arn}, {QStringLiteral("dryRun"), true}}, outcome);
    return access;
}

} // namespace qkms::envelope
