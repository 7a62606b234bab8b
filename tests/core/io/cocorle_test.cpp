// COCO RLE: known vectors from the documented algorithm, and agreement with an independent decoder
// (written from the COCO API documentation, deliberately with another structure) on random masks.
#include "core/common/error.h"
#include "core/io/cocorle.h"

#include <gtest/gtest.h>

#include <random>

using namespace zm;

namespace {

// Independent reference: tokenise the string into groups (a group ends at a character whose
// continuation bit 0x20 is clear), value = sum of 5-bit digits * 32^k, negative when the last digit's
// bit 0x10 is set (two's complement over 5*k bits); from the 4th value on it is a difference to the
// value two places earlier.
std::vector<long long> referenceCounts(const std::string& s)
{
    std::vector<std::vector<int>> groups(1);
    for (char ch : s) {
        const int d = int(ch) - 48;
        groups.back().push_back(d);
        if ((d & 32) == 0)
            groups.emplace_back();
    }
    groups.pop_back();
    std::vector<long long> values;
    for (const auto& g : groups) {
        long long v = 0, scale = 1;
        for (int d : g) {
            v += (d & 31) * scale;
            scale *= 32;
        }
        if (g.back() & 16)
            v -= scale;
        values.push_back(v);
    }
    for (std::size_t i = 3; i < values.size(); ++i)
        values[i] += values[i - 2];
    return values;
}

// Runs laid down column by column, then read back row-major.
std::vector<std::uint8_t> referenceMask(const std::vector<long long>& counts, int w, int h)
{
    std::vector<std::uint8_t> colMajor;
    std::uint8_t v = 0;
    for (long long c : counts) {
        colMajor.insert(colMajor.end(), std::size_t(c), v);
        v = std::uint8_t(1 - v);
    }
    std::vector<std::uint8_t> rowMajor(std::size_t(w) * std::size_t(h), 0);
    if (colMajor.size() != rowMajor.size())
        return {};
    for (int x = 0; x < w; ++x)
        for (int y = 0; y < h; ++y)
            rowMajor[std::size_t(y) * std::size_t(w) + std::size_t(x)] = colMajor[std::size_t(x) * std::size_t(h) + std::size_t(y)];
    return rowMajor;
}

} // namespace

TEST(CocoRle, DocumentedExample)
{
    // The COCO API's own example: M = [0 0 1 1 1 0 1] gives counts [2 3 1 1] (one column of 7 pixels).
    const std::vector<std::uint8_t> m = {0, 0, 1, 1, 1, 0, 1};
    const CocoRle r = rleEncode(m.data(), 1, 7);
    EXPECT_EQ(r.counts, (std::vector<std::uint32_t>{2, 3, 1, 1}));
    // By hand: 2 -> '2', 3 -> '3', 1 -> '1', then 1 - 3 = -2 -> 5-bit 11110 = 30 -> '0' + 30 = 'N'.
    EXPECT_EQ(rleToString(r.counts), "231N");
    EXPECT_EQ(rleFromString("231N"), r.counts);
}

TEST(CocoRle, ColumnMajorOrder)
{
    // 2x2 mask with only the top-right pixel set: column-major order is (0,0),(0,1),(1,0),(1,1).
    const std::vector<std::uint8_t> m = {0, 1, 0, 0};
    EXPECT_EQ(rleEncode(m.data(), 2, 2).counts, (std::vector<std::uint32_t>{2, 1, 1}));
}

TEST(CocoRle, EmptyAndFullMasks)
{
    std::vector<std::uint8_t> empty(15, 0), full(15, 1);
    const CocoRle e = rleEncode(empty.data(), 5, 3), f = rleEncode(full.data(), 5, 3);
    EXPECT_EQ(e.counts, std::vector<std::uint32_t>{15});
    EXPECT_EQ(f.counts, (std::vector<std::uint32_t>{0, 15}));
    EXPECT_EQ(e.area(), 0u);
    EXPECT_EQ(f.area(), 15u);
    EXPECT_EQ(f.bbox(), (std::array<double, 4>{0, 0, 5, 3}));
    EXPECT_EQ(rleDecode(f), full);
    EXPECT_EQ(rleDecode(e), empty);
}

TEST(CocoRle, AgreesWithIndependentDecoderOnRandomMasks)
{
    std::mt19937 rng(1234);
    for (int trial = 0; trial < 300; ++trial) {
        const int w = 1 + int(rng() % 37), h = 1 + int(rng() % 29); // odd sizes included
        const int kind = trial % 5;
        std::vector<std::uint8_t> m(std::size_t(w) * std::size_t(h));
        const double p = std::uniform_real_distribution<double>(0, 1)(rng);
        for (auto& v : m)
            v = kind == 0 ? 0 : kind == 1 ? 1 : (std::uniform_real_distribution<double>(0, 1)(rng) < p);
        if (kind == 4) // large blocks: long runs give multi-character and negative deltas
            for (int y = 0; y < h; ++y)
                for (int x = 0; x < w; ++x)
                    m[std::size_t(y) * std::size_t(w) + std::size_t(x)] = (x * 3 / w + y * 2 / h) % 2;
        const CocoRle r = rleEncode(m.data(), w, h);
        const std::string s = rleToString(r.counts);
        const auto counts = referenceCounts(s);
        ASSERT_EQ(referenceMask(counts, w, h), m) << "trial " << trial << " " << w << "x" << h << " " << s;
        EXPECT_EQ(rleDecode(CocoRle{h, w, rleFromString(s)}), m);
    }
}

TEST(CocoRle, LargeCountsRoundTrip)
{
    const std::vector<std::uint32_t> counts = {0, 5000000, 31, 16, 1u << 30, 1, 70000};
    const auto s = rleToString(counts);
    EXPECT_EQ(rleFromString(s), counts);
    const auto ref = referenceCounts(s);
    ASSERT_EQ(ref.size(), counts.size());
    for (std::size_t i = 0; i < counts.size(); ++i)
        EXPECT_EQ(ref[i], (long long)counts[i]);
}

TEST(CocoRle, LabelMapEncodingMatchesPerClassMasks)
{
    std::mt19937 rng(7);
    LabelMap labels(23, 17);
    for (auto& v : labels.ids)
        v = std::uint16_t(rng() % 5 == 0 ? LabelMap::kVoid : rng() % 4);
    const auto all = rleEncodeLabels(labels);
    for (std::uint16_t id = 0; id < 4; ++id) {
        std::vector<std::uint8_t> m(labels.ids.size());
        for (std::size_t i = 0; i < m.size(); ++i)
            m[i] = labels.ids[i] == id;
        ASSERT_TRUE(all.count(id));
        EXPECT_EQ(all.at(id).counts, rleEncode(m.data(), 23, 17).counts) << id;
    }
    EXPECT_EQ(all.size(), 4u);
}

TEST(CocoRle, BadInputIsRefused)
{
    EXPECT_THROW(rleFromString("2 3"), Error);
    EXPECT_THROW(rleFromString("o"), Error); // 'o' = 63: continuation bit set, then nothing
    EXPECT_THROW(rleDecode(CocoRle{2, 2, {1, 1}}), Error);
}
