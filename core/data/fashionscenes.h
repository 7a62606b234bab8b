// FashionScenes: a synthetic, pixel-labelled zero-shot segmentation benchmark built only from Debian
// packages. Real Fashion-MNIST photographs (10 classes) are cut out by thresholding, scaled, rotated,
// tinted and pasted with overlap onto crops of real photographs (class "background"). Labels come from
// the final composite, so occluded parts carry the class of the item on top. Train scenes use
// Fashion-MNIST's training images and the train backgrounds; test scenes its test images and the test
// backgrounds. Output is the generic folder layout (see genericdataset.h). Deterministic from the seed:
// all resampling is integer arithmetic, PNGs are written with fixed settings and no time stamp.
#pragma once
#include "core/common/image.h"
#include "core/common/json.h"
#include "core/common/progress.h"
#include "core/data/scenesplit.h"

#include <array>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace zm {

struct FashionScenesOptions {
    std::uint64_t seed = 1;
    int trainScenes = 2000;
    int testScenes = 500;
    int unlabelledScenes = 500; ///< transductive target images (Fashion-MNIST train items, no labels written)
    int size = 256;             ///< scenes are size x size
    int minItems = 2, maxItems = 5;
    int minItemSize = 48, maxItemSize = 128; ///< side of the scaled 28x28 item box, px
    double maxRotationDeg = 30;
    double maxOverlap = 0.5;    ///< at most this share of a new item may cover earlier items
    int threads = 4;            ///< more than the cores: writing (fsync per file) overlaps compositing
    std::filesystem::path fashionMnistDir;            ///< empty: defaultFashionMnistDir()
    bool systemBackgrounds = true;                    ///< photos from Debian packages (see DATA.md)
    std::vector<std::filesystem::path> backgroundDirs; ///< extra folders of photos (all images inside)
};

/// One pasted item, in scene coordinates.
struct SceneItem {
    int classId = 0;          ///< 1..10 (0 is background)
    int sourceIndex = 0;      ///< index in the Fashion-MNIST set
    int x = 0, y = 0;         ///< top-left of the item canvas in the scene
    int boxSize = 0;          ///< side of the scaled 28x28 box
    double angleDeg = 0;
    std::array<std::uint8_t, 3> tint{};
    std::vector<std::uint8_t> mask; ///< size x size, 1 where the item was pasted (before later items)
};

struct Scene {
    Image image;       ///< RGB
    LabelMap labels;   ///< 0 background, 1..10 items
    Image background;  ///< the background crop alone (for checks)
    std::string backgroundName;
    std::vector<SceneItem> items; ///< in paste order (later ones occlude earlier ones)
};

/// Generator version written to dataset.json; bump when the output for a given seed changes.
constexpr int kFashionScenesVersion = 1;
/// Fashion-MNIST pixels above this value (0..255) belong to the item; see DATA.md for the clean-up.
constexpr int kFashionItemThreshold = 10;

/// Background photos found in the Debian packages (and extra folders), split into train/test by the fixed
/// rule described in DATA.md. Throws zm::Error when none are found.
struct BackgroundList {
    std::vector<std::filesystem::path> train, test;
};
BackgroundList findBackgrounds(const FashionScenesOptions& options);
/// The group a background photo belongs to (photos of one scene share it and so land in one split):
/// the lower-case stem without a view marker ("aloeL" and "aloeR" -> "aloe", "aero1" -> "aero",
/// "motorcycle_left" -> "motorcycle").
std::string backgroundGroup(const std::filesystem::path& photo);

/// The 0/1 item mask of a 28x28 Fashion-MNIST image: threshold, fill pin holes, drop specks.
std::vector<std::uint8_t> fashionItemMask(const std::uint8_t* grey28);

class FashionScenesGenerator {
public:
    /// Loads Fashion-MNIST and the background photos; throws zm::Error naming what is missing.
    explicit FashionScenesGenerator(FashionScenesOptions options);
    ~FashionScenesGenerator();

    const FashionScenesOptions& options() const { return mOptions; }
    /// Scene `index` of a split; a pure function of (seed, split, index).
    Scene compose(SceneSplit split, int index) const;
    /// Writes the whole data set under `out` (generic layout + dataset.json). `out` must be empty or a
    /// previous FashionScenes folder. Returns the dataset.json content. Cancellable through progress.
    Json write(const std::filesystem::path& out, Progress& progress) const;

    /// "background", then the ten Fashion-MNIST classes.
    static std::vector<std::string> classNames();

private:
    struct Impl;
    FashionScenesOptions mOptions;
    std::unique_ptr<Impl> mImpl;
};

} // namespace zm
