// StampScenes generator (see stampscenes.h). Pixel arithmetic is integer so that one seed gives the same
// bytes on any machine; stamps are decoded by libpng (RGBA), background JPEGs by OpenCV, PNGs by libpng.
#include "core/data/stampscenes.h"

#include "core/common/error.h"
#include "core/common/files.h"
#include "core/common/strings.h"
#include "core/data/fashionscenes.h"
#include "core/data/pngfile.h"
#include "core/data/sceneraster.h"
#include "core/io/image_io.h"

#include <png.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <csetjmp>
#include <cstdio>
#include <map>
#include <set>
#include <sstream>

namespace zm {
namespace fs = std::filesystem;
using scene::Rng;

namespace {

constexpr const char* kIncompleteMarker = ".stampscenes-incomplete";
constexpr int kMaxStampSide = 8192;

// ---------------------------------------------------------------------------------------------------
// RGBA PNG through libpng. Errors longjmp into a C-style body that owns no C++ object.

struct PngMessage {
    char text[256] = "unknown libpng error";
};

void onPngError(png_structp png, png_const_charp msg)
{
    auto* m = static_cast<PngMessage*>(png_get_error_ptr(png));
    std::snprintf(m->text, sizeof m->text, "%s", msg);
    png_longjmp(png, 1);
}

void onPngWarning(png_structp, png_const_charp) {}

struct RgbaDecode {
    int width = 0, height = 0;
    std::vector<std::uint8_t>* pixels = nullptr;
    bool tooLarge = false;
};

bool decodeRgba(std::FILE* f, RgbaDecode& out, PngMessage& msg)
{
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &msg, onPngError, onPngWarning);
    if (!png)
        return false;
    png_infop info = png_create_info_struct(png);
    if (!info) {
        png_destroy_read_struct(&png, nullptr, nullptr);
        return false;
    }
    png_bytep* volatile rows = nullptr; // volatile: read after a longjmp
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_read_struct(&png, &info, nullptr);
        delete[] rows;
        return false;
    }
    png_init_io(png, f);
    png_set_sig_bytes(png, 8);
    png_read_info(png, info);
    const png_uint_32 w = png_get_image_width(png, info), h = png_get_image_height(png, info);
    if (w == 0 || h == 0 || w > png_uint_32(kMaxStampSide) || h > png_uint_32(kMaxStampSide)) {
        out.tooLarge = true;
        png_destroy_read_struct(&png, &info, nullptr);
        return false;
    }
    const int colorType = png_get_color_type(png, info);
    const int bitDepth = png_get_bit_depth(png, info);
    if (colorType == PNG_COLOR_TYPE_PALETTE)
        png_set_palette_to_rgb(png);
    if (colorType == PNG_COLOR_TYPE_GRAY && bitDepth < 8)
        png_set_expand_gray_1_2_4_to_8(png);
    if (png_get_valid(png, info, PNG_INFO_tRNS))
        png_set_tRNS_to_alpha(png);
    if (bitDepth == 16)
        png_set_strip_16(png);
    if (colorType == PNG_COLOR_TYPE_GRAY || colorType == PNG_COLOR_TYPE_GRAY_ALPHA)
        png_set_gray_to_rgb(png);
    png_set_add_alpha(png, 0xFF, PNG_FILLER_AFTER); // no effect when alpha is already there
    png_set_interlace_handling(png);
    png_read_update_info(png, info);
    if (png_get_rowbytes(png, info) != std::size_t(w) * 4)
        png_error(png, "unsupported PNG layout");
    out.width = int(w);
    out.height = int(h);
    out.pixels->assign(std::size_t(w) * h * 4, 0);
    rows = new png_bytep[h];
    for (png_uint_32 y = 0; y < h; ++y)
        rows[y] = out.pixels->data() + std::size_t(y) * w * 4;
    png_read_image(png, rows);
    png_read_end(png, nullptr);
    png_destroy_read_struct(&png, &info, nullptr);
    delete[] rows;
    return true;
}

bool encodeRgba(std::FILE* f, const RgbaImage& img, PngMessage& msg)
{
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &msg, onPngError, onPngWarning);
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
    png_set_compression_level(png, 6);
    png_set_filter(png, 0, PNG_FILTER_SUB);
    png_set_IHDR(png, info, png_uint_32(img.width), png_uint_32(img.height), 8, PNG_COLOR_TYPE_RGB_ALPHA,
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
    for (int y = 0; y < img.height; ++y)
        png_write_row(png, const_cast<png_bytep>(img.rgba.data() + std::size_t(y) * img.width * 4));
    png_write_end(png, nullptr);
    png_destroy_write_struct(&png, &info);
    return true;
}

struct FileCloser {
    void operator()(std::FILE* f) const
    {
        if (f)
            std::fclose(f);
    }
};

// ---------------------------------------------------------------------------------------------------

std::uint32_t fnv1a32(const std::string& s)
{
    std::uint32_t h = 2166136261u;
    for (unsigned char c : s) {
        h ^= c;
        h *= 16777619u;
    }
    return h;
}

Rng stampSceneRng(std::uint64_t seed, StampSplit split, int index)
{
    Rng r(seed * 0xD6E8FEB86659FD93ull + std::uint64_t(int(split) + 11) * 0x9E3779B97F4A7C15ull +
          std::uint64_t(index) * 0xC2B2AE3D27D4EB4Full);
    r.next();
    r.next();
    return r;
}

const char* useName(StampUse u)
{
    switch (u) {
    case StampUse::Both:
        return "both";
    case StampUse::Train:
        return "train";
    case StampUse::Test:
        return "test";
    }
    return "?";
}

// Why a PNG is not a photo stamp (empty when it is one): Tux Paint keeps drawings in folders named
// "cartoon", renders vector drawings next to their .svg, and ships pre-mirrored copies as *_mirror.png.
std::string drawingReason(const fs::path& root, const fs::path& png)
{
    for (const auto& part : fs::relative(png, root))
        if (toLowerAscii(part.string()) == "cartoon")
            return "lies in a 'cartoon' folder (a drawing, not a photo)";
    std::error_code ec;
    fs::path svg = png;
    svg.replace_extension(".svg");
    if (fs::exists(svg, ec))
        return "has a sibling .svg (the raster of a vector drawing, not a photo)";
    if (endsWith(toLowerAscii(png.stem().string()), "_mirror"))
        return "is Tux Paint's pre-mirrored copy of another stamp";
    return {};
}

bool datSays(const fs::path& png, const std::string& word)
{
    fs::path dat = png;
    dat.replace_extension(".dat");
    std::error_code ec;
    if (!fs::is_regular_file(dat, ec))
        return false;
    std::istringstream in(readFile(dat));
    std::string token;
    while (in >> token)
        if (toLowerAscii(token) == word)
            return true;
    return false;
}

} // namespace

RgbaImage readRgbaPng(const fs::path& path)
{
    std::error_code ec;
    if (!fs::is_regular_file(path, ec))
        throw fileError(path.string(), "file not found");
    std::unique_ptr<std::FILE, FileCloser> f(std::fopen(path.c_str(), "rb"));
    if (!f)
        throw fileError(path.string(), "cannot open for reading");
    unsigned char sig[8] = {};
    if (std::fread(sig, 1, 8, f.get()) != 8 || png_sig_cmp(sig, 0, 8) != 0)
        throw fileError(path.string(), "not a PNG file");
    RgbaImage img;
    RgbaDecode d;
    d.pixels = &img.rgba;
    PngMessage msg;
    if (!decodeRgba(f.get(), d, msg)) {
        if (d.tooLarge)
            throw fileError(path.string(),
                            "PNG is empty or larger than " + std::to_string(kMaxStampSide) + " px a side");
        throw fileError(path.string(), std::string("corrupt PNG: ") + msg.text);
    }
    img.width = d.width;
    img.height = d.height;
    return img;
}

void writeRgbaPng(const fs::path& path, const RgbaImage& image)
{
    if (image.width <= 0 || image.height <= 0 || image.rgba.size() != std::size_t(image.width) * image.height * 4)
        throw fileError(path.string(), "RGBA image storage does not match its size");
    writeFileAtomicWith(path, [&](const fs::path& tmp) {
        std::unique_ptr<std::FILE, FileCloser> f(std::fopen(tmp.c_str(), "wb"));
        if (!f)
            throw fileError(path.string(), "cannot open for writing");
        PngMessage msg;
        if (!encodeRgba(f.get(), image, msg))
            throw fileError(path.string(), std::string("cannot write PNG: ") + msg.text);
        if (std::fflush(f.get()) != 0)
            throw fileError(path.string(), "write failed (disk full?)");
    });
}

RgbaImage scaleStamp(const RgbaImage& src, int w, int h, bool mirror)
{
    if (w < 1 || h < 1 || src.width < 1 || src.height < 1)
        throw Error("scaleStamp: empty size");
    RgbaImage dst;
    dst.width = w;
    dst.height = h;
    dst.rgba.assign(std::size_t(w) * h * 4, 0);
    const int W = src.width, H = src.height;
    auto at = [&](int x, int y) { return src.rgba.data() + (std::size_t(y) * W + x) * 4; };
    auto store = [&](int ox, int oy, std::uint64_t a, std::uint64_t pr, std::uint64_t pg, std::uint64_t pb,
                     std::uint64_t n) {
        // a, pr, pg, pb: sums over n samples of alpha and alpha x colour (weights included).
        std::uint8_t* d = dst.rgba.data() + (std::size_t(oy) * w + (mirror ? w - 1 - ox : ox)) * 4;
        d[3] = std::uint8_t((a + n / 2) / n);
        if (a > 0) {
            d[0] = std::uint8_t((pr + a / 2) / a);
            d[1] = std::uint8_t((pg + a / 2) / a);
            d[2] = std::uint8_t((pb + a / 2) / a);
        }
    };
    if (w <= W && h <= H) {
        // Area average over integer boxes.
        std::vector<int> xs(std::size_t(w) + 1), ys(std::size_t(h) + 1);
        for (int i = 0; i <= w; ++i)
            xs[std::size_t(i)] = int((std::int64_t(i) * W) / w);
        for (int i = 0; i <= h; ++i)
            ys[std::size_t(i)] = int((std::int64_t(i) * H) / h);
        for (int oy = 0; oy < h; ++oy)
            for (int ox = 0; ox < w; ++ox) {
                std::uint64_t a = 0, pr = 0, pg = 0, pb = 0, n = 0;
                for (int y = ys[std::size_t(oy)]; y < ys[std::size_t(oy) + 1]; ++y)
                    for (int x = xs[std::size_t(ox)]; x < xs[std::size_t(ox) + 1]; ++x) {
                        const std::uint8_t* p = at(x, y);
                        a += p[3];
                        pr += std::uint64_t(p[0]) * p[3];
                        pg += std::uint64_t(p[1]) * p[3];
                        pb += std::uint64_t(p[2]) * p[3];
                        ++n;
                    }
                store(ox, oy, a, pr, pg, pb, n);
            }
        return dst;
    }
    // Bilinear in 1/256 px, pixel centres mapped onto pixel centres, clamped at the border.
    for (int oy = 0; oy < h; ++oy) {
        const std::int64_t fy = std::max<std::int64_t>(0, ((2 * oy + 1) * std::int64_t(H) * 128) / h - 128);
        const int y0 = std::min(int(fy >> 8), H - 1), wy = int(fy & 255), y1 = std::min(y0 + 1, H - 1);
        for (int ox = 0; ox < w; ++ox) {
            const std::int64_t fx = std::max<std::int64_t>(0, ((2 * ox + 1) * std::int64_t(W) * 128) / w - 128);
            const int x0 = std::min(int(fx >> 8), W - 1), wx = int(fx & 255), x1 = std::min(x0 + 1, W - 1);
            const std::uint8_t* q[4] = {at(x0, y0), at(x1, y0), at(x0, y1), at(x1, y1)};
            const std::uint64_t wt[4] = {std::uint64_t((256 - wx) * (256 - wy)), std::uint64_t(wx * (256 - wy)),
                                         std::uint64_t((256 - wx) * wy), std::uint64_t(wx * wy)};
            std::uint64_t a = 0, pr = 0, pg = 0, pb = 0;
            for (int k = 0; k < 4; ++k) {
                a += wt[k] * q[k][3];
                pr += wt[k] * q[k][3] * q[k][0];
                pg += wt[k] * q[k][3] * q[k][1];
                pb += wt[k] * q[k][3] * q[k][2];
            }
            store(ox, oy, a, pr, pg, pb, 65536);
        }
    }
    return dst;
}

struct StampScenesGenerator::Impl {
    std::vector<std::string> classNames;
    std::vector<StampInfo> stamps;
    std::vector<RgbaImage> images;
    std::vector<std::vector<int>> trainPool, testPool; // per class id
    std::vector<fs::path> trainBgPaths, testBgPaths;
    std::vector<Image> trainBg, testBg;
    std::string tableOrigin;
};

StampScenesGenerator::StampScenesGenerator(StampScenesOptions options)
    : mOptions(std::move(options)), mImpl(std::make_unique<Impl>())
{
    const auto& o = mOptions;
    if (o.size < 64 || o.size > 4096)
        throw Error("StampScenes: scene size " + std::to_string(o.size) + " must be in 64..4096");
    if (o.trainScenes < 0 || o.testScenes < 0 || o.unlabelledScenes < 0 || o.trainScenes > 999999 ||
        o.testScenes > 999999 || o.unlabelledScenes > 999999)
        throw Error("StampScenes: scene counts must be in 0..999999");
    if (o.minItems < 1 || o.maxItems < o.minItems || o.maxItems > 50)
        throw Error("StampScenes: stamps per scene must satisfy 1 <= min <= max <= 50 (got " +
                    std::to_string(o.minItems) + ".." + std::to_string(o.maxItems) + ")");
    if (o.minItemSize < 8 || o.maxItemSize < o.minItemSize || o.maxItemSize > o.size)
        throw Error("StampScenes: stamp size must satisfy 8 <= min <= max <= scene size (got " +
                    std::to_string(o.minItemSize) + ".." + std::to_string(o.maxItemSize) + ")");
    if (!(o.maxUpscale >= 0.1 && o.maxUpscale <= 8))
        throw Error("StampScenes: the upscale limit must be in 0.1..8");
    if (!(o.maxOverlap >= 0 && o.maxOverlap <= 1))
        throw Error("StampScenes: the overlap limit must be in 0..1");
    if (o.threads < 1 || o.threads > 256)
        throw Error("StampScenes: threads must be in 1..256");

    // Table.
    std::vector<StampTableEntry> table;
    if (o.tableFile.empty()) {
        mImpl->tableOrigin = "built-in stamp table";
        table = parseStampTable(builtinStampTable(), mImpl->tableOrigin);
    } else {
        std::error_code ec;
        if (!fs::is_regular_file(o.tableFile, ec))
            throw fileError(o.tableFile.string(), "stamp table not found");
        mImpl->tableOrigin = o.tableFile.string();
        table = parseStampTable(readFile(o.tableFile), mImpl->tableOrigin);
    }
    mImpl->classNames = stampTableClassNames(table);
    const std::size_t nClasses = mImpl->classNames.size();
    if (nClasses > 255)
        throw Error(mImpl->tableOrigin + ": more than 254 classes do not fit 8-bit label PNGs");

    // Stamps.
    const fs::path root = o.stampsDir.empty() ? defaultStampsDir() : o.stampsDir;
    std::error_code ec;
    if (!fs::is_directory(root, ec))
        throw fileError(root.string(), "Tux Paint stamps folder not found; the stamps come from the Debian package "
                                       "tuxpaint-stamps-default ('apt install tuxpaint-stamps-default'), or pass "
                                       "--stamps DIR");
    mImpl->trainPool.assign(nClasses, {});
    mImpl->testPool.assign(nClasses, {});
    std::set<std::string> seenFiles;
    auto addStamp = [&](const StampTableEntry& e, const fs::path& file) {
        const std::string rel = fs::relative(file, root).generic_string();
        if (!seenFiles.insert(rel).second)
            throw Error(mImpl->tableOrigin + ":" + std::to_string(e.line) + ": stamp '" + rel +
                        "' is listed more than once (directly or through a folder)");
        RgbaImage img = readRgbaPng(file);
        int opaque = 0;
        for (std::size_t i = 3; i < img.rgba.size(); i += 4)
            opaque += img.rgba[i] >= kStampMaskAlpha;
        if (opaque == 0)
            throw fileError(file.string(), "stamp has no pixel with alpha >= " + std::to_string(kStampMaskAlpha) +
                                               " (an empty cut-out)");
        StampInfo s;
        s.className = e.className;
        s.classId =
            int(std::find(mImpl->classNames.begin(), mImpl->classNames.end(), e.className) - mImpl->classNames.begin());
        s.path = rel;
        s.use = e.use;
        s.mirrorable = !datSays(file, "nomirror");
        s.width = img.width;
        s.height = img.height;
        const int index = int(mImpl->stamps.size());
        if (e.use != StampUse::Test)
            mImpl->trainPool[std::size_t(s.classId)].push_back(index);
        if (e.use != StampUse::Train)
            mImpl->testPool[std::size_t(s.classId)].push_back(index);
        mImpl->stamps.push_back(std::move(s));
        mImpl->images.push_back(std::move(img));
    };
    for (const auto& e : table) {
        const fs::path p = root / e.path;
        const std::string where = mImpl->tableOrigin + ":" + std::to_string(e.line) + ": ";
        if (e.path.back() == '/') {
            if (!fs::is_directory(p, ec))
                throw fileError(p.string(), "stamp folder for class '" + e.className + "' not found (" + where + ")");
            std::vector<fs::path> files;
            for (const auto& it : fs::recursive_directory_iterator(p, ec))
                if (it.is_regular_file(ec) && toLowerAscii(it.path().extension().string()) == ".png" &&
                    drawingReason(root, it.path()).empty())
                    files.push_back(it.path());
            if (ec)
                throw fileError(p.string(), "cannot list the stamp folder: " + ec.message());
            std::sort(files.begin(), files.end());
            for (const auto& f : files)
                addStamp(e, f);
            continue;
        }
        if (!fs::is_regular_file(p, ec))
            throw fileError(p.string(), "stamp of class '" + e.className + "' not found (" + where +
                                            "the built-in table matches tuxpaint-stamps-default 2022.06.04)");
        if (const std::string why = drawingReason(root, p); !why.empty())
            throw fileError(p.string(), "stamp of class '" + e.className + "' " + why + " (" + where + ")");
        addStamp(e, p);
    }
    for (std::size_t c = 1; c < nClasses; ++c) {
        if (mImpl->trainPool[c].empty())
            throw Error(mImpl->tableOrigin + ": class '" + mImpl->classNames[c] +
                        "' has no stamp for training scenes (mark one 'train' or 'both')");
        if (mImpl->testPool[c].empty())
            throw Error(mImpl->tableOrigin + ": class '" + mImpl->classNames[c] +
                        "' has no stamp for test scenes (mark one 'test' or 'both')");
    }

    // Backgrounds: the fixed system list, then extra folders split by photo group.
    auto addSystem = [&](const std::vector<StampBackgroundSource>& list) {
        for (const auto& src : list)
            if (fs::is_regular_file(src.path, ec))
                (src.use == StampUse::Test ? mImpl->testBgPaths : mImpl->trainBgPaths).push_back(src.path);
    };
    if (o.systemBackgrounds)
        addSystem(stampSystemBackgrounds());
    if (o.systemBackgrounds && o.wallpaperBackgrounds)
        addSystem(stampWallpaperBackgrounds());
    for (const auto& dir : o.backgroundDirs) {
        if (!fs::is_directory(dir, ec))
            throw fileError(dir.string(), "background folder not found");
        auto photos = listImages(dir);
        std::sort(photos.begin(), photos.end());
        for (const auto& p : photos)
            (fnv1a32(backgroundGroup(p)) % 4 == 0 ? mImpl->testBgPaths : mImpl->trainBgPaths).push_back(p);
    }
    auto& tr = mImpl->trainBgPaths;
    auto& te = mImpl->testBgPaths;
    if (tr.empty() && te.empty())
        throw Error("StampScenes: no background photographs found. Install the Debian packages opencv-doc and "
                    "python3-skimage (apt-get install opencv-doc python3-skimage), or pass a folder of photos "
                    "with --backgrounds DIR");
    if (tr.size() + te.size() == 1) {
        tr = te = tr.empty() ? te : tr; // one photo only: both splits must have a background
    } else if (te.empty()) {
        te.push_back(tr.back());
        tr.pop_back();
    } else if (tr.empty()) {
        tr.push_back(te.front());
        te.erase(te.begin());
    }
    auto load = [&](const std::vector<fs::path>& paths, std::vector<Image>& out) {
        for (const auto& p : paths) {
            Image img = toLowerAscii(p.extension().string()) == ".png" ? readImagePng(p) : loadImageRgb(p);
            if (std::min(img.width, img.height) < 32)
                throw fileError(p.string(), "background photo is smaller than 32 px");
            out.push_back(std::move(img));
        }
    };
    load(tr, mImpl->trainBg);
    load(te, mImpl->testBg);
}

StampScenesGenerator::~StampScenesGenerator() = default;

const std::vector<std::string>& StampScenesGenerator::classNames() const
{
    return mImpl->classNames;
}
const std::vector<StampInfo>& StampScenesGenerator::stamps() const
{
    return mImpl->stamps;
}

const std::vector<int>& StampScenesGenerator::pool(StampSplit split, int classId) const
{
    const auto& pools = split == StampSplit::Test ? mImpl->testPool : mImpl->trainPool;
    if (classId < 1 || classId >= int(pools.size()))
        throw Error("StampScenes: class id " + std::to_string(classId) + " out of range");
    return pools[std::size_t(classId)];
}

const std::vector<fs::path>& StampScenesGenerator::backgrounds(StampSplit split) const
{
    return split == StampSplit::Test ? mImpl->testBgPaths : mImpl->trainBgPaths;
}

StampScene StampScenesGenerator::compose(StampSplit split, int index) const
{
    const int S = mOptions.size;
    Rng rng = stampSceneRng(mOptions.seed, split, index);
    const bool test = split == StampSplit::Test;
    const auto& bgs = test ? mImpl->testBg : mImpl->trainBg;
    const auto& bgNames = test ? mImpl->testBgPaths : mImpl->trainBgPaths;

    StampScene scene;
    const int bgIndex = rng.range(0, int(bgs.size()) - 1);
    const Image& photo = bgs[std::size_t(bgIndex)];
    scene.backgroundName = bgNames[std::size_t(bgIndex)].filename().string();
    const int minSide = std::min(photo.width, photo.height);
    // Crops of 40-100 % of the short side, never upsampled when the photo is large enough.
    int side = minSide * rng.range(40, 100) / 100;
    side = std::clamp(side, std::min(minSide, S), minSide);
    const int cx = rng.range(0, photo.width - side), cy = rng.range(0, photo.height - side);
    const bool flipBg = rng.next() & 1;
    scene.background = scene::resampleCrop(photo, cx, cy, side, S, flipBg);
    scene.image = scene.background;
    scene.labels = LabelMap(S, S, 0);
    std::vector<std::uint8_t> occupied(std::size_t(S) * S, 0); // object pixels of earlier stamps

    const int nClasses = int(mImpl->classNames.size());
    const int count = rng.range(mOptions.minItems, mOptions.maxItems);
    for (int k = 0; k < count; ++k) {
        StampItem item;
        item.classId = rng.range(1, nClasses - 1);
        const auto& pl = pool(split, item.classId);
        item.stampIndex = pl[std::size_t(rng.range(0, int(pl.size()) - 1))];
        const StampInfo& info = mImpl->stamps[std::size_t(item.stampIndex)];
        const RgbaImage& src = mImpl->images[std::size_t(item.stampIndex)];
        // Size: the longer side uniform in [min, max], but never enlarged beyond maxUpscale.
        const int longSide = std::max(src.width, src.height);
        const int cap = std::max(1, int(std::floor(longSide * mOptions.maxUpscale)));
        const int target = std::min(rng.range(mOptions.minItemSize, mOptions.maxItemSize), cap);
        item.width = std::max(1, int((std::int64_t(src.width) * target + longSide / 2) / longSide));
        item.height = std::max(1, int((std::int64_t(src.height) * target + longSide / 2) / longSide));
        const bool coin = rng.next() & 1; // drawn for every stamp so that the sequence does not depend on .dat
        item.mirrored = coin && info.mirrorable;
        // Colour jitter: brightness 0.9-1.1 times a per-channel gain 0.95-1.05 (1/256 steps).
        const int brightness = rng.range(230, 282);
        for (int c = 0; c < 3; ++c)
            item.gain[std::size_t(c)] = (brightness * rng.range(243, 269) + 128) >> 8;
        const RgbaImage st = scaleStamp(src, item.width, item.height, item.mirrored);
        const int w = st.width, h = st.height;
        int area = 0;
        for (std::size_t i = 3; i < st.rgba.size(); i += 4)
            area += st.rgba[i] >= kStampMaskAlpha;
        if (area == 0)
            continue;

        // Position: at most a quarter of the box outside on each side, at least half of the object inside,
        // and at most maxOverlap of it over earlier objects (8 tries, else the stamp is dropped).
        bool placed = false;
        for (int attempt = 0; attempt < 8 && !placed; ++attempt) {
            const int px = rng.range(-w / 4, S - w + w / 4), py = rng.range(-h / 4, S - h + h / 4);
            int inside = 0, over = 0;
            for (int y = 0; y < h; ++y) {
                const int Y = py + y;
                if (Y < 0 || Y >= S)
                    continue;
                for (int x = 0; x < w; ++x) {
                    const int X = px + x;
                    if (X < 0 || X >= S || st.rgba[(std::size_t(y) * w + x) * 4 + 3] < kStampMaskAlpha)
                        continue;
                    ++inside;
                    over += occupied[std::size_t(Y) * S + X];
                }
            }
            if (2 * inside < area || (k > 0 && double(over) > mOptions.maxOverlap * double(inside)))
                continue;
            item.x = px;
            item.y = py;
            placed = true;
        }
        if (!placed)
            continue;

        item.alpha.assign(std::size_t(S) * S, 0);
        const auto classId = std::uint16_t(item.classId);
        for (int y = 0; y < h; ++y) {
            const int Y = item.y + y;
            if (Y < 0 || Y >= S)
                continue;
            for (int x = 0; x < w; ++x) {
                const int X = item.x + x;
                const std::uint8_t* s = st.rgba.data() + (std::size_t(y) * w + x) * 4;
                const int a = s[3];
                if (X < 0 || X >= S || a == 0)
                    continue;
                std::uint8_t* d = scene.image.row(Y) + std::size_t(X) * 3;
                for (int c = 0; c < 3; ++c) {
                    const int v = std::min(255, (int(s[c]) * item.gain[std::size_t(c)] + 128) >> 8);
                    d[c] = std::uint8_t((a * v + (255 - a) * int(d[c]) + 127) / 255);
                }
                scene.labels.at(X, Y) = a >= kStampSolidAlpha ? classId : LabelMap::kVoid;
                item.alpha[std::size_t(Y) * S + X] = std::uint8_t(a);
                if (a >= kStampMaskAlpha)
                    occupied[std::size_t(Y) * S + X] = 1;
            }
        }
        scene.items.push_back(std::move(item));
    }
    return scene;
}

Json StampScenesGenerator::write(const fs::path& out, Progress& progress) const
{
    const scene::ScenePlan plan = scene::planSceneJobs(mOptions.trainScenes, mOptions.testScenes, mOptions.unlabelledScenes);
    const auto& jobs = plan.jobs;
    scene::prepareSceneFolder(out, "stampscenes", "StampScenes", kIncompleteMarker, plan.splits);

    const std::size_t nClasses = mImpl->classNames.size();
    std::vector<std::string> metaLines(jobs.size());
    // Per scene: pixels per class, then void pixels; instances per class.
    std::vector<std::vector<std::uint64_t>> pixelCounts(jobs.size()), instanceCounts(jobs.size());
    scene::runSceneJobs(
        jobs.size(), mOptions.threads,
        [&](std::size_t j) {
            const scene::SceneJob& job = jobs[j];
            const StampScene s = compose(job.split, job.index);
            const std::string id = scene::sceneId(job.index);
            writeImagePng(out / "images" / sceneSplitName(job.split) / (id + ".png"), s.image);
            if (job.split != StampSplit::Unlabelled)
                writeLabelIds(out / "labels" / sceneSplitName(job.split) / (id + ".png"), s.labels);
            Json items = Json::array();
            auto& inst = instanceCounts[j];
            inst.assign(nClasses, 0);
            for (const auto& it : s.items) {
                ++inst[std::size_t(it.classId)];
                items.push_back({{"class", mImpl->classNames[std::size_t(it.classId)]},
                                 {"stamp", mImpl->stamps[std::size_t(it.stampIndex)].path},
                                 {"x", it.x},
                                 {"y", it.y},
                                 {"w", it.width},
                                 {"h", it.height},
                                 {"mirrored", it.mirrored},
                                 {"gain", {it.gain[0], it.gain[1], it.gain[2]}}});
            }
            metaLines[j] = Json{{"id", id}, {"background", s.backgroundName}, {"items", items}}.dump();
            auto& counts = pixelCounts[j];
            counts.assign(nClasses + 1, 0);
            for (auto v : s.labels.ids)
                ++counts[v == LabelMap::kVoid ? nClasses : std::size_t(v)];
        },
        progress, "StampScenes");

    const auto& classes = mImpl->classNames;
    writeFileAtomic(out / "classes.txt", join(classes, "\n") + "\n");
    Json counts = Json::object(), pixelShares = Json::object(), pixels = Json::object(), instances = Json::object();
    std::size_t offset = 0;
    for (const auto& [split, n] : plan.counts) {
        std::string list, meta;
        std::vector<std::uint64_t> total(nClasses + 1, 0), inst(nClasses, 0);
        for (int i = 0; i < n; ++i) {
            const std::size_t j = offset + std::size_t(i);
            list += scene::sceneId(i) + "\n";
            meta += metaLines[j] + "\n";
            for (std::size_t c = 0; c <= nClasses; ++c)
                total[c] += pixelCounts[j][c];
            for (std::size_t c = 0; c < nClasses; ++c)
                inst[c] += instanceCounts[j][c];
        }
        offset += std::size_t(n);
        counts[sceneSplitName(split)] = n;
        if (n == 0)
            continue;
        writeFileAtomic(out / "splits" / (std::string(sceneSplitName(split)) + ".txt"), list);
        writeFileAtomic(out / "meta" / (std::string(sceneSplitName(split)) + ".jsonl"), meta);
        Json inSplit = Json::object();
        for (std::size_t c = 1; c < nClasses; ++c)
            inSplit[classes[c]] = inst[c];
        instances[sceneSplitName(split)] = inSplit;
        if (split != StampSplit::Unlabelled) {
            std::uint64_t sum = 0;
            for (auto v : total)
                sum += v;
            Json shares = Json::object(), px = Json::object();
            for (std::size_t c = 0; c <= nClasses; ++c) {
                const std::string name = c == nClasses ? std::string("ignore") : classes[c];
                shares[name] = std::round(1e6 * double(total[c]) / double(sum)) / 1e6;
                px[name] = total[c];
            }
            pixelShares[sceneSplitName(split)] = shares;
            pixels[sceneSplitName(split)] = px;
        }
    }
    Json stampList = Json::array();
    for (const auto& s : mImpl->stamps)
        stampList.push_back({{"class", s.className},
                             {"path", s.path},
                             {"use", useName(s.use)},
                             {"size", {s.width, s.height}},
                             {"mirror", s.mirrorable}});
    Json bgTrain = Json::array(), bgTest = Json::array();
    // Full paths: the wallpapers' file names (2560x1600.jpg) do not tell them apart.
    for (const auto& p : mImpl->trainBgPaths)
        bgTrain.push_back(p.string());
    for (const auto& p : mImpl->testBgPaths)
        bgTest.push_back(p.string());
    const auto& o = mOptions;
    Json info = {
        {"format", "stampscenes"},
        {"layout", "generic"},
        {"generator_version", kStampScenesVersion},
        {"seed", o.seed},
        {"size", o.size},
        {"scenes", counts},
        {"classes", classes},
        {"ignore_value", 255},
        {"stamps_per_scene", {o.minItems, o.maxItems}},
        {"stamp_size", {o.minItemSize, o.maxItemSize}},
        {"max_upscale", o.maxUpscale},
        {"max_overlap", o.maxOverlap},
        {"mask_alpha", kStampMaskAlpha},
        {"solid_alpha", kStampSolidAlpha},
        {"table", mImpl->tableOrigin},
        {"stamps", stampList},
        {"backgrounds", {{"train", bgTrain}, {"test", bgTest}}},
        {"pixel_shares", pixelShares},
        {"pixels", pixels},
        {"instances", instances},
        {"presets", o.tableFile.empty() ? Json{"stamp-animals-4", "stamp-objects-4", "stamp-all-8", "stamp-oracle"}
                                        : Json::array()},
    };
    writeFileAtomic(out / "dataset.json", info.dump(2) + "\n");
    std::error_code ec;
    fs::remove(out / kIncompleteMarker, ec);
    progress.update(1.0, "done");
    return info;
}

} // namespace zm
