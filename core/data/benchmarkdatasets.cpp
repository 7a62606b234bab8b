// VOC, Context and COCO-Stuff readers and the format factory.
#include "core/data/benchmarkdatasets.h"

#include "core/common/error.h"
#include "core/common/files.h"
#include "core/common/json.h"
#include "core/common/strings.h"
#include "core/data/classlists.h"
#include "core/io/image_io.h"

#include <algorithm>

namespace zm {
namespace fs = std::filesystem;
namespace {

fs::path findDevkitFolder(const fs::path& root, const std::string& year)
{
    std::error_code ec;
    if (!fs::is_directory(root, ec))
        throw fileError(root.string(), "data set folder not found");
    for (const auto& c : {root / ("VOC" + year), root / "VOCdevkit" / ("VOC" + year), root})
        if (fs::is_directory(c / "JPEGImages", ec))
            return c;
    throw fileError(root.string(), "no JPEGImages/ here nor in VOC" + year + "/ or VOCdevkit/VOC" + year +
                                       "/ (expected the PASCAL VOC layout)");
}

// Lines are either "<id>" or "/JPEGImages/<id>.jpg /SegmentationClassAug/<id>.png" (DeepLab lists).
std::vector<std::string> readIdList(const fs::path& list)
{
    std::vector<std::string> ids;
    for (const auto& line : split(readFile(list), '\n')) {
        const std::string t = trim(line);
        if (t.empty())
            continue;
        const std::string first = t.substr(0, t.find_first_of(" \t"));
        ids.push_back(fs::path(first).stem().string());
    }
    if (ids.empty())
        throw fileError(list.string(), "image list is empty");
    return ids;
}

std::vector<FileListDataset::Entry> devkitEntries(const fs::path& dir, const fs::path& list,
                                                  const fs::path& labelDir)
{
    std::error_code ec;
    if (!fs::is_regular_file(list, ec)) {
        std::string known;
        for (const auto& e : fs::directory_iterator(list.parent_path(), ec))
            if (e.path().extension() == ".txt")
                known += (known.empty() ? "" : ", ") + e.path().stem().string();
        throw fileError(list.string(), "image list not found" + (known.empty() ? std::string() : " (lists here: " + known + ")"));
    }
    if (!fs::is_directory(labelDir, ec))
        throw fileError(labelDir.string(), "label folder not found");
    std::vector<FileListDataset::Entry> entries;
    for (const auto& id : readIdList(list)) {
        FileListDataset::Entry e;
        e.id = id;
        e.image = dir / "JPEGImages" / (id + ".jpg");
        e.label = labelDir / (id + ".png");
        if (!fs::is_regular_file(e.image, ec))
            throw fileError(e.image.string(), "image listed in " + list.filename().string() + " is missing");
        if (!fs::is_regular_file(e.label, ec))
            throw fileError(e.label.string(), "label listed in " + list.filename().string() + " is missing");
        entries.push_back(std::move(e));
    }
    return entries;
}

std::vector<FileListDataset::Entry> vocEntries(const fs::path& root, const std::string& subset)
{
    const fs::path dir = findDevkitFolder(root, "2012");
    const bool aug = endsWith(subset, "_aug") || subset == "aug";
    fs::path list = dir / "ImageSets" / (aug ? "SegmentationAug" : "Segmentation") / (subset + ".txt");
    std::error_code ec;
    if (aug && !fs::is_regular_file(list, ec) &&
        fs::is_regular_file(dir / "ImageSets" / "Segmentation" / (subset + ".txt"), ec))
        list = dir / "ImageSets" / "Segmentation" / (subset + ".txt"); // mmsegmentation keeps aug.txt there
    return devkitEntries(dir, list, dir / (aug ? "SegmentationClassAug" : "SegmentationClass"));
}

std::vector<FileListDataset::Entry> contextEntries(const fs::path& root, const std::string& subset)
{
    const fs::path dir = findDevkitFolder(root, "2010");
    return devkitEntries(dir, dir / "ImageSets" / "SegmentationContext" / (subset + ".txt"),
                         dir / "SegmentationClassContext");
}

std::vector<FileListDataset::Entry> cocoEntries(const fs::path& root, const std::string& subset)
{
    std::error_code ec;
    const fs::path imageDir = root / "images" / subset;
    if (!fs::is_directory(imageDir, ec))
        throw fileError(imageDir.string(), "image folder not found (expected images/<subset>/, e.g. images/val2017/)");
    fs::path labelDir;
    for (const auto& c : {root / "annotations" / subset, root / "stuffthingmaps_trainval2017" / subset})
        if (fs::is_directory(c, ec)) {
            labelDir = c;
            break;
        }
    if (labelDir.empty())
        throw fileError((root / "annotations" / subset).string(),
                        "label folder not found (also looked in stuffthingmaps_trainval2017/" + subset + ")");
    std::vector<FileListDataset::Entry> entries;
    for (const auto& p : listImages(imageDir)) {
        FileListDataset::Entry e;
        e.id = subset + "/" + p.stem().string();
        e.image = p;
        e.label = labelDir / (p.stem().string() + ".png");
        if (!fs::is_regular_file(e.label, ec))
            throw fileError(e.label.string(), "label missing for image " + p.filename().string());
        entries.push_back(std::move(e));
    }
    return entries;
}

std::vector<int> coco171Remap() { return cocoStuff182To171(); }

} // namespace

VocDataset::VocDataset(const fs::path& root, const std::string& subset)
    : FileListDataset("voc2012/" + subset, vocClassNames(), vocEntries(root, subset))
{
}

ContextDataset::ContextDataset(const fs::path& root, const std::string& subset)
    : FileListDataset("context59/" + subset, context59ClassNames(), contextEntries(root, subset))
{
}

CocoStuffDataset::CocoStuffDataset(const fs::path& root, const std::string& subset, bool classes171)
    : FileListDataset(std::string(classes171 ? "cocostuff171/" : "cocostuff182/") + subset,
                      classes171 ? cocoStuff171ClassNames() : cocoStuff182ClassNames(), cocoEntries(root, subset),
                      classes171 ? coco171Remap() : FileListDataset::Remap{})
{
}

const std::vector<std::string>& datasetFormats()
{
    static const std::vector<std::string> f = {"generic", "fashionscenes", "stampscenes", "voc", "context", "cocostuff", "cocostuff171"};
    return f;
}

std::string detectDatasetFormat(const fs::path& root)
{
    std::error_code ec;
    if (!fs::is_directory(root, ec))
        throw fileError(root.string(), "data set folder not found");
    if (fs::is_regular_file(root / "dataset.json", ec)) {
        try {
            const std::string f = loadJsonFile(root / "dataset.json").value("format", "");
            if (f == "fashionscenes" || f == "stampscenes")
                return f;
        } catch (const Error&) {
        }
    }
    if (fs::is_regular_file(root / "classes.txt", ec))
        return "generic";
    for (const auto& c : {root, root / "VOC2012", root / "VOCdevkit" / "VOC2012"})
        if (fs::is_directory(c / "SegmentationClass", ec) || fs::is_directory(c / "SegmentationClassAug", ec))
            return "voc";
    for (const auto& c : {root, root / "VOC2010", root / "VOCdevkit" / "VOC2010"})
        if (fs::is_directory(c / "SegmentationClassContext", ec))
            return "context";
    if (fs::is_directory(root / "images", ec) &&
        (fs::is_directory(root / "annotations", ec) || fs::is_directory(root / "stuffthingmaps_trainval2017", ec)))
        return "cocostuff";
    throw fileError(root.string(), "cannot tell the data set format (no classes.txt, VOC or COCO-Stuff layout); "
                                   "pass --format " + join(datasetFormats(), "|"));
}

std::shared_ptr<Dataset> openDataset(const std::string& formatIn, const fs::path& root, const std::string& subset,
                                     bool requireLabels)
{
    const std::string format = formatIn == "auto" || formatIn.empty() ? detectDatasetFormat(root) : formatIn;
    if (format == "generic" || format == "fashionscenes" || format == "stampscenes")
        return std::make_shared<FolderDataset>(root, subset, requireLabels);
    if (format == "voc")
        return std::make_shared<VocDataset>(root, subset);
    if (format == "context")
        return std::make_shared<ContextDataset>(root, subset);
    if (format == "cocostuff")
        return std::make_shared<CocoStuffDataset>(root, subset, false);
    if (format == "cocostuff171")
        return std::make_shared<CocoStuffDataset>(root, subset, true);
    throw Error("data set format '" + formatIn + "' is unknown; formats: auto, " + join(datasetFormats(), ", "));
}

StandardSubsets standardSubsets(const std::string& formatIn, const fs::path& root)
{
    const std::string format = formatIn == "auto" || formatIn.empty() ? detectDatasetFormat(root) : formatIn;
    std::error_code ec;
    if (format == "voc") {
        for (const auto& c : {root, root / "VOC2012", root / "VOCdevkit" / "VOC2012"})
            if (fs::is_regular_file(c / "ImageSets" / "SegmentationAug" / "train_aug.txt", ec))
                return {"train_aug", "val", ""};
        return {"train", "val", ""};
    }
    if (format == "context")
        return {"train", "val", ""};
    if (format == "cocostuff" || format == "cocostuff171")
        return {"train2017", "val2017", ""};
    if (format == "generic" || format == "fashionscenes" || format == "stampscenes") {
        const auto subsets = folderSubsets(root);
        auto has = [&](const char* s) { return std::find(subsets.begin(), subsets.end(), s) != subsets.end(); };
        return {has("train") ? "train" : "", has("test") ? "test" : (has("val") ? "val" : ""),
                has("unlabelled") ? "unlabelled" : ""};
    }
    throw Error("data set format '" + formatIn + "' is unknown; formats: auto, " + join(datasetFormats(), ", "));
}

} // namespace zm
