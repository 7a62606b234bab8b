// Scorer implementation.
#include "ui/engine/scorer.h"

#include "ui/document/imagedocument.h"
#include "ui/util/runasync.h"

#include "core/common/error.h"

#include <chrono>

namespace zm::ui {

Scorer::Scorer(QObject* parent) : QObject(parent)
{
    mPool.setMaxThreadCount(1);
}

Scorer::~Scorer()
{
    mPool.waitForDone();
}

void Scorer::request(Request r)
{
    if (mRunning) {
        mWaiting = std::move(r);
        return;
    }
    start(std::move(r));
}

void Scorer::invalidate()
{
    ++mGeneration;
    mWaiting.reset();
}

void Scorer::start(Request r)
{
    if (!r.document || !r.backend || !r.encoding)
        return;
    const int w = r.document->image().width;
    const int h = r.document->image().height;
    mRunning = true;
    mRunningGeneration = mGeneration;
    mRunningDocument = r.document;
    runAsync(
        this, &mPool,
        [backend = std::move(r.backend), enc = std::move(r.encoding), set = std::move(r.classes),
         ids = std::move(r.ids), options = r.options, w, h]() -> Output {
            Output out;
            const auto t0 = std::chrono::steady_clock::now();
            if (set.classes.empty()) {
                out.labels = zm::LabelMap(w, h); // nothing typed yet: everything is void
                return out;
            }
            try {
                zm::ScoreResult s = backend->score(*enc, set, options);
                if (s.labels.width != w || s.labels.height != h)
                    throw zm::Error("the model returned " + std::to_string(s.labels.width) + "x" +
                                    std::to_string(s.labels.height) + " labels for a " + std::to_string(w) + "x" +
                                    std::to_string(h) + " image");
                // ScoreResult indexes the ClassSet; documents store stable class ids.
                for (std::uint16_t& v : s.labels.ids)
                    if (v != zm::LabelMap::kVoid)
                        v = v < ids.size() ? ids[v] : zm::LabelMap::kVoid;
                out.labels = std::move(s.labels);
                out.confidence = std::move(s.confidence);
            } catch (const std::exception& e) {
                out.error = QString::fromUtf8(e.what());
            }
            out.milliseconds = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
            return out;
        },
        [this](Output out) { finished(std::move(out)); });
    Q_EMIT stateChanged();
}

void Scorer::finished(Output out)
{
    mRunning = false;
    ImageDocument* doc = mRunningDocument.data();
    if (mRunningGeneration == mGeneration && doc) {
        if (!out.error.isEmpty()) {
            Q_EMIT failed(out.error);
        } else {
            try {
                doc->setPrediction(std::move(out.labels), std::move(out.confidence));
                Q_EMIT scored(doc, out.milliseconds);
            } catch (const std::exception& e) {
                Q_EMIT failed(QString::fromUtf8(e.what()));
            }
        }
    }
    if (mWaiting) {
        Request next = std::move(*mWaiting);
        mWaiting.reset();
        start(std::move(next));
        return;
    }
    Q_EMIT stateChanged();
}

} // namespace zm::ui
