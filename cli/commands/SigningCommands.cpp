// sign, verify, generate-mac, verify-mac, get-public-key: asymmetric signing keys and HMAC keys.

#include "Output.h"
#include "kms/KmsService.h"

namespace qkms::cli {

using namespace Qt::StringLiterals;

namespace {

// The options every signing or MAC command shares, parsed once.
struct MessageArgs {
    CommandArgs parsed;
    QString keyId;
    QByteArray message;
    QString algorithm;
};

Result<MessageArgs> messageArgs(const QStringList &words, const QString &algorithmOption, QStringList extra)
{
    extra += {u"key-id"_s, u"message"_s, algorithmOption, u"grant-tokens"_s};
    auto a = parseCommand(words, extra, {}, {u"grant-tokens"_s});
    if (!a)
        return std::unexpected(a.error());
    auto keyId = a->args.required(u"key-id"_s);
    if (!keyId)
        return std::unexpected(keyId.error());
    auto message = requiredBlob(a->args, u"message"_s);
    if (!message)
        return std::unexpected(message.error());
    auto algorithm = a->args.required(algorithmOption);
    if (!algorithm)
        return std::unexpected(algorithm.error());
    return MessageArgs{*a, *keyId, *message, *algorithm};
}

// The ARN for responses whose engine call returns no key (GenerateMac, VerifyMac): the
// resolution is internal, so it is neither authorized nor audited a second time.
QString arnOf(kms::KmsService &service, const QString &keyId)
{
    auto key = service.resolveKey(keyId, true);
    return key ? key->arn : keyId;
}

Result<QJsonObject> sign(Session &s, const QStringList &words)
{
    auto m = messageArgs(words, u"signing-algorithm"_s, {u"message-type"_s});
    if (!m)
        return std::unexpected(m.error());
    auto e = engine(s);
    if (!e)
        return std::unexpected(e.error());
    e->caller.grantTokens = m->parsed.list(u"grant-tokens"_s);
    auto r = e->service->sign(e->caller, m->keyId, m->message,
                              m->parsed.args.value(u"message-type"_s).value_or(u"RAW"_s), m->algorithm);
    if (!r)
        return std::unexpected(r.error());
    return kms::json::sign(*r);
}

Result<QJsonObject> verify(Session &s, const QStringList &words)
{
    auto m = messageArgs(words, u"signing-algorithm"_s, {u"message-type"_s, u"signature"_s});
    if (!m)
        return std::unexpected(m.error());
    auto signature = requiredBlob(m->parsed.args, u"signature"_s);
    if (!signature)
        return std::unexpected(signature.error());
    auto e = engine(s);
    if (!e)
        return std::unexpected(e.error());
    e->caller.grantTokens = m->parsed.list(u"grant-tokens"_s);
    auto valid = e->service->verify(e->caller, m->keyId, m->message,
                                    m->parsed.args.value(u"message-type"_s).value_or(u"RAW"_s), *signature,
                                    m->algorithm);
    if (!valid)
        return std::unexpected(valid.error());
    // AWS never answers SignatureValid=false: a bad signature is an exception.
    if (!*valid)
        return fail(errors::InvalidSignature, u"The signature is not valid for this message and key"_s);
    return QJsonObject{{u"KeyId"_s, arnOf(*e->service, m->keyId)},
                       {u"SignatureValid"_s, true},
                       {u"SigningAlgorithm"_s, m->algorithm}};
}

Result<QJsonObject> generateMac(Session &s, const QStringList &words)
{
    auto m = messageArgs(words, u"mac-algorithm"_s, {});
    if (!m)
        return std::unexpected(m.error());
    auto e = engine(s);
    if (!e)
        return std::unexpected(e.error());
    e->caller.grantTokens = m->parsed.list(u"grant-tokens"_s);
    auto mac = e->service->generateMac(e->caller, m->keyId, m->message, m->algorithm);
    if (!mac)
        return std::unexpected(mac.error());
    return QJsonObject{{u"Mac"_s, base64(*mac)},
                       {u"MacAlgorithm"_s, m->algorithm},
                       {u"KeyId"_s, arnOf(*e->service, m->keyId)}};
}

Result<QJsonObject> verifyMac(Session &s, const QStringList &words)
{
    auto m = messageArgs(words, u"mac-algorithm"_s, {u"mac"_s});
    if (!m)
        return std::unexpected(m.error());
    auto mac = requiredBlob(m->parsed.args, u"mac"_s);
    if (!mac)
        return std::unexpected(mac.error());
    auto e = engine(s);
    if (!e)
        return std::unexpected(e.error());
    e->caller.grantTokens = m->parsed.list(u"grant-tokens"_s);
    auto valid = e->service->verifyMac(e->caller, m->keyId, m->message, *mac, m->algorithm);
    if (!valid)
        return std::unexpected(valid.error());
    if (!*valid)
        return fail(errors::InvalidMac, u"The MAC is not valid for this message and key"_s);
    return QJsonObject{{u"KeyId"_s, arnOf(*e->service, m->keyId)},
                       {u"MacValid"_s, true},
                       {u"MacAlgorithm"_s, m->algorithm}};
}

Result<QJsonObject> getPublicKey(Session &s, const QStringList &words)
{
    auto c = keyCommand(s, words, {u"key-id"_s, u"grant-tokens"_s}, {}, {u"grant-tokens"_s});
    if (!c)
        return std::unexpected(c.error());
    auto r = c->service().getPublicKey(c->caller(), c->keyId);
    if (!r)
        return std::unexpected(r.error());
    return kms::json::publicKey(*r);
}

} // namespace

void registerSigningCommands()
{
    addCommand("sign", "Sign", "sign a message or digest (--message, --message-type, --signing-algorithm)", sign);
    addCommand("verify", "Verify", "verify a signature (--signature)", verify);
    addCommand("generate-mac", "GenerateMac", "an HMAC of a message (--mac-algorithm)", generateMac);
    addCommand("verify-mac", "VerifyMac", "verify an HMAC (--mac)", verifyMac);
    addCommand("get-public-key", "GetPublicKey", "the DER public key of an asymmetric key", getPublicKey);
}

} // namespace qkms::cli
