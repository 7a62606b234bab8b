// A tiny data set in the generic folder layout for tests that run the real zeromask-cli: three classes,
// solid halves, label PNGs written without an image library.
#pragma once
#include "core/common/files.h"

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace zm::test {

inline std::uint32_t crc32(const std::string& bytes)
{
    std::uint32_t c = 0xFFFFFFFFu;
    for (unsigned char b : bytes) {
        c ^= b;
        for (int k = 0; k < 8; ++k)
            c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
    }
    return ~c;
}

inline void be32(std::string& out, std::uint32_t v)
{
    for (int s = 24; s >= 0; s -= 8)
        out.push_back(char((v >> s) & 0xFF));
}

/// An 8-bit grey PNG (the generic layout's label ids), written without an image library: one stored
/// (uncompressed) deflate block.
inline void writeGreyPng(const std::filesystem::path& file, int w, int h, const std::vector<std::uint8_t>& ids)
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

/// Generic layout: classes zebra, shark, tiger; each 48x48 image is two halves of solid colour, one
/// class each. Tiger (unseen) appears only in the test images.
inline void makeData(const std::filesystem::path& root, int trainImages = 6, int testImages = 2)
{
    const int s = 48;
    const unsigned char colours[3][3] = {{250, 250, 250}, {20, 40, 200}, {230, 120, 10}};
    zm::writeFileAtomic(root / "classes.txt", "zebra\nshark\ntiger\n");
    for (const std::string sub : {"train", "test"}) {
        std::filesystem::create_directories(root / "images" / sub);
        std::filesystem::create_directories(root / "labels" / sub);
        const int n = sub == "train" ? trainImages : testImages;
        for (int i = 0; i < n; ++i) {
            const int left = sub == "train" ? i % 2 : 2, right = sub == "train" ? 1 - i % 2 : i % 2;
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

} // namespace zm::test
