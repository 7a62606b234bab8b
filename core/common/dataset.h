// The dataset interface the trainer and evaluator consume. Concrete readers (VOC, Context, COCO-Stuff,
// generic folders, FashionScenes) live in core/data/; the engine sees only this interface.
#pragma once
#include "core/common/image.h"

#include <string>
#include <vector>

namespace zm {

struct Sample {
    std::string id;   ///< stable id (relative path without extension)
    Image image;      ///< RGB 8-bit
    LabelMap labels;  ///< indices into Dataset::classNames(); LabelMap::kVoid = ignore. Empty for unlabelled.
};

class Dataset {
public:
    virtual ~Dataset() = default;
    virtual std::string name() const = 0;
    virtual int size() const = 0;
    /// Loads sample i. Throws zm::Error naming the file on bad input (size mismatch, ids out of range).
    virtual Sample get(int index) const = 0;
    /// Class names in id order (the dataset's own classes, e.g. 21 for VOC incl. background).
    virtual const std::vector<std::string>& classNames() const = 0;
};

/// A zero-shot split over a dataset's classes: which are seen (labelled in training), unseen (never
/// labelled; only their names/vectors), and seen-val (seen classes held out to tune calibration gamma).
struct ZeroShotSplit {
    std::string name;                       ///< e.g. "voc-spnet-15-5"
    std::vector<std::string> seen;
    std::vector<std::string> unseen;
    std::vector<std::string> seenVal;       ///< subset of seen, used only for calibration
    bool backgroundSeen = true;             ///< ZS3 keeps background as a seen class; SPNet ignores it
    std::string background = "background"; ///< name of the background class, if any
};

} // namespace zm
