// PNG through libpng (see pngfile.h for why not OpenCV).
#include "core/data/pngfile.h"

#include "core/common/error.h"
#include "core/common/files.h"

#include <png.h>

#include <csetjmp>
#include <cstdio>
#include <memory>
#include <string>

namespace zm {
namespace {

struct FileCloser {
    void operator()(std::FILE* f) const
    {
        if (f)
            std::fclose(f);
    }
};
using FilePtr = std::unique_ptr<std::FILE, FileCloser>;

// libpng reports errors through longjmp by default; route them into a message we can throw after the
// jump, so no C++ object is skipped by longjmp.
struct PngErrorState {
    char message[256] = "unknown libpng error";
};

void pngError(png_structp png, png_const_charp msg)
{
    auto* st = static_cast<PngErrorState*>(png_get_error_ptr(png));
    std::snprintf(st->message, sizeof st->message, "%s", msg);
    png_longjmp(png, 1);
}

void pngWarning(png_structp, png_const_charp) {}

FilePtr openForRead(const std::filesystem::path& path)
{
    std::error_code ec;
    if (!std::filesystem::exists(path, ec))
        throw fileError(path.string(), "file not found");
    FilePtr f(std::fopen(path.c_str(), "rb"));
    if (!f)
        throw fileError(path.string(), "cannot open for reading");
    unsigned char sig[8] = {};
    if (std::fread(sig, 1, 8, f.get()) != 8 || png_sig_cmp(sig, 0, 8) != 0)
        throw fileError(path.string(), "not a PNG file");
    return f;
}

struct Decoded {
    int width = 0, height = 0, colorType = 0, bitDepth = 0;
    std::vector<std::uint8_t> data; // rows packed, 1 or 2 bytes per sample
    int rowBytes = 0;
    bool rgb = false; // request: expand to 8-bit RGB
};

// Returns false (message in st) when libpng failed. Plain C-style body so that longjmp skips nothing.
bool decode(std::FILE* f, Decoded& out, PngErrorState& st, bool headerOnly)
{
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &st, pngError, pngWarning);
    if (!png)
        return false;
    png_infop info = png_create_info_struct(png);
    if (!info) {
        png_destroy_read_struct(&png, nullptr, nullptr);
        return false;
    }
    std::vector<png_bytep>* rows = new std::vector<png_bytep>();
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_read_struct(&png, &info, nullptr);
        delete rows;
        return false;
    }
    png_init_io(png, f);
    png_set_sig_bytes(png, 8);
    png_read_info(png, info);
    out.width = int(png_get_image_width(png, info));
    out.height = int(png_get_image_height(png, info));
    out.colorType = png_get_color_type(png, info);
    out.bitDepth = png_get_bit_depth(png, info);
    if (!headerOnly) {
        // Sub-byte palette / grey samples are unpacked to one byte each, keeping their values.
        if (out.bitDepth < 8) {
            if (out.rgb && out.colorType == PNG_COLOR_TYPE_GRAY)
                png_set_expand_gray_1_2_4_to_8(png); // scale 1/2/4-bit grey to 0..255
            else
                png_set_packing(png); // keep values (palette indices, label ids)
        }
        if (out.bitDepth == 16 && !out.rgb)
            png_set_swap(png); // little-endian 16-bit samples in memory
        if (out.rgb) {
            if (out.colorType == PNG_COLOR_TYPE_PALETTE)
                png_set_palette_to_rgb(png);
            if (out.colorType == PNG_COLOR_TYPE_GRAY || out.colorType == PNG_COLOR_TYPE_GRAY_ALPHA)
                png_set_gray_to_rgb(png);
            if (out.bitDepth == 16)
                png_set_strip_16(png);
            if (out.colorType & PNG_COLOR_MASK_ALPHA)
                png_set_strip_alpha(png);
            png_set_interlace_handling(png);
        }
        png_read_update_info(png, info);
        out.rowBytes = int(png_get_rowbytes(png, info));
        out.data.resize(std::size_t(out.rowBytes) * out.height);
        rows->resize(std::size_t(out.height));
        for (int y = 0; y < out.height; ++y)
            (*rows)[std::size_t(y)] = out.data.data() + std::size_t(y) * out.rowBytes;
        png_read_image(png, rows->data());
        png_read_end(png, nullptr);
    }
    png_destroy_read_struct(&png, &info, nullptr);
    delete rows;
    return true;
}

bool encode(std::FILE* f, const std::uint8_t* pixels, int width, int height, int channels, int level,
            PngErrorState& st)
{
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &st, pngError, pngWarning);
    if (!png)
        return false;
    png_infop info = png_create_info_struct(png);
    if (!info) {
        png_destroy_write_struct(&png, nullptr);
        return false;
    }
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        return false;
    }
    png_init_io(png, f);
    png_set_compression_level(png, level);
    // Fixed filter choice: adaptive filtering is deterministic too, but a fixed one keeps output stable
    // across libpng versions that tune the heuristic.
    png_set_filter(png, 0, PNG_FILTER_SUB);
    png_set_IHDR(png, info, png_uint_32(width), png_uint_32(height), 8,
                 channels == 3 ? PNG_COLOR_TYPE_RGB : PNG_COLOR_TYPE_GRAY, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
    for (int y = 0; y < height; ++y)
        png_write_row(png, const_cast<png_bytep>(pixels + std::size_t(y) * width * channels));
    png_write_end(png, nullptr);
    png_destroy_write_struct(&png, &info);
    return true;
}

void writeRaw(const std::filesystem::path& path, const std::uint8_t* pixels, int width, int height, int channels,
              int level)
{
    if (width <= 0 || height <= 0 || (channels != 1 && channels != 3))
        throw fileError(path.string(), "cannot write an empty image or one with " + std::to_string(channels) +
                                           " channels as PNG");
    writeFileAtomicWith(path, [&](const std::filesystem::path& tmp) {
        FilePtr f(std::fopen(tmp.c_str(), "wb"));
        if (!f)
            throw fileError(path.string(), "cannot open for writing");
        PngErrorState st;
        if (!encode(f.get(), pixels, width, height, channels, level, st))
            throw fileError(path.string(), std::string("cannot write PNG: ") + st.message);
        if (std::fflush(f.get()) != 0)
            throw fileError(path.string(), "write failed (disk full?)");
    });
}

} // namespace

LabelMap readLabelIds(const std::filesystem::path& path, int voidValue)
{
    FilePtr f = openForRead(path);
    Decoded d;
    PngErrorState st;
    if (!decode(f.get(), d, st, false))
        throw fileError(path.string(), std::string("corrupt PNG: ") + st.message);
    const bool palette = d.colorType == PNG_COLOR_TYPE_PALETTE;
    const bool grey = d.colorType == PNG_COLOR_TYPE_GRAY;
    if (!palette && !grey)
        throw fileError(path.string(), "label PNG must be 8-bit grey ids or a palette PNG (got " +
                                           std::string(d.colorType & PNG_COLOR_MASK_COLOR ? "colour" : "grey+alpha") +
                                           "); colour-coded labels need a palette")
            ;
    LabelMap out(d.width, d.height, LabelMap::kVoid);
    const bool wide = d.bitDepth == 16;
    // 16-bit id PNGs (more than 255 classes, as zeromask-cli export writes them) mark ignore with 65535.
    if (wide)
        voidValue = 65535;
    for (int y = 0; y < d.height; ++y) {
        const std::uint8_t* row = d.data.data() + std::size_t(y) * d.rowBytes;
        for (int x = 0; x < d.width; ++x) {
            const int v = wide ? int(row[2 * x]) | (int(row[2 * x + 1]) << 8) : int(row[x]);
            if (v == voidValue)
                continue;
            if (v >= LabelMap::kVoid)
                throw fileError(path.string(), "label value " + std::to_string(v) + " is too large");
            out.at(x, y) = std::uint16_t(v);
        }
    }
    return out;
}

Image readImagePng(const std::filesystem::path& path)
{
    FilePtr f = openForRead(path);
    Decoded d;
    d.rgb = true;
    PngErrorState st;
    if (!decode(f.get(), d, st, false))
        throw fileError(path.string(), std::string("corrupt PNG: ") + st.message);
    if (d.rowBytes != d.width * 3)
        throw fileError(path.string(), "unsupported PNG layout");
    Image img(d.width, d.height, 3);
    img.pixels = std::move(d.data);
    return img;
}

void pngSize(const std::filesystem::path& path, int& width, int& height)
{
    FilePtr f = openForRead(path);
    Decoded d;
    PngErrorState st;
    if (!decode(f.get(), d, st, true))
        throw fileError(path.string(), std::string("corrupt PNG: ") + st.message);
    width = d.width;
    height = d.height;
}

void writeImagePng(const std::filesystem::path& path, const Image& image, int compressionLevel)
{
    if (image.pixels.size() != std::size_t(image.width) * image.height * image.channels)
        throw fileError(path.string(), "image storage does not match its size");
    writeRaw(path, image.pixels.data(), image.width, image.height, image.channels, compressionLevel);
}

void writeLabelIds(const std::filesystem::path& path, const LabelMap& labels, int voidValue, int compressionLevel)
{
    std::vector<std::uint8_t> bytes(labels.ids.size());
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        const auto id = labels.ids[i];
        if (id == LabelMap::kVoid)
            bytes[i] = std::uint8_t(voidValue);
        else if (id >= 255 || int(id) == voidValue)
            throw fileError(path.string(), "label id " + std::to_string(id) +
                                               " does not fit an 8-bit label PNG whose ignore value is " +
                                               std::to_string(voidValue));
        else
            bytes[i] = std::uint8_t(id);
    }
    writeRaw(path, bytes.data(), labels.width, labels.height, 1, compressionLevel);
}

} // namespace zm
