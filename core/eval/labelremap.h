// Ground truth in a data set's class ids -> the classes an evaluation (or a zero-shot stage) scores.
// The one remap every evaluation uses: the CLI/engine evaluator (classes by name), the trainer's gamma
// search and held-out metrics (classes by data-set id) and the zero-shot data-set views.
#pragma once
#include "core/common/image.h"

#include <cstdint>
#include <string>
#include <vector>

namespace zm {

class LabelRemap {
public:
    /// What apply() does with a ground-truth id at or beyond the data set's class count.
    enum class Unknown {
        Void,  ///< ignore the pixel (evaluation: a stray id must not change the scores of real classes)
        Throw, ///< zm::Error naming the id (a data-set view, where a stray id is a broken file)
    };

    LabelRemap() = default;
    /// `classOfId[id]` = the evaluated class (0 <= k < numClasses) of data-set id `id`, or -1: not
    /// evaluated (the pixel becomes void). Throws zm::Error for an entry outside [-1, numClasses) or more
    /// than 65535 classes.
    LabelRemap(std::vector<int> classOfId, int numClasses, Unknown unknown = Unknown::Void);

    /// Evaluated class k is data-set id `datasetIds[k]` (of `datasetClasses`). Throws zm::Error for an
    /// id outside the data set. An id listed twice maps to its last position.
    static LabelRemap byIds(std::size_t datasetClasses, const std::vector<int>& datasetIds, Unknown unknown = Unknown::Void);
    /// Evaluated class k is the data-set class named `names[k]` (every data-set class of that name).
    /// Throws zm::Error "class 'x' is not a class of data set '<datasetName>'" for a name it lacks.
    static LabelRemap byNames(const std::vector<std::string>& datasetNames, const std::vector<std::string>& names,
                              const std::string& datasetName, Unknown unknown = Unknown::Void);

    int numClasses() const { return mClasses; }              ///< evaluated classes (the matrix size)
    std::size_t datasetClasses() const { return mLut.size(); } ///< data-set ids the remap knows

    /// The evaluated class of one ground-truth id: kVoid stays kVoid; an id not evaluated becomes kVoid;
    /// an unknown id (>= datasetClasses()) becomes kVoid or throws, as constructed.
    std::uint16_t classOf(std::uint16_t id) const;
    /// classOf() on every pixel; the size is kept. An empty map stays empty.
    LabelMap apply(const LabelMap& truth) const;

private:
    std::vector<std::uint16_t> mLut; ///< data-set id -> evaluated class or kVoid
    int mClasses = 0;
    Unknown mUnknown = Unknown::Void;
};

} // namespace zm
