// Atomic writes, reads and SHA-256 (FIPS 180-4), written here to avoid an OpenSSL dependency.
#include "core/common/files.h"

#include "core/common/error.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <random>
#include <sstream>
#include <unistd.h>

namespace zm {

std::string readFile(const fs::path& path)
{
    std::error_code ec;
    if (!fs::exists(path, ec))
        throw fileError(path.string(), "file not found");
    if (fs::is_directory(path, ec))
        throw fileError(path.string(), "is a folder, expected a file");
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw fileError(path.string(), std::string("cannot open: ") + std::strerror(errno));
    std::ostringstream ss;
    ss << in.rdbuf();
    if (in.bad())
        throw fileError(path.string(), "read error");
    return ss.str();
}

namespace {

fs::path tempPathFor(const fs::path& path)
{
    static thread_local std::mt19937_64 rng{std::random_device{}()};
    char suffix[32];
    std::snprintf(suffix, sizeof suffix, ".tmp-%d-%08llx", int(getpid()), (unsigned long long)(rng() & 0xffffffffu));
    return path.parent_path() / (path.filename().string() + suffix);
}

void fsyncPath(const fs::path& p, bool directory)
{
    int fd = ::open(p.c_str(), directory ? O_RDONLY | O_DIRECTORY : O_RDONLY);
    if (fd >= 0) {
        ::fsync(fd);
        ::close(fd);
    }
}

} // namespace

void writeFileAtomicWith(const fs::path& path, const std::function<void(const fs::path& tmp)>& writer)
{
    fs::path dir = path.parent_path().empty() ? fs::path(".") : path.parent_path();
    std::error_code ec;
    if (!fs::exists(dir, ec)) {
        fs::create_directories(dir, ec);
        if (ec)
            throw fileError(dir.string(), "cannot create folder: " + ec.message());
    }
    const fs::path tmp = tempPathFor(path);
    try {
        writer(tmp);
    } catch (...) {
        fs::remove(tmp, ec);
        throw;
    }
    fsyncPath(tmp, false);
    if (std::rename(tmp.c_str(), path.c_str()) != 0) {
        const int err = errno;
        fs::remove(tmp, ec);
        throw fileError(path.string(), std::string("cannot replace file: ") + std::strerror(err));
    }
    fsyncPath(dir, true);
}

void writeFileAtomic(const fs::path& path, const std::string& bytes)
{
    writeFileAtomicWith(path, [&](const fs::path& tmp) {
        std::FILE* f = std::fopen(tmp.c_str(), "wb");
        if (!f)
            throw fileError(path.string(), std::string("cannot write: ") + std::strerror(errno));
        const std::size_t n = bytes.empty() ? 0 : std::fwrite(bytes.data(), 1, bytes.size(), f);
        const int werr = (n != bytes.size()) ? errno : 0;
        const bool flushFailed = std::fflush(f) != 0;
        const int ferr = flushFailed ? errno : 0;
        std::fclose(f);
        if (n != bytes.size() || flushFailed)
            throw fileError(path.string(),
                            std::string("write failed: ") + std::strerror(werr ? werr : ferr) +
                                ((werr ? werr : ferr) == ENOSPC ? " (disk full)" : ""));
    });
}

// ---- SHA-256 ----
namespace {
constexpr std::uint32_t kK[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};
inline std::uint32_t rotr(std::uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }
} // namespace

Sha256::Sha256()
    : mState{0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19}
{
}

void Sha256::block(const std::uint8_t* p)
{
    std::uint32_t w[64];
    for (int i = 0; i < 16; ++i)
        w[i] = (std::uint32_t(p[4 * i]) << 24) | (std::uint32_t(p[4 * i + 1]) << 16) |
               (std::uint32_t(p[4 * i + 2]) << 8) | std::uint32_t(p[4 * i + 3]);
    for (int i = 16; i < 64; ++i) {
        const std::uint32_t s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3);
        const std::uint32_t s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10);
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    std::uint32_t a = mState[0], b = mState[1], c = mState[2], d = mState[3], e = mState[4], f = mState[5],
                  g = mState[6], h = mState[7];
    for (int i = 0; i < 64; ++i) {
        const std::uint32_t S1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25);
        const std::uint32_t ch = (e & f) ^ (~e & g);
        const std::uint32_t t1 = h + S1 + ch + kK[i] + w[i];
        const std::uint32_t S0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22);
        const std::uint32_t mj = (a & b) ^ (a & c) ^ (b & c);
        const std::uint32_t t2 = S0 + mj;
        h = g; g = f; f = e; e = d + t1; d = c; c = b; b = a; a = t1 + t2;
    }
    mState[0] += a; mState[1] += b; mState[2] += c; mState[3] += d;
    mState[4] += e; mState[5] += f; mState[6] += g; mState[7] += h;
}

void Sha256::update(const void* data, std::size_t size)
{
    const auto* p = static_cast<const std::uint8_t*>(data);
    mTotal += size;
    while (size > 0) {
        const std::size_t take = std::min<std::size_t>(64 - mBufLen, size);
        std::memcpy(mBuf + mBufLen, p, take);
        mBufLen += take;
        p += take;
        size -= take;
        if (mBufLen == 64) {
            block(mBuf);
            mBufLen = 0;
        }
    }
}

std::string Sha256::hexDigest()
{
    const std::uint64_t bits = mTotal * 8;
    const std::uint8_t pad = 0x80;
    update(&pad, 1);
    const std::uint8_t zero = 0;
    while (mBufLen != 56)
        update(&zero, 1);
    std::uint8_t len[8];
    for (int i = 0; i < 8; ++i)
        len[i] = std::uint8_t(bits >> (56 - 8 * i));
    update(len, 8);
    static const char* hex = "0123456789abcdef";
    std::string out;
    for (std::uint32_t s : mState)
        for (int i = 3; i >= 0; --i) {
            const std::uint8_t byte = std::uint8_t(s >> (8 * i));
            out += hex[byte >> 4];
            out += hex[byte & 15];
        }
    return out;
}

std::string sha256Hex(const void* data, std::size_t size)
{
    Sha256 h;
    h.update(data, size);
    return h.hexDigest();
}

std::string sha256Hex(const std::string& bytes) { return sha256Hex(bytes.data(), bytes.size()); }

std::string sha256File(const fs::path& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw fileError(path.string(), "cannot open for checksum");
    Sha256 h;
    std::vector<char> buf(1 << 20);
    while (in) {
        in.read(buf.data(), std::streamsize(buf.size()));
        h.update(buf.data(), std::size_t(in.gcount()));
    }
    return h.hexDigest();
}

fs::path cacheDir()
{
    fs::path dir;
    if (const char* z = std::getenv("ZEROMASK_CACHE"); z && *z)
        dir = z;
    else if (const char* x = std::getenv("XDG_CACHE_HOME"); x && *x)
        dir = fs::path(x) / "zeromask";
    else if (const char* h = std::getenv("HOME"); h && *h)
        dir = fs::path(h) / ".cache" / "zeromask";
    else
        dir = fs::temp_directory_path() / "zeromask-cache";
    std::error_code ec;
    fs::create_directories(dir, ec);
    return dir;
}

} // namespace zm
