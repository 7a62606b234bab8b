// PNG label files through libpng (OpenCV cannot write indexed PNGs). libpng reports errors with
// longjmp, so every libpng call sits in a small function whose locals are plain C data.
#include "core/io/labelpng.h"

#include "core/common/error.h"
#include "core/common/files.h"

#include <png.h>

#include <algorithm>
#include <cerrno>
#include <csetjmp>
#include <cstdio>
#include <cstring>
#include <memory>

namespace zm {

namespace fs = std::filesystem;

namespace {

struct PngError {
    char message[256];
};

void onPngError(png_structp png, png_const_charp msg)
{
    auto* e = static_cast<PngError*>(png_get_error_ptr(png));
    std::snprintf(e->message, sizeof e->message, "%s", msg);
    png_longjmp(png, 1);
}

void onPngWarning(png_structp, png_const_charp) {}

struct FileCloser {
    void operator()(std::FILE* f) const { std::fclose(f); }
};
using FilePtr = std::unique_ptr<std::FILE, FileCloser>;

struct RawPng {
    int width = 0, height = 0, bitDepth = 0, colorType = 0;
    png_color palette[256];
    int paletteSize = 0;
};

// rows: height pointers to rows of width samples (1 or 2 bytes each, 16-bit little-endian in memory).
bool writePngRaw(std::FILE* f, const RawPng* img, png_bytep* rows, PngError* err)
{
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, err, onPngError, onPngWarning);
    if (!png) {
        std::snprintf(err->message, sizeof err->message, "libpng could not start");
        return false;
    }
    png_infop info = png_create_info_struct(png);
    if (!info) {
        png_destroy_write_struct(&png, nullptr);
        std::snprintf(err->message, sizeof err->message, "libpng could not start");
        return false;
    }
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        return false;
    }
    png_init_io(png, f);
    // Fixed settings (and no time chunk) so the same labels always give the same bytes.
    png_set_compression_level(png, 6);
    png_set_filter(png, PNG_FILTER_TYPE_BASE, img->colorType == PNG_COLOR_TYPE_PALETTE ? PNG_FILTER_NONE : PNG_FILTER_SUB);
    png_set_IHDR(png, info, png_uint_32(img->width), png_uint_32(img->height), img->bitDepth, img->colorType,
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    if (img->colorType == PNG_COLOR_TYPE_PALETTE)
        png_set_PLTE(png, info, img->palette, img->paletteSize);
    png_write_info(png, info);
    if (img->bitDepth == 16)
        png_set_swap(png);
    png_write_image(png, rows);
    png_write_end(png, nullptr);
    png_destroy_write_struct(&png, &info);
    return true;
}

// Reads the header; when `pixels` is given also the samples (8-bit -> 1 byte, 16-bit -> 2 bytes LE).
bool readPngRaw(std::FILE* f, RawPng* img, std::vector<std::uint8_t>* pixels, PngError* err)
{
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, err, onPngError, onPngWarning);
    if (!png) {
        std::snprintf(err->message, sizeof err->message, "libpng could not start");
        return false;
    }
    png_infop info = png_create_info_struct(png);
    if (!info) {
        png_destroy_read_struct(&png, nullptr, nullptr);
        std::snprintf(err->message, sizeof err->message, "libpng could not start");
        return false;
    }
    png_bytep* volatile rows = nullptr; // volatile: changed after setjmp
    if (setjmp(png_jmpbuf(png))) {
        std::free(rows);
        png_destroy_read_struct(&png, &info, nullptr);
        return false;
    }
    png_init_io(png, f);
    png_read_info(png, info);
    img->width = int(png_get_image_width(png, info));
    img->height = int(png_get_image_height(png, info));
    img->bitDepth = png_get_bit_depth(png, info);
    img->colorType = png_get_color_type(png, info);
    img->paletteSize = 0;
    png_colorp plte = nullptr;
    int n = 0;
    if (png_get_PLTE(png, info, &plte, &n) && plte) {
        img->paletteSize = std::min(n, 256);
        std::memcpy(img->palette, plte, sizeof(png_color) * std::size_t(img->paletteSize));
    }
    const bool wanted = img->colorType == PNG_COLOR_TYPE_PALETTE || img->colorType == PNG_COLOR_TYPE_GRAY;
    if (pixels && wanted) {
        if (img->bitDepth < 8)
            png_set_packing(png); // one sample per byte, values unchanged (not scaled)
        if (img->bitDepth == 16)
            png_set_swap(png);
        png_set_interlace_handling(png); // Adam7 files from other tools
        png_read_update_info(png, info);
        const std::size_t rowBytes = png_get_rowbytes(png, info);
        pixels->assign(rowBytes * std::size_t(img->height), 0);
        rows = static_cast<png_bytep*>(std::malloc(sizeof(png_bytep) * std::size_t(img->height)));
        if (!rows) {
            std::snprintf(err->message, sizeof err->message, "out of memory");
            png_destroy_read_struct(&png, &info, nullptr);
            return false;
        }
        for (int y = 0; y < img->height; ++y)
            rows[y] = pixels->data() + rowBytes * std::size_t(y);
        png_read_image(png, rows);
        png_read_end(png, nullptr);
        std::free(rows);
        rows = nullptr;
    }
    png_destroy_read_struct(&png, &info, nullptr);
    return true;
}

void writeRaw(const fs::path& file, RawPng& img, std::vector<std::uint8_t>& samples)
{
    const std::size_t rowBytes = std::size_t(img.width) * (img.bitDepth == 16 ? 2 : 1);
    std::vector<png_bytep> rows(std::size_t(img.height));
    for (int y = 0; y < img.height; ++y)
        rows[std::size_t(y)] = samples.data() + rowBytes * std::size_t(y);
    writeFileAtomicWith(file, [&](const fs::path& tmp) {
        FilePtr f(std::fopen(tmp.c_str(), "wb"));
        if (!f)
            throw fileError(file.string(), std::string("cannot write: ") + std::strerror(errno));
        PngError err{};
        if (!writePngRaw(f.get(), &img, rows.data(), &err))
            throw fileError(file.string(), std::string("cannot write PNG: ") + err.message);
        if (std::fflush(f.get()) != 0 || std::ferror(f.get())) {
            const int e = errno;
            throw fileError(file.string(), std::string("write failed: ") + std::strerror(e) + (e == ENOSPC ? " (disk full)" : ""));
        }
    });
}

void requireLabels(const fs::path& file, const LabelMap& labels)
{
    if (labels.empty() || labels.ids.size() != std::size_t(labels.width) * std::size_t(labels.height))
        throw fileError(file.string(), "refusing to write an empty or inconsistent label map");
}

RawPng readRaw(const fs::path& file, std::vector<std::uint8_t>* pixels)
{
    std::error_code ec;
    if (!fs::exists(file, ec))
        throw fileError(file.string(), "file not found");
    FilePtr f(std::fopen(file.c_str(), "rb"));
    if (!f)
        throw fileError(file.string(), std::string("cannot open: ") + std::strerror(errno));
    unsigned char sig[8] = {};
    if (std::fread(sig, 1, 8, f.get()) != 8 || png_sig_cmp(sig, 0, 8) != 0)
        throw fileError(file.string(), "not a PNG file");
    std::rewind(f.get());
    RawPng img;
    PngError err{};
    if (!readPngRaw(f.get(), &img, pixels, &err))
        throw fileError(file.string(), std::string("corrupt PNG: ") + err.message);
    return img;
}

} // namespace

void writePalettePng(const fs::path& file, const LabelMap& labels, const ClassTable& table, PaletteKind palette)
{
    requireLabels(file, labels);
    if (table.maxId() > 255)
        throw fileError(file.string(), "a palette PNG holds 8-bit ids, but the label map has class id " +
                                           std::to_string(table.maxId()) + "; export as a 16-bit id PNG instead");
    table.checkIds(labels, file.string());
    RawPng img;
    img.width = labels.width;
    img.height = labels.height;
    img.bitDepth = 8;
    img.colorType = PNG_COLOR_TYPE_PALETTE;
    img.paletteSize = 256;
    const auto& voc = vocPalette();
    for (int i = 0; i < 256; ++i)
        img.palette[i] = {voc[std::size_t(i)][0], voc[std::size_t(i)][1], voc[std::size_t(i)][2]};
    if (palette == PaletteKind::Project)
        for (const auto& c : table.classes())
            img.palette[c.id] = {c.color[0], c.color[1], c.color[2]};
    std::vector<std::uint8_t> samples(labels.ids.size());
    const auto ignore = std::uint8_t(table.ignoreIndex());
    for (std::size_t i = 0; i < samples.size(); ++i)
        samples[i] = labels.ids[i] == LabelMap::kVoid ? ignore : std::uint8_t(labels.ids[i]);
    writeRaw(file, img, samples);
}

void writeIdPng(const fs::path& file, const LabelMap& labels, const ClassTable& table)
{
    requireLabels(file, labels);
    table.checkIds(labels, file.string());
    RawPng img;
    img.width = labels.width;
    img.height = labels.height;
    img.colorType = PNG_COLOR_TYPE_GRAY;
    const bool wide = table.maxId() > 255; // ids never equal the ignore index
    img.bitDepth = wide ? 16 : 8;
    std::vector<std::uint8_t> samples(labels.ids.size() * (wide ? 2 : 1));
    const auto ignore = std::uint8_t(table.ignoreIndex());
    for (std::size_t i = 0; i < labels.ids.size(); ++i) {
        const std::uint16_t v = labels.ids[i];
        if (wide) {
            samples[2 * i] = std::uint8_t(v & 0xff); // kVoid is 65535 already
            samples[2 * i + 1] = std::uint8_t(v >> 8);
        } else {
            samples[i] = v == LabelMap::kVoid ? ignore : std::uint8_t(v);
        }
    }
    writeRaw(file, img, samples);
}

PngHeader readPngHeader(const fs::path& file)
{
    const RawPng raw = readRaw(file, nullptr);
    PngHeader h;
    h.width = raw.width;
    h.height = raw.height;
    h.bitDepth = raw.bitDepth;
    h.colorType = raw.colorType;
    for (int i = 0; i < raw.paletteSize; ++i)
        h.palette.push_back({raw.palette[i].red, raw.palette[i].green, raw.palette[i].blue});
    return h;
}

LabelMap readLabelPng(const fs::path& file, const ClassTable& table, int width, int height)
{
    std::vector<std::uint8_t> px;
    const RawPng raw = readRaw(file, &px);
    if (raw.colorType != PNG_COLOR_TYPE_PALETTE && raw.colorType != PNG_COLOR_TYPE_GRAY)
        throw fileError(file.string(), "is a colour PNG, not a label PNG (expected a palette PNG of class indices or a "
                                       "grey PNG of class ids)");
    if (width > 0 && height > 0 && (raw.width != width || raw.height != height))
        throw fileError(file.string(), "labels are " + std::to_string(raw.width) + "x" + std::to_string(raw.height) +
                                           " but the image is " + std::to_string(width) + "x" + std::to_string(height));
    LabelMap labels(raw.width, raw.height);
    const std::size_t n = labels.ids.size();
    if (raw.bitDepth == 16) {
        for (std::size_t i = 0; i < n; ++i)
            labels.ids[i] = std::uint16_t(px[2 * i] | (px[2 * i + 1] << 8)); // 65535 = kVoid
    } else {
        const std::uint8_t ignore = std::uint8_t(table.ignoreIndex());
        for (std::size_t i = 0; i < n; ++i)
            labels.ids[i] = px[i] == ignore ? LabelMap::kVoid : px[i];
    }
    table.checkIds(labels, file.string());
    return labels;
}

Image renderPreview(const LabelMap& labels, const ClassTable& table, const Image* photo, double alpha)
{
    std::vector<Rgb> colors(65536, Rgb{0, 0, 0});
    std::vector<bool> known(65536, false);
    for (const auto& c : table.classes()) {
        colors[c.id] = c.color;
        known[c.id] = true;
    }
    const bool blend = photo && !photo->empty() && photo->width == labels.width && photo->height == labels.height;
    const double a = std::clamp(alpha, 0.0, 1.0);
    Image out(labels.width, labels.height, 3);
    for (std::size_t i = 0; i < labels.ids.size(); ++i) {
        const std::uint16_t id = labels.ids[i];
        std::uint8_t* o = out.pixels.data() + 3 * i;
        if (blend) {
            const std::uint8_t* p = photo->pixels.data() + std::size_t(photo->channels) * i;
            for (int k = 0; k < 3; ++k) {
                const double base = p[photo->channels == 3 ? k : 0];
                o[k] = known[id] ? std::uint8_t(base * (1 - a) + colors[id][std::size_t(k)] * a + 0.5) : std::uint8_t(base);
            }
        } else {
            for (int k = 0; k < 3; ++k)
                o[k] = colors[id][std::size_t(k)];
        }
    }
    return out;
}

void writeClassList(const fs::path& file, const ClassTable& table)
{
    std::string text;
    if (!table.empty())
        for (unsigned id = 0; id <= table.maxId(); ++id) {
            const ClassEntry* e = table.find(std::uint16_t(id));
            text += (e ? e->name : std::string("_unused_")) + "\n";
        }
    writeFileAtomic(file, text);
}

} // namespace zm
