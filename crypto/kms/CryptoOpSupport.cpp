#include "kms/CryptoOpSupport.h"

#include "kms/CiphertextBlob.h"
#include "kms/KeyStateRules.h"

namespace qkms::kms::ops {

const QString &symmetricDefault()
{
    static const QString name = QStringLiteral("SYMMETRIC_DEFAULT");
    return name;
}

std::unexpected<KmsError> validation(const QString &message)
{
    return fail(errors::Validation, QStringLiteral("1 validation error detected: ") + message);
}

Status checkLength(qsizetype size, const QString &member, int max)
{
    if (size < 1)
        return validation(QStringLiteral("Value at '%1' failed to satisfy constraint: Member must have length "
                                         "greater than or equal to 1").arg(member));
    if (size > max)
        return validation(QStringLiteral("Value at '%1' failed to satisfy constraint: Member must have length "
                                         "less than or equal to %2").arg(member).arg(max));
    return {};
}

Status checkRange(int value, const QString &member, int max)
{
    if (value < 1 || value > max)
        return validation(QStringLiteral("Value '%1' at '%2' failed to satisfy constraint: Member must have value %3")
                              .arg(value)
                              .arg(member, value < 1 ? QStringLiteral("greater than or equal to 1")
                                                     : QStringLiteral("less than or equal to %1").arg(max)));
    return {};
}

Status admit(KmsService &s, const Caller &c, const QString &operation, const QString &action, const KeyRecord &k,
             const EncryptionContext &context, QMap<QString, QStringList> conditions,
             const std::optional<QString> &algorithm)
{
    if (algorithm)
        conditions.insert(QStringLiteral("kms:EncryptionAlgorithm"), {*algorithm});
    if (auto st = s.authorize(c, action, &k, context, conditions); !st)
        return st;
    if (k.keyUsage != KeyUsage::EncryptDecrypt)
        return fail(errors::InvalidKeyUsage, QStringLiteral("%1 key usage is %2 which is not valid for %3.")
                                                 .arg(k.arn, toString(k.keyUsage), operation));
    if (auto st = checkKeyState(k, OperationGroup::Cryptographic); !st)
        return st;
    if (algorithm && !encryptionAlgorithms(k.keySpec, k.keyUsage).contains(*algorithm))
        return fail(errors::InvalidKeyUsage, QStringLiteral("Algorithm %1 is incompatible with key spec %2.")
                                                 .arg(*algorithm, toString(k.keySpec)));
    return {};
}

Result<QByteArray> sealSymmetric(KmsService &s, const KeyRecord &k, const QCA::SecureArray &plaintext,
                                 const QByteArray &canonicalContext)
{
    auto material = s.material(k);
    if (!material)
        return std::unexpected(material.error());
    return CiphertextBlob::seal(*material, plaintext, {k.keyId, quint32(k.currentVersion), s.region(), k.arn},
                                canonicalContext);
}

} // namespace qkms::kms::ops
