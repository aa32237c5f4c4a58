#include "envelope/RawAesKeyring.h"

#include "envelope/WireFormat.h"
#include "primitives/Primitives.h"

#include <utility>

namespace qkms::envelope {

namespace {
constexpr quint32 kTagLengthBits = 128;
constexpr quint32 kIvLength = 12;
constexpr qsizetype kTagLength = 16;
} // namespace

RawAesKeyring::RawAesKeyring(QByteArray keyNamespace, QByteArray keyName, QCA::SecureArray wrappingKey)
    : m_namespace(std::move(keyNamespace)), m_keyName(std::move(keyName)), m_wrappingKey(std::move(wrappingKey))
{
}

Result<RawAesKeyring> RawAesKeyring::create(const QString &keyNamespace, const QString &keyName,
                                            const QCA::SecureArray &wrappingKey)
{
    if (wrappingKey.size() != 32)
        return fail(errors::Validation, QStringLiteral("raw AES keyring needs a 32-byte wrapping key"));
    if (keyNamespace.isEmpty() || keyName.isEmpty())
        return fail(errors::Validation, QStringLiteral("raw AES keyring needs a key namespace and a key name"));
    if (keyNamespace.startsWith(QLatin1StringView("aws-kms")))
        return fail(errors::Validation, QStringLiteral("key namespace must not start with \"aws-kms\""));
    const QByteArray ns = keyNamespace.toUtf8();
    const QByteArray name = keyName.toUtf8();
    if (ns.size() > 0xFFFF || name.size() > 0xFFFF - 20)
        return fail(errors::Validation, QStringLiteral("raw AES keyring name too long"));
    return RawAesKeyring(ns, name, wrappingKey);
}

Result<GeneratedDataKey> RawAesKeyring::generate(const EncryptionContext &ctx)
{
    auto aad = serializeEncryptionContext(ctx);
    if (!aad)
        return std::unexpected(aad.error());
    GeneratedDataKey out{crypto::randomSecret(kDataKeyLength), {}};
    auto sealed = crypto::aesGcmSeal(m_wrappingKey, out.plaintextKey, *aad);
    if (!sealed)
        return std::unexpected(sealed.error());

    QByteArray info = m_keyName;
    wire::appendU32(info, kTagLengthBits);
    wire::appendU32(info, kIvLength);
    info.append(sealed->nonce);
    out.encryptedDataKeys.append(EncryptedDataKey{m_namespace, info, sealed->ciphertext + sealed->tag});
    return out;
}

Result<QCA::SecureArray> RawAesKeyring::decrypt(const QList<EncryptedDataKey> &edks, const EncryptionContext &ctx)
{
    auto aad = serializeEncryptionContext(ctx);
    if (!aad)
        return std::unexpected(aad.error());
    const qsizetype infoLength = m_keyName.size() + 8 + kIvLength;
    for (const EncryptedDataKey &edk : edks) {
        // Only EDKs that name this key in exactly the layout this keyring writes.
        if (edk.providerId != m_namespace || edk.providerInfo.size() != infoLength
            || !edk.providerInfo.startsWith(m_keyName) || edk.ciphertext.size() < kTagLength)
            continue;
        const char *p = edk.providerInfo.constData() + m_keyName.size();
        if (wire::readU32(p) != kTagLengthBits || wire::readU32(p + 4) != kIvLength)
            continue;
        const QByteArray iv = edk.providerInfo.right(kIvLength);
        const QByteArray ct = edk.ciphertext.left(edk.ciphertext.size() - kTagLength);
        const QByteArray tag = edk.ciphertext.right(kTagLength);
        auto key = crypto::aesGcmOpen(m_wrappingKey, iv, ct, tag, *aad);
        if (key && key->size() == kDataKeyLength)
            return key;
    }
    return fail(errors::InvalidCiphertext, QStringLiteral("no encrypted data key could be unwrapped by the raw AES keyring"));
}

} // namespace qkms::envelope
