#include "kms/CiphertextBlob.h"

#include "primitives/Primitives.h"

#include <QUuid>
#include <QtEndian>

namespace qkms::kms {

namespace {

constexpr char Magic0 = 0x71; // 'q'
constexpr char Magic1 = 0x6B; // 'k'
constexpr int KeyIdOffset = 3;
constexpr int UuidBytes = 16;
constexpr int VersionOffset = KeyIdOffset + UuidBytes; // 19
constexpr int NonceOffset = VersionOffset + 4;         // 23

void appendLengthPrefixed(QByteArray &out, const QByteArray &field)
{
    char be[4];
    qToBigEndian(quint32(field.size()), be);
    out.append(be, 4);
    out.append(field);
}

QByteArray headerBytes(const QByteArray &uuid, quint32 version, const QByteArray &nonce)
{
    QByteArray h;
    h.reserve(CiphertextBlob::HeaderBytes);
    h.append(Magic0).append(Magic1).append(char(CiphertextBlob::FormatVersion));
    h.append(uuid);
    char be[4];
    qToBigEndian(version, be);
    h.append(be, 4);
    h.append(nonce);
    return h;
}

QByteArray aadBytes(const QByteArray &header, const QString &region, const QString &keyArn,
                    const QByteArray &canonicalContext)
{
    // Region and ARN are length-prefixed, so no field can run into the next; the context comes
    // last and is self-delimiting (EncryptionContextCodec).
    QByteArray aad = header;
    appendLengthPrefixed(aad, region.toUtf8());
    appendLengthPrefixed(aad, keyArn.toUtf8());
    aad.append(canonicalContext);
    return aad;
}

} // namespace

std::unexpected<KmsError> invalidCiphertext()
{
    return fail(errors::InvalidCiphertext, QString());
}

bool CiphertextBlob::looksLikeBlob(const QByteArray &bytes)
{
    return bytes.size() >= 3 && bytes[0] == Magic0 && bytes[1] == Magic1 && quint8(bytes[2]) == FormatVersion;
}

Result<CiphertextBlob> CiphertextBlob::parse(const QByteArray &blob)
{
    if (!looksLikeBlob(blob) || blob.size() < OverheadBytes + 1)
        return invalidCiphertext();
    const QUuid id = QUuid::fromRfc4122(QByteArrayView(blob).sliced(KeyIdOffset, UuidBytes));
    const quint32 version = qFromBigEndian<quint32>(blob.constData() + VersionOffset);
    // Version 0 means "current" to KmsService::material(); a blob always names a real version.
    if (id.isNull() || version == 0)
        return invalidCiphertext();
    CiphertextBlob b;
    b.m_keyId = id.toString(QUuid::WithoutBraces);
    b.m_materialVersion = version;
    b.m_nonce = blob.mid(NonceOffset, NonceBytes);
    b.m_ciphertext = blob.mid(HeaderBytes, blob.size() - OverheadBytes);
    b.m_tag = blob.right(TagBytes);
    return b;
}

Result<QByteArray> CiphertextBlob::seal(const QCA::SecureArray &material, const QCA::SecureArray &plaintext,
                                        const BlobBinding &binding, const QByteArray &canonicalContext)
{
    const QUuid id = QUuid::fromString(binding.keyId);
    if (id.isNull() || binding.materialVersion == 0 || plaintext.isEmpty())
        return fail(errors::Crypto, QStringLiteral("A ciphertext blob needs a key id, a material version and a "
                                                   "non-empty plaintext"));
    CiphertextBlob b;
    b.m_keyId = id.toString(QUuid::WithoutBraces);
    b.m_materialVersion = binding.materialVersion;
    b.m_nonce = crypto::randomBytes(NonceBytes);
    auto sealed = crypto::aesGcmSeal(material, plaintext,
                                     b.aad(binding.region, binding.keyArn, canonicalContext), b.m_nonce);
    if (!sealed)
        return std::unexpected(sealed.error());
    b.m_ciphertext = sealed->ciphertext;
    b.m_tag = sealed->tag;
    return b.toBytes();
}

Result<QCA::SecureArray> CiphertextBlob::open(const QCA::SecureArray &material, const QString &region,
                                              const QString &keyArn, const QByteArray &canonicalContext) const
{
    auto plain = crypto::aesGcmOpen(material, m_nonce, m_ciphertext, m_tag, aad(region, keyArn, canonicalContext));
    if (!plain)
        return invalidCiphertext(); // the primitive's message says which inputs; AWS says nothing
    return plain;
}

QByteArray CiphertextBlob::header() const
{
    return headerBytes(QUuid::fromString(m_keyId).toRfc4122(), m_materialVersion, m_nonce);
}

QByteArray CiphertextBlob::aad(const QString &region, const QString &keyArn, const QByteArray &canonicalContext) const
{
    return aadBytes(header(), region, keyArn, canonicalContext);
}

QByteArray CiphertextBlob::toBytes() const
{
    return header() + m_ciphertext + m_tag;
}

} // namespace qkms::kms
