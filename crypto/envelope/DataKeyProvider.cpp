#include "envelope/DataKeyProvider.h"

#include <utility>

namespace qkms::envelope {

StaticDataKeyProvider::StaticDataKeyProvider(QCA::SecureArray key, QList<EncryptedDataKey> edks)
    : m_key(std::move(key)), m_edks(std::move(edks))
{
    if (m_edks.isEmpty())
        m_edks.append(EncryptedDataKey{QByteArrayLiteral("static"), QByteArrayLiteral("static"), QByteArray()});
}

Result<GeneratedDataKey> StaticDataKeyProvider::generate(const EncryptionContext &)
{
    return GeneratedDataKey{m_key, m_edks};
}

Result<QCA::SecureArray> StaticDataKeyProvider::decrypt(const QList<EncryptedDataKey> &, const EncryptionContext &)
{
    return m_key;
}

} // namespace qkms::envelope
