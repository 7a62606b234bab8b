// Pixel counts and edit statistics, with CSV output.
#include "core/io/statistics.h"

#include "core/common/error.h"

#include <cstdio>

namespace zm {

LabelStats& LabelStats::operator+=(const LabelStats& o)
{
    pixels += o.pixels;
    for (const auto& [id, n] : o.counts)
        counts[id] += n;
    confirmed += o.confirmed;
    compared += o.compared;
    changed += o.changed;
    return *this;
}

LabelStats computeStats(const std::string& image, const LabelMap& labels)
{
    LabelStats s;
    s.image = image;
    s.pixels = labels.ids.size();
    std::vector<std::uint64_t> hist(65536, 0);
    for (auto v : labels.ids)
        ++hist[v];
    for (std::size_t id = 0; id < hist.size(); ++id)
        if (hist[id])
            s.counts[std::uint16_t(id)] = hist[id];
    return s;
}

LabelStats computeStats(const std::string& image, const AnnotationState& state)
{
    state.check(image);
    LabelStats s = computeStats(image, state.labels);
    const bool hasPred = !state.predicted.empty();
    for (std::size_t i = 0; i < state.confirmed.size(); ++i) {
        if (!state.confirmed[i])
            continue;
        ++s.confirmed;
        if (hasPred) {
            ++s.compared;
            if (state.labels.ids[i] != state.predicted.ids[i])
                ++s.changed;
        }
    }
    return s;
}

LabelStats totalStats(const std::vector<LabelStats>& perImage)
{
    LabelStats t;
    t.image = "ALL";
    for (const auto& s : perImage)
        t += s;
    return t;
}

std::string csvField(const std::string& s)
{
    if (s.find_first_of(",\"\n\r") == std::string::npos)
        return s;
    std::string q = "\"";
    for (char c : s) {
        if (c == '"')
            q += '"';
        q += c;
    }
    return q + "\"";
}

namespace {
std::string share(std::uint64_t n, std::uint64_t total)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.6f", total ? double(n) / double(total) : 0.0);
    return buf;
}
} // namespace

std::string classCountsCsv(const std::vector<LabelStats>& perImage, const ClassTable& table)
{
    std::string out = "image,class_id,class_name,pixels,share\n";
    auto rows = [&](const LabelStats& s) {
        for (const auto& [id, n] : s.counts) {
            const ClassEntry* e = table.find(id);
            const std::string idText = id == LabelMap::kVoid ? "void" : std::to_string(id);
            const std::string name = id == LabelMap::kVoid ? "void" : (e ? e->name : "unknown");
            out += csvField(s.image) + "," + idText + "," + csvField(name) + "," + std::to_string(n) + "," +
                   share(n, s.pixels) + "\n";
        }
    };
    for (const auto& s : perImage)
        rows(s);
    rows(totalStats(perImage));
    return out;
}

std::string editsCsv(const std::vector<LabelStats>& perImage)
{
    std::string out = "image,pixels,confirmed,changed,changed_share\n";
    auto row = [&](const LabelStats& s) {
        out += csvField(s.image) + "," + std::to_string(s.pixels) + "," + std::to_string(s.confirmed) + "," +
               std::to_string(s.changed) + "," + share(s.changed, s.pixels) + "\n";
    };
    for (const auto& s : perImage)
        row(s);
    row(totalStats(perImage));
    return out;
}

} // namespace zm
