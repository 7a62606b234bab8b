// Pixel arithmetic of the FashionScenes composer, all integer or fixed point so that a seed gives the
// same bytes on any machine: a portable random generator, area/bilinear resampling of photo crops,
// bilinear sampling of 28x28 items, and item tints; and the worker driver of the scene generators
// (FashionScenes, StampScenes). Internal to core/data.
#pragma once
#include "core/common/image.h"
#include "core/data/scenesplit.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace zm {
class Progress;
}

namespace zm::scene {

// SplitMix64: tiny, fast, and fully specified (std:: distributions are not portable across libraries).
struct Rng {
    std::uint64_t s;
    explicit Rng(std::uint64_t seed) : s(seed) {}
    std::uint64_t next()
    {
        std::uint64_t z = (s += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
    double uniform() { return double(next() >> 11) * (1.0 / 9007199254740992.0); }      // [0,1)
    int range(int lo, int hi) { return lo + int(next() % std::uint64_t(hi - lo + 1)); } // inclusive
};

/// Square crop (cx, cy, side) of an RGB image resampled to out x out: integer area average when side >= out,
/// fixed-point bilinear otherwise; mirrored left-right when `flip`.
Image resampleCrop(const Image& src, int cx, int cy, int side, int out, bool flip);

/// A random tint colour: any hue, saturation 0.25-0.9, value 0.55-1.
std::array<std::uint8_t, 3> randomTint(Rng& rng);

/// Fixed-point bilinear sample of a 28x28 plane at (fx, fy) in 1/256 px (pixel centres at integers);
/// outside the plane is 0 (black, as Fashion-MNIST's surround).
int sample28(const std::uint8_t* plane, int fx, int fy);

/// Runs `job(j)` for every j in [0, count) on `threads` worker threads (the scene generators' driver), reporting
/// "k/count scenes" to `progress` every 50 ms. The first exception stops every worker and is rethrown as
/// zm::Error("<what>: <its message>"); when `progress` says stop, the workers stop after their scene and
/// zm::Cancelled is thrown.
/// Makes `out` ready for a generator's output. A non-empty folder is accepted only when it is this generator's
/// (its `marker` file from an interrupted run, or a dataset.json whose "format" is `format`); what an earlier run
/// wrote there is cleared. Then the marker is written (the caller removes it when done) and images/<split>,
/// labels/<split> (labelled splits only), splits/ and meta/ are created. `title` names the generator in errors.
void prepareSceneFolder(const std::filesystem::path& out, const std::string& format, const std::string& title,
                        const std::string& marker, const std::vector<std::pair<std::string, bool>>& splits);

/// One scene to write: its split and index within the split.
struct SceneJob {
    SceneSplit split;
    int index;
};

/// Every scene of a run in order (train, test, unlabelled; splits with no scene left out) and the splits'
/// (name, labelled) list that prepareSceneFolder takes.
struct ScenePlan {
    std::vector<std::pair<SceneSplit, int>> counts; ///< all three splits in order, zero counts included
    std::vector<SceneJob> jobs;
    std::vector<std::pair<std::string, bool>> splits;
};
ScenePlan planSceneJobs(int trainScenes, int testScenes, int unlabelledScenes);

/// The file stem of scene `index`: five digits ("00042").
std::string sceneId(int index);

void runSceneJobs(std::size_t count, int threads, const std::function<void(std::size_t)>& job, Progress& progress,
                  const std::string& what);

} // namespace zm::scene
