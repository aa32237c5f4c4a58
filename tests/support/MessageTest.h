#pragma once

// The fixture of the message-layer tests (tst_message_roundtrip, tst_message_tamper): a static
// data-key provider and in-memory encrypt / decrypt through MessageEncryptor and
// MessageDecryptor. A test class inherits it next to QObject:
//
//     class TestX : public QObject, protected test::MessageTest

#include "core/KmsError.h"
#include "envelope/DataKeyProvider.h"
#include "envelope/MessageDecryptor.h"
#include "envelope/MessageEncryptor.h"

#include <QByteArray>

namespace qkms::test {

/// The committing suite without and with a signature footer.
inline constexpr auto Plain = envelope::AlgorithmSuite::AesGcmHkdfSha512Commit;
inline constexpr auto Signed = envelope::AlgorithmSuite::AesGcmHkdfSha512CommitEcdsaP384;

/// `size` bytes of a fixed pattern that does not repeat every 256 bytes (so a misplaced frame
/// cannot read back as the right bytes).
[[nodiscard]] QByteArray pattern(qint64 size);

class MessageTest
{
protected:
    /// Encrypts `plaintext` into a message in memory. Fails as the encryptor does, or with
    /// Internal when the byte counts it reports do not match what it wrote.
    [[nodiscard]] Result<QByteArray> encrypt(const QByteArray &plaintext, const envelope::EncryptOptions &options);
    /// Decrypts `message` in memory into `plaintext` (cleared first: on failure it holds what
    /// the decryptor released before it stopped). Fails as the decryptor does.
    [[nodiscard]] Result<envelope::DecryptResult> decrypt(const QByteArray &message, QByteArray &plaintext,
                                                          const envelope::DecryptOptions &options = {});
    /// A small message with two regular frames and a partial final frame (frame length 16),
    /// context {purpose: test}; `headerLength` receives the length of header body and tag.
    [[nodiscard]] QByteArray smallMessage(envelope::AlgorithmSuite suite, qint64 *headerLength = nullptr);

    envelope::StaticDataKeyProvider m_provider{QCA::SecureArray(QByteArray(32, '\x42'))};
};

} // namespace qkms::test
