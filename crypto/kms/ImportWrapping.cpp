#include "kms/ImportWrapping.h"

#include "kms/CryptoOpSupport.h"
#include "kms/KeyRows.h"
#include "primitives/AsymmetricKey.h"
#include "primitives/Primitives.h"
#include "vault/Vault.h"

using namespace Qt::StringLiterals;

namespace qkms::kms::ops {

namespace {

constexpr qint64 ParametersLifetimeSecs = 24 * 3600;
constexpr char ImportTokenVersion = 1;
const QByteArray kTokenBinding = QByteArrayLiteral("qkms import token v1");

crypto::HashAlg oaepHash(Wrapping w)
{
    return w == Wrapping::OaepSha1 || w == Wrapping::AesKeyWrapSha1 ? crypto::HashAlg::Sha1 : crypto::HashAlg::Sha256;
}

/// What the private half of a wrapping key is wrapped under: the key and the token, so a row
/// copied to another key or token does not unwrap.
QByteArray wrappingKeyBinding(const QString &arn, const QString &tokenId)
{
    return rows::materialBinding(arn, 0) + "|import|" + tokenId.toLatin1();
}

} // namespace

Result<Wrapping> parseWrapping(const QString &name)
{
    if (name == u"RSAES_OAEP_SHA_1")
        return Wrapping::OaepSha1;
    if (name == u"RSAES_OAEP_SHA_256")
        return Wrapping::OaepSha256;
    if (name == u"RSA_AES_KEY_WRAP_SHA_1")
        return Wrapping::AesKeyWrapSha1;
    if (name == u"RSA_AES_KEY_WRAP_SHA_256")
        return Wrapping::AesKeyWrapSha256;
    if (name == u"RSAES_PKCS1_V1_5" || name == u"SM2PKE") // valid names qkms does not offer
        return fail(errors::UnsupportedOperation, u"Wrapping algorithm %1 is not supported."_s.arg(name));
    return validation(u"Value '%1' at 'wrappingAlgorithm' failed to satisfy constraint: Member must satisfy enum "
                      "value set: [RSAES_PKCS1_V1_5, RSAES_OAEP_SHA_1, RSAES_OAEP_SHA_256, RSA_AES_KEY_WRAP_SHA_1, "
                      "RSA_AES_KEY_WRAP_SHA_256, SM2PKE]"_s.arg(name));
}

Result<crypto::KeyKind> parseWrappingSpec(const QString &name)
{
    if (name == u"RSA_2048")
        return crypto::KeyKind::Rsa2048;
    if (name == u"RSA_3072")
        return crypto::KeyKind::Rsa3072;
    if (name == u"RSA_4096")
        return crypto::KeyKind::Rsa4096;
    if (name == u"SM2")
        return fail(errors::UnsupportedOperation, u"Wrapping key spec SM2 is not supported."_s);
    return validation(u"Value '%1' at 'wrappingKeySpec' failed to satisfy constraint: Member must satisfy enum "
                      "value set: [RSA_2048, RSA_3072, RSA_4096, SM2]"_s.arg(name));
}

Result<WrappingKey> makeWrappingKey(const vault::Vault &vault, const KeyRecord &key, crypto::KeyKind kind,
                                    const QString &wrappingAlgorithm, const QString &wrappingKeySpec)
{
    // RSA generation (a second for 4096 bits): callers run this outside any transaction.
    auto pair = crypto::AsymmetricKey::generate(kind);
    if (!pair)
        return std::unexpected(pair.error());
    auto der = pair->privateKeyDer();
    auto pub = pair->publicKeyDer();
    if (!der || !pub)
        return std::unexpected(!der ? der.error() : pub.error());
    WrappingKey out;
    rows::ImportParametersRow &row = out.row;
    row.tokenId = QString::fromLatin1(crypto::randomBytes(16).toHex());
    row.keyId = key.keyId;
    row.wrappingAlgorithm = wrappingAlgorithm;
    row.wrappingKeySpec = wrappingKeySpec;
    auto wrapped = vault.wrapMaterial(*der, wrappingKeyBinding(key.arn, row.tokenId));
    if (!wrapped)
        return std::unexpected(wrapped.error());
    row.wrappedPrivate = *wrapped;
    row.publicKey = *pub;
    row.createdAt = vault.clock().now();
    row.validTo = row.createdAt.addSecs(ParametersLifetimeSecs);
    auto sealed = vault.wrapMaterial(QCA::SecureArray(row.tokenId.toLatin1()), kTokenBinding);
    if (!sealed)
        return std::unexpected(sealed.error());
    out.importToken = QByteArray(1, ImportTokenVersion) + *sealed;
    return out;
}

std::unexpected<KmsError> invalidToken()
{
    return fail(errors::InvalidImportToken, u"The import token is not valid for this key."_s);
}

Result<rows::ImportParametersRow> openImportToken(const vault::Vault &vault, store::Database &db,
                                                  const QByteArray &token)
{
    if (token.size() < 2 || token.at(0) != ImportTokenVersion)
        return invalidToken();
    auto id = vault.unwrapMaterial(token.mid(1), kTokenBinding);
    if (!id)
        return invalidToken();
    auto row = rows::loadImportParameters(db, QString::fromLatin1(id->toByteArray()));
    if (!row)
        return std::unexpected(row.error());
    if (!*row) // purged after it expired: AWS cannot tell those apart either
        return invalidToken();
    return **row;
}

Result<QCA::SecureArray> unwrapImportedMaterial(const vault::Vault &vault, const KeyRecord &k,
                                                const rows::ImportParametersRow &p, const QByteArray &encrypted)
{
    auto wrapping = parseWrapping(p.wrappingAlgorithm);
    if (!wrapping)
        return std::unexpected(wrapping.error());
    auto der = vault.unwrapMaterial(p.wrappedPrivate, wrappingKeyBinding(k.arn, p.tokenId));
    if (!der)
        return std::unexpected(der.error());
    auto priv = crypto::AsymmetricKey::fromPrivateDer(*der);
    if (!priv)
        return fail(errors::Internal, u"The wrapping key of %1 could not be read"_s.arg(k.arn));
    const auto bad = [] {
        return fail(errors::InvalidCiphertext, u"The EncryptedKeyMaterial could not be decrypted with the wrapping "
                                               "key of this import token."_s);
    };
    const crypto::HashAlg hash = oaepHash(*wrapping);
    if (*wrapping == Wrapping::OaepSha1 || *wrapping == Wrapping::OaepSha256) {
        auto plain = priv->oaepDecrypt(hash, encrypted);
        if (!plain)
            return bad();
        return plain;
    }
    // RSA_AES_KEY_WRAP: OAEP(ephemeral AES key) ‖ RFC 5649 wrap of the material under it.
    const int rsaBytes = priv->bits() / 8;
    if (encrypted.size() <= rsaBytes)
        return bad();
    auto kek = priv->oaepDecrypt(hash, encrypted.left(rsaBytes));
    if (!kek || (kek->size() != 16 && kek->size() != 24 && kek->size() != 32))
        return bad();
    auto plain = crypto::aesKeyWrapPadUnwrap(*kek, encrypted.mid(rsaBytes));
    if (!plain)
        return bad();
    return plain;
}

} // namespace qkms::kms::ops
