// encrypt, decrypt, re-encrypt, generate-data-key[-without-plaintext],
// generate-data-key-pair[-without-plaintext], generate-random. (Signing and MACs:
// SigningCommands.cpp.) Plaintexts are read into and printed from secure memory.

#include "Output.h"
#include "kms/KmsService.h"

namespace qkms::cli {

using namespace Qt::StringLiterals;

namespace {

Result<QJsonObject> encrypt(Session &s, const QStringList &words)
{
    auto a = parseCommand(words, {u"key-id"_s, u"plaintext"_s, u"encryption-context"_s, u"grant-tokens"_s,
                                  u"encryption-algorithm"_s},
                          {}, {u"grant-tokens"_s});
    if (!a)
        return std::unexpected(a.error());
    auto keyId = a->args.required(u"key-id"_s);
    if (!keyId)
        return std::unexpected(keyId.error());
    if (!a->args.has(u"plaintext"_s))
        return fail(kUsageError, u"the following arguments are required: --plaintext"_s);
    auto plaintext = secretBlob(a->args, u"plaintext"_s);
    if (!plaintext)
        return std::unexpected(plaintext.error());
    auto context = contextOption(a->args, u"encryption-context"_s);
    if (!context)
        return std::unexpected(context.error());
    auto e = engine(s);
    if (!e)
        return std::unexpected(e.error());
    e->caller.grantTokens = a->list(u"grant-tokens"_s);
    auto r = e->service->encrypt(e->caller, *keyId, **plaintext, *context,
                                 a->args.value(u"encryption-algorithm"_s).value_or(u"SYMMETRIC_DEFAULT"_s));
    if (!r)
        return std::unexpected(r.error());
    return kms::json::encrypt(*r);
}

Result<QJsonObject> decrypt(Session &s, const QStringList &words)
{
    auto a = parseCommand(words, {u"ciphertext-blob"_s, u"encryption-context"_s, u"key-id"_s, u"grant-tokens"_s,
                                  u"encryption-algorithm"_s},
                          {}, {u"grant-tokens"_s});
    if (!a)
        return std::unexpected(a.error());
    auto blob = requiredBlob(a->args, u"ciphertext-blob"_s);
    if (!blob)
        return std::unexpected(blob.error());
    auto context = contextOption(a->args, u"encryption-context"_s);
    if (!context)
        return std::unexpected(context.error());
    auto e = engine(s);
    if (!e)
        return std::unexpected(e.error());
    e->caller.grantTokens = a->list(u"grant-tokens"_s);
    auto r = e->service->decrypt(e->caller, *blob, *context, a->args.value(u"key-id"_s).value_or(QString()),
                                 a->args.value(u"encryption-algorithm"_s).value_or(u"SYMMETRIC_DEFAULT"_s));
    if (!r)
        return std::unexpected(r.error());
    return printWithSecret(s, {{u"KeyId"_s, r->keyArn}, {u"EncryptionAlgorithm"_s, r->encryptionAlgorithm}},
                           u"Plaintext"_s, r->plaintext);
}

Result<QJsonObject> reEncrypt(Session &s, const QStringList &words)
{
    auto a = parseCommand(words, {u"ciphertext-blob"_s, u"destination-key-id"_s, u"source-encryption-context"_s,
                                  u"destination-encryption-context"_s, u"source-key-id"_s, u"grant-tokens"_s,
                                  u"source-encryption-algorithm"_s, u"destination-encryption-algorithm"_s},
                          {}, {u"grant-tokens"_s});
    if (!a)
        return std::unexpected(a.error());
    auto blob = requiredBlob(a->args, u"ciphertext-blob"_s);
    if (!blob)
        return std::unexpected(blob.error());
    auto destination = a->args.required(u"destination-key-id"_s);
    if (!destination)
        return std::unexpected(destination.error());
    auto source = contextOption(a->args, u"source-encryption-context"_s);
    if (!source)
        return std::unexpected(source.error());
    auto target = contextOption(a->args, u"destination-encryption-context"_s);
    if (!target)
        return std::unexpected(target.error());
    auto e = engine(s);
    if (!e)
        return std::unexpected(e.error());
    e->caller.grantTokens = a->list(u"grant-tokens"_s);
    auto r = e->service->reEncrypt(e->caller, *blob, *destination, *source, *target,
                                   a->args.value(u"source-key-id"_s).value_or(QString()),
                                   a->args.value(u"source-encryption-algorithm"_s).value_or(u"SYMMETRIC_DEFAULT"_s),
                                   a->args.value(u"destination-encryption-algorithm"_s).value_or(u"SYMMETRIC_DEFAULT"_s));
    if (!r)
        return std::unexpected(r.error());
    return kms::json::reEncrypt(*r);
}

template <bool WithPlaintext>
Result<QJsonObject> generateDataKey(Session &s, const QStringList &words)
{
    auto a = parseCommand(words, {u"key-id"_s, u"encryption-context"_s, u"number-of-bytes"_s, u"key-spec"_s,
                                  u"grant-tokens"_s},
                          {}, {u"grant-tokens"_s});
    if (!a)
        return std::unexpected(a.error());
    auto keyId = a->args.required(u"key-id"_s);
    if (!keyId)
        return std::unexpected(keyId.error());
    auto context = contextOption(a->args, u"encryption-context"_s);
    if (!context)
        return std::unexpected(context.error());
    auto bytes = intOption(a->args, u"number-of-bytes"_s);
    if (!bytes)
        return std::unexpected(bytes.error());
    auto e = engine(s);
    if (!e)
        return std::unexpected(e.error());
    e->caller.grantTokens = a->list(u"grant-tokens"_s);
    // Both or neither of --key-spec and --number-of-bytes: the engine's ValidationException.
    auto r = e->service->generateDataKey(e->caller, *keyId, *context, a->args.value(u"key-spec"_s), *bytes,
                                         WithPlaintext);
    if (!r)
        return std::unexpected(r.error());
    const QJsonObject o = kms::json::dataKey(*r);
    if constexpr (WithPlaintext)
        return printWithSecret(s, o, u"Plaintext"_s, r->plaintext);
    return o;
}

template <bool WithPlaintext>
Result<QJsonObject> generateDataKeyPair(Session &s, const QStringList &words)
{
    auto a = parseCommand(words, {u"key-id"_s, u"key-pair-spec"_s, u"encryption-context"_s, u"grant-tokens"_s}, {},
                          {u"grant-tokens"_s});
    if (!a)
        return std::unexpected(a.error());
    auto keyId = a->args.required(u"key-id"_s);
    if (!keyId)
        return std::unexpected(keyId.error());
    auto spec = a->args.required(u"key-pair-spec"_s);
    if (!spec)
        return std::unexpected(spec.error());
    auto context = contextOption(a->args, u"encryption-context"_s);
    if (!context)
        return std::unexpected(context.error());
    auto e = engine(s);
    if (!e)
        return std::unexpected(e.error());
    e->caller.grantTokens = a->list(u"grant-tokens"_s);
    auto r = e->service->generateDataKeyPair(e->caller, *keyId, *spec, *context, WithPlaintext);
    if (!r)
        return std::unexpected(r.error());
    const QJsonObject o = kms::json::dataKeyPair(*r);
    if constexpr (WithPlaintext)
        return printWithSecret(s, o, u"PrivateKeyPlaintext"_s, r->privateKeyPlaintext);
    return o;
}

Result<QJsonObject> generateRandom(Session &s, const QStringList &words)
{
    auto a = parseCommand(words, {u"number-of-bytes"_s});
    if (!a)
        return std::unexpected(a.error());
    if (!a->args.has(u"number-of-bytes"_s))
        return fail(kUsageError, u"the following arguments are required: --number-of-bytes"_s);
    auto bytes = intOption(a->args, u"number-of-bytes"_s);
    if (!bytes)
        return std::unexpected(bytes.error());
    auto e = engine(s);
    if (!e)
        return std::unexpected(e.error());
    auto r = e->service->generateRandom(e->caller, **bytes);
    if (!r)
        return std::unexpected(r.error());
    return printWithSecret(s, {}, u"Plaintext"_s, *r);
}

} // namespace

void registerCryptoCommands()
{
    addCommand("encrypt", "Encrypt", "encrypt up to 4 KiB (--key-id, --plaintext fileb://…)", encrypt);
    addCommand("decrypt", "Decrypt", "decrypt a ciphertext blob (--ciphertext-blob fileb://…)", decrypt);
    addCommand("re-encrypt", "ReEncrypt", "decrypt and encrypt again under --destination-key-id", reEncrypt);
    addCommand("generate-data-key", "GenerateDataKey", "a data key, plaintext and encrypted", generateDataKey<true>);
    addCommand("generate-data-key-without-plaintext", "GenerateDataKeyWithoutPlaintext", "a data key, encrypted only",
        generateDataKey<false>);
    addCommand("generate-data-key-pair", "GenerateDataKeyPair", "a key pair, the private key also encrypted",
        generateDataKeyPair<true>);
    addCommand("generate-data-key-pair-without-plaintext", "GenerateDataKeyPairWithoutPlaintext",
        "a key pair, the private key encrypted only", generateDataKeyPair<false>);
    addCommand("generate-random", "GenerateRandom", "random bytes (--number-of-bytes 1..1024)", generateRandom);
    registerSigningCommands();
}

} // namespace qkms::cli
