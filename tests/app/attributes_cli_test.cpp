// An attribute table (CSV) as the semantic space of the real binary, end to end: train a tiny model with
// --vectors table.csv, then eval / predict with the same table work and with another table are refused;
// embed / neighbors / vectors info read the table. A few seconds in all.
#include "core/common/files.h"
#include "core/common/json.h"
#include "tests/support/cli_runner.h"
#include "tests/support/testdir.h"
#include "tests/support/helpers.h"

#include <gtest/gtest.h>

#include <cstdint>

using zm::test::runCli;
using zm::test::has;
namespace fs = std::filesystem;

namespace {

std::string q(const fs::path& p) { return "'" + p.string() + "'"; }

std::uint32_t crc32(const std::string& bytes)
{
    std::uint32_t c = 0xFFFFFFFFu;
    for (unsigned char b : bytes) {
        c ^= b;
        for (int k = 0; k < 8; ++k)
            c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
    }
    return ~c;
}

void be32(std::string& out, std::uint32_t v)
{
    for (int s = 24; s >= 0; s -= 8)
        out.push_back(char((v >> s) & 0xFF));
}

// An 8-bit grey PNG (the generic layout's label ids), written without an image library: one stored
// (uncompressed) deflate block.
void writeGreyPng(const fs::path& file, int w, int h, const std::vector<std::uint8_t>& ids)
{
    std::string raw;
    for (int y = 0; y < h; ++y) {
        raw.push_back('\0'); // filter: none
        raw.append(reinterpret_cast<const char*>(ids.data()) + std::size_t(y) * std::size_t(w), std::size_t(w));
    }
    std::string z = "\x78\x01";
    z.push_back('\x01'); // final stored block
    const auto len = std::uint16_t(raw.size());
    z.push_back(char(len & 0xFF));
    z.push_back(char(len >> 8));
    z.push_back(char(~len & 0xFF));
    z.push_back(char((~len >> 8) & 0xFF));
    z += raw;
    std::uint32_t a = 1, b = 0;
    for (unsigned char c : raw) {
        a = (a + c) % 65521;
        b = (b + a) % 65521;
    }
    be32(z, (b << 16) | a);
    auto chunk = [](std::string& out, const std::string& type, const std::string& data) {
        be32(out, std::uint32_t(data.size()));
        out += type + data;
        be32(out, crc32(type + data));
    };
    std::string ihdr;
    be32(ihdr, std::uint32_t(w));
    be32(ihdr, std::uint32_t(h));
    ihdr += std::string("\x08\x00\x00\x00\x00", 5); // 8-bit grey, no interlace
    std::string png = "\x89PNG\r\n\x1a\n";
    chunk(png, "IHDR", ihdr);
    chunk(png, "IDAT", z);
    chunk(png, "IEND", "");
    zm::writeFileAtomic(file, png);
}

// Generic layout: classes zebra, shark, tiger; each 48x48 image is two halves of solid colour, one
// class each. Tiger (unseen) appears only in the test images.
void makeData(const fs::path& root)
{
    const int s = 48;
    const unsigned char colours[3][3] = {{250, 250, 250}, {20, 40, 200}, {230, 120, 10}};
    zm::writeFileAtomic(root / "classes.txt", "zebra\nshark\ntiger\n");
    for (const std::string sub : {"train", "test"}) {
        fs::create_directories(root / "images" / sub);
        fs::create_directories(root / "labels" / sub);
        const int n = sub == "train" ? 6 : 2;
        for (int i = 0; i < n; ++i) {
            const int left = sub == "train" ? i % 2 : 2, right = sub == "train" ? 1 - i % 2 : i;
            std::vector<std::uint8_t> ids(std::size_t(s * s));
            std::string ppm = "P6\n" + std::to_string(s) + " " + std::to_string(s) + "\n255\n";
            for (int y = 0; y < s; ++y)
                for (int x = 0; x < s; ++x) {
                    const int c = x < s / 2 ? left : right;
                    ids[std::size_t(y * s + x)] = std::uint8_t(c);
                    ppm.append(reinterpret_cast<const char*>(colours[c]), 3);
                }
            zm::writeFileAtomic(root / "images" / sub / (std::to_string(i) + ".ppm"), ppm);
            writeGreyPng(root / "labels" / sub / (std::to_string(i) + ".png"), s, s, ids);
        }
    }
}


} // namespace

TEST(CliAttributes, TrainEvalPredictInAnAttributeSpace)
{
    zm::test::TempDir dir;
    makeData(dir / "data");
    const std::string zoo = "# attributes of the classes\nclass,stripes,legs,fur,water\nzebra,1,4,1,0\nshark,0,0,0,1\ntiger,1,4,1,0.3\n";
    zm::writeFileAtomic(dir / "zoo.csv", zoo);
    zm::writeFileAtomic(dir / "zoo-v2.csv", "class,stripes,legs,fur,water\nzebra,1,4,1,0\nshark,0,0,0,1\ntiger,1,4,1,0.4\n");
    zm::writeFileAtomic(dir / "no-tiger.csv", "class,stripes,legs,fur,water\nzebra,1,4,1,0\nshark,0,0,0,1\n");
    const std::string data = " --data " + q(dir / "data");

    // A split class the table lacks stops training before it starts, naming the file and close names.
    auto r = runCli("train" + data + " --unseen tiger --vectors " + q(dir / "no-tiger.csv") + " --out " + q(dir / "bad"));
    EXPECT_NE(r.exitCode, 0);
    EXPECT_TRUE(has(r.output, "no-tiger.csv: class 'tiger' is not in this attribute table")) << r.output;
    EXPECT_TRUE(has(r.output, "cannot embed other words")) << r.output;

    r = runCli("train" + data + " --unseen tiger --vectors " + q(dir / "zoo.csv") +
               " --iterations 3 --batch 2 --crop 32 --no-calibrate --device cpu --out " + q(dir / "model"));
    ASSERT_EQ(r.exitCode, 0) << r.output;
    const zm::Json card = zm::loadJsonFile(dir / "model" / "card.json");
    EXPECT_EQ(card["vectorSpace"]["name"], "attributes:zoo");
    EXPECT_EQ(card["vectorSpace"]["dim"], 4);
    r = runCli("vectors info " + q(dir / "zoo.csv"));
    ASSERT_EQ(r.exitCode, 0) << r.output;
    EXPECT_TRUE(has(r.output, card["vectorSpace"]["checksum"].get<std::string>())) << r.output;
    EXPECT_TRUE(has(r.output, "classes:    3: zebra, shark, tiger")) << r.output;

    // The same table: eval and predict work.
    r = runCli("eval --model " + q(dir / "model") + data + " --vectors " + q(dir / "zoo.csv") + " --device cpu");
    EXPECT_EQ(r.exitCode, 0) << r.output;
    EXPECT_TRUE(has(r.output, "hIoU:")) << r.output;
    const std::string predict = "predict " + q(dir / "data" / "images" / "test") + " --model " + q(dir / "model") + " --device cpu";
    r = runCli(predict + " --vectors " + q(dir / "zoo.csv") + " --classes 'Zebra, shark, tiger' --out " + q(dir / "out"));
    EXPECT_EQ(r.exitCode, 0) << r.output;
    EXPECT_TRUE(fs::is_regular_file(dir / "out" / "voc" / "0.png")) << r.output;

    // Another table (one value differs): refused, naming both spaces.
    r = runCli("eval --model " + q(dir / "model") + data + " --vectors " + q(dir / "zoo-v2.csv") + " --device cpu");
    EXPECT_NE(r.exitCode, 0);
    EXPECT_TRUE(has(r.output, "was trained in vector space attributes:zoo (4-d")) << r.output;
    EXPECT_TRUE(has(r.output, "attributes:zoo-v2")) << r.output;
    r = runCli(predict + " --vectors " + q(dir / "zoo-v2.csv") + " --classes 'zebra, shark' --out " + q(dir / "out2"));
    EXPECT_NE(r.exitCode, 0);
    EXPECT_TRUE(has(r.output, "Load the attribute table it was trained with ('zoo.csv'")) << r.output;

    // A class the table lacks, typed for predict: a clear error, no output.
    r = runCli(predict + " --vectors " + q(dir / "zoo.csv") + " --classes 'zebra, lion' --out " + q(dir / "out3"));
    EXPECT_NE(r.exitCode, 0);
    EXPECT_TRUE(has(r.output, "class 'lion' is not in this attribute table")) << r.output;

    // embed / neighbors read the table: the row, and the table's classes as neighbours.
    r = runCli("embed shark --vectors " + q(dir / "zoo.csv"));
    EXPECT_EQ(r.exitCode, 0) << r.output;
    EXPECT_TRUE(has(r.output, "shark\t0 0 0 1")) << r.output;
    r = runCli("neighbors zebra -k 2 --vectors " + q(dir / "zoo.csv"));
    EXPECT_EQ(r.exitCode, 0) << r.output;
    EXPECT_TRUE(has(r.output, "1.0000\tzebra\n")) << r.output;
    EXPECT_TRUE(has(r.output, "\ttiger\n")) << r.output;
}

TEST(CliAttributes, GenerativeMethodTrainsAndPredictsInAnAttributeSpace)
{
    zm::test::TempDir dir;
    makeData(dir / "data");
    zm::writeFileAtomic(dir / "zoo.csv", "#! normalize = columns\nclass,stripes,legs,fur,water\nzebra,1,4,1,0\nshark,0,0,0,1\ntiger,1,4,1,0.3\n");
    auto r = runCli("train --data " + q(dir / "data") + " --unseen tiger --method zs3 --gen generator_steps=5 --gen classifier_steps=5 --vectors " +
                    q(dir / "zoo.csv") + " --iterations 3 --batch 2 --crop 32 --no-calibrate --device cpu --out " + q(dir / "model"));
    ASSERT_EQ(r.exitCode, 0) << r.output;
    const zm::Json card = zm::loadJsonFile(dir / "model" / "card.json");
    EXPECT_EQ(card["method"], "zs3");
    EXPECT_EQ(card["vectorSpace"]["name"], "attributes:zoo");
    r = runCli("predict " + q(dir / "data" / "images" / "test") + " --model " + q(dir / "model") + " --device cpu --vectors " +
               q(dir / "zoo.csv") + " --classes 'zebra, shark; tiger' --out " + q(dir / "out"));
    EXPECT_EQ(r.exitCode, 0) << r.output;
    EXPECT_TRUE(fs::is_regular_file(dir / "out" / "voc" / "1.png")) << r.output;
}
