#pragma once

// Lowers this process's soft file size limit (RLIMIT_FSIZE) for its lifetime, so that a write
// past it fails part-way with EFBIG, the same path a full disk takes (ENOSPC), without needing a
// real full file system. The hard limit stays, so the old limit can be restored.

#include <csignal>
#include <sys/resource.h>

class FileSizeLimit
{
public:
    explicit FileSizeLimit(rlim_t bytes)
    {
        // Past the limit the kernel also sends SIGXFSZ, whose default action ends the process: a
        // program that wants the error (as the console and the CLI do, by not dying) ignores it.
        std::signal(SIGXFSZ, SIG_IGN);
        m_ok = ::getrlimit(RLIMIT_FSIZE, &m_saved) == 0;
        rlimit lowered = m_saved;
        lowered.rlim_cur = bytes;
        m_ok = m_ok && ::setrlimit(RLIMIT_FSIZE, &lowered) == 0;
    }
    ~FileSizeLimit() { ::setrlimit(RLIMIT_FSIZE, &m_saved); }
    FileSizeLimit(const FileSizeLimit &) = delete;
    FileSizeLimit &operator=(const FileSizeLimit &) = delete;
    /// Whether the limit was lowered.
    [[nodiscard]] bool ok() const { return m_ok; }

private:
    rlimit m_saved{};
    bool m_ok = false;
};
