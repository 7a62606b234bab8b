// Annotation files: exact round trips (with and without a prediction), damaged files refused.
#include "core/common/error.h"
#include "core/io/annotationfile.h"

#include <gtest/gtest.h>

#include <random>

using namespace zm;

namespace {
AnnotationState randomState(int w, int h, bool withPrediction, unsigned seed)
{
    std::mt19937 rng(seed);
    LabelMap pred(w, h);
    for (auto& v : pred.ids)
        v = rng() % 7 == 0 ? LabelMap::kVoid : std::uint16_t(rng() % 400);
    AnnotationState s = withPrediction ? stateFromPrediction(pred) : stateFromImport(pred);
    std::vector<std::uint8_t> mask(pred.ids.size());
    for (auto& m : mask)
        m = rng() % 3 == 0;
    return paint(s, mask, 9);
}
} // namespace

TEST(AnnotationFile, RoundTripsExactly)
{
    for (bool pred : {true, false})
        for (auto [w, h] : {std::pair{1, 1}, std::pair{37, 23}, std::pair{640, 480}}) {
            const AnnotationState s = randomState(w, h, pred, unsigned(w + h));
            const AnnotationState back = decodeAnnotation(encodeAnnotation(s), "x.zma");
            EXPECT_EQ(back, s) << w << "x" << h << " prediction " << pred;
            EXPECT_EQ(back.predicted.empty(), !pred);
        }
}

TEST(AnnotationFile, RefusesDamage)
{
    const std::string good = encodeAnnotation(randomState(50, 40, true, 3));
    auto refused = [](const std::string& bytes) {
        try {
            decodeAnnotation(bytes, "bad.zma");
        } catch (const Error& e) {
            return std::string(e.what()).find("bad.zma") != std::string::npos;
        }
        return false;
    };
    EXPECT_TRUE(refused(""));
    EXPECT_TRUE(refused(good.substr(0, 30)));
    EXPECT_TRUE(refused(good + "x"));
    std::string otherSize = good;
    otherSize[12] = char(51); // width 51: header and payload disagree
    EXPECT_TRUE(refused(otherSize));
    std::string newer = good;
    newer[8] = char(9);
    EXPECT_TRUE(refused(newer));
    for (std::size_t at : {std::size_t(44), good.size() / 2, good.size() - 1}) {
        std::string flipped = good;
        flipped[at] = char(flipped[at] ^ 0x21);
        EXPECT_TRUE(refused(flipped)) << at;
    }
    EXPECT_FALSE(refused(good));
}
