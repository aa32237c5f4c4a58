#include "envelope/FrameWorkers.h"

#include <QThread>

#include <algorithm>
#include <utility>

namespace qkms::envelope {

qsizetype batchFrames(qint64 frameLength, int threads)
{
    constexpr qint64 MiB = 1024 * 1024;
    // One thread: 1 MiB keeps a batch and its output in the L2 cache while the frames are
    // encrypted; 4 MiB batches (8 MiB plaintext and 8 MiB output in flight) spilled out of it
    // and cost a fifth of the memory-to-memory throughput, while a read(2) or write(2) call
    // per MiB is still nothing beside the work. More threads: each part must be large enough
    // that waking a thread costs little beside it.
    const qint64 bytes = threads <= 1 ? MiB : std::clamp<qint64>(qint64(threads) * MiB, 4 * MiB, 8 * MiB);
    return qsizetype(std::max<qint64>(1, bytes / (frameLength + 32)));
}

int resolveThreads(int requested)
{
    return requested > 0 ? requested : std::max(1, QThread::idealThreadCount());
}

FrameWorkers::FrameWorkers(int threads, crypto::GcmStream::Direction dir, const QCA::SecureArray &key)
{
    threads = std::max(1, threads);
    for (int i = 0; i < threads; ++i)
        m_gcm.push_back(std::make_unique<crypto::GcmStream>(dir, key));
    m_results.resize(size_t(threads));
    m_pool.setMaxThreadCount(threads);
}

FrameWorkers::~FrameWorkers()
{
    // A job still running (the caller returned early on a write error) must finish before the
    // buffers it points into go away: the owner declares its buffers before this object.
    m_pool.waitForDone();
}

bool FrameWorkers::isValid() const
{
    return std::ranges::all_of(m_gcm, [](const auto &g) { return g->isValid(); });
}

void FrameWorkers::start(qsizetype count, qint64 bytes, Job job)
{
    // Below this a part costs more to hand to a thread than to do here.
    constexpr qint64 kMinPart = 128 * 1024;
    m_job = std::move(job);
    m_parts = std::clamp<qsizetype>(std::min<qint64>(count, bytes / kMinPart), 1, qsizetype(m_gcm.size()));
    if (m_parts == 1) {
        m_results[0] = m_job(*m_gcm[0], 0, count);
        m_done.release();
        return;
    }
    // Parts differ by at most one frame.
    for (qsizetype p = 0; p < m_parts; ++p) {
        const qsizetype first = count * p / m_parts;
        const qsizetype last = count * (p + 1) / m_parts;
        m_pool.start([this, p, first, last] {
            m_results[size_t(p)] = m_job(*m_gcm[size_t(p)], first, last);
            m_done.release();
        });
    }
}

Status FrameWorkers::wait()
{
    m_done.acquire(int(m_parts));
    const qsizetype parts = std::exchange(m_parts, 0);
    for (qsizetype p = 0; p < parts; ++p)
        if (!m_results[size_t(p)])
            return m_results[size_t(p)];
    return {};
}

} // namespace qkms::envelope
