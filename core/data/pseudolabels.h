// Transductive pseudo-labels from ConSE: the unlabelled regions of a zero-shot training set (the pixels its
// Train stage leaves ignore: the unseen objects, and thin soft edges) each get the unseen class an ImageNet
// classifier's view of the region is nearest to in word-vector space (ConSE on the region's crop,
// core/engine/conse.h), the most confident share of each class's regions is kept (ZS5Net's top p %), and the
// result is written as a generic data set (docs/DATA.md) that `train --all-seen` learns like any labelled set.
//
// This is the transductive setting of ZS5Net, CaGNet-ST and STRICT (the unlabelled pixels of the training
// images are available, their classes are not), with the pseudo-labels coming from ConSE instead of the
// segmentation model itself. No unseen label is read to make them; when the data set has its own labels
// (a benchmark), the report also scores the pseudo-labels against them, for the record only.
#pragma once
#include "core/common/dataset.h"
#include "core/common/json.h"
#include "core/common/progress.h"
#include "core/data/zeroshotdataset.h"

#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace zm {

class ConseRegionClassifier;

struct PseudoLabelOptions {
    /// Soft edges around labelled objects are thin: the ignore mask is eroded by this many pixels (square
    /// window) before regions are found, and each region grows back by as much inside the mask.
    int erodeRadius = 2;
    /// Regions with fewer pixels after erosion stay unlabelled.
    int minPixels = 150;
    /// ZS5Net's p: per class, the most confident share of the regions given that class keep their label.
    double keepFraction = 0.75;
    /// Hubness correction (CSLS, Conneau et al. 2018): a class's cosines are lowered by the mean of its k
    /// highest cosines over all regions, so a class word that is near every region's vector (a "hub") does
    /// not take them all. 0: plain nearest class.
    int hubnessK = 0;
    /// Balanced assignment (transductive prior): the regions are shared out among the candidate classes in
    /// equal parts, softly, as an entropic optimal transport (Cuturi 2013; SeLa, Asano et al. 2020) finds one offset
    /// per class that, added to the cosines, makes the softmax assignments at temperature `balanceTemperature` sum to
    /// the same count for every class; each region then takes its best class after the offsets. A class word that wins
    /// many regions only by a little (a hub among the candidates) gives the ones it holds least firmly to their
    /// runner-up (balancedClassOffsets). Assumes the unlabelled regions hold the candidate classes in roughly equal
    /// numbers; off by default.
    bool balance = false;
    double balanceTemperature = 0.05;
    /// Vectors of other classes that compete for the regions (e.g. the seen classes but the background): a
    /// region nearest one of them is left unlabelled (ZS5Net's rule: only what is predicted unseen among
    /// all classes is pseudo-labelled). Empty: the regions choose among the unseen classes only.
    std::vector<std::vector<float>> rivals;
    /// Only the first N training images (0: all).
    int limit = 0;
};

/// One unlabelled region and what it became.
struct PseudoRegion {
    int image = 0;       ///< index in the Train stage
    std::string file;    ///< the written image's name (images/train/<file>.png), as in the output set
    int pixels = 0;      ///< after growing back
    int cls = -1;        ///< index into the candidate classes; -1: nearest a rival class (left unlabelled)
    float score = 0;     ///< its score for the class: the cosine of its ConSE vector with the class's vector,
                         ///< less the class's hubness term with hubnessK > 0, plus its balance offset with balance
    float runnerUp = 0;  ///< the second-best score
    std::vector<float> cosines; ///< its plain cosine with each candidate class, then each rival
    std::vector<float> vector; ///< its ConSE vector (not in the report)
    bool kept = false;
    std::string truth;   ///< majority class of its pixels in the data set's own labels ("" without them)
    double truthShare = 0; ///< share of its labelled pixels that are of `cls` (0 without labels)
    std::vector<std::pair<int, int>> votes; ///< data-set class id -> its labelled pixels (the check only)
    int labelled = 0;
};

struct PseudoLabelReport {
    std::vector<std::string> classes; ///< the candidates (the split's unseen classes)
    std::vector<PseudoRegion> regions;
    std::vector<float> hubness; ///< per class, the term subtracted from its cosines (zeros without hubnessK)
    std::vector<float> balance; ///< per class, the offset added to its scores (zeros without balance)
    int balanceIterations = -1; ///< Newton steps until the class totals matched (-1 without balance)
    int images = 0;
    bool checked = false; ///< the regions were scored against the data set's own labels
    /// Per-class summary (regions, kept, lowest kept score; with `checked`: correct regions and pixel
    /// precision among the kept ones, and the same over all regions), plus totals. With `withRegions`, also
    /// every region: image index and file, pixels, class, score, runner-up, kept, cosines (and its true class
    /// when checked).
    Json toJson(bool withRegions = false) const;
};

/// Finds the unlabelled regions of one Train-stage label map: each is a mask (nonzero = region) of the map's
/// size. Exposed for tests.
std::vector<std::vector<std::uint8_t>> unlabelledRegions(const LabelMap& labels, int erodeRadius, int minPixels);

/// The balance offsets: for `scores` (rows x classes, row-major), one offset per class such that the
/// softmax of each row's scores plus the offsets, at `temperature`, sums over the rows to rows / classes for
/// every class: the entropic balanced assignment Sinkhorn-Knopp iterates to, solved by Newton's method on its
/// dual (fast where Sinkhorn crawls: low temperatures, near-hard assignments). Offsets average to zero.
/// `iterations` gets the Newton steps taken (it stops when every class's total is within 1e-9 of its share,
/// relatively). Exposed for tests.
std::vector<float> balancedClassOffsets(const std::vector<float>& scores, std::size_t rows, std::size_t classes,
                                        double temperature, int* iterations = nullptr);

/// Pseudo-labels `train` (a ZeroShotDataset at stage Train) into a generic data set at `out`: classes.txt
/// (the base data set's classes, in its order), images/train/<id>.png and labels/train/<id>.png (the seen
/// labels as the Train stage gives them, the background too when the split ignores it (its pixels are
/// labelled, so they are no region), the kept regions with their unseen class, everything else 255),
/// and pseudolabels.json (the report and `provenance`). `base` is the data set `train` views (for its class
/// order and, when it has labels, the check). Refuses a non-empty `out` that is not an earlier output.
/// Cancellable through `progress` (nothing is half-written: each file is atomic, the report last).
PseudoLabelReport writePseudoLabels(const ZeroShotDataset& train, const Dataset& base, const ConseRegionClassifier& classifier,
                                    const std::vector<std::vector<float>>& unseenVectors, const PseudoLabelOptions& options,
                                    const std::filesystem::path& out, const Json& provenance, Progress* progress = nullptr);

} // namespace zm
