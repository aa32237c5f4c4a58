// Encrypt, Decrypt and ReEncrypt. Symmetric keys seal a CiphertextBlob (docs/ciphertext-blob.md);
// RSA ENCRYPT_DECRYPT keys use RSAES-OAEP (SHA-1 or SHA-256) and return the bare OAEP ciphertext, as
// AWS does, so ciphertexts made offline from GetPublicKey decrypt here. ReEncrypt takes either kind
// on either side (SourceEncryptionAlgorithm / DestinationEncryptionAlgorithm).
//
// Every operation checks in AWS's order: request shape (ValidationException, before any lookup),
// key lookup (NotFoundException), authorization, key usage, key state, algorithm. Each call writes
// exactly one audit event, success or failure; its parameters never hold plaintext.

#include "kms/AuditRecord.h"
#include "kms/CiphertextBlob.h"
#include "kms/CryptoOpSupport.h"
#include "kms/EncryptionContextCodec.h"
#include "kms/KeyRows.h"
#include "kms/KmsService.h"
#include "primitives/AsymmetricKey.h"

#include <climits>

using namespace Qt::StringLiterals;

namespace qkms::kms {

using namespace ops;

namespace {

enum class Algorithm { Symmetric, RsaOaepSha1, RsaOaepSha256, Sm2Pke };

Result<Algorithm> parseAlgorithm(const QString &name)
{
    if (name == symmetricDefault())
        return Algorithm::Symmetric;
    if (name == u"RSAES_OAEP_SHA_1")
        return Algorithm::RsaOaepSha1;
    if (name == u"RSAES_OAEP_SHA_256")
        return Algorithm::RsaOaepSha256;
    if (name == u"SM2PKE")
        return Algorithm::Sm2Pke; // a valid name; no qkms key supports it (InvalidKeyUsage later)
    return validation(QStringLiteral("Value '%1' at 'encryptionAlgorithm' failed to satisfy constraint: Member must "
                                     "satisfy enum value set: [RSAES_OAEP_SHA_1, RSAES_OAEP_SHA_256, SM2PKE, "
                                     "SYMMETRIC_DEFAULT]").arg(name));
}

crypto::HashAlg oaepHash(Algorithm a)
{
    return a == Algorithm::RsaOaepSha1 ? crypto::HashAlg::Sha1 : crypto::HashAlg::Sha256;
}

Status refuseContextForAsymmetric(const EncryptionContext &context)
{
    if (!context.isEmpty())
        return fail(errors::Validation, QStringLiteral("EncryptionContext is not supported when "
                                                       "encrypting/decrypting with asymmetric CMKs."));
    return {};
}

/// The kms:ReEncryptOnSameKey condition value.
QStringList sameKey(const KeyRecord &a, const KeyRecord &b)
{
    return {a.keyId == b.keyId ? QStringLiteral("true") : QStringLiteral("false")};
}

struct Opened {
    KeyRecord key;
    QCA::SecureArray plaintext;
};

/// Decrypt's symmetric half, shared with ReEncrypt: parse, find the blob's key, compare it with
/// the requested one, admit, open with the material version the blob names. `auditArn` gets the
/// key as soon as it is known. A blob whose key does not exist here (another region or vault, a
/// deleted key, a changed key id) is InvalidCiphertext; a requested KeyId that does not exist is
/// NotFound (the caller named it).
Result<Opened> openSymmetric(KmsService &s, const Caller &c, const QString &operation, const QString &action,
                             const QByteArray &blobBytes, const EncryptionContext &context,
                             const QByteArray &canonicalContext, const QString &requestedKeyId,
                             const KeyRecord *reEncryptDestination, QString &auditArn)
{
    auto blob = CiphertextBlob::parse(blobBytes);
    if (!blob)
        return std::unexpected(blob.error());
    std::optional<KeyRecord> requested;
    if (!requestedKeyId.isEmpty()) {
        auto r = s.resolveKey(requestedKeyId, true);
        if (!r)
            return std::unexpected(r.error());
        requested = *r;
        auditArn = r->arn;
    }
    Result<KeyRecord> key = requested && requested->keyId == blob->keyId() ? Result<KeyRecord>(*requested)
                                                                            : s.resolveKey(blob->keyId(), false);
    if (!key)
        return key.error().type == errors::NotFound ? invalidCiphertext() : std::unexpected(key.error());
    if (requested && requested->keyId != key->keyId)
        return fail(errors::IncorrectKey, QStringLiteral("The key ID in the request does not identify a CMK that can "
                                                         "perform this operation."));
    auditArn = key->arn;
    // Only symmetric keys make blobs; another key's id in one means the blob was forged.
    if (key->keySpec != KeySpec::SymmetricDefault || blob->materialVersion() > quint32(INT_MAX))
        return invalidCiphertext();
    QMap<QString, QStringList> conditions;
    if (reEncryptDestination)
        conditions.insert(QStringLiteral("kms:ReEncryptOnSameKey"), sameKey(*reEncryptDestination, *key));
    if (auto st = admit(s, c, operation, action, *key, context, conditions, symmetricDefault()); !st)
        return std::unexpected(st.error());
    auto material = s.material(*key, int(blob->materialVersion()));
    if (!material) // a version that does not exist is a bad blob, said without detail
        return material.error().type == errors::InvalidCiphertext ? invalidCiphertext()
                                                                   : std::unexpected(material.error());
    auto plaintext = blob->open(*material, s.region(), key->arn, canonicalContext);
    if (!plaintext)
        return std::unexpected(plaintext.error());
    return Opened{*key, std::move(*plaintext)};
}

/// RSAES-OAEP needs only the public key: the private key is not unwrapped to encrypt.
Result<QByteArray> rsaEncrypt(KmsService &s, const KeyRecord &k, Algorithm alg, const QString &algName,
                              const QCA::SecureArray &plaintext)
{
    auto der = rows::loadPublicKey(s.database(), k.keyId, k.currentVersion);
    if (!der)
        return std::unexpected(der.error());
    auto pub = crypto::AsymmetricKey::fromPublicDer(*der);
    if (!pub)
        return fail(errors::Internal, QStringLiteral("The public key of %1 could not be read").arg(k.arn));
    const int max = pub->oaepMaxPlaintext(oaepHash(alg));
    if (plaintext.size() > max)
        return fail(errors::Validation,
                    QStringLiteral("Plaintext is too long for %1 with key spec %2: at most %3 bytes.")
                        .arg(algName, toString(k.keySpec))
                        .arg(max));
    return pub->oaepEncrypt(oaepHash(alg), plaintext);
}

Result<QCA::SecureArray> rsaDecrypt(KmsService &s, const KeyRecord &k, Algorithm alg, const QByteArray &ciphertext)
{
    auto der = s.material(k);
    if (!der)
        return std::unexpected(der.error());
    auto priv = crypto::AsymmetricKey::fromPrivateDer(*der);
    if (!priv)
        return fail(errors::Internal, QStringLiteral("The private key of %1 could not be read").arg(k.arn));
    auto plain = priv->oaepDecrypt(oaepHash(alg), ciphertext);
    if (!plain)
        return invalidCiphertext();
    return plain;
}

} // namespace


Result<EncryptResponse> KmsService::encrypt(const Caller &c, const QString &keyId, const QCA::SecureArray &plaintext,
                                            const EncryptionContext &context, const QString &algorithm)
{
    const QString algName = algorithm.isEmpty() ? symmetricDefault() : algorithm;
    const QString op = QStringLiteral("Encrypt");
    QString arn;
    auto run = [&]() -> Result<EncryptResponse> {
        auto alg = parseAlgorithm(algName);
        if (!alg)
            return std::unexpected(alg.error());
        if (auto st = checkLength(plaintext.size(), QStringLiteral("plaintext"), MaxPlaintextBytes); !st)
            return std::unexpected(st.error());
        auto canonical = EncryptionContextCodec::encode(context);
        if (!canonical)
            return std::unexpected(canonical.error());
        auto key = resolveKey(keyId, true);
        if (!key)
            return std::unexpected(key.error());
        arn = key->arn;
        if (auto st = admit(*this, c, op, QStringLiteral("kms:Encrypt"), *key, context, {}, algName); !st)
            return std::unexpected(st.error());
        EncryptResponse out{{}, key->arn, algName};
        if (*alg == Algorithm::Symmetric) {
            auto blob = sealSymmetric(*this, *key, plaintext, *canonical);
            if (!blob)
                return std::unexpected(blob.error());
            out.ciphertextBlob = *blob;
            return out;
        }
        if (auto st = refuseContextForAsymmetric(context); !st)
            return std::unexpected(st.error());
        auto ct = rsaEncrypt(*this, *key, *alg, algName, plaintext);
        if (!ct)
            return std::unexpected(ct.error());
        out.ciphertextBlob = *ct;
        return out;
    };
    auto result = run();
    recordJson(c, op, arn,
               AuditParams()
                   .add("encryptionAlgorithm"_L1, algName)
                   .add("encryptionContext"_L1, context)
                   .add("keyId"_L1, keyId)
                   .take(),
               errorOf(result));
    return result;
}

Result<DecryptResponse> KmsService::decrypt(const Caller &c, const QByteArray &ciphertextBlob,
                                            const EncryptionContext &context, const QString &keyId,
                                            const QString &algorithm)
{
    const QString algName = algorithm.isEmpty() ? symmetricDefault() : algorithm;
    const QString op = QStringLiteral("Decrypt");
    const QString action = QStringLiteral("kms:Decrypt");
    QString arn;
    auto run = [&]() -> Result<DecryptResponse> {
        auto alg = parseAlgorithm(algName);
        if (!alg)
            return std::unexpected(alg.error());
        if (auto st = checkLength(ciphertextBlob.size(), QStringLiteral("ciphertextBlob"), MaxCiphertextBytes); !st)
            return std::unexpected(st.error());
        auto canonical = EncryptionContextCodec::encode(context);
        if (!canonical)
            return std::unexpected(canonical.error());
        if (*alg == Algorithm::Symmetric) {
            auto opened = openSymmetric(*this, c, op, action, ciphertextBlob, context, *canonical, keyId, nullptr, arn);
            if (!opened)
                return std::unexpected(opened.error());
            return DecryptResponse{std::move(opened->plaintext), opened->key.arn, algName};
        }
        // A bare OAEP ciphertext names no key.
        if (keyId.isEmpty())
            return fail(errors::Validation, QStringLiteral("KeyId is required to decrypt with %1.").arg(algName));
        auto key = resolveKey(keyId, true);
        if (!key)
            return std::unexpected(key.error());
        arn = key->arn;
        if (auto st = admit(*this, c, op, action, *key, context, {}, algName); !st)
            return std::unexpected(st.error());
        if (auto st = refuseContextForAsymmetric(context); !st)
            return std::unexpected(st.error());
        auto plain = rsaDecrypt(*this, *key, *alg, ciphertextBlob);
        if (!plain)
            return std::unexpected(plain.error());
        return DecryptResponse{std::move(*plain), key->arn, algName};
    };
    auto result = run();
    AuditParams params;
    params.add("encryptionAlgorithm"_L1, algName).add("encryptionContext"_L1, context);
    if (!keyId.isEmpty())
        params.add("keyId"_L1, keyId);
    recordJson(c, op, arn, params.take(), errorOf(result));
    return result;
}

Result<ReEncryptResponse> KmsService::reEncrypt(const Caller &c, const QByteArray &ciphertextBlob,
                                                const QString &destinationKeyId,
                                                const EncryptionContext &sourceContext,
                                                const EncryptionContext &destinationContext,
                                                const QString &sourceKeyId, const QString &sourceEncryptionAlgorithm,
                                                const QString &destinationEncryptionAlgorithm)
{
    const QString op = QStringLiteral("ReEncrypt");
    const QString sourceAlgName = sourceEncryptionAlgorithm.isEmpty() ? symmetricDefault() : sourceEncryptionAlgorithm;
    const QString destinationAlgName =
        destinationEncryptionAlgorithm.isEmpty() ? symmetricDefault() : destinationEncryptionAlgorithm;
    QString sourceArn;
    QString destinationArn;
    auto run = [&]() -> Result<ReEncryptResponse> {
        if (auto st = checkLength(ciphertextBlob.size(), QStringLiteral("ciphertextBlob"), MaxCiphertextBytes); !st)
            return std::unexpected(st.error());
        if (destinationKeyId.isEmpty())
            return validation(QStringLiteral("Value null at 'destinationKeyId' failed to satisfy constraint: Member "
                                             "must not be null"));
        auto sourceAlg = parseAlgorithm(sourceAlgName);
        if (!sourceAlg)
            return std::unexpected(sourceAlg.error());
        auto destinationAlg = parseAlgorithm(destinationAlgName);
        if (!destinationAlg)
            return std::unexpected(destinationAlg.error());
        auto sourceCanonical = EncryptionContextCodec::encode(sourceContext);
        if (!sourceCanonical)
            return std::unexpected(sourceCanonical.error());
        auto destinationCanonical = EncryptionContextCodec::encode(destinationContext);
        if (!destinationCanonical)
            return std::unexpected(destinationCanonical.error());
        auto destination = resolveKey(destinationKeyId, true);
        if (!destination)
            return std::unexpected(destination.error());
        destinationArn = destination->arn;
        std::optional<Opened> opened;
        if (*sourceAlg == Algorithm::Symmetric) {
            auto o = openSymmetric(*this, c, op, QStringLiteral("kms:ReEncryptFrom"), ciphertextBlob, sourceContext,
                                   *sourceCanonical, sourceKeyId, &*destination, sourceArn);
            if (!o)
                return std::unexpected(o.error());
            opened.emplace(std::move(*o));
        } else {
            // A bare OAEP ciphertext names no key: the caller must.
            if (sourceKeyId.isEmpty())
                return fail(errors::Validation,
                            QStringLiteral("SourceKeyId is required to re-encrypt with %1.").arg(sourceAlgName));
            auto source = resolveKey(sourceKeyId, true);
            if (!source)
                return std::unexpected(source.error());
            sourceArn = source->arn;
            if (auto st = admit(*this, c, op, QStringLiteral("kms:ReEncryptFrom"), *source, sourceContext,
                                {{QStringLiteral("kms:ReEncryptOnSameKey"), sameKey(*destination, *source)}},
                                sourceAlgName);
                !st)
                return std::unexpected(st.error());
            if (auto st = refuseContextForAsymmetric(sourceContext); !st)
                return std::unexpected(st.error());
            auto plain = rsaDecrypt(*this, *source, *sourceAlg, ciphertextBlob);
            if (!plain)
                return std::unexpected(plain.error());
            opened.emplace(Opened{*source, std::move(*plain)});
        }
        const QMap<QString, QStringList> conditions{
            {QStringLiteral("kms:ReEncryptOnSameKey"), sameKey(opened->key, *destination)}};
        if (auto st = admit(*this, c, op, QStringLiteral("kms:ReEncryptTo"), *destination, destinationContext,
                            conditions, destinationAlgName);
            !st)
            return std::unexpected(st.error());
        ReEncryptResponse out{{}, opened->key.arn, destination->arn, sourceAlgName, destinationAlgName};
        if (*destinationAlg == Algorithm::Symmetric) {
            auto blob = sealSymmetric(*this, *destination, opened->plaintext, *destinationCanonical);
            if (!blob)
                return std::unexpected(blob.error());
            out.ciphertextBlob = *blob;
            return out;
        }
        if (auto st = refuseContextForAsymmetric(destinationContext); !st)
            return std::unexpected(st.error());
        auto ct = rsaEncrypt(*this, *destination, *destinationAlg, destinationAlgName, opened->plaintext);
        if (!ct)
            return std::unexpected(ct.error());
        out.ciphertextBlob = *ct;
        return out;
    };
    auto result = run();
    QJsonObject params{{QStringLiteral("destinationKeyId"), destinationKeyId},
                       {QStringLiteral("sourceEncryptionContext"), EncryptionContextCodec::toJson(sourceContext)},
                       {QStringLiteral("destinationEncryptionContext"),
                        EncryptionContextCodec::toJson(destinationContext)},
                       {QStringLiteral("sourceEncryptionAlgorithm"), sourceAlgName},
                       {QStringLiteral("destinationEncryptionAlgorithm"), destinationAlgName}};
    if (!sourceKeyId.isEmpty())
        params.insert(u"sourceKeyId", sourceKeyId);
    // One event; its resource is the destination key (the source key may not be known yet).
    record(c, op, destinationArn.isEmpty() ? sourceArn : destinationArn, params, errorOf(result));
    return result;
}

} // namespace qkms::kms
