// VoidSuggester implementation.
#include "ui/engine/voidsuggester.h"

#include "ui/engine/voidregions.h"
#include "ui/util/runasync.h"

#include "core/embed/embedder.h"

#include <algorithm>
#include <cmath>

namespace zm::ui {

void VoidSuggester::answerNothing()
{
    ++mRequest;
    Q_EMIT suggestions({});
}

void VoidSuggester::suggest(Request r)
{
    using Result = QList<VoidRegionSuggestion>;
    const quint64 request = ++mRequest;
    auto stillCurrent = std::move(r.stillCurrent);
    runAsync(
        this, nullptr,
        [backend = std::move(r.backend), embedder = std::move(r.embedder), enc = std::move(r.encoding),
         labels = std::move(r.labels), wordsPerRegion = r.wordsPerRegion, maxRegions = r.maxRegions,
         minShare = r.minShare] {
            Result out;
            const double pixels = double(labels.width) * labels.height;
            const int minArea = std::max(64, int(std::ceil(minShare * pixels)));
            const LabelRegions found = largeRegions(labels, zm::LabelMap::kVoid, minArea, maxRegions);
            for (std::size_t k = 0; k < found.regions.size(); ++k) {
                const LabelRegion& region = found.regions[k];
                VoidRegionSuggestion s;
                s.bounds = QRect(QPoint(region.left, region.top), QPoint(region.right, region.bottom));
                s.centroid = QPointF(region.cx, region.cy);
                s.area = region.area;
                s.share = region.area / pixels;
                try {
                    const std::vector<float> v = backend->regionEmbedding(*enc, found.map, std::uint16_t(k));
                    if (!v.empty())
                        for (const zm::Neighbor& n : embedder->neighbors(v, wordsPerRegion)) {
                            s.words << QString::fromStdString(n.word);
                            s.cosines << n.cosine;
                        }
                } catch (const std::exception&) {
                    // A region the model cannot describe (e.g. smaller than a feature cell) has no words.
                }
                if (!s.words.isEmpty())
                    out << s;
            }
            return out;
        },
        [this, request, stillCurrent = std::move(stillCurrent)](Result result) {
            if (request != mRequest)
                return; // a newer request answers instead
            if (stillCurrent && !stillCurrent()) {
                Q_EMIT dropped();
                return;
            }
            Q_EMIT suggestions(result);
        });
}

} // namespace zm::ui
