// Data set statistics.
#include "core/data/datasetinfo.h"

#include "core/common/strings.h"

#include <cstdio>
#include <sstream>

namespace zm {

DatasetStats computeDatasetStats(const FileListDataset& data, Progress& progress)
{
    DatasetStats s;
    s.name = data.name();
    s.images = data.size();
    const std::size_t n = data.classNames().size();
    s.classPixels.assign(n, 0);
    s.classImages.assign(n, 0);
    std::vector<std::uint64_t> local(n);
    for (int i = 0; i < data.size(); ++i) {
        checkCancelled(progress);
        if (i % 16 == 0 && !progress.update(double(i) / data.size(), data.name()))
            throw Cancelled();
        if (!data.hasLabels(i))
            continue;
        ++s.labelled;
        const LabelMap l = data.labels(i);
        std::fill(local.begin(), local.end(), 0);
        for (auto id : l.ids) {
            if (id == LabelMap::kVoid)
                ++s.ignored;
            else
                ++local[id];
        }
        for (std::size_t c = 0; c < n; ++c) {
            s.classPixels[c] += local[c];
            s.pixels += local[c];
            s.classImages[c] += local[c] > 0;
        }
    }
    progress.update(1.0, data.name());
    return s;
}

Json statsToJson(const DatasetStats& s, const std::vector<std::string>& names)
{
    Json classes = Json::array();
    for (std::size_t c = 0; c < s.classPixels.size(); ++c)
        classes.push_back({{"name", c < names.size() ? names[c] : std::to_string(c)},
                           {"pixels", s.classPixels[c]},
                           {"share", s.pixels ? double(s.classPixels[c]) / double(s.pixels) : 0.0},
                           {"images", s.classImages[c]}});
    return Json{{"name", s.name},     {"images", s.images},   {"labelled", s.labelled},
                {"pixels", s.pixels}, {"ignored", s.ignored}, {"classes", classes}};
}

std::string statsTable(const DatasetStats& s, const std::vector<std::string>& names)
{
    std::ostringstream os;
    os << s.name << ": " << s.images << " images, " << s.labelled << " labelled, " << s.pixels
       << " labelled pixels, " << s.ignored << " ignore pixels\n";
    if (s.labelled == 0)
        return os.str();
    std::size_t w = 5;
    for (const auto& n : names)
        w = std::max(w, n.size());
    char line[512];
    std::snprintf(line, sizeof line, "  %-4s %-*s %8s %8s\n", "id", int(w), "class", "pixels%", "images");
    os << line;
    for (std::size_t c = 0; c < s.classPixels.size(); ++c) {
        const double share = s.pixels ? 100.0 * double(s.classPixels[c]) / double(s.pixels) : 0.0;
        std::snprintf(line, sizeof line, "  %-4zu %-*s %8s %8d\n", c, int(w),
                      (c < names.size() ? names[c] : std::to_string(c)).c_str(), fmt(share, 2).c_str(),
                      s.classImages[c]);
        os << line;
    }
    return os.str();
}

} // namespace zm
