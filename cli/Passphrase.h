#pragma once

#include "core/KmsError.h"

#include <QString>
#include <QtCrypto>

namespace qkms::cli {

/// Where the CLI takes a passphrase from, in order: the environment variable `envVar`
/// (QKMS_PASSPHRASE), the file `file` (first line, without its newline), or a no-echo prompt
/// on the terminal. With `confirm`, the prompt asks twice and refuses a mismatch.
/// errors::Validation when no source is available (no terminal) or the two entries differ.
[[nodiscard]] Result<QCA::SecureArray> readPassphrase(const char *envVar, const QString &file, const QString &prompt,
                                                      bool confirm);

} // namespace qkms::cli
