// GenerateDataKey(WithoutPlaintext), GenerateDataKeyPair(WithoutPlaintext) and GenerateRandom.
// Data keys and data key pairs are sealed under a symmetric KMS key as ordinary ciphertext blobs,
// so Decrypt returns them. The plaintext halves exist only in QCA::SecureArray and are never
// audited: the events hold the key id, context, key spec or byte count.

#include "kms/AuditRecord.h"
#include "kms/CryptoOpSupport.h"
#include "kms/EncryptionContextCodec.h"
#include "kms/KmsService.h"
#include "primitives/AsymmetricKey.h"
#include "primitives/Primitives.h"

#include <QHash>

using namespace Qt::StringLiterals;

namespace qkms::kms {

using namespace ops;

namespace {

std::optional<crypto::KeyKind> pairKind(const QString &spec)
{
    static const QHash<QString, crypto::KeyKind> kinds{
        {QStringLiteral("RSA_2048"), crypto::KeyKind::Rsa2048},
        {QStringLiteral("RSA_3072"), crypto::KeyKind::Rsa3072},
        {QStringLiteral("RSA_4096"), crypto::KeyKind::Rsa4096},
        {QStringLiteral("ECC_NIST_P256"), crypto::KeyKind::EcP256},
        {QStringLiteral("ECC_NIST_P384"), crypto::KeyKind::EcP384},
        {QStringLiteral("ECC_NIST_P521"), crypto::KeyKind::EcP521},
        {QStringLiteral("ECC_SECG_P256K1"), crypto::KeyKind::EcSecp256k1},
    };
    if (auto it = kinds.find(spec); it != kinds.end())
        return *it;
    return std::nullopt;
}

/// The data-key operations' key: symmetric only (after usage and state, as AWS answers).
Status requireSymmetric(const KeyRecord &k, const QString &what)
{
    if (k.keySpec != KeySpec::SymmetricDefault)
        return fail(errors::InvalidKeyUsage,
                    QStringLiteral("You cannot generate a %1 with an asymmetric CMK").arg(what));
    return {};
}


} // namespace

Result<DataKeyResponse> KmsService::generateDataKey(const Caller &c, const QString &keyId,
                                                    const EncryptionContext &context,
                                                    const std::optional<QString> &keySpec,
                                                    const std::optional<int> &numberOfBytes, bool withPlaintext)
{
    const QString op = withPlaintext ? QStringLiteral("GenerateDataKey")
                                     : QStringLiteral("GenerateDataKeyWithoutPlaintext");
    QString arn;
    auto run = [&]() -> Result<DataKeyResponse> {
        if (keySpec && *keySpec != u"AES_256" && *keySpec != u"AES_128")
            return validation(QStringLiteral("Value '%1' at 'keySpec' failed to satisfy constraint: Member must satisfy "
                                             "enum value set: [AES_256, AES_128]").arg(*keySpec));
        if (numberOfBytes)
            if (auto st = checkRange(*numberOfBytes, QStringLiteral("numberOfBytes"), MaxRandomBytes); !st)
                return std::unexpected(st.error());
        if (keySpec.has_value() == numberOfBytes.has_value())
            return fail(errors::Validation, QStringLiteral("Please specify either number of bytes or key spec."));
        auto canonical = EncryptionContextCodec::encode(context);
        if (!canonical)
            return std::unexpected(canonical.error());
        auto key = resolveKey(keyId, true);
        if (!key)
            return std::unexpected(key.error());
        arn = key->arn;
        if (auto st = admit(*this, c, op, QStringLiteral("kms:") + op, *key, context,
                            {{QStringLiteral("kms:EncryptionAlgorithm"), {symmetricDefault()}}}, std::nullopt);
            !st)
            return std::unexpected(st.error());
        if (auto st = requireSymmetric(*key, QStringLiteral("data key")); !st)
            return std::unexpected(st.error());
        const int length = numberOfBytes ? *numberOfBytes : *keySpec == u"AES_128" ? 16 : 32;
        QCA::SecureArray dataKey = crypto::randomSecret(length);
        auto blob = sealSymmetric(*this, *key, dataKey, *canonical);
        if (!blob)
            return std::unexpected(blob.error());
        return DataKeyResponse{*blob, withPlaintext ? std::move(dataKey) : QCA::SecureArray(), key->arn};
    };
    auto result = run();
    AuditParams params; // members in sorted order
    params.add("encryptionContext"_L1, context).add("keyId"_L1, keyId);
    if (keySpec)
        params.add("keySpec"_L1, *keySpec);
    if (numberOfBytes)
        params.add("numberOfBytes"_L1, *numberOfBytes);
    recordJson(c, op, arn, params.take(), errorOf(result));
    return result;
}

Result<DataKeyPairResponse> KmsService::generateDataKeyPair(const Caller &c, const QString &keyId,
                                                            const QString &keyPairSpec,
                                                            const EncryptionContext &context, bool withPlaintext)
{
    const QString op = withPlaintext ? QStringLiteral("GenerateDataKeyPair")
                                     : QStringLiteral("GenerateDataKeyPairWithoutPlaintext");
    QString arn;
    auto run = [&]() -> Result<DataKeyPairResponse> {
        const auto kind = pairKind(keyPairSpec);
        if (!kind && (keyPairSpec == u"SM2" || keyPairSpec == u"ECC_NIST_EDWARDS25519"))
            return fail(errors::UnsupportedOperation,
                        QStringLiteral("KeyPairSpec %1 is not supported by qkms.").arg(keyPairSpec));
        if (!kind)
            return validation(QStringLiteral("Value '%1' at 'keyPairSpec' failed to satisfy constraint: Member must "
                                             "satisfy enum value set: [RSA_2048, RSA_3072, RSA_4096, ECC_NIST_P256, "
                                             "ECC_NIST_P384, ECC_NIST_P521, ECC_SECG_P256K1, ECC_NIST_EDWARDS25519, SM2]")
                                  .arg(keyPairSpec));
        auto canonical = EncryptionContextCodec::encode(context);
        if (!canonical)
            return std::unexpected(canonical.error());
        auto key = resolveKey(keyId, true);
        if (!key)
            return std::unexpected(key.error());
        arn = key->arn;
        if (auto st = admit(*this, c, op, QStringLiteral("kms:") + op, *key, context,
                            {{QStringLiteral("kms:EncryptionAlgorithm"), {symmetricDefault()}},
                             {QStringLiteral("kms:DataKeyPairSpec"), {keyPairSpec}}},
                            std::nullopt);
            !st)
            return std::unexpected(st.error());
        if (auto st = requireSymmetric(*key, QStringLiteral("data key pair")); !st)
            return std::unexpected(st.error());
        // Generated only once every check passed: RSA-4096 takes a while.
        auto pair = crypto::AsymmetricKey::generate(*kind);
        if (!pair)
            return std::unexpected(pair.error());
        auto privateDer = pair->privateKeyDer();
        if (!privateDer)
            return std::unexpected(privateDer.error());
        auto publicDer = pair->publicKeyDer();
        if (!publicDer)
            return std::unexpected(publicDer.error());
        auto blob = sealSymmetric(*this, *key, *privateDer, *canonical);
        if (!blob)
            return std::unexpected(blob.error());
        return DataKeyPairResponse{*blob, withPlaintext ? std::move(*privateDer) : QCA::SecureArray(), *publicDer,
                                   key->arn, keyPairSpec};
    };
    auto result = run();
    record(c, op, arn,
           {{QStringLiteral("keyId"), keyId},
            {QStringLiteral("keyPairSpec"), keyPairSpec},
            {QStringLiteral("encryptionContext"), EncryptionContextCodec::toJson(context)}},
           errorOf(result));
    return result;
}

Result<QCA::SecureArray> KmsService::generateRandom(const Caller &c, int numberOfBytes)
{
    auto run = [&]() -> Result<QCA::SecureArray> {
        if (auto st = checkRange(numberOfBytes, QStringLiteral("numberOfBytes"), MaxRandomBytes); !st)
            return std::unexpected(st.error());
        if (auto st = authorize(c, QStringLiteral("kms:GenerateRandom"), nullptr); !st)
            return std::unexpected(st.error());
        return crypto::randomSecret(numberOfBytes);
    };
    auto result = run();
    record(c, QStringLiteral("GenerateRandom"), {}, {{QStringLiteral("numberOfBytes"), numberOfBytes}},
           errorOf(result));
    return result;
}

} // namespace qkms::kms
