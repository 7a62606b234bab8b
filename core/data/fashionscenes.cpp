// FashionScenes generator. All pixel arithmetic is integer (fixed point) so that the same seed gives
// the same bytes on any machine, independent of OpenCV's SIMD paths.
#include "core/data/fashionscenes.h"

#include "core/common/error.h"
#include "core/common/files.h"
#include "core/common/strings.h"
#include "core/data/fashionmnist.h"
#include "core/data/pngfile.h"
#include "core/data/sceneraster.h"
#include "core/io/image_io.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>

namespace zm {
namespace fs = std::filesystem;
using scene::Rng;

namespace {

constexpr const char* kIncompleteMarker = ".fashionscenes-incomplete";

Rng sceneRng(std::uint64_t seed, SceneSplit split, int index)
{
    Rng r(seed * 0x2545F4914F6CDD1Dull + std::uint64_t(int(split) + 1) * 0x9E3779B97F4A7C15ull +
          std::uint64_t(index) * 0xD1B54A32D192ED03ull);
    r.next();
    return r;
}

} // namespace

struct FashionScenesGenerator::Impl {
    FashionMnist trainItems, testItems;
    std::array<std::vector<int>, 10> trainByClass, testByClass;
    std::vector<Image> trainBackgrounds, testBackgrounds;
    BackgroundList backgroundPaths;
};

FashionScenesGenerator::FashionScenesGenerator(FashionScenesOptions options)
    : mOptions(std::move(options)), mImpl(std::make_unique<Impl>())
{
    const auto& o = mOptions;
    if (o.size < 32 || o.size > 4096)
        throw Error("FashionScenes: scene size " + std::to_string(o.size) + " must be in 32..4096");
    if (o.trainScenes < 0 || o.testScenes < 0 || o.unlabelledScenes < 0 || o.trainScenes > 999999 ||
        o.testScenes > 999999 || o.unlabelledScenes > 999999)
        throw Error("FashionScenes: scene counts must be in 0..999999");
    if (o.minItems < 1 || o.maxItems < o.minItems || o.maxItems > 50)
        throw Error("FashionScenes: items per scene must satisfy 1 <= min <= max <= 50 (got " +
                    std::to_string(o.minItems) + ".." + std::to_string(o.maxItems) + ")");
    if (o.minItemSize < 8 || o.maxItemSize < o.minItemSize || o.maxItemSize > o.size)
        throw Error("FashionScenes: item size must satisfy 8 <= min <= max <= scene size (got " +
                    std::to_string(o.minItemSize) + ".." + std::to_string(o.maxItemSize) + ")");
    if (o.maxRotationDeg < 0 || o.maxRotationDeg > 180)
        throw Error("FashionScenes: rotation must be in 0..180 degrees");
    if (o.threads < 1 || o.threads > 256)
        throw Error("FashionScenes: threads must be in 1..256");

    const fs::path dir = o.fashionMnistDir.empty() ? defaultFashionMnistDir() : o.fashionMnistDir;
    mImpl->trainItems = loadFashionMnist(dir, "train");
    mImpl->testItems = loadFashionMnist(dir, "t10k");
    for (int i = 0; i < mImpl->trainItems.count; ++i)
        mImpl->trainByClass[mImpl->trainItems.labels[std::size_t(i)]].push_back(i);
    for (int i = 0; i < mImpl->testItems.count; ++i)
        mImpl->testByClass[mImpl->testItems.labels[std::size_t(i)]].push_back(i);
    for (int c = 0; c < 10; ++c)
        if (mImpl->trainByClass[std::size_t(c)].empty() || mImpl->testByClass[std::size_t(c)].empty())
            throw fileError(dir.string(), "Fashion-MNIST has no image of class '" +
                                              fashionMnistClassNames()[std::size_t(c)] + "' in its train or test set");

    mImpl->backgroundPaths = findBackgrounds(o);
    auto load = [&](const std::vector<fs::path>& paths, std::vector<Image>& out) {
        for (const auto& p : paths) {
            // PNGs through our libpng reader (quiet, and no other decoder's version in the pixels).
            Image img = toLowerAscii(p.extension().string()) == ".png" ? readImagePng(p) : loadImageRgb(p);
            if (std::min(img.width, img.height) < 32)
                throw fileError(p.string(), "background photo is smaller than 32 px");
            out.push_back(std::move(img));
        }
    };
    load(mImpl->backgroundPaths.train, mImpl->trainBackgrounds);
    load(mImpl->backgroundPaths.test, mImpl->testBackgrounds);
}

FashionScenesGenerator::~FashionScenesGenerator() = default;

std::vector<std::string> FashionScenesGenerator::classNames()
{
    std::vector<std::string> names = {"background"};
    for (const auto& n : fashionMnistClassNames())
        names.push_back(n);
    return names;
}

Scene FashionScenesGenerator::compose(SceneSplit split, int index) const
{
    const int S = mOptions.size;
    Rng rng = sceneRng(mOptions.seed, split, index);
    const bool test = split == SceneSplit::Test;
    const auto& backgrounds = test ? mImpl->testBackgrounds : mImpl->trainBackgrounds;
    const auto& names = test ? mImpl->backgroundPaths.test : mImpl->backgroundPaths.train;
    const FashionMnist& items = test ? mImpl->testItems : mImpl->trainItems;
    const auto& byClass = test ? mImpl->testByClass : mImpl->trainByClass;

    Scene scene;
    const int bgIndex = rng.range(0, int(backgrounds.size()) - 1);
    const Image& photo = backgrounds[std::size_t(bgIndex)];
    scene.backgroundName = names[std::size_t(bgIndex)].filename().string();
    const int minSide = std::min(photo.width, photo.height);
    // Crops of 35-100 % of the short side, but never upsampled when the photo is large enough.
    int side = int(std::lround(minSide * (0.35 + 0.65 * rng.uniform())));
    side = std::clamp(side, std::min(minSide, S), minSide);
    const int cx = rng.range(0, photo.width - side), cy = rng.range(0, photo.height - side);
    const bool flip = rng.next() & 1;
    scene.background = scene::resampleCrop(photo, cx, cy, side, S, flip);
    scene.image = scene.background;
    scene.labels = LabelMap(S, S, 0);

    const int count = rng.range(mOptions.minItems, mOptions.maxItems);
    for (int k = 0; k < count; ++k) {
        SceneItem item;
        const int cls = rng.range(0, 9);
        const auto& pool = byClass[std::size_t(cls)];
        item.classId = cls + 1;
        item.sourceIndex = pool[std::size_t(rng.range(0, int(pool.size()) - 1))];
        item.boxSize = rng.range(mOptions.minItemSize, mOptions.maxItemSize);
        item.angleDeg = (2 * rng.uniform() - 1) * mOptions.maxRotationDeg;
        item.tint = scene::randomTint(rng);
        const std::uint8_t* grey = items.image(item.sourceIndex);
        const auto mask28 = fashionItemMask(grey);
        std::vector<std::uint8_t> mask255(mask28.size());
        for (std::size_t i = 0; i < mask28.size(); ++i)
            mask255[i] = mask28[i] ? 255 : 0;

        // Item canvas: the rotated box fits inside. Inverse map from canvas pixel centres to the 28x28
        // source (pixel centres at integer coordinates, box centre at 13.5).
        const double a = item.angleDeg * 3.14159265358979323846 / 180.0;
        const double ca = std::cos(a), sa = std::sin(a), k28 = 28.0 / item.boxSize;
        const int C = int(std::ceil(item.boxSize * (std::fabs(ca) + std::fabs(sa)))) + 2;
        std::vector<std::uint8_t> canvasGrey(std::size_t(C) * C), canvasMask(std::size_t(C) * C);
        int area = 0;
        for (int y = 0; y < C; ++y)
            for (int x = 0; x < C; ++x) {
                const double vx = x + 0.5 - C / 2.0, vy = y + 0.5 - C / 2.0;
                const double sx = (ca * vx + sa * vy) * k28 + 13.5, sy = (-sa * vx + ca * vy) * k28 + 13.5;
                const int fx = int(std::floor(sx * 256.0)), fy = int(std::floor(sy * 256.0));
                const bool in = scene::sample28(mask255.data(), fx, fy) >= 128;
                canvasMask[std::size_t(y) * C + x] = in ? 1 : 0;
                canvasGrey[std::size_t(y) * C + x] = std::uint8_t(scene::sample28(grey, fx, fy));
                area += in;
            }
        if (area == 0)
            continue;

        // Position: the box centre stays at least a quarter box inside the scene; retry while the item would
        // hide too much of what is already there (keeps overlap partial, never total).
        bool placed = false;
        for (int attempt = 0; attempt < 8 && !placed; ++attempt) {
            const int margin = item.boxSize / 4;
            const int px = rng.range(margin, S - 1 - margin) - C / 2, py = rng.range(margin, S - 1 - margin) - C / 2;
            int inside = 0, over = 0;
            for (int y = 0; y < C; ++y)
                for (int x = 0; x < C; ++x) {
                    if (!canvasMask[std::size_t(y) * C + x])
                        continue;
                    const int X = px + x, Y = py + y;
                    if (X < 0 || Y < 0 || X >= S || Y >= S)
                        continue;
                    ++inside;
                    over += scene.labels.at(X, Y) != 0;
                }
            if (inside < area / 3 || (k > 0 && over > mOptions.maxOverlap * inside))
                continue;
            item.x = px;
            item.y = py;
            placed = true;
        }
        if (!placed)
            continue;

        item.mask.assign(std::size_t(S) * S, 0);
        const int tr = item.tint[0], tg = item.tint[1], tb = item.tint[2];
        for (int y = 0; y < C; ++y)
            for (int x = 0; x < C; ++x) {
                if (!canvasMask[std::size_t(y) * C + x])
                    continue;
                const int X = item.x + x, Y = item.y + y;
                if (X < 0 || Y < 0 || X >= S || Y >= S)
                    continue;
                // Colourise the grey photo: shading kept, black lifted to 20 % of the tint.
                const int g = 51 * 255 + 204 * int(canvasGrey[std::size_t(y) * C + x]);
                std::uint8_t* px = scene.image.row(Y) + std::size_t(X) * 3;
                px[0] = std::uint8_t((tr * g + 32512) / 65025);
                px[1] = std::uint8_t((tg * g + 32512) / 65025);
                px[2] = std::uint8_t((tb * g + 32512) / 65025);
                scene.labels.at(X, Y) = std::uint16_t(item.classId);
                item.mask[std::size_t(Y) * S + X] = 1;
            }
        scene.items.push_back(std::move(item));
    }
    return scene;
}

Json FashionScenesGenerator::write(const fs::path& out, Progress& progress) const
{
    const scene::ScenePlan plan = scene::planSceneJobs(mOptions.trainScenes, mOptions.testScenes, mOptions.unlabelledScenes);
    const auto& jobs = plan.jobs;
    scene::prepareSceneFolder(out, "fashionscenes", "FashionScenes", kIncompleteMarker, plan.splits);

    std::vector<std::string> metaLines(jobs.size());
    std::vector<std::array<std::uint64_t, 11>> pixelCounts(jobs.size());
    scene::runSceneJobs(
        jobs.size(), mOptions.threads,
        [&](std::size_t j) {
            const scene::SceneJob& job = jobs[j];
            const Scene s = compose(job.split, job.index);
            const std::string id = scene::sceneId(job.index);
            writeImagePng(out / "images" / sceneSplitName(job.split) / (id + ".png"), s.image);
            if (job.split != SceneSplit::Unlabelled)
                writeLabelIds(out / "labels" / sceneSplitName(job.split) / (id + ".png"), s.labels);
            Json items = Json::array();
            for (const auto& it : s.items)
                items.push_back({{"class", it.classId},
                                 {"fashion_mnist_index", it.sourceIndex},
                                 {"x", it.x},
                                 {"y", it.y},
                                 {"box", it.boxSize},
                                 {"angle", std::round(it.angleDeg * 100) / 100},
                                 {"tint", {it.tint[0], it.tint[1], it.tint[2]}}});
            metaLines[j] = Json{{"id", id}, {"background", s.backgroundName}, {"items", items}}.dump();
            auto& counts = pixelCounts[j];
            counts.fill(0);
            for (auto v : s.labels.ids)
                ++counts[v];
        },
        progress, "FashionScenes");

    const auto classes = classNames();
    writeFileAtomic(out / "classes.txt", join(classes, "\n") + "\n");
    Json counts = Json::object();
    Json pixelShares = Json::object();
    std::size_t offset = 0;
    for (const auto& [split, n] : plan.counts) {
        std::string list, meta;
        std::array<std::uint64_t, 11> total{};
        for (int i = 0; i < n; ++i) {
            list += scene::sceneId(i) + "\n";
            meta += metaLines[offset + std::size_t(i)] + "\n";
            for (int c = 0; c < 11; ++c)
                total[std::size_t(c)] += pixelCounts[offset + std::size_t(i)][std::size_t(c)];
        }
        offset += std::size_t(n);
        counts[sceneSplitName(split)] = n;
        if (n == 0)
            continue;
        writeFileAtomic(out / "splits" / (std::string(sceneSplitName(split)) + ".txt"), list);
        writeFileAtomic(out / "meta" / (std::string(sceneSplitName(split)) + ".jsonl"), meta);
        if (split != SceneSplit::Unlabelled) {
            std::uint64_t sum = 0;
            for (auto v : total)
                sum += v;
            Json shares = Json::object();
            for (int c = 0; c < 11; ++c)
                shares[classes[std::size_t(c)]] = std::round(1e6 * double(total[std::size_t(c)]) / double(sum)) / 1e6;
            pixelShares[sceneSplitName(split)] = shares;
        }
    }
    Json bgTrain = Json::array(), bgTest = Json::array();
    for (const auto& p : mImpl->backgroundPaths.train)
        bgTrain.push_back(p.filename().string());
    for (const auto& p : mImpl->backgroundPaths.test)
        bgTest.push_back(p.filename().string());
    const auto& o = mOptions;
    Json info = {
        {"format", "fashionscenes"},
        {"layout", "generic"},
        {"generator_version", kFashionScenesVersion},
        {"seed", o.seed},
        {"size", o.size},
        {"scenes", counts},
        {"classes", classes},
        {"ignore_value", 255},
        {"items_per_scene", {o.minItems, o.maxItems}},
        {"item_size", {o.minItemSize, o.maxItemSize}},
        {"max_rotation_deg", o.maxRotationDeg},
        {"max_overlap", o.maxOverlap},
        {"item_threshold", kFashionItemThreshold},
        {"fashion_mnist", {{"train_items", mImpl->trainItems.count}, {"test_items", mImpl->testItems.count}}},
        {"backgrounds", {{"train", bgTrain}, {"test", bgTest}}},
        {"pixel_shares", pixelShares},
        {"presets", {"fashion-unseen-2", "fashion-unseen-4"}},
    };
    // Written last: its presence marks a complete data set.
    writeFileAtomic(out / "dataset.json", info.dump(2) + "\n");
    std::error_code ec;
    fs::remove(out / kIncompleteMarker, ec);
    progress.update(1.0, "done");
    return info;
}

} // namespace zm
