#include "core/MemoryLock.h"

#include <sys/resource.h>

namespace qkms {

namespace {
// QCA's secure allocator locks a pool of a few pages at start-up and grows it in 64 KiB steps;
// below 256 KiB a busy console (many keys unwrapped at once) would spill into unlocked memory.
constexpr qint64 kMinimumLockable = 256 * 1024;
} // namespace

QString memoryLockWarningForLimit(qint64 limitBytes)
{
    if (limitBytes < 0 || limitBytes >= kMinimumLockable)
        return {};
    return QStringLiteral("Locked memory is limited to %1 KiB (RLIMIT_MEMLOCK): key material may be swapped to "
                          "disk or kept in a temporary file. Raise the limit (ulimit -l, or LimitMEMLOCK in systemd) "
                          "to at least %2 KiB.")
        .arg(limitBytes / 1024)
        .arg(kMinimumLockable / 1024);
}

QString memoryLockWarning()
{
    rlimit limit{};
    if (getrlimit(RLIMIT_MEMLOCK, &limit) != 0)
        return QStringLiteral("Could not read RLIMIT_MEMLOCK: key material may not be locked in memory.");
    if (limit.rlim_cur == RLIM_INFINITY)
        return {};
    return memoryLockWarningForLimit(static_cast<qint64>(limit.rlim_cur));
}

} // namespace qkms
