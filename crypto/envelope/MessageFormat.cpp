#include "envelope/MessageFormat.h"

#include "envelope/WireFormat.h"
#include "primitives/Primitives.h"

namespace qkms::envelope {

namespace {
const QString kName0478 = QStringLiteral("ALG_AES_256_GCM_HKDF_SHA512_COMMIT_KEY");
const QString kName0578 = QStringLiteral("ALG_AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384");
} // namespace

QString suiteName(AlgorithmSuite suite)
{
    return isSigned(suite) ? kName0578 : kName0478;
}

std::optional<AlgorithmSuite> suiteFromId(quint16 id)
{
    switch (id) {
    case 0x0478:
        return AlgorithmSuite::AesGcmHkdfSha512Commit;
    case 0x0578:
        return AlgorithmSuite::AesGcmHkdfSha512CommitEcdsaP384;
    default:
        return std::nullopt;
    }
}

Result<AlgorithmSuite> parseSuite(const QString &text)
{
    const QString t = text.trimmed();
    if (t.compare(kName0478, Qt::CaseInsensitive) == 0)
        return AlgorithmSuite::AesGcmHkdfSha512Commit;
    if (t.compare(kName0578, Qt::CaseInsensitive) == 0)
        return AlgorithmSuite::AesGcmHkdfSha512CommitEcdsaP384;
    QString hex = t;
    if (hex.startsWith(QLatin1StringView("0x"), Qt::CaseInsensitive))
        hex = hex.mid(2);
    bool ok = false;
    const uint id = hex.toUInt(&ok, 16);
    if (ok && !hex.isEmpty() && id <= 0xFFFF) {
        if (auto suite = suiteFromId(static_cast<quint16>(id)))
            return *suite;
    }
    return fail(errors::Validation, QStringLiteral("unknown algorithm suite \"%1\"; use 0x0478 or 0x0578").arg(t));
}

QString hexId(quint16 id)
{
    return QStringLiteral("0x%1").arg(id, 4, 16, QLatin1Char('0'));
}

Result<DerivedKeys> deriveKeys(AlgorithmSuite suite, const QCA::SecureArray &dataKey, const QByteArray &messageId)
{
    if (dataKey.size() != 32)
        return fail(errors::Crypto, QStringLiteral("data key is %1 bytes, expected 32").arg(dataKey.size()));
    QByteArray encInfo;
    wire::appendU16(encInfo, static_cast<quint16>(suite));
    encInfo.append("DERIVEKEY");
    // Extract-then-expand twice with the same salt and IKM gives the same PRK both times, as the
    // SDK's single extract followed by two expands.
    auto enc = crypto::hkdf(crypto::HashAlg::Sha512, dataKey, messageId, encInfo, 32);
    if (!enc)
        return std::unexpected(enc.error());
    auto commit = crypto::hkdf(crypto::HashAlg::Sha512, dataKey, messageId, QByteArrayLiteral("COMMITKEY"),
                               kCommitKeyLength);
    if (!commit)
        return std::unexpected(commit.error());
    return DerivedKeys{*enc, commit->toByteArray()};
}

QByteArray bodyAad(const QByteArray &messageId, BodyBlock block, quint32 seq, quint64 length)
{
    QByteArray aad;
    aad.reserve(messageId.size() + 36 + 12);
    aad.append(messageId);
    switch (block) {
    case BodyBlock::Frame:
        aad.append("AWSKMSEncryptionClient Frame");
        break;
    case BodyBlock::FinalFrame:
        aad.append("AWSKMSEncryptionClient Final Frame");
        break;
    case BodyBlock::SingleBlock:
        aad.append("AWSKMSEncryptionClient Single Block");
        break;
    }
    wire::appendU32(aad, seq);
    wire::appendU64(aad, length);
    return aad;
}

} // namespace qkms::envelope
