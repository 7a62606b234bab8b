// Scene generators' shared pieces (see sceneraster.h): FashionScenes pixel arithmetic, the Fashion-MNIST item
// mask, and the worker driver both generators use.
#include "core/data/sceneraster.h"

#include "core/common/error.h"
#include "core/common/files.h"
#include "core/common/json.h"
#include "core/common/progress.h"
#include "core/data/fashionmnist.h"
#include "core/data/fashionscenes.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cmath>
#include <mutex>
#include <thread>
#include <vector>

namespace zm::scene {

Image resampleCrop(const Image& src, int cx, int cy, int side, int out, bool flip)
{
    Image dst(out, out, 3);
    if (side >= out) {
        std::vector<int> x0(std::size_t(out) + 1);
        for (int i = 0; i <= out; ++i)
            x0[std::size_t(i)] = int((std::int64_t(i) * side) / out);
        std::vector<std::uint32_t> acc(std::size_t(out) * 3);
        for (int oy = 0; oy < out; ++oy) {
            std::fill(acc.begin(), acc.end(), 0u);
            const int ya = x0[std::size_t(oy)], yb = x0[std::size_t(oy) + 1];
            for (int y = ya; y < yb; ++y) {
                const std::uint8_t* row = src.row(cy + y) + std::size_t(cx) * 3;
                for (int ox = 0; ox < out; ++ox)
                    for (int x = x0[std::size_t(ox)]; x < x0[std::size_t(ox) + 1]; ++x)
                        for (int c = 0; c < 3; ++c)
                            acc[std::size_t(ox) * 3 + c] += row[std::size_t(x) * 3 + c];
            }
            std::uint8_t* drow = dst.row(oy);
            for (int ox = 0; ox < out; ++ox) {
                const std::uint32_t n = std::uint32_t((yb - ya) * (x0[std::size_t(ox) + 1] - x0[std::size_t(ox)]));
                const int dx = flip ? out - 1 - ox : ox;
                for (int c = 0; c < 3; ++c)
                    drow[std::size_t(dx) * 3 + c] = std::uint8_t((acc[std::size_t(ox) * 3 + c] + n / 2) / n);
            }
        }
        return dst;
    }
    for (int oy = 0; oy < out; ++oy) {
        // Pixel centres in 1/256 px: source = (o + 0.5) * side / out - 0.5.
        const std::int64_t fy = std::max<std::int64_t>(0, ((2 * oy + 1) * std::int64_t(side) * 128) / out - 128);
        const int y0 = int(fy >> 8), wy = int(fy & 255), y1 = std::min(y0 + 1, side - 1);
        std::uint8_t* drow = dst.row(oy);
        for (int ox = 0; ox < out; ++ox) {
            const std::int64_t fx = std::max<std::int64_t>(0, ((2 * ox + 1) * std::int64_t(side) * 128) / out - 128);
            const int x0 = int(fx >> 8), wx = int(fx & 255), x1 = std::min(x0 + 1, side - 1);
            const int dx = flip ? out - 1 - ox : ox;
            for (int c = 0; c < 3; ++c) {
                auto p = [&](int x, int y) { return int(src.row(cy + y)[std::size_t(cx + x) * 3 + c]); };
                const int top = p(x0, y0) * (256 - wx) + p(x1, y0) * wx;
                const int bot = p(x0, y1) * (256 - wx) + p(x1, y1) * wx;
                drow[std::size_t(dx) * 3 + c] = std::uint8_t((top * (256 - wy) + bot * wy + 32768) >> 16);
            }
        }
    }
    return dst;
}

std::array<std::uint8_t, 3> randomTint(Rng& rng)
{
    const double h = rng.uniform() * 6.0, s = 0.25 + 0.65 * rng.uniform(), v = 0.55 + 0.45 * rng.uniform();
    const int i = int(h) % 6;
    const double f = h - std::floor(h), p = v * (1 - s), q = v * (1 - s * f), t = v * (1 - s * (1 - f));
    double r = v, g = t, b = p;
    switch (i) {
    case 0:
        r = v, g = t, b = p;
        break;
    case 1:
        r = q, g = v, b = p;
        break;
    case 2:
        r = p, g = v, b = t;
        break;
    case 3:
        r = p, g = q, b = v;
        break;
    case 4:
        r = t, g = p, b = v;
        break;
    default:
        r = v, g = p, b = q;
        break;
    }
    auto q8 = [](double x) { return std::uint8_t(std::lround(std::clamp(x, 0.0, 1.0) * 255.0)); };
    return {q8(r), q8(g), q8(b)};
}

int sample28(const std::uint8_t* plane, int fx, int fy)
{
    const int x0 = fx >> 8, y0 = fy >> 8, wx = fx & 255, wy = fy & 255;
    auto p = [&](int x, int y) {
        return (x < 0 || y < 0 || x >= FashionMnist::kSide || y >= FashionMnist::kSide)
                   ? 0
                   : int(plane[y * FashionMnist::kSide + x]);
    };
    const int top = p(x0, y0) * (256 - wx) + p(x0 + 1, y0) * wx;
    const int bot = p(x0, y0 + 1) * (256 - wx) + p(x0 + 1, y0 + 1) * wx;
    return (top * (256 - wy) + bot * wy + 32768) >> 16;
}

void prepareSceneFolder(const std::filesystem::path& out, const std::string& format, const std::string& title,
                        const std::string& marker, const std::vector<std::pair<std::string, bool>>& splits)
{
    namespace fs = std::filesystem;
    std::error_code ec;
    if (fs::exists(out, ec) && !fs::is_directory(out, ec))
        throw fileError(out.string(), "exists and is not a folder");
    if (fs::is_directory(out, ec) && !fs::is_empty(out, ec)) {
        // An interrupted run leaves its marker: that folder is ours too, so a rerun can finish the job.
        bool ours = fs::is_regular_file(out / marker, ec);
        if (!ours && fs::is_regular_file(out / "dataset.json", ec)) {
            try {
                ours = loadJsonFile(out / "dataset.json").value("format", "") == format;
            } catch (const Error&) {
                ours = false;
            }
        }
        if (!ours)
            throw fileError(out.string(),
                            "folder is not empty and holds no " + title + " data set; choose an empty or new folder");
        // Regenerating over an earlier folder of ours: clear what we wrote so no stale scene stays.
        for (const char* sub : {"images", "labels", "splits", "meta"})
            fs::remove_all(out / sub, ec);
        fs::remove(out / "dataset.json", ec);
        fs::remove(out / "classes.txt", ec);
    }
    fs::create_directories(out, ec);
    writeFileAtomic(out / marker, title + " generation in progress or interrupted; rerun it into this folder\n");
    for (const auto& [split, labelled] : splits) {
        fs::create_directories(out / "images" / split, ec);
        if (labelled)
            fs::create_directories(out / "labels" / split, ec);
    }
    fs::create_directories(out / "splits", ec);
    fs::create_directories(out / "meta", ec);
    if (ec)
        throw fileError(out.string(), "cannot create folders: " + ec.message());
}

void runSceneJobs(std::size_t count, int threads, const std::function<void(std::size_t)>& job, Progress& progress,
                  const std::string& what)
{
    std::atomic<std::size_t> next{0}, done{0};
    std::atomic<bool> stop{false};
    std::mutex errorMutex;
    std::string firstError;
    auto worker = [&] {
        for (;;) {
            if (stop.load())
                return;
            const std::size_t j = next.fetch_add(1);
            if (j >= count)
                return;
            try {
                job(j);
            } catch (const std::exception& e) {
                std::lock_guard<std::mutex> lock(errorMutex);
                if (firstError.empty())
                    firstError = e.what();
                stop.store(true);
            }
            done.fetch_add(1);
        }
    };
    checkCancelled(progress);
    std::vector<std::thread> pool;
    for (int t = 0; t < std::max(1, threads); ++t)
        pool.emplace_back(worker);
    bool cancelled = false;
    while (done.load() < count && !stop.load()) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        const double f = count == 0 ? 1.0 : double(done.load()) / double(count);
        if (!progress.update(f, std::to_string(done.load()) + "/" + std::to_string(count) + " scenes") ||
            progress.cancelled()) {
            cancelled = true;
            stop.store(true);
        }
    }
    for (auto& t : pool)
        t.join();
    if (!firstError.empty())
        throw Error(what + ": " + firstError);
    if (cancelled || progress.cancelled())
        throw Cancelled();
}

ScenePlan planSceneJobs(int trainScenes, int testScenes, int unlabelledScenes)
{
    ScenePlan plan;
    plan.counts = {{SceneSplit::Train, trainScenes}, {SceneSplit::Test, testScenes}, {SceneSplit::Unlabelled, unlabelledScenes}};
    for (const auto& [split, n] : plan.counts) {
        if (n <= 0)
            continue;
        plan.splits.emplace_back(sceneSplitName(split), split != SceneSplit::Unlabelled);
        for (int i = 0; i < n; ++i)
            plan.jobs.push_back({split, i});
    }
    return plan;
}

std::string sceneId(int index)
{
    char buf[16];
    std::snprintf(buf, sizeof buf, "%05d", index);
    return buf;
}

} // namespace zm::scene

namespace zm {

const char* sceneSplitName(SceneSplit s)
{
    switch (s) {
    case SceneSplit::Train:
        return "train";
    case SceneSplit::Test:
        return "test";
    case SceneSplit::Unlabelled:
        return "unlabelled";
    }
    return "?";
}

std::vector<std::uint8_t> fashionItemMask(const std::uint8_t* grey28)
{
    constexpr int n = FashionMnist::kSide;
    std::vector<std::uint8_t> m(n * n);
    for (int i = 0; i < n * n; ++i)
        m[std::size_t(i)] = grey28[i] > kFashionItemThreshold ? 1 : 0;
    // Connected components of one value; `visit` gets each component's pixel list.
    auto components = [&](std::uint8_t value, bool eight, auto&& visit) {
        std::vector<std::uint8_t> seen(n * n, 0);
        std::vector<int> stack, comp;
        for (int start = 0; start < n * n; ++start) {
            if (seen[std::size_t(start)] || m[std::size_t(start)] != value)
                continue;
            comp.clear();
            stack.assign(1, start);
            seen[std::size_t(start)] = 1;
            bool border = false;
            while (!stack.empty()) {
                const int p = stack.back();
                stack.pop_back();
                comp.push_back(p);
                const int x = p % n, y = p / n;
                border |= x == 0 || y == 0 || x == n - 1 || y == n - 1;
                for (int dy = -1; dy <= 1; ++dy)
                    for (int dx = -1; dx <= 1; ++dx) {
                        if ((dx == 0 && dy == 0) || (!eight && dx != 0 && dy != 0))
                            continue;
                        const int xx = x + dx, yy = y + dy;
                        if (xx < 0 || yy < 0 || xx >= n || yy >= n)
                            continue;
                        const int q = yy * n + xx;
                        if (!seen[std::size_t(q)] && m[std::size_t(q)] == value) {
                            seen[std::size_t(q)] = 1;
                            stack.push_back(q);
                        }
                    }
            }
            visit(comp, border);
        }
    };
    // Pin holes (dark spots inside an item, up to 4 px) belong to the item; larger enclosed regions
    // (the gap inside a bag's handle) stay background.
    std::vector<std::vector<int>> holes;
    components(0, false, [&](const std::vector<int>& c, bool border) {
        if (!border && c.size() <= 4)
            holes.push_back(c);
    });
    for (const auto& h : holes)
        for (int p : h)
            m[std::size_t(p)] = 1;
    // Specks (isolated bright pixels under 4 px) are noise, unless they are all there is.
    std::vector<std::vector<int>> parts;
    components(1, true, [&](const std::vector<int>& c, bool) { parts.push_back(c); });
    std::size_t largest = 0;
    for (const auto& c : parts)
        largest = std::max(largest, c.size());
    for (const auto& c : parts)
        if (c.size() < 4 && c.size() < largest)
            for (int p : c)
                m[std::size_t(p)] = 0;
    return m;
}

} // namespace zm
