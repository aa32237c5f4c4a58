#pragma once

// The encryption context of an AWS Encryption SDK message: UTF-8 key/value pairs, authenticated
// (as AAD) but not encrypted. Serialized sorted by the keys' UTF-8 bytes — not by QString's
// UTF-16 order, which differs for characters above U+FFFF versus U+E000..U+FFFF.

#include "core/KmsError.h"

#include <QByteArray>
#include <QMap>
#include <QString>

namespace qkms::envelope {

/// Key → value; both UTF-8 when serialized. Keys starting with kReservedContextPrefix belong to
/// the message layer (e.g. the signing suite's public key).
using EncryptionContext = QMap<QString, QString>;

/// Prefix of the context keys the SDK reserves for itself.
inline constexpr QLatin1StringView kReservedContextPrefix{"aws-crypto-"};
/// Context key carrying the base64 compressed P-384 public key of a signed (0x0578) message.
inline constexpr QLatin1StringView kPublicKeyContextKey{"aws-crypto-public-key"};

/// Serializes `ctx` (SDK `structures.md`): empty context → zero bytes; otherwise
/// u16 count ‖ (u16 keyLen ‖ key ‖ u16 valueLen ‖ value)* sorted by UTF-8 key bytes.
/// errors::Validation when a string is not valid Unicode, a key or value exceeds 65535 bytes, there
/// are more than 65535 pairs, or the whole exceeds 65535 bytes (the header's u16 length field).
[[nodiscard]] Result<QByteArray> serializeEncryptionContext(const EncryptionContext &ctx);

/// Parses the bytes serializeEncryptionContext wrote (exactly `bytes`, nothing left over).
/// Accepts pairs in any order (the header tag authenticates the bytes as stored), as the SDKs do.
/// errors::InvalidCiphertext for a zero pair count, a truncated pair, trailing bytes, invalid
/// UTF-8 or a duplicate key.
[[nodiscard]] Result<EncryptionContext> parseEncryptionContext(const QByteArray &bytes);

/// Checks a context given by a caller for encryption: errors::Validation when a key starts with
/// "aws-crypto-" (reserved by the SDK, which refuses them too) or when it does not serialize.
[[nodiscard]] Status validateCallerContext(const EncryptionContext &ctx);

} // namespace qkms::envelope
