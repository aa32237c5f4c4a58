#pragma once

// Runs the AES-GCM work of a batch of frames on several threads. Internal to crypto/envelope.
//
// Frames are independent once the derived key is known (each has its own IV and AAD), so a batch
// is cut into contiguous parts, one per thread, each with its own GcmStream (an OpenSSL context
// is not thread-safe). The caller keeps doing the I/O while a batch runs: start(), then read and
// write, then wait(). Everything that must stay in order (writing, the 0x0578 hash) stays on the
// caller's thread.

#include "core/KmsError.h"
#include "primitives/Primitives.h"

#include <QSemaphore>
#include <QThreadPool>

#include <algorithm>
#include <functional>
#include <memory>
#include <vector>

namespace qkms::envelope {

/// Frames per batch and bytes per frame slot for a frame length and thread count: about 1 MiB
/// of frames for one thread, 4 MiB to 8 MiB (1 MiB per thread) for more, never fewer than one
/// frame. This and the double buffering of the caller bound a job's memory whatever the file
/// size.
[[nodiscard]] qsizetype batchFrames(qint64 frameLength, int threads);

/// Batches are written in slices of about this many bytes, each followed by a progress report
/// and a cancellation check, so both stay as fine-grained as with one frame per write.
inline constexpr qint64 kWriteSlice = 256 * 1024;

/// Frames per write slice at `frameLength`: at least one.
[[nodiscard]] inline qsizetype sliceFrames(qint64 frameLength)
{
    return qsizetype(std::max<qint64>(1, kWriteSlice / std::max<qint64>(1, frameLength)));
}

/// Frame lengths up to this are double-buffered (batch k+1 is read while batch k is processed);
/// larger frames use one batch of one frame, so memory stays near what one frame needs.
inline constexpr qint64 kDoubleBufferMaxFrame = 8 * 1024 * 1024;

/// Resolves a thread count option: 0 or less means QThread::idealThreadCount().
[[nodiscard]] int resolveThreads(int requested);

class FrameWorkers
{
public:
    /// Processes frames [first, last) of the current batch with `gcm`; returns the first failure.
    using Job = std::function<Status(crypto::GcmStream &gcm, qsizetype first, qsizetype last)>;

    /// `threads` GcmStreams under `key`; with one thread everything runs on the caller's thread.
    FrameWorkers(int threads, crypto::GcmStream::Direction dir, const QCA::SecureArray &key);
    ~FrameWorkers();
    FrameWorkers(const FrameWorkers &) = delete;
    FrameWorkers &operator=(const FrameWorkers &) = delete;

    /// False when a context could not be set up (no AES-256-GCM from OpenSSL).
    [[nodiscard]] bool isValid() const;

    /// Starts `job` over `count` frames (`bytes` of data in all) cut into up to one part per thread
    /// of at least 128 KiB each (a small file stays on one thread). With one part it runs at once
    /// on this thread. Must be followed by wait() before the next start().
    void start(qsizetype count, qint64 bytes, Job job);
    /// Waits for the batch; the failure of the lowest failing part (hence of the lowest failing
    /// frame, as each part stops at its first failure), else success.
    [[nodiscard]] Status wait();

private:
    std::vector<std::unique_ptr<crypto::GcmStream>> m_gcm;
    std::vector<Status> m_results;
    Job m_job;
    qsizetype m_parts = 0;
    QSemaphore m_done;
    QThreadPool m_pool; // last: destroyed (and joined) first, while the rest still exists
};

} // namespace qkms::envelope
