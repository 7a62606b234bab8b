// Annotation file encoding: little-endian header + zlib payload (labels u16, confirmed u8, prediction u16).
#include "core/io/annotationfile.h"

#include "core/common/error.h"
#include "core/common/files.h"

#include <zlib.h>

#include <algorithm>
#include <cstring>

namespace zm {

namespace {

constexpr char kMagic[8] = {'Z', 'M', 'A', 'N', 'N', 'O', 'T', '1'};
constexpr std::uint32_t kVersion = 1;
constexpr std::uint32_t kHasPrediction = 1;
constexpr std::size_t kHeaderSize = 8 + 4 * 4 + 8 * 2 + 4;
constexpr bool kLittleEndian = __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__;

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

// The payload is streamed from and to the state's own vectors (no 60 MB staging buffers for a 12 MP
// image: their page faults cost more than the compression). uint16 values are little-endian in the
// file; big-endian hosts go through a swapped copy.
struct Piece {
    std::uint8_t* data;
    std::size_t size;
};

std::vector<std::uint8_t> swappedCopy(const std::vector<std::uint16_t>& ids)
{
    std::vector<std::uint8_t> out(ids.size() * 2);
    for (std::size_t i = 0; i < ids.size(); ++i) {
        out[2 * i] = std::uint8_t(ids[i] & 0xff);
        out[2 * i + 1] = std::uint8_t(ids[i] >> 8);
    }
    return out;
}

void swapInPlace(std::vector<std::uint16_t>& ids)
{
    if constexpr (!kLittleEndian)
        for (auto& v : ids) {
            const auto* b = reinterpret_cast<const std::uint8_t*>(&v);
            v = std::uint16_t(b[0] | (b[1] << 8));
        }
}

constexpr std::size_t kChunk = std::size_t(1) << 30; // zlib's avail_in/avail_out are 32-bit

// zlib level 1: measured on a 12 MP label map, 0.2 s and 0.85 MB (level 6: 0.7 s, 0.66 MB; Z_RLE:
// 0.7 s, 11 MB since 16-bit ids repeat at distance 2). Autosave runs every second while a person edits.
std::string deflatePieces(const std::vector<Piece>& pieces, std::uint32_t& crc)
{
    z_stream z{};
    if (deflateInit2(&z, 1, Z_DEFLATED, 15, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        throw Error("annotation: compression failed to start");
    std::string out;
    std::vector<unsigned char> buf(std::size_t(1) << 20);
    uLong c = crc32_z(0L, Z_NULL, 0);
    int rc = Z_OK;
    for (std::size_t p = 0; p < pieces.size() && rc == Z_OK; ++p) {
        c = crc32_z(c, pieces[p].data, pieces[p].size);
        std::size_t pos = 0;
        const bool lastPiece = p + 1 == pieces.size();
        do {
            const std::size_t take = std::min(kChunk, pieces[p].size - pos);
            z.next_in = pieces[p].data + pos;
            z.avail_in = uInt(take);
            pos += take;
            const int flush = lastPiece && pos == pieces[p].size ? Z_FINISH : Z_NO_FLUSH;
            do {
                z.next_out = buf.data();
                z.avail_out = uInt(buf.size());
                rc = deflate(&z, flush);
                out.append(reinterpret_cast<const char*>(buf.data()), buf.size() - z.avail_out);
            } while (rc == Z_OK && (z.avail_in > 0 || (flush == Z_FINISH && rc != Z_STREAM_END)));
        } while (rc == Z_OK && pos < pieces[p].size);
    }
    deflateEnd(&z);
    if (rc != Z_STREAM_END)
        throw Error("annotation: compression failed (out of memory?)");
    crc = std::uint32_t(c);
    return out;
}

// Inflates exactly into the pieces; false when the data is damaged or has another length.
bool inflatePieces(const std::string& bytes, std::size_t offset, const std::vector<Piece>& pieces, std::uint32_t& crc)
{
    z_stream z{};
    if (inflateInit(&z) != Z_OK)
        return false;
    std::size_t inPos = offset;
    int rc = Z_OK;
    uLong c = crc32_z(0L, Z_NULL, 0);
    for (const Piece& piece : pieces) {
        std::size_t outPos = 0;
        while (outPos < piece.size && rc == Z_OK) {
            if (z.avail_in == 0) {
                const std::size_t take = std::min(kChunk, bytes.size() - inPos);
                z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data() + inPos));
                z.avail_in = uInt(take);
                inPos += take;
            }
            const std::size_t want = std::min(kChunk, piece.size - outPos);
            z.next_out = piece.data + outPos;
            z.avail_out = uInt(want);
            rc = inflate(&z, Z_NO_FLUSH);
            outPos += want - z.avail_out;
            if (rc == Z_BUF_ERROR && z.avail_in == 0 && inPos == bytes.size())
                break; // input ended early
            if (rc == Z_BUF_ERROR)
                rc = Z_OK;
        }
        if (outPos != piece.size) {
            inflateEnd(&z);
            return false;
        }
        c = crc32_z(c, piece.data, piece.size);
    }
    // The stream must end exactly here: no further output, no bytes left over.
    unsigned char extra = 0;
    while (rc == Z_OK) {
        if (z.avail_in == 0) {
            if (inPos == bytes.size())
                break;
            const std::size_t take = std::min(kChunk, bytes.size() - inPos);
            z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data() + inPos));
            z.avail_in = uInt(take);
            inPos += take;
        }
        z.next_out = &extra;
        z.avail_out = 1;
        rc = inflate(&z, Z_NO_FLUSH);
        if (z.avail_out == 0)
            rc = Z_DATA_ERROR; // more data than the header announced
        else if (rc == Z_BUF_ERROR && z.avail_in == 0 && inPos < bytes.size())
            rc = Z_OK;
    }
    const bool ok = rc == Z_STREAM_END && z.avail_in == 0 && inPos == bytes.size();
    inflateEnd(&z);
    crc = std::uint32_t(c);
    return ok;
}

} // namespace

std::string encodeAnnotation(const AnnotationState& state)
{
    state.check("annotation");
    const bool hasPred = !state.predicted.empty();
    const std::size_t n = state.labels.ids.size();
    std::vector<std::uint8_t> labelsLe, predLe;
    auto idsPiece = [&](const std::vector<std::uint16_t>& ids, std::vector<std::uint8_t>& copy) {
        if constexpr (kLittleEndian)
            return Piece{reinterpret_cast<std::uint8_t*>(const_cast<std::uint16_t*>(ids.data())), ids.size() * 2};
        copy = swappedCopy(ids);
        return Piece{copy.data(), copy.size()};
    };
    std::vector<Piece> pieces = {idsPiece(state.labels.ids, labelsLe),
                                 Piece{const_cast<std::uint8_t*>(state.confirmed.data()), n}};
    if (hasPred)
        pieces.push_back(idsPiece(state.predicted.ids, predLe));
    std::uint32_t crc = 0;
    const std::string packed = deflatePieces(pieces, crc);
    std::string out(kMagic, 8);
    put32(out, kVersion);
    put32(out, std::uint32_t(state.labels.width));
    put32(out, std::uint32_t(state.labels.height));
    put32(out, hasPred ? kHasPrediction : 0);
    put64(out, n * (hasPred ? 5 : 3));
    put64(out, packed.size());
    put32(out, crc);
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
    AnnotationState s;
    s.labels = LabelMap(int(width), int(height));
    s.confirmed.assign(n, 0);
    std::vector<Piece> pieces = {Piece{reinterpret_cast<std::uint8_t*>(s.labels.ids.data()), n * 2},
                                 Piece{s.confirmed.data(), n}};
    if (hasPred) {
        s.predicted = LabelMap(int(width), int(height));
        pieces.push_back(Piece{reinterpret_cast<std::uint8_t*>(s.predicted.ids.data()), n * 2});
    }
    std::uint32_t actual = 0;
    if (!inflatePieces(bytes, kHeaderSize, pieces, actual))
        throw fileError(source, "annotation data is damaged (cannot decompress)");
    if (actual != crc)
        throw fileError(source, "annotation data is damaged (checksum mismatch)");
    swapInPlace(s.labels.ids);
    swapInPlace(s.predicted.ids);
    return s;
}

void saveAnnotation(const std::filesystem::path& file, const AnnotationState& state)
{
    writeFileAtomic(file, encodeAnnotation(state));
}

AnnotationState loadAnnotation(const std::filesystem::path& file) { return decodeAnnotation(readFile(file), file.string()); }

} // namespace zm
