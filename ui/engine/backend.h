// Backend: what the GUI needs from a segmentation model, as a small interface so that the GUI's
// threading is testable with a fake model and so that no engine type leaks into widgets.
// SegmenterBackend (segmenterbackend.h) adapts zm::Segmenter to it.
#pragma once
#include "core/common/image.h"
#include "core/common/progress.h"
#include "core/common/vectorspace.h"
#include "core/engine/classset.h"
#include "core/engine/segmenter.h"

#include <QString>
#include <QStringList>

#include <cstdint>
#include <memory>
#include <vector>

namespace zm::ui {

/// One image's expensive encoding. Immutable once made; shared between threads.
class Encoding {
public:
    virtual ~Encoding() = default;
    virtual std::size_t bytes() const = 0;
};
using EncodingPtr = std::shared_ptr<const Encoding>;

class Backend {
public:
    virtual ~Backend() = default;
    virtual QString modelName() const = 0;
    virtual QString device() const = 0;       ///< "cpu", "cuda:0"
    /// Views encode() averages: 1, or more with test-time augmentation (mirrored and rescaled views).
    virtual int views() const { return 1; }
    /// True when new class names are also read by ConSE over an ImageNet classifier (core/engine/conse.h).
    virtual bool conse() const { return false; }
    virtual VectorSpaceId vectorSpace() const = 0;
    virtual float defaultGamma() const = 0;   ///< calibration stored with the model
    /// Vectors of the classes the model was trained on (its seen classes); names with several word senses
    /// are read with the sense nearest these. Empty when unknown.
    virtual std::vector<std::vector<float>> trainedClassVectors() const { return {}; }
    /// The names of the classes the model's card lists: those it was trained on (seen) and those held out
    /// of training (unseen), each in the card's order. A first start fills an empty class list with them
    /// (ui/app/modelclasses.h). Empty when unknown.
    virtual QStringList seenClassNames() const { return {}; }
    virtual QStringList unseenClassNames() const { return {}; }
    /// Expensive, thread-safe; throws zm::Cancelled when progress says stop.
    virtual EncodingPtr encode(const Image& image, Progress* progress) const = 0;
    /// Cheap, thread-safe. Labels index into `classes`.
    virtual ScoreResult score(const Encoding& enc, const ClassSet& classes, const ScoreOptions& options) const = 0;
    /// Mean semantic embedding of the pixels where mask == id (for "suggest a name").
    virtual std::vector<float> regionEmbedding(const Encoding& enc, const LabelMap& mask, std::uint16_t id) const = 0;
};

} // namespace zm::ui
