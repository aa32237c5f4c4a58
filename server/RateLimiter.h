#pragma once

// Quota emulation for the endpoint (`--requests-per-second N`): more than N requests in one
// second get ThrottlingException, as AWS answers beyond its per-region quota. Shared by every
// serving thread, so the quota is the endpoint's, not each thread's.

#include <QElapsedTimer>
#include <QMutex>

#include <algorithm>
#include <atomic>

namespace qkms::server {

class RateLimiter
{
public:
    /// `perSecond` 0 never throttles. Takes effect at once and starts a new window.
    void setRate(int perSecond)
    {
        const QMutexLocker lock(&m_mutex);
        m_perSecond.store(std::max(0, perSecond), std::memory_order_relaxed);
        m_inWindow = 0;
        m_window.invalidate();
    }

    /// Counts one request; true when it is over the quota of the current one-second window.
    [[nodiscard]] bool throttled()
    {
        if (m_perSecond.load(std::memory_order_relaxed) <= 0)
            return false; // the common case takes no lock
        const QMutexLocker lock(&m_mutex);
        if (!m_window.isValid() || m_window.elapsed() >= 1000) {
            m_window.start();
            m_inWindow = 0;
        }
        return ++m_inWindow > m_perSecond.load(std::memory_order_relaxed);
    }

private:
    QMutex m_mutex;
    std::atomic<int> m_perSecond{0};
    QElapsedTimer m_window; ///< start of the current window; guarded by m_mutex
    int m_inWindow = 0;     ///< guarded by m_mutex
};

} // namespace qkms::server
