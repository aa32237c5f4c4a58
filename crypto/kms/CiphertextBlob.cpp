#include "kms/CiphertextBlob.h"

#include "primitives/Primitives.h"

#include <QUuid>
#include <QtEndian>

#include <cstring>

namespace qkms::kms {

namespace {

constexpr char Magic0 = 0x71; // 'q'
constexpr char Magic1 = 0x6B; // 'k'
constexpr int KeyIdOffset = 3;
constexpr int UuidBytes = 16;
constexpr int VersionOffset = KeyIdOffset + UuidBytes; // 19
constexpr int NonceOffset = VersionOffset + 4;         // 23

void appendLengthPrefixed(QByteArray &out, QByteArrayView field)
{
    char be[4];
    qToBigEndian(quint32(field.size()), be);
    out.append(be, 4);
    out.append(field);
}

QByteArray aadBytes(QByteArrayView header, const QString &region, const QString &keyArn,
                    const QByteArray &canonicalContext)
{
    // Region and ARN are length-prefixed, so no field can run into the next; the context comes
    // last and is self-delimiting (EncryptionContextCodec).
    const QByteArray regionUtf8 = region.toUtf8();
    const QByteArray arnUtf8 = keyArn.toUtf8();
    QByteArray aad;
    aad.reserve(header.size() + 8 + regionUtf8.size() + arnUtf8.size() + canonicalContext.size());
    aad.append(header);
    appendLengthPrefixed(aad, regionUtf8);
    appendLengthPrefixed(aad, arnUtf8);
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
    b.m_blob = blob; // shared, not copied: the fields are views into it
    return b;
}

Result<QByteArray> CiphertextBlob::seal(const QCA::SecureArray &material, const QCA::SecureArray &plaintext,
                                        const BlobBinding &binding, const QByteArray &canonicalContext)
{
    const QUuid id = QUuid::fromString(binding.keyId);
    if (id.isNull() || binding.materialVersion == 0 || plaintext.isEmpty())
        return fail(errors::Crypto, QStringLiteral("A ciphertext blob needs a key id, a material version and a "
                                                   "non-empty plaintext"));
    // The blob is built in its one buffer: header, then AES-GCM writes ciphertext and tag behind
    // it (a blob per field and a concatenation at the end cost ~30k instructions per Encrypt).
    QByteArray out(HeaderBytes + plaintext.size() + TagBytes, Qt::Uninitialized);
    char *p = out.data();
    p[0] = Magic0;
    p[1] = Magic1;
    p[2] = char(FormatVersion);
    const QUuid::Id128Bytes uuid = id.toBytes(QSysInfo::BigEndian); // RFC 4122 byte order
    std::memcpy(p + KeyIdOffset, uuid.data, UuidBytes);
    qToBigEndian(binding.materialVersion, p + VersionOffset);
    const QByteArray nonce = crypto::randomBytes(NonceBytes);
    if (nonce.size() != NonceBytes)
        return fail(errors::Crypto, QStringLiteral("No random nonce for the ciphertext blob"));
    std::memcpy(p + NonceOffset, nonce.constData(), NonceBytes);
    const QByteArrayView header(out.constData(), HeaderBytes);
    const QByteArray aad = aadBytes(header, binding.region, binding.keyArn, canonicalContext);
    if (auto st = crypto::aesGcmSealInto(material, plaintext, aad, nonce, out.data() + HeaderBytes); !st)
        return std::unexpected(st.error());
    return out;
}

Result<QCA::SecureArray> CiphertextBlob::open(const QCA::SecureArray &material, const QString &region,
                                              const QString &keyArn, const QByteArray &canonicalContext) const
{
    const QByteArrayView blob(m_blob);
    auto plain = crypto::aesGcmOpen(material, blob.sliced(NonceOffset, NonceBytes),
                                    blob.sliced(HeaderBytes, blob.size() - OverheadBytes), blob.last(TagBytes),
                                    aadBytes(blob.first(HeaderBytes), region, keyArn, canonicalContext));
    if (!plain)
        return invalidCiphertext(); // the primitive's message says which inputs; AWS says nothing
    return plain;
}

QByteArray CiphertextBlob::aad(const QString &region, const QString &keyArn, const QByteArray &canonicalContext) const
{
    return aadBytes(QByteArrayView(m_blob).first(HeaderBytes), region, keyArn, canonicalContext);
}

QByteArray CiphertextBlob::toBytes() const
{
    return m_blob;
}

} // namespace qkms::kms
