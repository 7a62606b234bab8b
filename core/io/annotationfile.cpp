// Annotation file encoding: little-endian header + zlib payload (labels u16, confirmed u8, prediction u16).
#include "core/io/annotationfile.h"

#include "core/common/error.h"
#include "core/common/files.h"

#include <zlib.h>

#include <cstring>

namespace zm {

namespace {

constexpr char kMagic[8] = {'Z', 'M', 'A', 'N', 'N', 'O', 'T', '1'};
constexpr std::uint32_t kVersion = 1;
constexpr std::uint32_t kHasPrediction = 1;
constexpr std::size_t kHeaderSize = 8 + 4 * 4 + 8 * 2 + 4;

void put32(std::string& s, std::uint32_t v)
{
    for (int i = 0; i < 4; ++i)
        s.push_back(char((v >> (8 * i)) & 0xff));
}
void put64(std::string& s, std::uint64_t v)
{
    for (int i = 0; i < 8; ++i)
        s.push_back(char((v >> (8 * i)) & 0xff));
}
std::uint64_t get(const std::string& s, std::size_t at, int bytes)
{
    std::uint64_t v = 0;
    for (int i = 0; i < bytes; ++i)
        v |= std::uint64_t(static_cast<unsigned char>(s[at + std::size_t(i)])) << (8 * i);
    return v;
}

void putIds(std::string& raw, const std::vector<std::uint16_t>& ids)
{
    for (auto v : ids) {
        raw.push_back(char(v & 0xff));
        raw.push_back(char(v >> 8));
    }
}

} // namespace

std::string encodeAnnotation(const AnnotationState& state)
{
    state.check("annotation");
    const bool hasPred = !state.predicted.empty();
    std::string raw;
    raw.reserve(state.labels.ids.size() * (hasPred ? 5 : 3));
    putIds(raw, state.labels.ids);
    raw.append(reinterpret_cast<const char*>(state.confirmed.data()), state.confirmed.size());
    if (hasPred)
        putIds(raw, state.predicted.ids);
    uLongf packedSize = compressBound(uLong(raw.size()));
    std::string packed(packedSize, '\0');
    // Level 1: autosave runs every second while a person edits; label maps compress well even so.
    if (compress2(reinterpret_cast<Bytef*>(packed.data()), &packedSize, reinterpret_cast<const Bytef*>(raw.data()),
                  uLong(raw.size()), 1) != Z_OK)
        throw Error("annotation: compression failed (out of memory?)");
    packed.resize(packedSize);
    std::string out(kMagic, 8);
    put32(out, kVersion);
    put32(out, std::uint32_t(state.labels.width));
    put32(out, std::uint32_t(state.labels.height));
    put32(out, hasPred ? kHasPrediction : 0);
    put64(out, raw.size());
    put64(out, packed.size());
    put32(out, std::uint32_t(crc32_z(0L, reinterpret_cast<const Bytef*>(raw.data()), raw.size())));
    out += packed;
    return out;
}

AnnotationState decodeAnnotation(const std::string& bytes, const std::string& source)
{
    if (bytes.size() < kHeaderSize || std::memcmp(bytes.data(), kMagic, 7) != 0)
        throw fileError(source, "not a ZeroMask annotation file (or it is truncated)");
    const auto version = std::uint32_t(get(bytes, 8, 4));
    if (version > kVersion || bytes[7] != kMagic[7])
        throw fileError(source, "annotation file version " + std::to_string(version) +
                                    " is newer than this ZeroMask reads; update ZeroMask");
    const auto width = std::uint32_t(get(bytes, 12, 4)), height = std::uint32_t(get(bytes, 16, 4));
    const auto flags = std::uint32_t(get(bytes, 20, 4));
    const std::uint64_t rawSize = get(bytes, 24, 8), packedSize = get(bytes, 32, 8);
    const auto crc = std::uint32_t(get(bytes, 40, 4));
    const std::uint64_t n = std::uint64_t(width) * height;
    const bool hasPred = flags & kHasPrediction;
    if (width == 0 || height == 0 || width > 100000 || height > 100000 || rawSize != n * (hasPred ? 5 : 3))
        throw fileError(source, "annotation header is damaged");
    if (bytes.size() != kHeaderSize + packedSize)
        throw fileError(source, "annotation file is truncated or has extra bytes (" + std::to_string(bytes.size()) +
                                    " bytes, expected " + std::to_string(kHeaderSize + packedSize) + ")");
    std::string raw(rawSize, '\0');
    uLongf outSize = uLongf(rawSize);
    if (uncompress(reinterpret_cast<Bytef*>(raw.data()), &outSize, reinterpret_cast<const Bytef*>(bytes.data() + kHeaderSize),
                   uLong(packedSize)) != Z_OK ||
        outSize != rawSize)
        throw fileError(source, "annotation data is damaged (cannot decompress)");
    if (std::uint32_t(crc32_z(0L, reinterpret_cast<const Bytef*>(raw.data()), raw.size())) != crc)
        throw fileError(source, "annotation data is damaged (checksum mismatch)");
    AnnotationState s;
    s.labels = LabelMap(int(width), int(height));
    for (std::uint64_t i = 0; i < n; ++i)
        s.labels.ids[i] = std::uint16_t(get(raw, 2 * i, 2));
    s.confirmed.assign(raw.begin() + std::ptrdiff_t(2 * n), raw.begin() + std::ptrdiff_t(3 * n));
    if (hasPred) {
        s.predicted = LabelMap(int(width), int(height));
        for (std::uint64_t i = 0; i < n; ++i)
            s.predicted.ids[i] = std::uint16_t(get(raw, 3 * n + 2 * i, 2));
    }
    return s;
}

void saveAnnotation(const std::filesystem::path& file, const AnnotationState& state)
{
    writeFileAtomic(file, encodeAnnotation(state));
}

AnnotationState loadAnnotation(const std::filesystem::path& file) { return decodeAnnotation(readFile(file), file.string()); }

} // namespace zm
