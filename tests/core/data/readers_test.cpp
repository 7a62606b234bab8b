// Reader round trips on small folders written here: generic layout, VOC (palette PNGs, SBD lists),
// PASCAL-Context and COCO-Stuff (182 ids and the 171-class mapping); errors name the file.
#include "core/common/error.h"
#include "core/common/files.h"
#include "core/data/benchmarkdatasets.h"
#include "core/data/classlists.h"
#include "core/data/datasetinfo.h"
#include "core/data/folderdataset.h"
#include "core/data/pngfile.h"
#include "core/io/classtable.h"
#include "core/io/image_io.h"
#include "core/io/labelpng.h"
#include "tests/support/testdir.h"

#include <gtest/gtest.h>

using namespace zm;
namespace fs = std::filesystem;

namespace {

Image photo(int w, int h, int seed)
{
    Image im(w, h, 3);
    for (std::size_t i = 0; i < im.pixels.size(); ++i)
        im.pixels[i] = std::uint8_t((i * 7 + std::size_t(seed) * 31) % 251);
    return im;
}

LabelMap labels(int w, int h, std::initializer_list<std::uint16_t> cycle)
{
    LabelMap l(w, h);
    const std::vector<std::uint16_t> c(cycle);
    for (std::size_t i = 0; i < l.ids.size(); ++i)
        l.ids[i] = c[(i / 3) % c.size()];
    return l;
}

std::string expectError(const std::function<void()>& f)
{
    try {
        f();
    } catch (const Error& e) {
        return e.what();
    }
    ADD_FAILURE() << "no zm::Error thrown";
    return {};
}

} // namespace

TEST(ClassLists, BenchmarkSizes)
{
    EXPECT_EQ(vocClassNames().size(), 21u);
    EXPECT_EQ(context59ClassNames().size(), 60u);
    EXPECT_EQ(cocoStuff182ClassNames().size(), 182u);
    EXPECT_EQ(cocoStuff171ClassNames().size(), 171u);
    // SPNet's novel ids (0-based, 182 classes) name the 15 unseen classes.
    const int novel[] = {20, 24, 32, 33, 40, 56, 86, 99, 105, 123, 144, 147, 148, 168, 171};
    const char* names[] = {"cow",       "giraffe", "suitcase", "frisbee",      "skateboard",
                           "carrot",    "scissors", "cardboard", "clouds",     "grass",
                           "playingfield", "river", "road",      "tree",       "wall-concrete"};
    for (int i = 0; i < 15; ++i)
        EXPECT_EQ(cocoStuff182ClassNames()[std::size_t(novel[i])], names[i]);
    EXPECT_EQ(cocoStuff182To171()[11], -1); // street sign (COCO id 12) is unused
    EXPECT_EQ(cocoStuff182To171()[0], 0);
    EXPECT_EQ(cocoStuff182To171()[181], 170);
    EXPECT_EQ(cocoStuff171ClassNames()[170], "wood");
}

TEST(GenericFolder, RoundTripWithSplitListAndUnlabelled)
{
    test::TempDir dir;
    const fs::path root = dir / "data";
    fs::create_directories(root / "images" / "train");
    fs::create_directories(root / "labels" / "train");
    fs::create_directories(root / "splits");
    writeFileAtomic(root / "classes.txt", "background\ncat\ndog\n\n");
    std::vector<LabelMap> written;
    for (int i = 0; i < 3; ++i) {
        const std::string stem = "img" + std::to_string(i);
        writeImagePng(root / "images" / "train" / (stem + ".png"), photo(7, 5, i));
        LabelMap l = labels(7, 5, {0, 1, 2, LabelMap::kVoid});
        l.ids[std::size_t(i)] = 2;
        writeLabelIds(root / "labels" / "train" / (stem + ".png"), l);
        written.push_back(l);
    }
    saveImage(root / "images" / "train" / "extra.jpg", photo(7, 5, 9)); // no label: unlabelled
    writeFileAtomic(root / "splits" / "train.txt", "img2\nimg0\n");

    FolderDataset d(root, "train");
    EXPECT_EQ(d.classNames(), (std::vector<std::string>{"background", "cat", "dog"}));
    ASSERT_EQ(d.size(), 2); // the split list decides, in its order
    const Sample s = d.get(0);
    EXPECT_EQ(s.id, "train/img2");
    EXPECT_EQ(s.labels, written[2]);
    EXPECT_EQ(s.image.pixels, photo(7, 5, 2).pixels);
    EXPECT_EQ(d.get(1).labels, written[0]);

    fs::remove(root / "splits" / "train.txt");
    EXPECT_THROW(FolderDataset(root, "train"), Error); // extra.jpg has no label
    FolderDataset all(root, "train", false);
    ASSERT_EQ(all.size(), 4);
    EXPECT_EQ(all.entry(0).id, "train/extra"); // natural order: extra, img0, img1, img2
    EXPECT_TRUE(all.get(0).labels.empty());
    EXPECT_EQ(detectDatasetFormat(root), "generic");
    EXPECT_EQ(standardSubsets("generic", root).train, "train");

    NullProgress quiet;
    const DatasetStats st = computeDatasetStats(all, quiet);
    EXPECT_EQ(st.labelled, 3);
    std::uint64_t dogs = 0;
    for (const auto& l : written)
        for (auto id : l.ids)
            dogs += id == 2;
    EXPECT_EQ(st.classPixels[2], dogs);
}

TEST(GenericFolder, ErrorsNameTheFile)
{
    test::TempDir dir;
    const fs::path root = dir / "d";
    fs::create_directories(root / "images" / "val");
    fs::create_directories(root / "labels" / "val");
    writeFileAtomic(root / "classes.txt", "background\n\ncat\n");
    EXPECT_NE(expectError([&] { FolderDataset(root, "val"); }).find("line 2"), std::string::npos);
    writeFileAtomic(root / "classes.txt", "background\ncat\n");
    EXPECT_NE(expectError([&] { FolderDataset(root, "train"); }).find("val"), std::string::npos); // lists subsets
    writeImagePng(root / "images" / "val" / "a.png", photo(4, 4, 1));
    writeLabelIds(root / "labels" / "val" / "a.png", labels(4, 4, {0, 5})); // 5 is not a class
    FolderDataset d(root, "val");
    const std::string msg = expectError([&] { d.get(0); });
    EXPECT_NE(msg.find("a.png"), std::string::npos);
    EXPECT_NE(msg.find("5"), std::string::npos);
    writeLabelIds(root / "labels" / "val" / "a.png", labels(3, 4, {0, 1})); // wrong size
    EXPECT_NE(expectError([&] { d.get(0); }).find("3x4"), std::string::npos);
    writeImagePng(root / "labels" / "val" / "a.png", photo(4, 4, 2)); // colour labels
    EXPECT_NE(expectError([&] { d.get(0); }).find("palette"), std::string::npos);
}

TEST(VocReader, PaletteIndicesBorderIgnoreAndSbdLists)
{
    test::TempDir dir;
    const fs::path voc = dir / "VOCdevkit" / "VOC2012";
    for (const char* sub : {"JPEGImages", "SegmentationClass", "SegmentationClassAug", "ImageSets/Segmentation",
                            "ImageSets/SegmentationAug"})
        fs::create_directories(voc / sub);
    const ClassTable table = ClassTable::fromTyped(vocClassNames());
    LabelMap a = labels(6, 4, {0, 15, 20, LabelMap::kVoid}); // person, tv monitor, border
    LabelMap b = labels(6, 4, {0, 1});
    saveImage(voc / "JPEGImages" / "2007_000032.jpg", photo(6, 4, 1));
    saveImage(voc / "JPEGImages" / "2007_000033.jpg", photo(6, 4, 2));
    writePalettePng(voc / "SegmentationClass" / "2007_000032.png", a, table);
    writePalettePng(voc / "SegmentationClass" / "2007_000033.png", b, table);
    writeLabelIds(voc / "SegmentationClassAug" / "2007_000033.png", b);
    writeFileAtomic(voc / "ImageSets" / "Segmentation" / "val.txt", "2007_000032\n2007_000033\n");
    writeFileAtomic(voc / "ImageSets" / "SegmentationAug" / "train_aug.txt",
                    "/JPEGImages/2007_000033.jpg /SegmentationClassAug/2007_000033.png\n");

    EXPECT_EQ(readPngHeader(voc / "SegmentationClass" / "2007_000032.png").colorType, 3); // really a palette PNG
    VocDataset val(dir.path(), "val");
    ASSERT_EQ(val.size(), 2);
    EXPECT_EQ(val.classNames()[15], "person");
    const Sample s = val.get(0);
    EXPECT_EQ(s.id, "2007_000032");
    EXPECT_EQ(s.labels, a); // indices, not colours; 255 -> ignore
    EXPECT_EQ(s.image.width, 6);
    VocDataset aug(dir / "VOCdevkit", "train_aug");
    ASSERT_EQ(aug.size(), 1);
    EXPECT_EQ(aug.get(0).labels, b);
    EXPECT_EQ(detectDatasetFormat(dir.path()), "voc");
    EXPECT_EQ(standardSubsets("voc", dir / "VOCdevkit").train, "train_aug");
    EXPECT_NE(expectError([&] { VocDataset(dir.path(), "test"); }).find("val"), std::string::npos);
    fs::remove(voc / "JPEGImages" / "2007_000033.jpg");
    EXPECT_NE(expectError([&] { VocDataset(dir.path(), "val"); }).find("2007_000033.jpg"), std::string::npos);
}

TEST(ContextReader, Sixty59PlusBackground)
{
    test::TempDir dir;
    const fs::path root = dir / "VOC2010";
    for (const char* sub : {"JPEGImages", "SegmentationClassContext", "ImageSets/SegmentationContext"})
        fs::create_directories(root / sub);
    saveImage(root / "JPEGImages" / "2008_000002.jpg", photo(5, 5, 3));
    const LabelMap l = labels(5, 5, {0, 59, 20, LabelMap::kVoid});
    writeLabelIds(root / "SegmentationClassContext" / "2008_000002.png", l);
    writeFileAtomic(root / "ImageSets" / "SegmentationContext" / "val.txt", "2008_000002\n");
    auto d = openDataset("auto", dir.path(), "val");
    EXPECT_EQ(detectDatasetFormat(dir.path()), "context");
    ASSERT_EQ(d->size(), 1);
    EXPECT_EQ(d->classNames().size(), 60u);
    EXPECT_EQ(d->classNames()[59], "wood");
    EXPECT_EQ(d->classNames()[20], "cow");
    EXPECT_EQ(d->get(0).labels, l);
}

TEST(CocoStuffReader, Ids182AndThe171Mapping)
{
    test::TempDir dir;
    fs::create_directories(dir / "images" / "val2017");
    fs::create_directories(dir / "annotations" / "val2017");
    saveImage(dir / "images" / "val2017" / "000000000139.jpg", photo(6, 3, 4));
    LabelMap l(6, 3, LabelMap::kVoid);
    l.ids = {0, 11, 20, 181, LabelMap::kVoid, 91, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    writeLabelIds(dir / "annotations" / "val2017" / "000000000139.png", l);
    CocoStuffDataset d182(dir.path(), "val2017");
    EXPECT_EQ(d182.get(0).labels, l);
    EXPECT_EQ(d182.get(0).id, "val2017/000000000139");
    CocoStuffDataset d171(dir.path(), "val2017", true);
    const LabelMap m = d171.get(0).labels;
    EXPECT_EQ(m.ids[0], 0);
    EXPECT_EQ(m.ids[1], LabelMap::kVoid); // street sign: unused id -> ignore
    EXPECT_EQ(d171.classNames()[m.ids[2]], "cow");
    EXPECT_EQ(m.ids[3], 170);
    EXPECT_EQ(d171.classNames()[m.ids[5]], "banner");
    EXPECT_EQ(detectDatasetFormat(dir.path()), "cocostuff");
    EXPECT_THROW(openDataset("pascal", dir.path(), "val2017"), Error);
}

TEST(PngFile, RgbReaderMatchesOpenCvAndExpandsGrey)
{
    test::TempDir dir;
    const Image rgb = photo(9, 4, 3);
    writeImagePng(dir / "rgb.png", rgb);
    EXPECT_EQ(readImagePng(dir / "rgb.png").pixels, rgb.pixels);
    EXPECT_EQ(loadImageRgb(dir / "rgb.png").pixels, rgb.pixels);
    LabelMap grey(3, 2, 0);
    grey.ids = {0, 10, 20, 30, 40, 254};
    writeLabelIds(dir / "grey.png", grey);
    const Image g = readImagePng(dir / "grey.png");
    ASSERT_EQ(g.channels, 3);
    EXPECT_EQ(g.pixels, loadImageRgb(dir / "grey.png").pixels);
    EXPECT_EQ(g.row(1)[2 * 3 + 1], 254);
    const fs::path real = "/usr/lib/python3/dist-packages/skimage/data/chelsea.png";
    if (fs::exists(real)) {
        EXPECT_EQ(readImagePng(real).pixels, loadImageRgb(real).pixels);
    }
    writeFileAtomic(dir / "bad.png", "not a png");
    EXPECT_THROW(readImagePng(dir / "bad.png"), Error);
}

TEST(GenericFolder, SixteenBitIdsForManyClasses)
{
    test::TempDir dir;
    const fs::path root = dir / "many";
    fs::create_directories(root / "images" / "train");
    fs::create_directories(root / "labels" / "train");
    std::vector<std::string> names;
    std::string list;
    for (int i = 0; i < 300; ++i) {
        names.push_back("class" + std::to_string(i));
        list += names.back() + "\n";
    }
    writeFileAtomic(root / "classes.txt", list);
    const ClassTable table = ClassTable::fromTyped(names);
    LabelMap l(4, 2, 0);
    l.ids = {0, 256, 299, LabelMap::kVoid, 254, 1, 257, 7}; // ClassTable never gives out id 255
    writeIdPng(root / "labels" / "train" / "a.png", l, table); // 16-bit, ignore = 65535
    EXPECT_EQ(readPngHeader(root / "labels" / "train" / "a.png").bitDepth, 16);
    writeImagePng(root / "images" / "train" / "a.png", photo(4, 2, 5));
    FolderDataset d(root, "train");
    EXPECT_EQ(d.classNames().size(), 300u);
    EXPECT_EQ(d.get(0).labels, l);
}

TEST(VocReader, MmsegAugListInSegmentationFolder)
{
    test::TempDir dir;
    const fs::path voc = dir / "VOC2012";
    for (const char* sub : {"JPEGImages", "SegmentationClassAug", "ImageSets/Segmentation"})
        fs::create_directories(voc / sub);
    saveImage(voc / "JPEGImages" / "2008_000008.jpg", photo(3, 3, 6));
    const LabelMap l = labels(3, 3, {0, 13});
    writeLabelIds(voc / "SegmentationClassAug" / "2008_000008.png", l);
    writeFileAtomic(voc / "ImageSets" / "Segmentation" / "aug.txt", "2008_000008\n");
    VocDataset d(dir.path(), "aug");
    ASSERT_EQ(d.size(), 1);
    EXPECT_EQ(d.get(0).labels, l);
}
