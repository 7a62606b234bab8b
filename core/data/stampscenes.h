// StampScenes: a real-object zero-shot segmentation benchmark built only from Debian packages. Photo
// cut-outs with alpha from Tux Paint's stamp collection (tuxpaint-stamps-default: 24 classes of animals and
// objects, see stampclasses.h) are scaled, mirrored, colour-jittered and pasted with overlap onto crops of
// real photographs (class "background"). Labels come from the final composite: a pixel takes the class of
// the top stamp where that stamp is (nearly) opaque, the ignore label where the top stamp is partly
// transparent (its soft edge), and background elsewhere. Train and test scenes use disjoint backgrounds and,
// for classes with 4 or more stamps, disjoint stamps. Output is the generic folder layout. Deterministic
// from the seed: integer resampling and compositing, PNGs written with fixed settings and no time stamp.
#pragma once
#include "core/common/image.h"
#include "core/common/json.h"
#include "core/common/progress.h"
#include "core/data/scenesplit.h"
#include "core/data/stampclasses.h"

#include <array>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace zm {

/// Generator version written to dataset.json; bump when the output for a given seed changes.
constexpr int kStampScenesVersion = 2;
/// A stamp pixel with alpha >= this belongs to the object (its mask: visibility, overlap, placement).
constexpr int kStampMaskAlpha = 128;
/// A pixel is labelled with the stamp's class where the top stamp's alpha is >= this; where it is between 1
/// and this - 1 (the soft edge, and the rare semi-transparent part) the label is ignore (255). Set below 255
/// because some cut-outs have near-opaque interiors (alpha 240-254) that are the object.
constexpr int kStampSolidAlpha = 224;

struct StampScenesOptions {
    std::uint64_t seed = 1;
    int trainScenes = 2000;
    int testScenes = 500;
    int unlabelledScenes = 0; ///< transductive target images (train stamps and backgrounds, no labels)
    int size = 320;           ///< scenes are size x size
    int minItems = 2, maxItems = 4;
    int minItemSize = 64, maxItemSize = 200; ///< longer side of a pasted stamp, px (before the upscale cap)
    double maxUpscale = 1.5;                 ///< a stamp is never enlarged more than this (small stamps stay small)
    double maxOverlap = 0.4; ///< at most this share of a new stamp's object pixels may cover earlier objects
    int threads = 4;
    std::filesystem::path stampsDir;                   ///< empty: defaultStampsDir()
    std::filesystem::path tableFile;                   ///< empty: the built-in table
    bool systemBackgrounds = true;                     ///< photos from Debian packages (stampSystemBackgrounds())
    bool wallpaperBackgrounds = true;                  ///< and the wallpaper photos (stampWallpaperBackgrounds())
    std::vector<std::filesystem::path> backgroundDirs; ///< extra folders of photos, split by backgroundGroup()
};

/// A stamp decoded to 8-bit RGBA (palette, grey and tRNS expanded; 16-bit reduced).
struct RgbaImage {
    int width = 0, height = 0;
    std::vector<std::uint8_t> rgba;
};
/// Reads any PNG as RGBA (opaque alpha when the file has none). Throws zm::Error naming the file
/// (missing, not a PNG, corrupt, larger than 8192 px a side); never crashes on a bad file.
RgbaImage readRgbaPng(const std::filesystem::path& path);
/// Writes an RGBA PNG (atomically; fixed settings). For tests and tools.
void writeRgbaPng(const std::filesystem::path& path, const RgbaImage& image);

/// One loaded stamp.
struct StampInfo {
    std::string className;
    int classId = 0;  ///< index in classNames() (>= 1)
    std::string path; ///< relative to the stamps folder
    StampUse use = StampUse::Both;
    bool mirrorable = true; ///< false when its .dat says "nomirror"
    int width = 0, height = 0;
};

/// One pasted stamp, in scene coordinates.
struct StampItem {
    int classId = 0;
    int stampIndex = 0;        ///< index in StampScenesGenerator::stamps()
    int x = 0, y = 0;          ///< top-left of the scaled stamp in the scene (may be negative)
    int width = 0, height = 0; ///< scaled stamp size
    bool mirrored = false;
    std::array<int, 3> gain{};       ///< colour gain per channel, 1/256 (256 = unchanged)
    std::vector<std::uint8_t> alpha; ///< size x size: the stamp's alpha where it was pasted, else 0
};

struct StampScene {
    Image image;      ///< RGB
    LabelMap labels;  ///< 0 background, class ids, LabelMap::kVoid on soft edges
    Image background; ///< the background crop alone (for checks)
    std::string backgroundName;
    std::vector<StampItem> items; ///< in paste order (later ones occlude earlier ones)
};

/// The scene generators' split (core/data/scenesplit.h), named for this generator's API.
using StampSplit = SceneSplit;

class StampScenesGenerator {
public:
    /// Reads the table, every stamp and the background photos; throws zm::Error naming what is missing or
    /// broken (the stamps folder: "apt install tuxpaint-stamps-default"; a listed stamp; a corrupt PNG; a
    /// class with no stamp for a split).
    explicit StampScenesGenerator(StampScenesOptions options);
    ~StampScenesGenerator();

    const StampScenesOptions& options() const { return mOptions; }
    /// "background", then the table's classes in order of first appearance.
    const std::vector<std::string>& classNames() const;
    const std::vector<StampInfo>& stamps() const;
    /// Stamp indices a split draws from for a class id (Train and Unlabelled share the train pool).
    const std::vector<int>& pool(StampSplit split, int classId) const;
    const std::vector<std::filesystem::path>& backgrounds(StampSplit split) const;

    /// Scene `index` of a split; a pure function of (seed, split, index) and the inputs.
    StampScene compose(StampSplit split, int index) const;
    /// Writes the whole data set under `out` (generic layout + meta + dataset.json, written last). `out` must
    /// be empty, new, or an earlier StampScenes folder (also an interrupted one). Cancellable through progress.
    Json write(const std::filesystem::path& out, Progress& progress) const;

private:
    struct Impl;
    StampScenesOptions mOptions;
    std::unique_ptr<Impl> mImpl;
};

/// Scales an RGBA stamp to w x h (premultiplied alpha: area average when shrinking, fixed-point bilinear
/// when enlarging), mirrored left-right when `mirror`. Integer arithmetic only.
RgbaImage scaleStamp(const RgbaImage& src, int w, int h, bool mirror);

} // namespace zm
