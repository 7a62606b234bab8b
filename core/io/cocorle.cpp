// COCO RLE encoder/decoder and its compressed string form.
#include "core/io/cocorle.h"

#include "core/common/error.h"

#include <algorithm>
#include <limits>

namespace zm {

std::uint64_t CocoRle::area() const
{
    std::uint64_t a = 0;
    for (std::size_t i = 1; i < counts.size(); i += 2)
        a += counts[i];
    return a;
}

std::array<double, 4> CocoRle::bbox() const
{
    if (height <= 0 || area() == 0)
        return {0, 0, 0, 0};
    // Runs are column-major: run start/end positions give columns (x) and rows (y).
    std::uint64_t pos = 0;
    int x0 = width, x1 = -1, y0 = height, y1 = -1;
    for (std::size_t i = 0; i < counts.size(); ++i) {
        const std::uint64_t start = pos;
        pos += counts[i];
        if (i % 2 == 0 || counts[i] == 0)
            continue;
        const std::uint64_t last = pos - 1;
        const int xs = int(start / std::uint64_t(height)), xe = int(last / std::uint64_t(height));
        x0 = std::min(x0, xs);
        x1 = std::max(x1, xe);
        if (xs != xe) { // the run wraps a column: it covers the top and the bottom row
            y0 = 0;
            y1 = height - 1;
        } else {
            y0 = std::min(y0, int(start % std::uint64_t(height)));
            y1 = std::max(y1, int(last % std::uint64_t(height)));
        }
    }
    return {double(x0), double(y0), double(x1 - x0 + 1), double(y1 - y0 + 1)};
}

CocoRle rleEncode(const std::uint8_t* mask, int width, int height)
{
    CocoRle r;
    r.width = width;
    r.height = height;
    std::uint8_t current = 0;
    std::uint32_t run = 0;
    for (int x = 0; x < width; ++x)
        for (int y = 0; y < height; ++y) {
            const std::uint8_t v = mask[std::size_t(y) * std::size_t(width) + std::size_t(x)] ? 1 : 0;
            if (v != current) {
                r.counts.push_back(run);
                run = 0;
                current = v;
            }
            ++run;
        }
    r.counts.push_back(run);
    return r;
}

std::map<std::uint16_t, CocoRle> rleEncodeLabels(const LabelMap& labels)
{
    // One column-major pass: for each class remember where its last run ended; a new pixel of the class
    // either extends that run or closes a gap of zeros first.
    struct Open {
        CocoRle rle;
        std::uint64_t end = 0; // column-major index just after the class's last pixel
    };
    std::map<std::uint16_t, Open> open;
    const int w = labels.width, h = labels.height;
    std::uint64_t p = 0;
    for (int x = 0; x < w; ++x)
        for (int y = 0; y < h; ++y, ++p) {
            const std::uint16_t id = labels.ids[std::size_t(y) * std::size_t(w) + std::size_t(x)];
            if (id == LabelMap::kVoid)
                continue;
            Open& o = open[id];
            if (o.rle.counts.empty()) {
                o.rle.counts.push_back(std::uint32_t(p)); // zeros before the first pixel (maybe 0)
                o.rle.counts.push_back(1);
            } else if (o.end == p) {
                ++o.rle.counts.back();
            } else {
                o.rle.counts.push_back(std::uint32_t(p - o.end));
                o.rle.counts.push_back(1);
            }
            o.end = p + 1;
        }
    const std::uint64_t total = std::uint64_t(w) * std::uint64_t(h);
    std::map<std::uint16_t, CocoRle> out;
    for (auto& [id, o] : open) {
        if (o.end < total)
            o.rle.counts.push_back(std::uint32_t(total - o.end));
        o.rle.width = w;
        o.rle.height = h;
        out.emplace(id, std::move(o.rle));
    }
    return out;
}

std::vector<std::uint8_t> rleDecode(const CocoRle& rle)
{
    const std::uint64_t total = std::uint64_t(rle.width) * std::uint64_t(rle.height);
    std::uint64_t sum = 0;
    for (auto c : rle.counts)
        sum += c;
    if (sum != total)
        throw Error("RLE counts add up to " + std::to_string(sum) + " pixels but the mask is " + std::to_string(rle.width) +
                    "x" + std::to_string(rle.height));
    std::vector<std::uint8_t> mask(total, 0);
    std::uint64_t pos = 0;
    for (std::size_t i = 0; i < rle.counts.size(); ++i) {
        if (i % 2 == 1)
            for (std::uint64_t k = pos; k < pos + rle.counts[i]; ++k) {
                const std::uint64_t x = k / std::uint64_t(rle.height), y = k % std::uint64_t(rle.height);
                mask[y * std::uint64_t(rle.width) + x] = 1;
            }
        pos += rle.counts[i];
    }
    return mask;
}

std::string rleToString(const std::vector<std::uint32_t>& counts)
{
    std::string s;
    for (std::size_t i = 0; i < counts.size(); ++i) {
        std::int64_t x = counts[i];
        if (i > 2)
            x -= std::int64_t(counts[i - 2]);
        bool more = true;
        while (more) {
            int c = int(x & 0x1f);
            x >>= 5; // arithmetic shift: negative deltas end on all ones
            more = (c & 0x10) ? x != -1 : x != 0;
            if (more)
                c |= 0x20;
            s.push_back(char(c + 48));
        }
    }
    return s;
}

std::vector<std::uint32_t> rleFromString(const std::string& s)
{
    std::vector<std::uint32_t> counts;
    std::size_t p = 0;
    while (p < s.size()) {
        std::int64_t x = 0;
        int k = 0;
        bool more = true;
        while (more) {
            if (p >= s.size())
                throw Error("RLE string is truncated at character " + std::to_string(p));
            const int c = int(static_cast<unsigned char>(s[p])) - 48;
            if (c < 0 || c > 63)
                throw Error("RLE string has an invalid character at position " + std::to_string(p));
            if (k > 12)
                throw Error("RLE string has an over-long count at position " + std::to_string(p));
            x |= std::int64_t(c & 0x1f) << (5 * k);
            more = (c & 0x20) != 0;
            ++p;
            ++k;
            if (!more && (c & 0x10))
                x |= -(std::int64_t(1) << (5 * k)); // sign-extend
        }
        if (counts.size() > 2)
            x += std::int64_t(counts[counts.size() - 2]);
        if (x < 0 || x > std::int64_t(std::numeric_limits<std::uint32_t>::max()))
            throw Error("RLE string decodes to an invalid count at position " + std::to_string(p));
        counts.push_back(std::uint32_t(x));
    }
    return counts;
}

} // namespace zm
