// Sign, Verify, GenerateMac, VerifyMac and GetPublicKey.
//
// Every operation checks in AWS's order, as SymmetricOps.cpp does: request shape
// (ValidationException, before any lookup), key lookup (NotFoundException; aliases accepted),
// authorization, key usage, key state, algorithm. Each call writes exactly one audit event,
// success or failure, naming the key, the algorithm and the message type — never the message, a
// signature or a MAC. Private keys and HMAC secrets are unwrapped into QCA::SecureArray for the
// one call only; Verify needs no private key at all (it checks against the stored public key).

#include "kms/CryptoOpSupport.h"
#include "kms/KeyRows.h"
#include "kms/KeyStateRules.h"
#include "kms/KmsService.h"
#include "primitives/AsymmetricKey.h"
#include "primitives/Primitives.h"

#include <QHash>

namespace qkms::kms {

using namespace ops;

namespace {

inline constexpr int MaxMessageBytes = 4096;    ///< Message of Sign, Verify, GenerateMac, VerifyMac
inline constexpr int MaxSignatureBytes = 6144;  ///< Signature of Verify, Mac of VerifyMac

struct SigningScheme {
    crypto::SignatureScheme scheme;
    crypto::HashAlg hash;
};

/// AWS's SigningAlgorithmSpec enum, in the model's order (for the ValidationException text).
const QStringList &signingAlgorithmEnum()
{
    static const QStringList names{
        QStringLiteral("RSASSA_PSS_SHA_256"),        QStringLiteral("RSASSA_PSS_SHA_384"),
        QStringLiteral("RSASSA_PSS_SHA_512"),        QStringLiteral("RSASSA_PKCS1_V1_5_SHA_256"),
        QStringLiteral("RSASSA_PKCS1_V1_5_SHA_384"), QStringLiteral("RSASSA_PKCS1_V1_5_SHA_512"),
        QStringLiteral("ECDSA_SHA_256"),             QStringLiteral("ECDSA_SHA_384"),
        QStringLiteral("ECDSA_SHA_512"),             QStringLiteral("SM2DSA"),
        QStringLiteral("ML_DSA_SHAKE_256"),          QStringLiteral("ED25519_SHA_512"),
        QStringLiteral("ED25519_PH_SHA_512"),
    };
    return names;
}

/// The primitive behind each algorithm qkms keys offer. The other enum values (SM2DSA, ML-DSA,
/// Ed25519) are valid names that no qkms key lists, so they fail as InvalidKeyUsage first.
std::optional<SigningScheme> signingScheme(const QString &name)
{
    using crypto::HashAlg;
    using crypto::SignatureScheme;
    static const QHash<QString, SigningScheme> schemes{
        {QStringLiteral("RSASSA_PSS_SHA_256"), {SignatureScheme::RsaPss, HashAlg::Sha256}},
        {QStringLiteral("RSASSA_PSS_SHA_384"), {SignatureScheme::RsaPss, HashAlg::Sha384}},
        {QStringLiteral("RSASSA_PSS_SHA_512"), {SignatureScheme::RsaPss, HashAlg::Sha512}},
        {QStringLiteral("RSASSA_PKCS1_V1_5_SHA_256"), {SignatureScheme::RsaPkcs1v15, HashAlg::Sha256}},
        {QStringLiteral("RSASSA_PKCS1_V1_5_SHA_384"), {SignatureScheme::RsaPkcs1v15, HashAlg::Sha384}},
        {QStringLiteral("RSASSA_PKCS1_V1_5_SHA_512"), {SignatureScheme::RsaPkcs1v15, HashAlg::Sha512}},
        {QStringLiteral("ECDSA_SHA_256"), {SignatureScheme::Ecdsa, HashAlg::Sha256}},
        {QStringLiteral("ECDSA_SHA_384"), {SignatureScheme::Ecdsa, HashAlg::Sha384}},
        {QStringLiteral("ECDSA_SHA_512"), {SignatureScheme::Ecdsa, HashAlg::Sha512}},
    };
    if (auto it = schemes.find(name); it != schemes.end())
        return *it;
    return std::nullopt;
}

std::optional<crypto::HashAlg> macHash(const QString &name)
{
    static const QHash<QString, crypto::HashAlg> hashes{
        {QStringLiteral("HMAC_SHA_224"), crypto::HashAlg::Sha224},
        {QStringLiteral("HMAC_SHA_256"), crypto::HashAlg::Sha256},
        {QStringLiteral("HMAC_SHA_384"), crypto::HashAlg::Sha384},
        {QStringLiteral("HMAC_SHA_512"), crypto::HashAlg::Sha512},
    };
    if (auto it = hashes.find(name); it != hashes.end())
        return *it;
    return std::nullopt;
}

std::unexpected<KmsError> missing(const QString &member)
{
    return validation(QStringLiteral("Value null at '%1' failed to satisfy constraint: Member must not be null")
                          .arg(member));
}

std::unexpected<KmsError> notInEnum(const QString &value, const QString &member, const QStringList &names)
{
    return validation(QStringLiteral("Value '%1' at '%2' failed to satisfy constraint: Member must satisfy enum "
                                     "value set: [%3]").arg(value, member, names.join(QStringLiteral(", "))));
}

/// Usage, then state: the checks every operation here makes after authorization.
Status checkUsageAndState(const KeyRecord &k, KeyUsage required, const QString &operation)
{
    if (k.keyUsage != required)
        return fail(errors::InvalidKeyUsage, QStringLiteral("%1 key usage is %2 which is not valid for %3.")
                                                 .arg(k.arn, toString(k.keyUsage), operation));
    return checkKeyState(k, OperationGroup::Cryptographic);
}

std::unexpected<KmsError> incompatible(const QString &algorithm, const KeyRecord &k)
{
    return fail(errors::InvalidKeyUsage,
                QStringLiteral("Algorithm %1 is incompatible with key spec %2.").arg(algorithm, toString(k.keySpec)));
}

struct AdmittedSigning {
    KeyRecord key;
    SigningScheme scheme;
    crypto::MessageKind kind;
};

/// Sign's and Verify's shared checks, from the request shape to the digest length. `auditArn`
/// gets the key as soon as it is known.
Result<AdmittedSigning> admitSigning(KmsService &s, const Caller &c, const QString &operation, const QString &keyId,
                                     const QByteArray &message, const QString &messageType,
                                     const QString &algorithm, QString &auditArn)
{
    if (algorithm.isEmpty())
        return missing(QStringLiteral("signingAlgorithm"));
    if (!signingAlgorithmEnum().contains(algorithm))
        return notInEnum(algorithm, QStringLiteral("signingAlgorithm"), signingAlgorithmEnum());
    const QString type = messageType.isEmpty() ? QStringLiteral("RAW") : messageType;
    if (type != u"RAW" && type != u"DIGEST" && type != u"EXTERNAL_MU")
        return notInEnum(type, QStringLiteral("messageType"),
                         {QStringLiteral("RAW"), QStringLiteral("DIGEST"), QStringLiteral("EXTERNAL_MU")});
    if (auto st = checkLength(message.size(), QStringLiteral("message"), MaxMessageBytes); !st)
        return std::unexpected(st.error());
    auto key = s.resolveKey(keyId, true);
    if (!key)
        return std::unexpected(key.error());
    auditArn = key->arn;
    const QMap<QString, QStringList> conditions{{QStringLiteral("kms:SigningAlgorithm"), {algorithm}},
                                                {QStringLiteral("kms:MessageType"), {type}}};
    if (auto st = s.authorize(c, QStringLiteral("kms:") + operation, &*key, {}, conditions); !st)
        return std::unexpected(st.error());
    if (auto st = checkUsageAndState(*key, KeyUsage::SignVerify, operation); !st)
        return std::unexpected(st.error());
    const auto scheme = signingScheme(algorithm);
    if (!scheme || !signingAlgorithms(key->keySpec, key->keyUsage).contains(algorithm))
        return incompatible(algorithm, *key);
    // EXTERNAL_MU is ML-DSA's; no qkms key is one.
    if (type == u"EXTERNAL_MU")
        return fail(errors::InvalidKeyUsage, QStringLiteral("MessageType EXTERNAL_MU is incompatible with key spec %1.")
                                                 .arg(toString(key->keySpec)));
    const auto kind = type == u"DIGEST" ? crypto::MessageKind::Digest : crypto::MessageKind::Raw;
    if (kind == crypto::MessageKind::Digest && message.size() != crypto::hashLength(scheme->hash))
        return fail(errors::Validation, QStringLiteral("Digest is invalid length for algorithm %1.").arg(algorithm));
    return AdmittedSigning{*key, *scheme, kind};
}

struct AdmittedMac {
    KeyRecord key;
    crypto::HashAlg hash;
};

/// GenerateMac's and VerifyMac's shared checks.
Result<AdmittedMac> admitMac(KmsService &s, const Caller &c, const QString &operation, const QString &keyId,
                             const QByteArray &message, const QString &algorithm, QString &auditArn)
{
    static const QStringList macEnum{QStringLiteral("HMAC_SHA_224"), QStringLiteral("HMAC_SHA_256"),
                                     QStringLiteral("HMAC_SHA_384"), QStringLiteral("HMAC_SHA_512")};
    if (algorithm.isEmpty())
        return missing(QStringLiteral("macAlgorithm"));
    const auto hash = macHash(algorithm);
    if (!hash)
        return notInEnum(algorithm, QStringLiteral("macAlgorithm"), macEnum);
    if (auto st = checkLength(message.size(), QStringLiteral("message"), MaxMessageBytes); !st)
        return std::unexpected(st.error());
    auto key = s.resolveKey(keyId, true);
    if (!key)
        return std::unexpected(key.error());
    auditArn = key->arn;
    if (auto st = s.authorize(c, QStringLiteral("kms:") + operation, &*key, {},
                              {{QStringLiteral("kms:MacAlgorithm"), {algorithm}}});
        !st)
        return std::unexpected(st.error());
    if (auto st = checkUsageAndState(*key, KeyUsage::GenerateVerifyMac, operation); !st)
        return std::unexpected(st.error());
    if (!macAlgorithms(key->keySpec, key->keyUsage).contains(algorithm))
        return incompatible(algorithm, *key);
    return AdmittedMac{*key, *hash};
}

/// The HMAC of `message` under the key's current secret, which lives only inside this call.
Result<QByteArray> computeMac(KmsService &s, const AdmittedMac &a, const QByteArray &message)
{
    const auto secret = s.material(a.key);
    if (!secret)
        return std::unexpected(secret.error());
    return crypto::hmac(a.hash, *secret, message);
}

/// The SubjectPublicKeyInfo DER stored with the key's current material.
Result<QByteArray> storedPublicKey(KmsService &s, const KeyRecord &k)
{
    auto der = rows::loadPublicKey(s.database(), k.keyId, k.currentVersion);
    if (!der)
        return std::unexpected(der.error());
    if (der->isEmpty())
        return fail(errors::Internal, QStringLiteral("The public key of %1 is missing").arg(k.arn));
    return der;
}

Result<crypto::AsymmetricKey> publicKeyOf(KmsService &s, const KeyRecord &k)
{
    auto der = storedPublicKey(s, k);
    if (!der)
        return std::unexpected(der.error());
    auto pub = crypto::AsymmetricKey::fromPublicDer(*der);
    if (!pub)
        return fail(errors::Internal, QStringLiteral("The public key of %1 could not be read").arg(k.arn));
    return pub;
}

QJsonObject signingParams(const QString &keyId, const QString &messageType, const QString &algorithm)
{
    return {{QStringLiteral("keyId"), keyId},
            {QStringLiteral("messageType"), messageType.isEmpty() ? QStringLiteral("RAW") : messageType},
            {QStringLiteral("signingAlgorithm"), algorithm}};
}

} // namespace

Result<SignResponse> KmsService::sign(const Caller &c, const QString &keyId, const QByteArray &message,
                                      const QString &messageType, const QString &signingAlgorithm)
{
    const QString op = QStringLiteral("Sign");
    QString arn;
    auto run = [&]() -> Result<SignResponse> {
        auto admitted = admitSigning(*this, c, op, keyId, message, messageType, signingAlgorithm, arn);
        if (!admitted)
            return std::unexpected(admitted.error());
        // The PKCS#8 DER and the parsed key both die at the end of this scope.
        const auto der = material(admitted->key);
        if (!der)
            return std::unexpected(der.error());
        auto priv = crypto::AsymmetricKey::fromPrivateDer(*der);
        if (!priv)
            return fail(errors::Internal, QStringLiteral("The private key of %1 could not be read").arg(arn));
        auto signature = priv->sign(admitted->scheme.scheme, admitted->scheme.hash, admitted->kind, message);
        if (!signature)
            return std::unexpected(signature.error());
        return SignResponse{*signature, arn, signingAlgorithm};
    };
    auto result = run();
    record(c, op, arn, signingParams(keyId, messageType, signingAlgorithm), errorOf(result));
    return result;
}

Result<bool> KmsService::verify(const Caller &c, const QString &keyId, const QByteArray &message,
                                const QString &messageType, const QByteArray &signature,
                                const QString &signingAlgorithm)
{
    const QString op = QStringLiteral("Verify");
    QString arn;
    auto run = [&]() -> Result<bool> {
        if (auto st = checkLength(signature.size(), QStringLiteral("signature"), MaxSignatureBytes); !st)
            return std::unexpected(st.error());
        auto admitted = admitSigning(*this, c, op, keyId, message, messageType, signingAlgorithm, arn);
        if (!admitted)
            return std::unexpected(admitted.error());
        auto pub = publicKeyOf(*this, admitted->key);
        if (!pub)
            return std::unexpected(pub.error());
        auto valid = pub->verify(admitted->scheme.scheme, admitted->scheme.hash, admitted->kind, message, signature);
        if (!valid)
            return std::unexpected(valid.error());
        // AWS never answers SignatureValid=false: an invalid signature is an exception.
        if (!*valid)
            return fail(errors::InvalidSignature, QStringLiteral("The signature is not valid for %1 with %2.")
                                                      .arg(arn, signingAlgorithm));
        return true;
    };
    auto result = run();
    record(c, op, arn, signingParams(keyId, messageType, signingAlgorithm), errorOf(result));
    return result;
}

Result<QByteArray> KmsService::generateMac(const Caller &c, const QString &keyId, const QByteArray &message,
                                           const QString &macAlgorithm)
{
    const QString op = QStringLiteral("GenerateMac");
    QString arn;
    auto run = [&]() -> Result<QByteArray> {
        auto admitted = admitMac(*this, c, op, keyId, message, macAlgorithm, arn);
        if (!admitted)
            return std::unexpected(admitted.error());
        return computeMac(*this, *admitted, message);
    };
    auto result = run();
    record(c, op, arn, {{QStringLiteral("keyId"), keyId}, {QStringLiteral("macAlgorithm"), macAlgorithm}},
           errorOf(result));
    return result;
}

Result<bool> KmsService::verifyMac(const Caller &c, const QString &keyId, const QByteArray &message,
                                   const QByteArray &mac, const QString &macAlgorithm)
{
    const QString op = QStringLiteral("VerifyMac");
    QString arn;
    auto run = [&]() -> Result<bool> {
        if (auto st = checkLength(mac.size(), QStringLiteral("mac"), MaxSignatureBytes); !st)
            return std::unexpected(st.error());
        auto admitted = admitMac(*this, c, op, keyId, message, macAlgorithm, arn);
        if (!admitted)
            return std::unexpected(admitted.error());
        auto expected = computeMac(*this, *admitted, message);
        if (!expected)
            return std::unexpected(expected.error());
        // Constant time: how many leading bytes matched must not show in the timing.
        if (!crypto::constantTimeEquals(*expected, mac))
            return fail(errors::InvalidMac, QStringLiteral("The MAC is not valid for %1 with %2.").arg(arn, macAlgorithm));
        return true;
    };
    auto result = run();
    record(c, op, arn, {{QStringLiteral("keyId"), keyId}, {QStringLiteral("macAlgorithm"), macAlgorithm}},
           errorOf(result));
    return result;
}

Result<PublicKeyResponse> KmsService::getPublicKey(const Caller &c, const QString &keyId)
{
    const QString op = QStringLiteral("GetPublicKey");
    QString arn;
    auto run = [&]() -> Result<PublicKeyResponse> {
        auto key = resolveKey(keyId, true);
        if (!key)
            return std::unexpected(key.error());
        arn = key->arn;
        if (auto st = authorize(c, QStringLiteral("kms:GetPublicKey"), &*key); !st)
            return std::unexpected(st.error());
        if (keyClass(key->keySpec) != KeyClass::Asymmetric)
            return fail(errors::UnsupportedOperation,
                        QStringLiteral("%1 key spec is %2 which is not valid for GetPublicKey. Only asymmetric keys "
                                       "have a public key.").arg(arn, toString(key->keySpec)));
        if (auto st = checkKeyState(*key, OperationGroup::Cryptographic); !st)
            return std::unexpected(st.error());
        auto der = storedPublicKey(*this, *key);
        if (!der)
            return std::unexpected(der.error());
        return PublicKeyResponse{*der, arn, *key};
    };
    auto result = run();
    record(c, op, arn, {{QStringLiteral("keyId"), keyId}}, errorOf(result));
    return result;
}

} // namespace qkms::kms
