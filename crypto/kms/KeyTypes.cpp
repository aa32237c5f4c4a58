#include "kms/KeyTypes.h"

#include <array>
#include <utility>

namespace qkms::kms {

namespace {

template <typename E, std::size_t N>
QString nameOf(const std::array<std::pair<E, const char *>, N> &table, E v)
{
    for (const auto &[value, name] : table)
        if (value == v)
            return QString::fromLatin1(name);
    return {};
}

template <typename E, std::size_t N>
std::optional<E> valueOf(const std::array<std::pair<E, const char *>, N> &table, const QString &s)
{
    for (const auto &[value, name] : table)
        if (s == QLatin1String(name))
            return value;
    return std::nullopt;
}

constexpr std::array<std::pair<KeySpec, const char *>, 12> kSpecs{{
    {KeySpec::SymmetricDefault, "SYMMETRIC_DEFAULT"},
    {KeySpec::Rsa2048, "RSA_2048"},
    {KeySpec::Rsa3072, "RSA_3072"},
    {KeySpec::Rsa4096, "RSA_4096"},
    {KeySpec::EccNistP256, "ECC_NIST_P256"},
    {KeySpec::EccNistP384, "ECC_NIST_P384"},
    {KeySpec::EccNistP521, "ECC_NIST_P521"},
    {KeySpec::EccSecgP256k1, "ECC_SECG_P256K1"},
    {KeySpec::Hmac224, "HMAC_224"},
    {KeySpec::Hmac256, "HMAC_256"},
    {KeySpec::Hmac384, "HMAC_384"},
    {KeySpec::Hmac512, "HMAC_512"},
}};
constexpr std::array<std::pair<KeyUsage, const char *>, 3> kUsages{{
    {KeyUsage::EncryptDecrypt, "ENCRYPT_DECRYPT"},
    {KeyUsage::SignVerify, "SIGN_VERIFY"},
    {KeyUsage::GenerateVerifyMac, "GENERATE_VERIFY_MAC"},
}};
constexpr std::array<std::pair<KeyState, const char *>, 4> kStates{{
    {KeyState::Enabled, "Enabled"},
    {KeyState::Disabled, "Disabled"},
    {KeyState::PendingDeletion, "PendingDeletion"},
    {KeyState::PendingImport, "PendingImport"},
}};
constexpr std::array<std::pair<Origin, const char *>, 2> kOrigins{{
    {Origin::AwsKms, "AWS_KMS"},
    {Origin::External, "EXTERNAL"},
}};
constexpr std::array<std::pair<KeyManager, const char *>, 2> kManagers{{
    {KeyManager::Aws, "AWS"},
    {KeyManager::Customer, "CUSTOMER"},
}};

bool isRsa(KeySpec s)
{
    return s == KeySpec::Rsa2048 || s == KeySpec::Rsa3072 || s == KeySpec::Rsa4096;
}

} // namespace

QString toString(KeySpec v) { return nameOf(kSpecs, v); }
QString toString(KeyUsage v) { return nameOf(kUsages, v); }
QString toString(KeyState v) { return nameOf(kStates, v); }
QString toString(Origin v) { return nameOf(kOrigins, v); }
QString toString(KeyManager v) { return nameOf(kManagers, v); }
std::optional<KeySpec> keySpecFromString(const QString &s) { return valueOf(kSpecs, s); }
std::optional<KeyUsage> keyUsageFromString(const QString &s) { return valueOf(kUsages, s); }
std::optional<KeyState> keyStateFromString(const QString &s) { return valueOf(kStates, s); }
std::optional<Origin> originFromString(const QString &s) { return valueOf(kOrigins, s); }
std::optional<KeyManager> keyManagerFromString(const QString &s) { return valueOf(kManagers, s); }

const QStringList &allKeySpecNames()
{
    static const QStringList names = [] {
        QStringList out;
        for (const auto &[v, n] : kSpecs)
            out.append(QString::fromLatin1(n));
        return out;
    }();
    return names;
}

KeyClass keyClass(KeySpec spec)
{
    switch (spec) {
    case KeySpec::SymmetricDefault:
        return KeyClass::Symmetric;
    case KeySpec::Hmac224:
    case KeySpec::Hmac256:
    case KeySpec::Hmac384:
    case KeySpec::Hmac512:
        return KeyClass::Hmac;
    default:
        return KeyClass::Asymmetric;
    }
}

QList<KeyUsage> allowedUsages(KeySpec spec)
{
    if (spec == KeySpec::SymmetricDefault)
        return {KeyUsage::EncryptDecrypt};
    if (isRsa(spec))
        return {KeyUsage::EncryptDecrypt, KeyUsage::SignVerify};
    if (keyClass(spec) == KeyClass::Hmac)
        return {KeyUsage::GenerateVerifyMac};
    return {KeyUsage::SignVerify};
}

std::optional<KeyUsage> defaultUsage(KeySpec spec)
{
    // AWS defaults KeyUsage to ENCRYPT_DECRYPT; for EC and HMAC specs that default is invalid and
    // CreateKey fails, so callers must name the usage.
    if (allowedUsages(spec).contains(KeyUsage::EncryptDecrypt))
        return KeyUsage::EncryptDecrypt;
    return std::nullopt;
}

QStringList encryptionAlgorithms(KeySpec spec, KeyUsage usage)
{
    if (usage != KeyUsage::EncryptDecrypt)
        return {};
    if (spec == KeySpec::SymmetricDefault)
        return {QStringLiteral("SYMMETRIC_DEFAULT")};
    return {QStringLiteral("RSAES_OAEP_SHA_1"), QStringLiteral("RSAES_OAEP_SHA_256")};
}

QStringList signingAlgorithms(KeySpec spec, KeyUsage usage)
{
    if (usage != KeyUsage::SignVerify)
        return {};
    switch (spec) {
    case KeySpec::Rsa2048:
    case KeySpec::Rsa3072:
    case KeySpec::Rsa4096:
        return {QStringLiteral("RSASSA_PSS_SHA_256"), QStringLiteral("RSASSA_PSS_SHA_384"),
                QStringLiteral("RSASSA_PSS_SHA_512"), QStringLiteral("RSASSA_PKCS1_V1_5_SHA_256"),
                QStringLiteral("RSASSA_PKCS1_V1_5_SHA_384"), QStringLiteral("RSASSA_PKCS1_V1_5_SHA_512")};
    case KeySpec::EccNistP256:
    case KeySpec::EccSecgP256k1:
        return {QStringLiteral("ECDSA_SHA_256")};
    case KeySpec::EccNistP384:
        return {QStringLiteral("ECDSA_SHA_384")};
    case KeySpec::EccNistP521:
        return {QStringLiteral("ECDSA_SHA_512")};
    default:
        return {};
    }
}

QStringList macAlgorithms(KeySpec spec, KeyUsage usage)
{
    if (usage != KeyUsage::GenerateVerifyMac)
        return {};
    switch (spec) {
    case KeySpec::Hmac224:
        return {QStringLiteral("HMAC_SHA_224")};
    case KeySpec::Hmac256:
        return {QStringLiteral("HMAC_SHA_256")};
    case KeySpec::Hmac384:
        return {QStringLiteral("HMAC_SHA_384")};
    case KeySpec::Hmac512:
        return {QStringLiteral("HMAC_SHA_512")};
    default:
        return {};
    }
}

int secretKeyLength(KeySpec spec)
{
    switch (spec) {
    case KeySpec::SymmetricDefault:
        return 32;
    case KeySpec::Hmac224:
        return 28;
    case KeySpec::Hmac256:
        return 32;
    case KeySpec::Hmac384:
        return 48;
    case KeySpec::Hmac512:
        return 64;
    default:
        return 0;
    }
}

} // namespace qkms::kms
