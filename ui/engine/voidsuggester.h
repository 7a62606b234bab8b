// VoidSuggester: "what could this be?" for the large void regions of a prediction. For each region it
// asks the model for the region's mean projected feature and the word vectors for the nearest vocabulary
// words, in a worker. An answer is delivered only while the image it was made for is still current;
// otherwise dropped() says it was discarded. Part of SegmentationController.
#pragma once
#include "core/common/image.h"
#include "ui/engine/backend.h"

#include <QList>
#include <QObject>
#include <QPointF>
#include <QRect>
#include <QStringList>

#include <functional>
#include <memory>

namespace zm {
class ClassEmbedder;
}

namespace zm::ui {

/// One large void region of the current prediction and the vocabulary words nearest to what the
/// model sees there (its mean projected feature).
struct VoidRegionSuggestion {
    QRect bounds; ///< in image pixels
    QPointF centroid;
    int area = 0;         ///< pixels
    double share = 0;     ///< of the image
    QStringList words;    ///< nearest first
    QList<float> cosines; ///< one per word
};

class VoidSuggester : public QObject {
    Q_OBJECT
public:
    struct Request {
        std::shared_ptr<const Backend> backend;
        std::shared_ptr<const zm::ClassEmbedder> embedder;
        EncodingPtr encoding;
        zm::LabelMap labels;
        int wordsPerRegion = 5;
        int maxRegions = 5;
        double minShare = 0.01;
        /// Asked on the GUI thread when the answer is ready: false drops it (the image changed).
        std::function<bool()> stillCurrent;
    };

    using QObject::QObject;

    /// Starts a search; any answer still being made is superseded (never delivered).
    void suggest(Request request);
    /// Nothing to search (no model, vectors or prediction): answers an empty list at once.
    void answerNothing();

Q_SIGNALS:
    void suggestions(const QList<zm::ui::VoidRegionSuggestion>& regions);
    /// The answer was dropped: the image changed while it was made.
    void dropped();

private:
    quint64 mRequest = 0; ///< the latest request; older answers are dropped silently
};

} // namespace zm::ui
