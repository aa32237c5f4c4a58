// GcmStream: one OpenSSL EVP_CIPHER_CTX per key, reused for every message (file frame).
//
// Why not QCA::Cipher: it cannot take AAD, and each QCA::Cipher::update() makes 4 mlock/munlock
// calls (measured), which dominates the cost of encrypting 4 KiB frames. Here the AES key
// schedule is set once in the constructor; start() only loads a new IV (EVP_CipherInit_ex2 with
// no cipher and no key keeps both), so a frame costs the GCM work and nothing else.

#include "primitives/Primitives.h"
#include "primitives/PrimitivesDetail.h"

#include <openssl/evp.h>

#include <algorithm>
#include <climits>

namespace qkms::crypto {

namespace {
constexpr int KeyBytes = 32;
constexpr int IvBytes = 12;
constexpr int TagBytes = 16;
// EVP_CipherUpdate takes an int length; larger buffers are fed in pieces of this size.
constexpr qsizetype MaxChunk = qsizetype(1) << 30;
} // namespace

struct GcmStream::Impl {
    enum class State { Idle, Started };

    EVP_CIPHER_CTX *ctx = nullptr;
    Direction dir = Direction::Encrypt;
    State state = State::Idle;

    ~Impl() { EVP_CIPHER_CTX_free(ctx); } // frees and cleanses the key schedule

    std::unexpected<KmsError> misuse(const QString &what)
    {
        state = State::Idle;
        return fail(errors::Crypto, what);
    }
};

GcmStream::GcmStream(Direction dir, const QCA::SecureArray &key)
    : d(std::make_unique<Impl>())
{
    d->dir = dir;
    if (key.size() != KeyBytes)
        return; // isValid() is false; start() says why
    d->ctx = EVP_CIPHER_CTX_new();
    if (d->ctx == nullptr)
        return;
    const int enc = dir == Direction::Encrypt ? 1 : 0;
    if (EVP_CipherInit_ex2(d->ctx, EVP_aes_256_gcm(), detail::bytes(key.constData()), nullptr, enc, nullptr) != 1) {
        (void)detail::takeOpensslError();
        EVP_CIPHER_CTX_free(d->ctx);
        d->ctx = nullptr;
    }
}

GcmStream::~GcmStream() = default;

bool GcmStream::isValid() const
{
    return d->ctx != nullptr;
}

Status GcmStream::start(const QByteArray &iv, const QByteArray &aad)
{
    if (!isValid())
        return d->misuse(QStringLiteral("GcmStream has no usable key (AES-256-GCM needs %1 bytes)").arg(KeyBytes));
    if (iv.size() != IvBytes)
        return d->misuse(QStringLiteral("GcmStream needs a %1-byte IV, not %2 bytes").arg(IvBytes).arg(iv.size()));
    if (aad.size() > INT_MAX)
        return d->misuse(QStringLiteral("GcmStream additional data is too large"));
    int len = 0;
    if (EVP_CipherInit_ex2(d->ctx, nullptr, nullptr, detail::bytes(iv.constData()), -1, nullptr) != 1
        || (!aad.isEmpty()
            && EVP_CipherUpdate(d->ctx, nullptr, &len, detail::bytes(aad.constData()), int(aad.size())) != 1))
        return d->misuse(QStringLiteral("AES-256-GCM start failed: %1").arg(detail::takeOpensslError()));
    d->state = Impl::State::Started;
    return {};
}

Status GcmStream::update(const char *in, char *out, qsizetype len)
{
    if (d->state != Impl::State::Started)
        return d->misuse(QStringLiteral("GcmStream::update() called before start()"));
    if (len < 0 || (len > 0 && (in == nullptr || out == nullptr)))
        return d->misuse(QStringLiteral("GcmStream::update() got an invalid buffer"));
    for (qsizetype done = 0; done < len;) {
        const int chunk = int(std::min(len - done, MaxChunk));
        int outLen = 0;
        if (EVP_CipherUpdate(d->ctx, detail::bytes(out + done), &outLen, detail::bytes(in + done), chunk) != 1
            || outLen != chunk)
            return d->misuse(QStringLiteral("AES-256-GCM update failed: %1").arg(detail::takeOpensslError()));
        done += chunk;
    }
    return {};
}

Result<QByteArray> GcmStream::finishEncrypt()
{
    if (d->state != Impl::State::Started || d->dir != Direction::Encrypt)
        return d->misuse(QStringLiteral("GcmStream::finishEncrypt() without an encryption in progress"));
    d->state = Impl::State::Idle;
    unsigned char finalBlock[16];
    int len = 0;
    QByteArray tag(TagBytes, Qt::Uninitialized);
    if (EVP_CipherFinal_ex(d->ctx, finalBlock, &len) != 1 || len != 0
        || EVP_CIPHER_CTX_ctrl(d->ctx, EVP_CTRL_AEAD_GET_TAG, TagBytes, tag.data()) != 1)
        return fail(errors::Crypto, QStringLiteral("AES-256-GCM finish failed: %1").arg(detail::takeOpensslError()));
    return tag;
}

Status GcmStream::finishDecrypt(const QByteArray &tag)
{
    if (d->state != Impl::State::Started || d->dir != Direction::Decrypt)
        return d->misuse(QStringLiteral("GcmStream::finishDecrypt() without a decryption in progress"));
    d->state = Impl::State::Idle;
    unsigned char finalBlock[16];
    int len = 0;
    if (tag.size() != TagBytes
        || EVP_CIPHER_CTX_ctrl(d->ctx, EVP_CTRL_AEAD_SET_TAG, TagBytes, const_cast<char *>(tag.constData())) != 1
        || EVP_CipherFinal_ex(d->ctx, finalBlock, &len) != 1) {
        (void)detail::takeOpensslError();
        // The caller already holds the unauthenticated plaintext in its own buffer and must
        // discard it on this error.
        return fail(errors::InvalidCiphertext,
                    QStringLiteral("The ciphertext failed AES-256-GCM authentication: the key, IV, additional "
                                   "authenticated data, ciphertext or tag does not match."));
    }
    return {};
}

} // namespace qkms::crypto
