// Key pairs through OpenSSL 3 EVP: generation, PKCS#8 / SubjectPublicKeyInfo / SEC1 encodings and
// what a loaded key is. Signing and OAEP live in AsymmetricOps.cpp, key wrap in KeyWrap.cpp.

#include "primitives/AsymmetricKeyImpl.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/decoder.h>
#include <openssl/ec.h>
#include <openssl/encoder.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <cstring>

namespace qkms::crypto {

// ---- helpers shared by the AsymmetricKey files ----------------------------------------------

namespace asym {

KmsError opensslFailure(const QString &step)
{
    const unsigned long code = ERR_peek_last_error();
    QString reason = QStringLiteral("no OpenSSL reason given");
    if (code != 0) {
        char buf[256] = {};
        ERR_error_string_n(code, buf, sizeof buf);
        reason = QString::fromLatin1(buf);
    }
    ERR_clear_error();
    return KmsError{errors::Crypto, step + QStringLiteral(": ") + reason};
}

void clearOpensslErrors()
{
    ERR_clear_error();
}

} // namespace asym

using namespace asym;

namespace {

struct BioFree {
    void operator()(BIO *p) const { BIO_free(p); }
};
struct BnFree {
    void operator()(BIGNUM *p) const { BN_free(p); }
};
struct EncoderCtxFree {
    void operator()(OSSL_ENCODER_CTX *p) const { OSSL_ENCODER_CTX_free(p); }
};
struct DecoderCtxFree {
    void operator()(OSSL_DECODER_CTX *p) const { OSSL_DECODER_CTX_free(p); }
};
using BnPtr = std::unique_ptr<BIGNUM, BnFree>;

bool isRsaKind(KeyKind kind)
{
    return kind == KeyKind::Rsa2048 || kind == KeyKind::Rsa3072 || kind == KeyKind::Rsa4096;
}

int rsaBits(KeyKind kind)
{
    switch (kind) {
    case KeyKind::Rsa3072:
        return 3072;
    case KeyKind::Rsa4096:
        return 4096;
    default:
        return 2048;
    }
}

/// OpenSSL's canonical group name for an EC kind (what EVP_PKEY_get_group_name reports).
const char *curveName(KeyKind kind)
{
    switch (kind) {
    case KeyKind::EcP384:
        return SN_secp384r1;
    case KeyKind::EcP521:
        return SN_secp521r1;
    case KeyKind::EcSecp256k1:
        return SN_secp256k1;
    default:
        return SN_X9_62_prime256v1;
    }
}

/// Which of our kinds an OpenSSL key is; keys of any other type, size or curve are refused so
/// that kind() is always meaningful.
Result<KeyKind> kindOf(const EVP_PKEY *pkey)
{
    if (EVP_PKEY_is_a(pkey, "RSA")) {
        switch (EVP_PKEY_get_bits(pkey)) {
        case 2048:
            return KeyKind::Rsa2048;
        case 3072:
            return KeyKind::Rsa3072;
        case 4096:
            return KeyKind::Rsa4096;
        default:
            return fail(errors::Crypto,
                        QStringLiteral("Unsupported RSA key size: %1 bits (2048, 3072 or 4096 expected)")
                            .arg(EVP_PKEY_get_bits(pkey)));
        }
    }
    if (EVP_PKEY_is_a(pkey, "EC")) {
        char name[80] = {};
        size_t len = 0;
        if (EVP_PKEY_get_group_name(pkey, name, sizeof name, &len) != 1) {
            clearOpensslErrors();
            return fail(errors::Crypto, QStringLiteral("EC key without a named curve is not supported"));
        }
        int nid = OBJ_sn2nid(name);
        if (nid == NID_undef)
            nid = EC_curve_nist2nid(name); // "P-256" style aliases
        switch (nid) {
        case NID_X9_62_prime256v1:
            return KeyKind::EcP256;
        case NID_secp384r1:
            return KeyKind::EcP384;
        case NID_secp521r1:
            return KeyKind::EcP521;
        case NID_secp256k1:
            return KeyKind::EcSecp256k1;
        default:
            return fail(errors::Crypto,
                        QStringLiteral("Unsupported elliptic curve: %1").arg(QString::fromLatin1(name)));
        }
    }
    const char *type = EVP_PKEY_get0_type_name(pkey);
    return fail(errors::Crypto, QStringLiteral("Unsupported key type: %1")
                                    .arg(type ? QString::fromLatin1(type) : QStringLiteral("unknown")));
}

/// PrivateKeyInfo ::= SEQUENCE { version INTEGER (0 | 1), privateKeyAlgorithm AlgorithmIdentifier,
/// ... }. OpenSSL's decoder, even when asked for "PrivateKeyInfo", also takes SEC1 ECPrivateKey
/// (version 1, then an OCTET STRING) and PKCS#1 (version 0, then an INTEGER); AWS imports take
/// PKCS#8 only, so the AlgorithmIdentifier SEQUENCE after the version is required here.
bool hasPkcs8Shape(const unsigned char *p, size_t n)
{
    if (n < 2 || p[0] != 0x30)
        return false;
    const size_t at = 2 + ((p[1] & 0x80) ? (p[1] & 0x7f) : 0); // skip a long-form length
    return n >= at + 4 && p[at] == 0x02 && p[at + 1] == 0x01 && p[at + 2] <= 0x01 && p[at + 3] == 0x30;
}

} // namespace

// ---- lifecycle ------------------------------------------------------------------------------

AsymmetricKey::AsymmetricKey(std::unique_ptr<Impl> impl)
    : d(std::move(impl))
{
}

AsymmetricKey::~AsymmetricKey() = default;
AsymmetricKey::AsymmetricKey(AsymmetricKey &&) noexcept = default;
AsymmetricKey &AsymmetricKey::operator=(AsymmetricKey &&) noexcept = default;

namespace {

/// kindOf() plus, for EC keys, a check that the public point lies on the curve (a point off the
/// curve makes ECDSA verification meaningless and leaks the private scalar in ECDH).
Result<KeyKind> checkedKind(EVP_PKEY *pkey)
{
    auto kind = kindOf(pkey);
    if (kind && !isRsaKind(*kind)) {
        PkeyCtxPtr check(EVP_PKEY_CTX_new_from_pkey(nullptr, pkey, nullptr));
        if (!check || EVP_PKEY_public_check_quick(check.get()) != 1)
            return std::unexpected(opensslFailure(QStringLiteral("EC public key check failed")));
    }
    return kind;
}

} // namespace

Result<AsymmetricKey> AsymmetricKey::generate(KeyKind kind)
{
    const bool rsa = isRsaKind(kind);
    PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, rsa ? "RSA" : "EC", nullptr));
    if (!ctx || EVP_PKEY_keygen_init(ctx.get()) != 1)
        return std::unexpected(opensslFailure(QStringLiteral("Key generation setup failed")));
    const int set = rsa ? EVP_PKEY_CTX_set_rsa_keygen_bits(ctx.get(), rsaBits(kind))
                        : EVP_PKEY_CTX_set_group_name(ctx.get(), curveName(kind));
    if (set != 1)
        return std::unexpected(opensslFailure(QStringLiteral("Key generation parameters rejected")));
    EVP_PKEY *raw = nullptr;
    if (EVP_PKEY_generate(ctx.get(), &raw) != 1)
        return std::unexpected(opensslFailure(QStringLiteral("Key generation failed")));
    PkeyPtr pkey(raw);
    auto made = checkedKind(pkey.get());
    if (!made)
        return std::unexpected(made.error());
    return AsymmetricKey(std::make_unique<Impl>(std::move(pkey), *made, true));
}

Result<AsymmetricKey> AsymmetricKey::fromPrivateDer(const QCA::SecureArray &pkcs8Der)
{
    if (!hasPkcs8Shape(uchars(pkcs8Der.constData()), static_cast<size_t>(pkcs8Der.size())))
        return fail(errors::Crypto, QStringLiteral("Not a PKCS#8 private key (PrivateKeyInfo)"));
    // The decoder reads straight from the SecureArray (a read-only memory BIO, no copy of ours).
    EVP_PKEY *raw = nullptr;
    std::unique_ptr<OSSL_DECODER_CTX, DecoderCtxFree> dctx(OSSL_DECODER_CTX_new_for_pkey(
        &raw, "DER", "PrivateKeyInfo", nullptr, EVP_PKEY_KEYPAIR, nullptr, nullptr));
    if (!dctx)
        return std::unexpected(opensslFailure(QStringLiteral("Private key decoder setup failed")));
    const unsigned char *data = uchars(pkcs8Der.constData());
    size_t remaining = static_cast<size_t>(pkcs8Der.size());
    const bool decoded = OSSL_DECODER_from_data(dctx.get(), &data, &remaining) == 1;
    PkeyPtr pkey(raw);
    if (!decoded || !pkey)
        return std::unexpected(opensslFailure(QStringLiteral("Not a PKCS#8 private key")));
    if (remaining != 0)
        return fail(errors::Crypto, QStringLiteral("Not a PKCS#8 private key: %1 trailing bytes").arg(remaining));
    auto kind = checkedKind(pkey.get());
    if (!kind)
        return std::unexpected(kind.error());
    return AsymmetricKey(std::make_unique<Impl>(std::move(pkey), *kind, true));
}

Result<AsymmetricKey> AsymmetricKey::fromPublicDer(const QByteArray &spkiDer)
{
    const unsigned char *p = uchars(spkiDer.constData());
    PkeyPtr pkey(d2i_PUBKEY(nullptr, &p, static_cast<long>(spkiDer.size())));
    if (!pkey)
        return std::unexpected(opensslFailure(QStringLiteral("Not a SubjectPublicKeyInfo public key")));
    if (p != uchars(spkiDer.constData()) + spkiDer.size())
        return fail(errors::Crypto, QStringLiteral("Not a SubjectPublicKeyInfo public key: trailing bytes"));
    auto kind = checkedKind(pkey.get());
    if (!kind)
        return std::unexpected(kind.error());
    return AsymmetricKey(std::make_unique<Impl>(std::move(pkey), *kind, false));
}

Result<AsymmetricKey> AsymmetricKey::fromEcPoint(KeyKind curve, const QByteArray &point)
{
    if (isRsaKind(curve))
        return fail(errors::Validation, QStringLiteral("fromEcPoint needs an elliptic-curve key kind"));
    if (point.isEmpty())
        return fail(errors::Crypto, QStringLiteral("EC point is empty"));
    // Keep the uncompressed form for publicKeyDer() even when the point came in compressed, as
    // AWS GetPublicKey does.
    char uncompressed[] = "uncompressed";
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, const_cast<char *>(curveName(curve)), 0),
        OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, const_cast<char *>(point.constData()),
                                          static_cast<size_t>(point.size())),
        OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_EC_POINT_CONVERSION_FORMAT, uncompressed, 0),
        OSSL_PARAM_construct_end(),
    };
    PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
    EVP_PKEY *raw = nullptr;
    if (!ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1
        || EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params) != 1)
        return std::unexpected(opensslFailure(QStringLiteral("Not a point on the curve")));
    PkeyPtr pkey(raw);
    auto kind = checkedKind(pkey.get());
    if (!kind)
        return std::unexpected(kind.error());
    return AsymmetricKey(std::make_unique<Impl>(std::move(pkey), *kind, false));
}

// ---- properties -----------------------------------------------------------------------------

KeyKind AsymmetricKey::kind() const
{
    return d->kind;
}

bool AsymmetricKey::hasPrivate() const
{
    return d->hasPrivate;
}

bool AsymmetricKey::isRsa() const
{
    return isRsaKind(d->kind);
}

int AsymmetricKey::bits() const
{
    return EVP_PKEY_get_bits(d->pkey.get());
}

// ---- encodings ------------------------------------------------------------------------------

Result<QCA::SecureArray> AsymmetricKey::privateKeyDer() const
{
    if (!d->hasPrivate)
        return fail(errors::Crypto, QStringLiteral("This is a public key; it has no private part to export"));
    std::unique_ptr<OSSL_ENCODER_CTX, EncoderCtxFree> ectx(
        OSSL_ENCODER_CTX_new_for_pkey(d->pkey.get(), EVP_PKEY_KEYPAIR, "DER", "PrivateKeyInfo", nullptr));
    if (!ectx || OSSL_ENCODER_CTX_get_num_encoders(ectx.get()) == 0)
        return std::unexpected(opensslFailure(QStringLiteral("No PKCS#8 encoder for this key")));
    // Encode into a secure-heap memory BIO (wiped when freed) and copy straight into the
    // SecureArray: the DER never sits in an ordinary heap buffer of ours.
    std::unique_ptr<BIO, BioFree> bio(BIO_new(BIO_s_secmem()));
    if (!bio || OSSL_ENCODER_to_bio(ectx.get(), bio.get()) != 1)
        return std::unexpected(opensslFailure(QStringLiteral("PKCS#8 encoding failed")));
    char *data = nullptr;
    const long len = BIO_ctrl(bio.get(), BIO_CTRL_INFO, 0, static_cast<void *>(&data));
    if (len <= 0 || !data)
        return fail(errors::Crypto, QStringLiteral("PKCS#8 encoding produced nothing"));
    QCA::SecureArray der(static_cast<int>(len));
    std::memcpy(der.data(), data, static_cast<size_t>(len));
    return der;
}

Result<QByteArray> AsymmetricKey::publicKeyDer() const
{
    const int len = i2d_PUBKEY(d->pkey.get(), nullptr);
    if (len <= 0)
        return std::unexpected(opensslFailure(QStringLiteral("SubjectPublicKeyInfo encoding failed")));
    QByteArray der(len, Qt::Uninitialized);
    unsigned char *p = uchars(der.data());
    if (i2d_PUBKEY(d->pkey.get(), &p) != len)
        return std::unexpected(opensslFailure(QStringLiteral("SubjectPublicKeyInfo encoding failed")));
    return der;
}

Result<QByteArray> AsymmetricKey::ecPoint(bool compressed) const
{
    if (isRsa())
        return fail(errors::InvalidKeyUsage, QStringLiteral("An RSA key has no elliptic-curve point"));
    // Built from the affine coordinates rather than OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, whose form
    // follows the key's own conversion setting; changing that setting would mutate a const key.
    BIGNUM *x = nullptr;
    BIGNUM *y = nullptr;
    const bool gotX = EVP_PKEY_get_bn_param(d->pkey.get(), OSSL_PKEY_PARAM_EC_PUB_X, &x) == 1;
    const bool gotY = EVP_PKEY_get_bn_param(d->pkey.get(), OSSL_PKEY_PARAM_EC_PUB_Y, &y) == 1;
    BnPtr bx(x);
    BnPtr by(y);
    if (!gotX || !gotY)
        return std::unexpected(opensslFailure(QStringLiteral("Reading the EC public point failed")));
    const int fieldBytes = (bits() + 7) / 8;
    QByteArray out(compressed ? 1 + fieldBytes : 1 + 2 * fieldBytes, '\0');
    unsigned char *p = uchars(out.data());
    // SEC1 2.3.3: 0x02/0x03 by the parity of y, then x; or 0x04, x, y.
    p[0] = compressed ? static_cast<unsigned char>(BN_is_odd(by.get()) ? 0x03 : 0x02) : 0x04;
    if (BN_bn2binpad(bx.get(), p + 1, fieldBytes) != fieldBytes
        || (!compressed && BN_bn2binpad(by.get(), p + 1 + fieldBytes, fieldBytes) != fieldBytes))
        return std::unexpected(opensslFailure(QStringLiteral("Encoding the EC public point failed")));
    return out;
}

} // namespace qkms::crypto
