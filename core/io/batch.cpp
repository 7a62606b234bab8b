// Batch runner: shards, completion markers, resume, COCO merge when the folder is complete.
#include "core/io/batch.h"

#include "core/common/error.h"
#include "core/common/files.h"
#include "core/common/json.h"
#include "core/common/strings.h"
#include "core/io/image_io.h"

#include <algorithm>
#include <chrono>
#include <future>
#include <memory>

namespace zm {

namespace fs = std::filesystem;

namespace {

constexpr const char* kStateDir = ".zeromask-batch";

fs::path markerPath(const fs::path& outDir, const std::string& name) { return outDir / kStateDir / "done" / (name + ".json"); }

std::vector<std::string> formatNames(const ExportOptions& o)
{
    std::vector<std::string> v;
    for (auto f : o.formats)
        v.push_back(formatName(f));
    return v;
}

// True when the marker says this image was finished with the same settings and every requested format.
bool finished(const fs::path& marker, const BatchOptions& o, const fs::path& outDir, const std::string& name)
{
    std::error_code ec;
    if (!fs::is_regular_file(marker, ec))
        return false;
    Json j;
    try {
        j = loadJsonFile(marker);
    } catch (const Error&) {
        return false;
    }
    if (j.value("signature", std::string()) != o.signature || !j.contains("formats"))
        return false;
    const auto done = j["formats"].get<std::vector<std::string>>();
    for (auto f : o.exports.formats) {
        if (std::find(done.begin(), done.end(), formatName(f)) == done.end())
            return false;
        if (!fs::is_regular_file(outDir / exportRelPath(f, name), ec))
            return false; // someone deleted an output: redo the image
    }
    return true;
}

} // namespace

std::pair<int, int> parseShard(const std::string& text)
{
    const auto parts = split(trim(text), '/', false);
    auto bad = [&] { return Error("--shard \"" + text + "\": expected i/N with 0 <= i < N, e.g. 0/4"); };
    if (parts.size() != 2)
        throw bad();
    int i = 0, n = 0;
    try {
        std::size_t a = 0, b = 0;
        i = std::stoi(parts[0], &a);
        n = std::stoi(parts[1], &b);
        if (a != parts[0].size() || b != parts[1].size())
            throw bad();
    } catch (const std::logic_error&) {
        throw bad();
    }
    if (n < 1 || i < 0 || i >= n)
        throw bad();
    return {i, n};
}

std::vector<std::size_t> shardPositions(std::size_t count, int index, int shardCount)
{
    std::vector<std::size_t> out;
    for (std::size_t k = std::size_t(index); k < count; k += std::size_t(shardCount))
        out.push_back(k);
    return out;
}

BatchSummary runBatch(const BatchOptions& o, const ClassTable& table, const FilePredictor& predict, Progress& progress)
{
    const auto t0 = std::chrono::steady_clock::now();
    if (o.shardCount < 1 || o.shardIndex < 0 || o.shardIndex >= o.shardCount)
        throw Error("shard " + std::to_string(o.shardIndex) + "/" + std::to_string(o.shardCount) + " is not valid");
    if (o.exports.formats.empty())
        throw Error("no export format chosen (use voc, id, coco or preview)");
    if (table.empty())
        throw Error("no classes given");
    const auto images = listImages(o.inputDir);
    if (images.empty())
        throw fileError(o.inputDir.string(), "holds no images (" + join(imageExtensions(), " ") + ")");
    const auto names = outputNames(images);
    std::error_code ec;
    const fs::path absOut = fs::absolute(o.outDir).lexically_normal();
    if (absOut == fs::absolute(o.inputDir).lexically_normal())
        throw fileError(o.outDir.string(), "the output folder must not be the input folder");

    // One signature per output folder: resuming with other classes or another model would mix results.
    const fs::path runFile = o.outDir / kStateDir / "run.json";
    if (fs::is_regular_file(runFile, ec) && !o.overwrite) {
        const Json run = loadJsonFile(runFile);
        if (run.value("signature", std::string()) != o.signature)
            throw fileError(o.outDir.string(), "holds results of another run (classes, model or thresholds differ: " +
                                                   run.value("signature", std::string("?")) +
                                                   "); use --overwrite to replace them, or another --out");
    }
    saveJsonFile(runFile, {{"signature", o.signature}, {"input", fs::absolute(o.inputDir).string()}});
    writeExportMetadata(o.outDir, table, o.exports);

    BatchSummary s;
    s.folderImages = int(images.size());
    const auto positions = shardPositions(images.size(), o.shardIndex, o.shardCount);
    s.shardImages = int(positions.size());
    const Json formats = formatNames(o.exports);

    std::vector<std::size_t> todo;
    for (std::size_t k : positions) {
        if (o.resume && !o.overwrite && finished(markerPath(o.outDir, names[k]), o, o.outDir, names[k]))
            ++s.skipped;
        else
            todo.push_back(k);
    }

    // A three-stage pipeline: image n+1 is read and image n-1's files are written while image n is
    // predicted (on the calling thread, so the predictor need not be thread-safe). Leaving the loop by
    // an exception waits for the write in flight (std::async futures join), so markers stay truthful.
    auto load = [&](std::size_t n) {
        const fs::path file = images[todo[n]];
        return std::async(std::launch::async, [file] { return loadImageRgb(file); });
    };
    std::future<Image> loading;
    if (!todo.empty())
        loading = load(0);
    std::future<void> writing;
    auto finishWrite = [&] {
        if (writing.valid()) {
            writing.get(); // write errors (disk full, read-only output) stop the run
            ++s.processed;
        }
    };
    for (std::size_t n = 0; n < todo.size(); ++n) {
        checkCancelled(progress);
        const std::size_t k = todo[n];
        const fs::path& file = images[k];
        const std::string key = file.filename().string();
        progress.update(double(s.skipped + int(n)) / double(positions.size()), key);
        auto image = std::make_shared<Image>();
        auto labels = std::make_shared<LabelMap>();
        try {
            *image = loading.get();
            if (n + 1 < todo.size())
                loading = load(n + 1);
            *labels = predict(*image, file);
            if (labels->width != image->width || labels->height != image->height)
                throw fileError(file.string(), "prediction is " + std::to_string(labels->width) + "x" +
                                                   std::to_string(labels->height) + " but the image is " +
                                                   std::to_string(image->width) + "x" + std::to_string(image->height));
        } catch (const Cancelled&) {
            throw;
        } catch (const std::exception& e) {
            // One bad image (unreadable, odd size) must not stop a long batch: record it, go on.
            s.failed.emplace_back(key, e.what());
            if (n + 1 < todo.size() && !loading.valid())
                loading = load(n + 1);
            continue;
        }
        finishWrite();
        const fs::path marker = markerPath(o.outDir, names[k]);
        const std::string name = names[k];
        writing = std::async(std::launch::async, [&o, &table, &formats, marker, name, key, k, image, labels] {
            std::error_code rmEc;
            fs::remove(marker, rmEc); // outputs are about to change: not finished until rewritten
            // COCO image ids are positions in the whole folder, so shards agree without talking.
            exportImage(o.outDir, name, key, int(k) + 1, *labels, table, o.exports, image.get());
            saveJsonFile(marker, {{"image", key}, {"signature", o.signature}, {"formats", formats}});
        });
    }
    finishWrite();
    if (o.exports.has(ExportFormat::Coco)) {
        // The last shard to finish merges (rewriting it is harmless: atomic, same content).
        bool all = true;
        for (std::size_t k = 0; k < images.size() && all; ++k)
            all = finished(markerPath(o.outDir, names[k]), o, o.outDir, names[k]);
        if (all) {
            mergeCocoFolder(o.outDir);
            s.cocoMerged = true;
        }
    }
    progress.update(1.0, "done");
    s.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return s;
}

} // namespace zm
