// Edge refinement: a coarse seed grows to the object's edges, spill onto the background is given back,
// another class's pixels are never taken, and bad input is refused with a clear message.
#include "core/common/error.h"
#include "core/io/refine.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

using namespace zm;

namespace {

// A 160x120 photo-like picture: a textured green background, a red-brown disc (the object) at (60, 60)
// of radius 35 and, when asked, a blue square (another object) at x 120..150, y 40..80.
struct Scene {
    Image image{160, 120, 3};
    bool inDisc(int x, int y) const { return std::hypot(x - 60.0, y - 60.0) <= 35.0; }
    static bool inSquare(int x, int y) { return x >= 120 && x < 150 && y >= 40 && y < 80; }
    explicit Scene(bool square = false)
    {
        std::mt19937 rng(7);
        std::uniform_int_distribution<int> noise(-20, 20);
        for (int y = 0; y < image.height; ++y)
            for (int x = 0; x < image.width; ++x) {
                std::uint8_t* p = image.row(y) + 3 * x;
                int r = 60, g = 140, b = 50;
                if (inDisc(x, y))
                    r = 170, g = 80, b = 40;
                else if (square && inSquare(x, y))
                    r = 40, g = 60, b = 190;
                p[0] = std::uint8_t(std::clamp(r + noise(rng), 0, 255));
                p[1] = std::uint8_t(std::clamp(g + noise(rng), 0, 255));
                p[2] = std::uint8_t(std::clamp(b + noise(rng), 0, 255));
            }
    }
    double iou(const LabelMap& m, std::uint16_t id) const
    {
        int inter = 0, uni = 0;
        for (int y = 0; y < m.height; ++y)
            for (int x = 0; x < m.width; ++x) {
                const bool t = inDisc(x, y), p = m.at(x, y) == id;
                inter += t && p;
                uni += t || p;
            }
        return double(inter) / uni;
    }
};

} // namespace

TEST(Refine, ACoarseSeedGrowsToTheObjectAndGivesBackItsSpill)
{
    Scene s;
    // The seed covers the left half of the disc and spills 10 px onto the background on the left.
    LabelMap labels(160, 120, 0);
    for (int y = 0; y < 120; ++y)
        for (int x = 0; x < 160; ++x)
            if (std::hypot(x - 50.0, y - 60.0) <= 28.0)
                labels.at(x, y) = 1;
    const double before = s.iou(labels, 1);
    ASSERT_LT(before, 0.65);
    const RefineReport r = refineLabels(s.image, labels);
    EXPECT_EQ(r.classesRefined, 1);
    EXPECT_GT(r.pixelsGained, 0);
    EXPECT_GT(r.pixelsReleased, 0);
    EXPECT_GT(s.iou(labels, 1), 0.9) << "before " << before;
}

TEST(Refine, NeverTakesAnotherClassesPixels)
{
    Scene s(true);
    LabelMap labels(160, 120, 0);
    for (int y = 0; y < 120; ++y)
        for (int x = 0; x < 160; ++x) {
            if (std::hypot(x - 60.0, y - 60.0) <= 20.0)
                labels.at(x, y) = 1;
            if (Scene::inSquare(x, y))
                labels.at(x, y) = 2; // the other object, fully labelled
        }
    // A void pixel stays void.
    labels.at(0, 0) = LabelMap::kVoid;
    const LabelMap before = labels;
    refineLabels(s.image, labels);
    for (std::size_t i = 0; i < labels.ids.size(); ++i) {
        if (before.ids[i] == 2) {
            ASSERT_EQ(labels.ids[i], 2) << "pixel " << i << " of class 2 was taken";
        }
        if (labels.ids[i] == 2) {
            ASSERT_EQ(before.ids[i], 2);
        }
    }
    EXPECT_EQ(labels.at(0, 0), LabelMap::kVoid);
    EXPECT_GT(s.iou(labels, 1), 0.9);
}

TEST(Refine, OnlyTheAskedClassesAndLargeEnoughMasksChange)
{
    Scene s;
    LabelMap labels(160, 120, 0);
    for (int y = 38; y < 82; ++y)
        for (int x = 38; x < 82; ++x)
            labels.at(x, y) = 1;
    labels.at(5, 5) = 3; // one stray pixel of another class: below minPixels
    LabelMap a = labels;
    RefineOptions o;
    o.only = {3};
    EXPECT_EQ(refineLabels(s.image, a, o).classesRefined, 0);
    EXPECT_EQ(a, labels);
    o.only.clear();
    const RefineReport r = refineLabels(s.image, a, o);
    EXPECT_EQ(r.classesRefined, 1);
    EXPECT_EQ(a.at(5, 5), 3);
    EXPECT_GT(s.iou(a, 1), 0.9);
}

TEST(Refine, GreyAndRgbaImagesWork)
{
    Scene s;
    Image grey(160, 120, 1), rgba(160, 120, 4);
    for (std::size_t i = 0; i < 160 * 120; ++i) {
        const std::uint8_t* p = s.image.pixels.data() + 3 * i;
        grey.pixels[i] = std::uint8_t((p[0] + 2 * p[1] + p[2]) / 4);
        std::copy(p, p + 3, rgba.pixels.data() + 4 * i);
        rgba.pixels[4 * i + 3] = 255;
    }
    LabelMap seed(160, 120, 0);
    for (int y = 45; y < 75; ++y)
        for (int x = 45; x < 75; ++x)
            seed.at(x, y) = 1;
    LabelMap a = seed, b = seed;
    refineLabels(grey, a);
    refineLabels(rgba, b);
    EXPECT_GT(s.iou(a, 1), 0.8);
    EXPECT_GT(s.iou(b, 1), 0.9);
}

TEST(Refine, WithoutBackgroundPixelsNothingChanges)
{
    Scene s;
    LabelMap labels(160, 120, 1);
    for (int x = 0; x < 160; ++x)
        labels.at(x, 0) = 2;
    const LabelMap before = labels;
    EXPECT_EQ(refineLabels(s.image, labels).classesRefined, 0);
    EXPECT_EQ(labels, before);
}

TEST(Refine, MismatchedOrEmptyInputIsRefusedWithAMessage)
{
    Scene s;
    LabelMap small(80, 60, 0);
    try {
        refineLabels(s.image, small);
        FAIL() << "a label map of another size was accepted";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("80x60"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("160x120"), std::string::npos) << e.what();
    }
    LabelMap none;
    EXPECT_THROW(refineLabels(Image(), none), Error);
    Image two(160, 120, 2);
    LabelMap l(160, 120, 0);
    EXPECT_THROW(refineLabels(two, l), Error);
    RefineOptions bad;
    bad.bandFraction = 0;
    EXPECT_THROW(refineLabels(s.image, l, bad), Error);
}

TEST(Refine, FindsTheBackgroundClassByName)
{
    EXPECT_EQ(backgroundIndex({"dog", " Background ", "cat"}), 1);
    EXPECT_EQ(backgroundIndex({"dog", "backgrounds"}), -1);
    EXPECT_EQ(backgroundIndex({}), -1);
}

TEST(Refine, DegenerateInputLeavesMasksAsTheyWereInsteadOfFailing)
{
    // A flat grey picture: no colour tells object from background.
    Image flat(120, 90, 3);
    std::fill(flat.pixels.begin(), flat.pixels.end(), std::uint8_t(128));
    LabelMap labels(120, 90, 0);
    for (int y = 30; y < 60; ++y)
        for (int x = 40; x < 80; ++x)
            labels.at(x, y) = 1;
    EXPECT_NO_THROW(refineLabels(flat, labels));

    // A mask that fills the whole image but one row of background: too few background samples.
    Scene s;
    LabelMap full(160, 120, 1);
    for (int x = 0; x < 10; ++x)
        full.at(x, 0) = 0;
    const LabelMap before = full;
    RefineReport r;
    EXPECT_NO_THROW(r = refineLabels(s.image, full));
    EXPECT_EQ(r.classesRefined, 0);
    EXPECT_EQ(r.classesSkipped, 1);
    EXPECT_EQ(full, before);

    // Scattered single pixels over a large box, worked on scaled down: they would vanish at the small size.
    LabelMap dots(160, 120, 0);
    for (int y = 2; y < 120; y += 9)
        for (int x = 3; x < 160; x += 11)
            dots.at(x, y) = 2;
    RefineOptions small;
    small.workSide = 32;
    EXPECT_NO_THROW(refineLabels(s.image, dots, small));

    // 1x1 and one-row images.
    Image tiny(1, 1, 3);
    LabelMap one(1, 1, 0);
    EXPECT_NO_THROW(refineLabels(tiny, one));
    Image row(200, 1, 3);
    LabelMap rowLabels(200, 1, 0);
    for (int x = 50; x < 150; ++x)
        rowLabels.at(x, 0) = 1;
    EXPECT_NO_THROW(refineLabels(row, rowLabels));
}

TEST(Refine, ALargePhotoWithScatteredFragmentsIsWorkedOnAtTheWorkSize)
{
    // 3000x2000 with a wide band: the seed is built and cut at most workSide pixels across, so memory and
    // time stay bounded (at full resolution this would be a 6-megapixel graph per class).
    Image big(3000, 2000, 3);
    for (int y = 0; y < big.height; ++y)
        for (int x = 0; x < big.width; ++x) {
            std::uint8_t* p = big.row(y) + 3 * x;
            const bool object = std::hypot(x - 1500.0, y - 1000.0) < 600.0;
            p[0] = object ? 200 : 40, p[1] = object ? 60 : 150, p[2] = std::uint8_t((x * 7 + y * 3) % 50);
        }
    LabelMap labels(3000, 2000, 0);
    for (int y = 500; y < 1500; y += 40)
        for (int x = 1000; x < 2000; x += 40)
            labels.at(x, y) = 1; // dots over the object: about 625 pixels spread over its box
    RefineOptions o;
    o.bandFraction = 0.5;
    o.minPixels = 16;
    const RefineReport r = refineLabels(big, labels, o);
    EXPECT_EQ(r.classesRefined + r.classesSkipped, 1);
}
