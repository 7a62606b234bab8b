// zeromask-cli dataset stampscenes on the real binary: presets listed, the missing package named, a tiny
// benchmark from stamps and photos written here (same seed, same bytes), and Ctrl-C leaving a folder that
// the next run finishes.
#include "core/common/files.h"
#include "core/common/json.h"
#include "tests/app/clidata.h"
#include "tests/support/cli_runner.h"
#include "tests/support/testdir.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <csignal>
#include <fcntl.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

using zm::test::runCli;
namespace fs = std::filesystem;

namespace {

std::string q(const fs::path& p)
{
    return "'" + p.string() + "'";
}

/// An 8-bit RGBA PNG written without an image library (one stored deflate block; small images only).
void writeRgbaPngStored(const fs::path& file, int w, int h, const std::vector<std::uint8_t>& rgba)
{
    using zm::test::be32;
    std::string raw;
    for (int y = 0; y < h; ++y) {
        raw.push_back('\0');
        raw.append(reinterpret_cast<const char*>(rgba.data()) + std::size_t(y) * w * 4, std::size_t(w) * 4);
    }
    ASSERT_LT(raw.size(), 65536u);
    std::string z = "\x78\x01";
    z.push_back('\x01');
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
        be32(out, zm::test::crc32(type + data));
    };
    std::string ihdr;
    be32(ihdr, std::uint32_t(w));
    be32(ihdr, std::uint32_t(h));
    ihdr += std::string("\x08\x06\x00\x00\x00", 5); // 8-bit RGBA, no interlace
    std::string png = "\x89PNG\r\n\x1a\n";
    chunk(png, "IHDR", ihdr);
    chunk(png, "IDAT", z);
    chunk(png, "IEND", "");
    zm::writeFileAtomic(file, png);
}

// A disc with a soft edge.
void writeDisc(const fs::path& file, int side, int seed)
{
    std::vector<std::uint8_t> px(std::size_t(side) * side * 4);
    const double c = (side - 1) / 2.0, r = side / 2.0 - 1;
    for (int y = 0; y < side; ++y)
        for (int x = 0; x < side; ++x) {
            const double inside = r - std::hypot(x - c, y - c);
            std::uint8_t* p = px.data() + (std::size_t(y) * side + x) * 4;
            p[0] = std::uint8_t(50 + 60 * seed);
            p[1] = std::uint8_t(x * 4);
            p[2] = std::uint8_t(y * 4);
            p[3] = std::uint8_t(inside >= 2 ? 255 : inside <= 0 ? 0 : int(127 * inside));
        }
    writeRgbaPngStored(file, side, side, px);
}

struct Inputs {
    zm::test::TempDir dir;
    std::string args;
    Inputs()
    {
        fs::create_directories(dir / "stamps" / "a");
        fs::create_directories(dir / "stamps" / "a" / "cartoon");
        fs::create_directories(dir / "photos");
        for (int i = 0; i < 4; ++i)
            writeDisc(dir / "stamps" / "a" / ("s" + std::to_string(i) + ".png"), 24 + 4 * i, i);
        zm::writeFileAtomic(dir / "stamps" / "a" / "cartoon" / "x.png", "a drawing that must never be read");
        zm::writeFileAtomic(dir / "table.tsv", "moon\ttrain\ta/s0.png\nmoon\ttest\ta/s1.png\nsun\tboth\ta/s2.png\n"
                                               "sun\tboth\ta/s3.png\n");
        const char* names[] = {"alpha", "bravo", "charlie", "delta", "echo", "foxtrot"};
        for (int i = 0; i < 6; ++i) {
            std::string ppm = "P6\n80 70\n255\n";
            for (int y = 0; y < 70; ++y)
                for (int x = 0; x < 80; ++x)
                    for (int c = 0; c < 3; ++c)
                        ppm.push_back(char((x * (c + 1) + y * (i + 2)) % 256));
            zm::writeFileAtomic(dir / "photos" / (std::string(names[i]) + ".ppm"), ppm);
        }
        args = "--stamps " + q(dir / "stamps") + " --table " + q(dir / "table.tsv") + " --backgrounds " +
               q(dir / "photos") + " --no-system-backgrounds --size 64 --min-item-size 16 --max-item-size 40";
    }
};

} // namespace

TEST(CliStampScenes, PresetsAreListed)
{
    const auto r = runCli("dataset presets");
    EXPECT_EQ(r.exitCode, 0) << r.output;
    for (const char* s : {"stamp-animals-4", "stamp-objects-4", "stamp-all-8", "stamp-oracle", "format stampscenes",
                          "antelope, rodent, duck, penguin", "truck, orange, drum, tank"})
        EXPECT_NE(r.output.find(s), std::string::npos) << s << "\n" << r.output;
    const auto one = runCli("dataset presets stamp-all-8");
    EXPECT_EQ(one.exitCode, 0) << one.output;
    EXPECT_NE(one.output.find("seen-val: pig, ball"), std::string::npos) << one.output;
}

TEST(CliStampScenes, MissingStampsFolderNamesThePackage)
{
    zm::test::TempDir dir;
    const auto r = runCli("dataset stampscenes --stamps /nonexistent/stamps --out " + q(dir / "ss"));
    EXPECT_EQ(r.exitCode, 1) << r.output;
    EXPECT_NE(r.output.find("apt install tuxpaint-stamps-default"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("/nonexistent/stamps"), std::string::npos) << r.output;
    EXPECT_FALSE(fs::exists(dir / "ss" / "dataset.json"));
}

TEST(CliStampScenes, GeneratesTheSameBytesForTheSameSeed)
{
    Inputs in;
    auto r =
        runCli("dataset stampscenes --out " + q(in.dir / "a") + " --seed 5 --train 4 --test 2 --threads 1 " + in.args);
    ASSERT_EQ(r.exitCode, 0) << r.output;
    EXPECT_NE(r.output.find("2 classes, 4 stamps"), std::string::npos) << r.output;
    r = runCli("dataset stampscenes --out " + q(in.dir / "b") + " --seed 5 --train 4 --test 2 --threads 3 " + in.args);
    ASSERT_EQ(r.exitCode, 0) << r.output;
    for (const char* f : {"dataset.json", "classes.txt", "images/train/00003.png", "labels/train/00003.png",
                          "labels/test/00001.png", "meta/train.jsonl"})
        EXPECT_EQ(zm::readFile(in.dir / "a" / f), zm::readFile(in.dir / "b" / f)) << f;
    EXPECT_EQ(zm::readFile(in.dir / "a" / "classes.txt"), "background\nmoon\nsun\n");
    r = runCli("dataset stampscenes --out " + q(in.dir / "c") + " --seed 6 --train 4 --test 2 " + in.args);
    ASSERT_EQ(r.exitCode, 0) << r.output;
    EXPECT_NE(zm::readFile(in.dir / "a" / "images/train/00000.png"),
              zm::readFile(in.dir / "c" / "images/train/00000.png"));

    r = runCli("dataset info " + q(in.dir / "a"));
    ASSERT_EQ(r.exitCode, 0) << r.output;
    EXPECT_NE(r.output.find("format: stampscenes"), std::string::npos) << r.output;
    // A folder of someone else's files is refused, and left alone.
    fs::create_directories(in.dir / "mine");
    zm::writeFileAtomic(in.dir / "mine" / "notes.txt", "keep");
    r = runCli("dataset stampscenes --out " + q(in.dir / "mine") + " --train 2 --test 1 " + in.args);
    EXPECT_EQ(r.exitCode, 1) << r.output;
    EXPECT_NE(r.output.find("not empty"), std::string::npos) << r.output;
    EXPECT_EQ(zm::readFile(in.dir / "mine" / "notes.txt"), "keep");
}

TEST(CliStampScenes, InterruptStopsWith130AndTheRerunFinishes)
{
    Inputs in;
    const fs::path out = in.dir / "big", log = in.dir / "log.txt";
    const std::string cli = ZM_CLI_PATH;
    std::vector<std::string> args = {"dataset",
                                     "stampscenes",
                                     "--out",
                                     out.string(),
                                     "--train",
                                     "50000",
                                     "--test",
                                     "1",
                                     "--threads",
                                     "1",
                                     "--stamps",
                                     (in.dir / "stamps").string(),
                                     "--table",
                                     (in.dir / "table.tsv").string(),
                                     "--backgrounds",
                                     (in.dir / "photos").string(),
                                     "--no-system-backgrounds",
                                     "--size",
                                     "64",
                                     "--min-item-size",
                                     "16",
                                     "--max-item-size",
                                     "40"};
    const pid_t pid = ::fork();
    if (pid == 0) {
        const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        ::dup2(fd, 1);
        ::dup2(fd, 2);
        std::vector<char*> argv{const_cast<char*>(cli.c_str())};
        for (auto& a : args)
            argv.push_back(a.data());
        argv.push_back(nullptr);
        ::execv(cli.c_str(), argv.data());
        ::_exit(127);
    }
    ASSERT_GT(pid, 0);
    // Wait until scenes are being written, then Ctrl-C.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (!fs::exists(out / "images" / "train" / "00003.png") && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    ::kill(pid, SIGINT);
    int status = 0;
    ::waitpid(pid, &status, 0);
    ASSERT_TRUE(WIFEXITED(status)) << zm::readFile(log);
    EXPECT_EQ(WEXITSTATUS(status), 130) << zm::readFile(log);
    EXPECT_NE(zm::readFile(log).find("cancelled"), std::string::npos) << zm::readFile(log);
    EXPECT_TRUE(fs::exists(out / ".stampscenes-incomplete"));
    EXPECT_FALSE(fs::exists(out / "dataset.json"));
    EXPECT_FALSE(fs::exists(out / "classes.txt"));
    const auto r = runCli("dataset stampscenes --out " + q(out) + " --train 3 --test 1 " + in.args);
    ASSERT_EQ(r.exitCode, 0) << r.output;
    EXPECT_TRUE(fs::exists(out / "dataset.json"));
    EXPECT_FALSE(fs::exists(out / ".stampscenes-incomplete"));
    EXPECT_FALSE(fs::exists(out / "images" / "train" / "00003.png")); // the interrupted run's scenes are gone
}
