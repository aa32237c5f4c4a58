#pragma once

#include <QString>

namespace qkms {

/// QCA keeps SecureArray contents in mlock()ed memory, but when mlock fails (a low
/// RLIMIT_MEMLOCK) it silently falls back to ordinary, swappable memory — or, with a limit of 0,
/// to a file-backed mapping in /tmp — and haveSecureMemory() still says true. So we look ourselves.

/// The warning for a given soft RLIMIT_MEMLOCK in bytes (negative = unlimited), or an empty
/// string when the limit is enough for qkms's secrets.
[[nodiscard]] QString memoryLockWarningForLimit(qint64 limitBytes);

/// Reads this process's RLIMIT_MEMLOCK and returns memoryLockWarningForLimit() of it.
[[nodiscard]] QString memoryLockWarning();

} // namespace qkms
