// Background photographs for FashionScenes: which Debian-installed files are real photos, and the fixed
// rule that splits them into train and test groups.
#include "core/common/error.h"
#include "core/common/strings.h"
#include "core/data/fashionscenes.h"
#include "core/io/image_io.h"

#include <algorithm>
#include <cctype>

namespace zm {
namespace fs = std::filesystem;
namespace {

std::uint32_t fnv1a(const std::string& s)
{
    std::uint32_t h = 2166136261u;
    for (unsigned char c : s) {
        h ^= c;
        h *= 16777619u;
    }
    return h;
}

struct Source {
    const char* dir;
    std::vector<const char*> files;
};

// Real photographs installed by Debian packages; logos, renderings, text, charts, calibration boards,
// microscopy and paintings are left out on purpose. Every source is optional.
const std::vector<Source>& systemSources()
{
    static const std::vector<Source> s = {
        {"/usr/share/doc/opencv-doc/examples/data",
         {"aero1.jpg", "aero3.jpg", "aloeL.jpg", "aloeR.jpg", "apple.jpg", "baboon.jpg", "blox.jpg", "board.jpg",
          "building.jpg", "butterfly.jpg", "ela_original.jpg", "fruits.jpg", "home.jpg", "leuvenA.jpg",
          "leuvenB.jpg", "messi5.jpg", "orange.jpg", "squirrel_cls.jpg", "stuff.jpg"}},
        {"/usr/lib/python3/dist-packages/skimage/data",
         {"astronaut.png", "brick.png", "camera.png", "chelsea.png", "coffee.png", "coins.png", "grass.png",
          "gravel.png", "motorcycle_left.png", "motorcycle_right.png", "rocket.jpg"}},
        {"/usr/share/darknet/data", {"dog.jpg", "eagle.jpg", "giraffe.jpg", "horses.jpg", "kite.jpg", "person.jpg"}},
        {"/usr/lib/python3/dist-packages/sklearn/datasets/images", {"china.jpg", "flower.jpg"}},
    };
    return s;
}

} // namespace

// Photos of one scene (stereo pairs, the two aero shots) must land in the same split: group by the stem
// without a trailing view marker (digits, _left/_right, a capital L/R/A/B after lower case).
std::string backgroundGroup(const fs::path& p)
{
    std::string stem = p.stem().string();
    for (const char* suffix : {"_left", "_right"})
        if (endsWith(stem, suffix))
            stem.erase(stem.size() - std::string(suffix).size());
    while (!stem.empty() && std::isdigit(static_cast<unsigned char>(stem.back())))
        stem.pop_back();
    if (stem.size() >= 2 && std::isupper(static_cast<unsigned char>(stem.back())) &&
        std::islower(static_cast<unsigned char>(stem[stem.size() - 2])))
        stem.pop_back();
    return toLowerAscii(stem);
}

BackgroundList findBackgrounds(const FashionScenesOptions& options)
{
    std::vector<fs::path> all;
    std::error_code ec;
    if (options.systemBackgrounds)
        for (const auto& src : systemSources())
            for (const char* f : src.files) {
                const fs::path p = fs::path(src.dir) / f;
                if (fs::is_regular_file(p, ec))
                    all.push_back(p);
            }
    for (const auto& dir : options.backgroundDirs) {
        if (!fs::is_directory(dir, ec))
            throw fileError(dir.string(), "background folder not found");
        for (const auto& p : listImages(dir))
            all.push_back(p);
    }
    if (all.empty())
        throw Error("FashionScenes: no background photographs found. Install the Debian packages opencv-doc and "
                    "python3-skimage (apt-get install opencv-doc python3-skimage), or pass a folder of photos "
                    "with --backgrounds DIR");
    std::sort(all.begin(), all.end(), [](const fs::path& a, const fs::path& b) {
        return a.filename().string() != b.filename().string() ? a.filename().string() < b.filename().string()
                                                              : a.string() < b.string();
    });
    BackgroundList out;
    // Fixed rule: a photo group goes to test when FNV-1a(group) % 4 == 0, so about a quarter of the
    // photos are test backgrounds and a group's split does not depend on which other sources exist.
    for (const auto& p : all)
        (fnv1a(backgroundGroup(p)) % 4 == 0 ? out.test : out.train).push_back(p);
    if (all.size() == 1) {
        out.train = out.test = all; // one photo only: both splits must have a background
    } else if (out.test.empty()) {
        out.test.push_back(out.train.back());
        out.train.pop_back();
    } else if (out.train.empty()) {
        out.train.push_back(out.test.front());
        out.test.erase(out.test.begin());
    }
    return out;
}

} // namespace zm
