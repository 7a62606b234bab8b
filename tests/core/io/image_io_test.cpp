// Image loading: formats, bit depths, channel counts, and errors that name the file.
#include "core/common/error.h"
#include "core/common/files.h"
#include "core/io/image_io.h"
#include "tests/support/testdir.h"

#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>

using namespace zm;

TEST(ImageIo, RoundTripRgbPng)
{
    test::TempDir dir;
    Image img(5, 3, 3);
    for (std::size_t i = 0; i < img.pixels.size(); ++i)
        img.pixels[i] = std::uint8_t(i * 7);
    saveImage(dir / "a.png", img);
    ImageInfo info;
    const Image back = loadImageRgb(dir / "a.png", &info);
    EXPECT_EQ(back.width, 5);
    EXPECT_EQ(back.height, 3);
    EXPECT_EQ(back.pixels, img.pixels);
    EXPECT_EQ(info.channels, 3);
}

TEST(ImageIo, GreyAnd16BitBecomeRgb8)
{
    test::TempDir dir;
    cv::Mat g16(4, 4, CV_16UC1, cv::Scalar(1000));
    g16.at<std::uint16_t>(0, 0) = 4000;
    cv::imwrite((dir / "g16.png").string(), g16);
    ImageInfo info;
    const Image img = loadImageRgb(dir / "g16.png", &info);
    EXPECT_EQ(info.bitsPerChannel, 16);
    EXPECT_EQ(info.channels, 1);
    EXPECT_EQ(img.channels, 3);
    EXPECT_EQ(img.pixels[0], 255);      // the maximum maps to white
    EXPECT_NEAR(img.pixels[3], 64, 1);  // 1000/4000*255
}

TEST(ImageIo, CorruptAndMissingFilesAreNamed)
{
    test::TempDir dir;
    writeFileAtomic(dir / "broken.jpg", "this is not a jpeg");
    writeFileAtomic(dir / "empty.png", "");
    for (const auto& p : {dir / "broken.jpg", dir / "empty.png", dir / "missing.png"}) {
        try {
            loadImageRgb(p);
            FAIL() << p;
        } catch (const Error& e) {
            EXPECT_NE(std::string(e.what()).find(p.filename().string()), std::string::npos) << e.what();
        }
    }
}

TEST(ImageIo, ListImagesNaturalOrder)
{
    test::TempDir dir;
    Image img(2, 2, 3);
    for (const char* n : {"img10.png", "img2.png", "img1.png", "notes.txt"})
        writeFileAtomic(dir / n, "x");
    const auto files = listImages(dir.path());
    ASSERT_EQ(files.size(), 3u);
    EXPECT_EQ(files[0].filename(), "img1.png");
    EXPECT_EQ(files[1].filename(), "img2.png");
    EXPECT_EQ(files[2].filename(), "img10.png");
}
