// File helpers every writer in core/ uses: atomic writes (temporary file + fsync + rename), whole-file
// reads with messages that name the file, and checksums.
#pragma once
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace zm {

namespace fs = std::filesystem;

/// Reads a whole file; throws zm::Error naming the file when it is missing or unreadable.
std::string readFile(const fs::path& path);

/// Writes bytes to `path` atomically: a temporary file in the same folder, flushed and fsync'ed,
/// then renamed over the target. On any failure the old file is untouched and zm::Error says why
/// (e.g. "disk full", "read-only folder").
void writeFileAtomic(const fs::path& path, const std::string& bytes);

/// Same, but the content comes from a callback that writes to the temporary path (for libraries
/// that want a filename, e.g. libpng or torch::save). The callback must throw on failure.
void writeFileAtomicWith(const fs::path& path, const std::function<void(const fs::path& tmp)>& writer);

/// SHA-256 of bytes / of a file, as 64 lowercase hex digits.
std::string sha256Hex(const void* data, std::size_t size);
std::string sha256Hex(const std::string& bytes);
std::string sha256File(const fs::path& path);

/// Incremental SHA-256 for data that does not fit in memory at once.
class Sha256 {
public:
    Sha256();
    void update(const void* data, std::size_t size);
    std::string hexDigest(); ///< finishes; call once

private:
    void block(const std::uint8_t* p);
    std::uint32_t mState[8];
    std::uint8_t mBuf[64];
    std::size_t mBufLen = 0;
    std::uint64_t mTotal = 0;
};

/// Per-user cache folder for built assets: $ZEROMASK_CACHE, else $XDG_CACHE_HOME/zeromask,
/// else ~/.cache/zeromask. Created on demand.
fs::path cacheDir();

} // namespace zm
