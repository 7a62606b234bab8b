// File-list and generic-folder data sets.
#include "core/data/folderdataset.h"

#include "core/common/error.h"
#include "core/common/files.h"
#include "core/common/strings.h"
#include "core/data/pngfile.h"
#include "core/io/image_io.h"

#include <algorithm>
#include <set>

namespace zm {
namespace fs = std::filesystem;

std::vector<std::string> readClassList(const fs::path& path)
{
    const std::string text = readFile(path);
    std::vector<std::string> lines;
    std::size_t start = 0;
    while (start <= text.size()) {
        std::size_t end = text.find('\n', start);
        if (end == std::string::npos)
            end = text.size();
        lines.push_back(trim(text.substr(start, end - start)));
        start = end + 1;
    }
    while (!lines.empty() && lines.back().empty())
        lines.pop_back();
    if (lines.empty())
        throw fileError(path.string(), "class list is empty (expected one class name per line)");
    std::set<std::string> seen;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        if (lines[i].empty())
            throw fileError(path.string(), "line " + std::to_string(i + 1) + " is blank (class ids are line numbers, so every line must name a class)");
        if (!seen.insert(lines[i]).second)
            throw fileError(path.string(), "line " + std::to_string(i + 1) + ": class '" + lines[i] + "' appears twice");
    }
    if (lines.size() >= LabelMap::kVoid)
        throw fileError(path.string(), std::to_string(lines.size()) + " classes; at most 65534 are possible");
    return lines;
}

FileListDataset::FileListDataset(std::string name, std::vector<std::string> classNames, std::vector<Entry> entries,
                                 Remap remap, int voidValue)
    : mName(std::move(name)), mClassNames(std::move(classNames)), mEntries(std::move(entries)),
      mRemap(std::move(remap)), mVoidValue(voidValue)
{
}

LabelMap FileListDataset::labels(int index) const
{
    const Entry& e = entry(index);
    if (e.label.empty())
        return {};
    LabelMap l = readLabelIds(e.label, mVoidValue);
    const int n = int(mClassNames.size());
    for (auto& id : l.ids) {
        if (id == LabelMap::kVoid)
            continue;
        int v = id;
        if (!mRemap.empty()) {
            if (v >= int(mRemap.size()))
                throw fileError(e.label.string(), "label value " + std::to_string(v) + " is not a class id of " + mName);
            v = mRemap[std::size_t(v)];
            if (v < 0 || v == LabelMap::kVoid) {
                id = LabelMap::kVoid;
                continue;
            }
        }
        if (v >= n)
            throw fileError(e.label.string(), "label value " + std::to_string(v) + " is outside the " +
                                                  std::to_string(n) + " classes (ids 0.." + std::to_string(n - 1) +
                                                  ", " + std::to_string(mVoidValue) + " = ignore)");
        id = std::uint16_t(v);
    }
    return l;
}

Sample FileListDataset::get(int index) const
{
    if (index < 0 || index >= size())
        throw Error(mName + ": sample " + std::to_string(index) + " out of range (size " + std::to_string(size()) + ")");
    const Entry& e = entry(index);
    Sample s;
    s.id = e.id;
    s.image = loadImageRgb(e.image);
    s.labels = labels(index);
    if (!s.labels.empty() && (s.labels.width != s.image.width || s.labels.height != s.image.height))
        throw fileError(e.label.string(), "label map is " + std::to_string(s.labels.width) + "x" +
                                              std::to_string(s.labels.height) + " but its image " +
                                              e.image.filename().string() + " is " + std::to_string(s.image.width) +
                                              "x" + std::to_string(s.image.height));
    return s;
}

std::vector<FileListDataset::Entry> FolderDataset::scan(const fs::path& root, const std::string& subset,
                                                        bool requireLabels)
{
    std::error_code ec;
    if (!fs::is_directory(root, ec))
        throw fileError(root.string(), "data set folder not found");
    const fs::path imageDir = subset.empty() ? root / "images" : root / "images" / subset;
    const fs::path labelDir = subset.empty() ? root / "labels" : root / "labels" / subset;
    if (!fs::is_directory(imageDir, ec)) {
        std::string known;
        for (const auto& s : folderSubsets(root))
            known += (known.empty() ? "" : ", ") + s;
        throw fileError(imageDir.string(), "image folder not found" +
                                               (known.empty() ? std::string(" (expected images/<subset>/ with a classes.txt beside)")
                                                              : " (subsets here: " + known + ")"));
    }
    std::vector<std::string> stems;
    std::vector<fs::path> images;
    const fs::path list = root / "splits" / ((subset.empty() ? std::string("all") : subset) + ".txt");
    if (fs::is_regular_file(list, ec)) {
        const std::string text = readFile(list);
        int lineNo = 0;
        for (const auto& rawLine : split(text, '\n', false)) {
            ++lineNo;
            const std::string stem = trim(rawLine);
            if (stem.empty() || stem[0] == '#')
                continue;
            fs::path found;
            for (const auto& ext : imageExtensions())
                if (fs::is_regular_file(imageDir / (stem + ext), ec)) {
                    found = imageDir / (stem + ext);
                    break;
                }
            if (found.empty())
                throw fileError(list.string(), "line " + std::to_string(lineNo) + ": no image '" + stem + ".*' in " +
                                                   imageDir.string());
            stems.push_back(stem);
            images.push_back(found);
        }
    } else {
        for (const auto& p : listImages(imageDir)) {
            stems.push_back(p.stem().string());
            images.push_back(p);
        }
    }
    std::vector<Entry> entries;
    for (std::size_t i = 0; i < images.size(); ++i) {
        Entry e;
        e.id = subset.empty() ? stems[i] : subset + "/" + stems[i];
        e.image = images[i];
        const fs::path label = labelDir / (stems[i] + ".png");
        if (fs::is_regular_file(label, ec))
            e.label = label;
        else if (requireLabels)
            throw fileError(label.string(), "label file missing for image " + images[i].filename().string());
        entries.push_back(std::move(e));
    }
    return entries;
}

FolderDataset::FolderDataset(const fs::path& root, const std::string& subset, bool requireLabels)
    : FileListDataset("generic:" + (subset.empty() ? root.filename().string() : root.filename().string() + "/" + subset),
                      readClassList(root / "classes.txt"), scan(root, subset, requireLabels))
{
}

std::vector<std::string> folderSubsets(const fs::path& root)
{
    std::vector<std::string> out;
    std::error_code ec;
    if (!fs::is_directory(root / "images", ec))
        return out;
    for (const auto& e : fs::directory_iterator(root / "images", ec))
        if (e.is_directory())
            out.push_back(e.path().filename().string());
    std::sort(out.begin(), out.end());
    return out;
}

} // namespace zm
