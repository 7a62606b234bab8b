// Label PNGs: palette PNGs really are indexed with the VOC palette; every format round-trips; refusals.
#include "core/common/error.h"
#include "core/common/files.h"
#include "core/io/labelpng.h"
#include "tests/support/testdir.h"

#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>

#include <random>

using namespace zm;

namespace {

LabelMap randomLabels(const ClassTable& t, int w, int h, unsigned seed)
{
    std::mt19937 rng(seed);
    LabelMap m(w, h);
    for (auto& v : m.ids) {
        const auto k = rng() % (unsigned(t.size()) + 1);
        v = k == unsigned(t.size()) ? LabelMap::kVoid : t.classes()[k].id;
    }
    return m;
}

} // namespace

TEST(LabelPng, PaletteFileIsIndexedWithVocPalette)
{
    test::TempDir dir;
    const ClassTable t = ClassTable::fromTyped({"a", "b", "c"});
    const LabelMap m = randomLabels(t, 13, 7, 1);
    writePalettePng(dir / "l.png", m, t);
    const PngHeader h = readPngHeader(dir / "l.png");
    EXPECT_EQ(h.colorType, 3); // PNG_COLOR_TYPE_PALETTE
    EXPECT_EQ(h.bitDepth, 8);
    ASSERT_EQ(h.palette.size(), 256u);
    EXPECT_EQ(h.palette[1], (Rgb{128, 0, 0}));
    EXPECT_EQ(h.palette[255], (Rgb{224, 224, 192}));
    // The raw bytes begin with the PNG signature and carry a PLTE chunk.
    const std::string bytes = readFile(dir / "l.png");
    EXPECT_NE(bytes.find("PLTE"), std::string::npos);
    // A decoder that knows nothing of ids (OpenCV) sees the VOC colours: index -> palette is right.
    const cv::Mat bgr = cv::imread((dir / "l.png").string(), cv::IMREAD_COLOR);
    ASSERT_FALSE(bgr.empty());
    for (int y = 0; y < m.height; ++y)
        for (int x = 0; x < m.width; ++x) {
            const auto id = m.at(x, y);
            const Rgb want = vocPalette()[id == LabelMap::kVoid ? 255 : id];
            const auto px = bgr.at<cv::Vec3b>(y, x);
            ASSERT_EQ(Rgb({px[2], px[1], px[0]}), want) << x << "," << y;
        }
}

TEST(LabelPng, ProjectPaletteUsesClassColours)
{
    test::TempDir dir;
    ClassTable t = ClassTable::fromTyped({"a", "b"});
    t.setColor(1, {10, 20, 30});
    writePalettePng(dir / "l.png", LabelMap(4, 4, 1), t, PaletteKind::Project);
    EXPECT_EQ(readPngHeader(dir / "l.png").palette[1], (Rgb{10, 20, 30}));
}

TEST(LabelPng, PaletteAndIdRoundTrip)
{
    test::TempDir dir;
    const ClassTable t = ClassTable::fromTyped({"cat; kitten", "dog", "sofa"});
    const LabelMap m = randomLabels(t, 31, 9, 2);
    writePalettePng(dir / "p.png", m, t);
    writeIdPng(dir / "i.png", m, t);
    EXPECT_EQ(readLabelPng(dir / "p.png", t), m);
    EXPECT_EQ(readLabelPng(dir / "i.png", t, 31, 9), m);
    const PngHeader h = readPngHeader(dir / "i.png");
    EXPECT_EQ(h.colorType, 0);
    EXPECT_EQ(h.bitDepth, 8);
}

TEST(LabelPng, SixteenBitWhenIdsExceed255)
{
    test::TempDir dir;
    ClassTable t;
    for (int i = 0; i < 300; ++i)
        t.add("c" + std::to_string(i));
    const LabelMap m = randomLabels(t, 17, 11, 3);
    writeIdPng(dir / "i.png", m, t);
    EXPECT_EQ(readPngHeader(dir / "i.png").bitDepth, 16);
    EXPECT_EQ(readLabelPng(dir / "i.png", t), m);
    EXPECT_THROW(writePalettePng(dir / "p.png", m, t), Error);
}

TEST(LabelPng, OutputBytesAreDeterministic)
{
    test::TempDir dir;
    const ClassTable t = ClassTable::fromTyped({"a", "b"});
    const LabelMap m = randomLabels(t, 40, 30, 4);
    writePalettePng(dir / "a.png", m, t);
    writePalettePng(dir / "b.png", m, t);
    EXPECT_EQ(readFile(dir / "a.png"), readFile(dir / "b.png"));
}

TEST(LabelPng, ImportRefusesWrongSizeUnknownIdsAndColourPngs)
{
    test::TempDir dir;
    const ClassTable t3 = ClassTable::fromTyped({"a", "b", "c"});
    const ClassTable t1 = ClassTable::fromTyped({"a"});
    writeIdPng(dir / "i.png", LabelMap(5, 4, 2), t3);
    const auto message = [&](auto&& f) {
        try {
            f();
        } catch (const Error& e) {
            return std::string(e.what());
        }
        return std::string("(no error)");
    };
    EXPECT_NE(message([&] { readLabelPng(dir / "i.png", t3, 6, 4); }).find("5x4"), std::string::npos);
    EXPECT_NE(message([&] { readLabelPng(dir / "i.png", t1); }).find("class id 2"), std::string::npos);
    cv::imwrite((dir / "rgb.png").string(), cv::Mat(4, 4, CV_8UC3, cv::Scalar(1, 2, 3)));
    EXPECT_NE(message([&] { readLabelPng(dir / "rgb.png", t3); }).find("colour PNG"), std::string::npos);
    writeFileAtomic(dir / "junk.png", "not a png at all");
    EXPECT_NE(message([&] { readLabelPng(dir / "junk.png", t3); }).find("junk.png"), std::string::npos);
}

TEST(LabelPng, PreviewColoursAndBlends)
{
    ClassTable t = ClassTable::fromTyped({"a", "b"});
    t.setColor(1, {200, 100, 0});
    LabelMap m(2, 1);
    m.at(0, 0) = 1;
    const Image plain = renderPreview(m, t);
    EXPECT_EQ(plain.pixels, (std::vector<std::uint8_t>{200, 100, 0, 0, 0, 0}));
    Image photo(2, 1, 3);
    std::fill(photo.pixels.begin(), photo.pixels.end(), 100);
    const Image blended = renderPreview(m, t, &photo, 0.5);
    EXPECT_EQ(blended.pixels, (std::vector<std::uint8_t>{150, 100, 50, 100, 100, 100}));
}

TEST(LabelPng, ClassListHasOneLinePerId)
{
    test::TempDir dir;
    ClassTable t = ClassTable::fromTyped({"a", "b", "c"});
    t.remove(1);
    writeClassList(dir / "class_names.txt", t);
    EXPECT_EQ(readFile(dir / "class_names.txt"), "a\n_unused_\nc\n");
}
