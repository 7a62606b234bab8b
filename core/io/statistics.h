// Label statistics: pixel counts per class per image and per folder (CSV), and how much of the
// prediction people changed (pixels confirmed with another class than predicted).
#pragma once
#include "core/io/annotation.h"
#include "core/io/classtable.h"

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace zm {

struct LabelStats {
    std::string image;                           ///< image file name, or "ALL" for a folder total
    std::uint64_t pixels = 0;                    ///< all pixels
    std::map<std::uint16_t, std::uint64_t> counts; ///< per class id; LabelMap::kVoid counts void pixels
    std::uint64_t confirmed = 0;                 ///< pixels a person set
    std::uint64_t compared = 0;                  ///< confirmed pixels that also have a prediction
    std::uint64_t changed = 0;                   ///< of those, pixels whose class differs from the prediction
    /// Share of all pixels that people changed against the prediction (changed / pixels).
    double changedShare() const { return pixels ? double(changed) / double(pixels) : 0.0; }
    LabelStats& operator+=(const LabelStats& o);
};

LabelStats computeStats(const std::string& image, const LabelMap& labels);
LabelStats computeStats(const std::string& image, const AnnotationState& state);
/// Sum of several images, named "ALL".
LabelStats totalStats(const std::vector<LabelStats>& perImage);

/// "image,class_id,class_name,pixels,share": one row per class present per image, then the folder
/// total (image "ALL"); void pixels as class_id "void". share = pixels / image pixels.
std::string classCountsCsv(const std::vector<LabelStats>& perImage, const ClassTable& table);
/// "image,pixels,confirmed,changed,changed_share": one row per image, then "ALL".
std::string editsCsv(const std::vector<LabelStats>& perImage);

/// CSV field quoting (RFC 4180) for names with commas or quotes.
std::string csvField(const std::string& s);

} // namespace zm
