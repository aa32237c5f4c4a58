#pragma once

// The header of an AWS Encryption SDK message, format version 2 only (version 1 is recognised
// and refused with a clear error).

#include "core/KmsError.h"
#include "envelope/DataKeyProvider.h"
#include "envelope/EncryptionContext.h"
#include "envelope/MessageFormat.h"

#include <QByteArray>
#include <QIODevice>
#include <QList>

namespace qkms::envelope {

class MessageInput;

/// The header fields, decoded.
struct MessageHeader {
    AlgorithmSuite suite = AlgorithmSuite::AesGcmHkdfSha512Commit;
    QByteArray messageId;                      ///< 32 bytes
    EncryptionContext context;                 ///< as stored, including "aws-crypto-public-key"
    QList<EncryptedDataKey> encryptedDataKeys; ///< at least one
    ContentType contentType = ContentType::Framed;
    quint32 frameLength = 0; ///< 0 for non-framed
    QByteArray commitKey;    ///< 32 bytes (suite data)
};

/// A header as read from a message: the fields, the exact bytes they came from (the AAD of the
/// header tag), and the tag.
struct ParsedHeader {
    MessageHeader header;
    QByteArray headerBody; ///< serialized header body exactly as stored
    QByteArray headerTag;  ///< 16 bytes, not yet checked
};

/// Bounds for reading untrusted headers; the format itself allows headers of several GB.
struct HeaderLimits {
    qint64 maxHeaderBytes = 4 * 1024 * 1024; ///< header body; KMS-wrapped EDKs are well under 1 KB each
    int maxEncryptedDataKeys = 0;            ///< 0 = no limit beyond maxHeaderBytes
};

/// Serializes the header body (everything before the header tag). errors::Validation for a
/// field out of range: message id or commit key not 32 bytes, no or more than 65535 EDKs, an
/// EDK field over 65535 bytes, a context that does not serialize, frame length 0 when framed.
[[nodiscard]] Result<QByteArray> serializeHeaderBody(const MessageHeader &header);

/// Reads the header body and tag from `in`, leaving it at the first body byte.
/// errors::InvalidCiphertext naming the problem: "truncated header", "message format version 1 is
/// not supported", "unknown message format version 0x03", "unknown algorithm suite 0x0314",
/// "encryption context has duplicate key", "message has no encrypted data keys", "unknown content
/// type 0x03", "frame length 0 in framed message", "non-framed message has frame length 4096",
/// "header exceeds 4194304 bytes", … errors::Storage for a device read error.
[[nodiscard]] Result<ParsedHeader> readHeader(QIODevice &in, const HeaderLimits &limits = {});

/// readHeader on a MessageInput, so the caller keeps counting (and hashing) what follows.
[[nodiscard]] Result<ParsedHeader> readHeader(MessageInput &in, const HeaderLimits &limits);

/// readHeader over bytes in memory (anything after the tag is ignored).
[[nodiscard]] Result<ParsedHeader> parseHeader(const QByteArray &bytes, const HeaderLimits &limits = {});

/// The header of the message on `in` without decrypting anything (nothing is authenticated:
/// for display only). Errors as readHeader.
[[nodiscard]] Result<MessageHeader> inspect(QIODevice &in, const HeaderLimits &limits = {});

/// True when `prefix` (the first bytes of a file, at least 3) starts like an SDK message of
/// either format version: for classifying dropped files by content rather than by name.
[[nodiscard]] bool looksLikeMessage(const QByteArray &prefix);

} // namespace qkms::envelope
