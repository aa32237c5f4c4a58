// Encryption, data keys, random bytes, signing and MACs over JSON 1.1. Plaintexts come in and go
// out as SecureArrays (OperationResult::secret), never as QJsonObject members.

#include "OperationSupport.h"
#include "kms/KmsService.h"
#include "kms/ResponseJson.h"

using namespace Qt::StringLiterals;

namespace qkms::server {

namespace {

using Need = JsonArgs::Need;

// The ARN for responses whose engine call returns no key (Verify, GenerateMac, VerifyMac): the
// resolution is internal, so it is neither authorized nor audited a second time.
QString arnOf(kms::KmsService &service, const QString &keyId)
{
    auto key = service.resolveKey(keyId, true);
    return key ? key->arn : keyId;
}

Result<OperationResult> withSecret(QJsonObject body, const QString &field, QCA::SecureArray secret)
{
    return OperationResult{std::move(body), field, std::move(secret)};
}

void addEncryption(OperationTable &t)
{
    t.insert(u"Encrypt"_s, [](kms::KmsService &s, const kms::Caller &c, JsonArgs &a) -> Result<OperationResult> {
        const QString keyId = a.string("KeyId", Need::Required);
        const QCA::SecureArray plaintext = a.secretBlob("Plaintext", Need::Required);
        const kms::EncryptionContext context = a.stringMap("EncryptionContext");
        const QString algorithm = a.string("EncryptionAlgorithm", Need::Optional, u"SYMMETRIC_DEFAULT"_s);
        if (auto e = a.error())
            return std::unexpected(*e);
        auto r = s.encrypt(c, keyId, plaintext, context, algorithm);
        if (!r)
            return std::unexpected(r.error());
        return reply(kms::json::encrypt(*r));
    });
    t.insert(u"Decrypt"_s, [](kms::KmsService &s, const kms::Caller &c, JsonArgs &a) -> Result<OperationResult> {
        const QByteArray blob = a.blob("CiphertextBlob", Need::Required);
        const kms::EncryptionContext context = a.stringMap("EncryptionContext");
        const QString keyId = a.string("KeyId");
        const QString algorithm = a.string("EncryptionAlgorithm", Need::Optional, u"SYMMETRIC_DEFAULT"_s);
        if (auto e = a.error())
            return std::unexpected(*e);
        auto r = s.decrypt(c, blob, context, keyId, algorithm);
        if (!r)
            return std::unexpected(r.error());
        return withSecret({{u"KeyId"_s, r->keyArn}, {u"EncryptionAlgorithm"_s, r->encryptionAlgorithm}},
                          u"Plaintext"_s, std::move(r->plaintext));
    });
    t.insert(u"ReEncrypt"_s, [](kms::KmsService &s, const kms::Caller &c, JsonArgs &a) -> Result<OperationResult> {
        const QByteArray blob = a.blob("CiphertextBlob", Need::Required);
        const QString destination = a.string("DestinationKeyId", Need::Required);
        const kms::EncryptionContext source = a.stringMap("SourceEncryptionContext");
        const kms::EncryptionContext target = a.stringMap("DestinationEncryptionContext");
        const QString sourceKeyId = a.string("SourceKeyId");
        if (auto e = a.error())
            return std::unexpected(*e);
        auto r = s.reEncrypt(c, blob, destination, source, target, sourceKeyId);
        if (!r)
            return std::unexpected(r.error());
        return reply(kms::json::reEncrypt(*r));
    });
}

template <bool WithPlaintext>
Result<OperationResult> generateDataKey(kms::KmsService &s, const kms::Caller &c, JsonArgs &a)
{
    const QString keyId = a.string("KeyId", Need::Required);
    const kms::EncryptionContext context = a.stringMap("EncryptionContext");
    const auto keySpec = a.optionalString("KeySpec");
    const auto bytes = a.integer("NumberOfBytes");
    if (auto e = a.error())
        return std::unexpected(*e);
    auto r = s.generateDataKey(c, keyId, context, keySpec, bytes, WithPlaintext);
    if (!r)
        return std::unexpected(r.error());
    const QJsonObject o = kms::json::dataKey(*r);
    if constexpr (WithPlaintext)
        return withSecret(o, u"Plaintext"_s, std::move(r->plaintext));
    return reply(o);
}

template <bool WithPlaintext>
Result<OperationResult> generateDataKeyPair(kms::KmsService &s, const kms::Caller &c, JsonArgs &a)
{
    const QString keyId = a.string("KeyId", Need::Required);
    const QString spec = a.string("KeyPairSpec", Need::Required);
    const kms::EncryptionContext context = a.stringMap("EncryptionContext");
    if (auto e = a.error())
        return std::unexpected(*e);
    auto r = s.generateDataKeyPair(c, keyId, spec, context, WithPlaintext);
    if (!r)
        return std::unexpected(r.error());
    const QJsonObject o = kms::json::dataKeyPair(*r);
    if constexpr (WithPlaintext)
        return withSecret(o, u"PrivateKeyPlaintext"_s, std::move(r->privateKeyPlaintext));
    return reply(o);
}

void addDataKeys(OperationTable &t)
{
    t.insert(u"GenerateDataKey"_s, generateDataKey<true>);
    t.insert(u"GenerateDataKeyWithoutPlaintext"_s, generateDataKey<false>);
    t.insert(u"GenerateDataKeyPair"_s, generateDataKeyPair<true>);
    t.insert(u"GenerateDataKeyPairWithoutPlaintext"_s, generateDataKeyPair<false>);
    t.insert(u"GenerateRandom"_s, [](kms::KmsService &s, const kms::Caller &c, JsonArgs &a) -> Result<OperationResult> {
        const auto bytes = a.integer("NumberOfBytes", Need::Required);
        if (auto e = a.error())
            return std::unexpected(*e);
        auto r = s.generateRandom(c, *bytes);
        if (!r)
            return std::unexpected(r.error());
        return withSecret({}, u"Plaintext"_s, std::move(*r));
    });
}

void addSigning(OperationTable &t)
{
    t.insert(u"Sign"_s, [](kms::KmsService &s, const kms::Caller &c, JsonArgs &a) -> Result<OperationResult> {
        const QString keyId = a.string("KeyId", Need::Required);
        const QByteArray message = a.blob("Message", Need::Required);
        const QString type = a.string("MessageType", Need::Optional, u"RAW"_s);
        const QString algorithm = a.string("SigningAlgorithm", Need::Required);
        if (auto e = a.error())
            return std::unexpected(*e);
        auto r = s.sign(c, keyId, message, type, algorithm);
        if (!r)
            return std::unexpected(r.error());
        return reply(kms::json::sign(*r));
    });
    t.insert(u"Verify"_s, [](kms::KmsService &s, const kms::Caller &c, JsonArgs &a) -> Result<OperationResult> {
        const QString keyId = a.string("KeyId", Need::Required);
        const QByteArray message = a.blob("Message", Need::Required);
        const QString type = a.string("MessageType", Need::Optional, u"RAW"_s);
        const QByteArray signature = a.blob("Signature", Need::Required);
        const QString algorithm = a.string("SigningAlgorithm", Need::Required);
        if (auto e = a.error())
            return std::unexpected(*e);
        auto valid = s.verify(c, keyId, message, type, signature, algorithm);
        if (!valid)
            return std::unexpected(valid.error());
        // AWS never answers SignatureValid=false: a bad signature is an exception.
        if (!*valid)
            return fail(qkms::errors::InvalidSignature, u"The signature is not valid for this message and key"_s);
        return reply({{u"KeyId"_s, arnOf(s, keyId)}, {u"SignatureValid"_s, true}, {u"SigningAlgorithm"_s, algorithm}});
    });
    t.insert(u"GenerateMac"_s, [](kms::KmsService &s, const kms::Caller &c, JsonArgs &a) -> Result<OperationResult> {
        const QString keyId = a.string("KeyId", Need::Required);
        const QByteArray message = a.blob("Message", Need::Required);
        const QString algorithm = a.string("MacAlgorithm", Need::Required);
        if (auto e = a.error())
            return std::unexpected(*e);
        auto mac = s.generateMac(c, keyId, message, algorithm);
        if (!mac)
            return std::unexpected(mac.error());
        return reply({{u"Mac"_s, base64(*mac)}, {u"MacAlgorithm"_s, algorithm}, {u"KeyId"_s, arnOf(s, keyId)}});
    });
    t.insert(u"VerifyMac"_s, [](kms::KmsService &s, const kms::Caller &c, JsonArgs &a) -> Result<OperationResult> {
        const QString keyId = a.string("KeyId", Need::Required);
        const QByteArray message = a.blob("Message", Need::Required);
        const QByteArray mac = a.blob("Mac", Need::Required);
        const QString algorithm = a.string("MacAlgorithm", Need::Required);
        if (auto e = a.error())
            return std::unexpected(*e);
        auto valid = s.verifyMac(c, keyId, message, mac, algorithm);
        if (!valid)
            return std::unexpected(valid.error());
        if (!*valid)
            return fail(qkms::errors::InvalidMac, u"The MAC is not valid for this message and key"_s);
        return reply({{u"KeyId"_s, arnOf(s, keyId)}, {u"MacValid"_s, true}, {u"MacAlgorithm"_s, algorithm}});
    });
    t.insert(u"GetPublicKey"_s, [](kms::KmsService &s, const kms::Caller &c, JsonArgs &a) -> Result<OperationResult> {
        const QString keyId = a.string("KeyId", Need::Required);
        if (auto e = a.error())
            return std::unexpected(*e);
        auto r = s.getPublicKey(c, keyId);
        if (!r)
            return std::unexpected(r.error());
        return reply(kms::json::publicKey(*r));
    });
}

} // namespace

void addCryptoOperations(OperationTable &table)
{
    addEncryption(table);
    addDataKeys(table);
    addSigning(table);
}

} // namespace qkms::server
