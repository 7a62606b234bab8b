// ModelLoader implementation.
#include "ui/app/modelloader.h"

#include "ui/engine/segmenterbackend.h"
#include "ui/util/runasync.h"

#include "core/embed/embedder.h"

namespace zm::ui {

ModelLoader::~ModelLoader()
{
    // A load in flight finishes in its worker; its answer has nowhere to go and is dropped.
}

QString ModelLoader::noModelMessage()
{
    return tr("No model found. The default model ships in models/default (install the package, or train one: see "
              "README); choose one in Model > Choose model and vectors.");
}

QString ModelLoader::noVectorsMessage()
{
    return tr("No word vectors found: run scripts/setup.sh (it builds the default vectors), or choose a fastText .bin "
              "in Model > Choose model and vectors.");
}

void ModelLoader::load(const QString& model, bool wantModel, const QString& vectors, bool wantVectors)
{
    if (!wantModel && !wantVectors)
        return;
    Request r{model, vectors, wantModel, wantVectors, mTestTimeAugmentation, mConseClassifier, mEmbedder};
    if (mRunning) {
        // Newest wins; parts asked for earlier and not replaced stay asked for.
        if (mHaveNext) {
            if (!r.wantModel && mNext.wantModel) {
                r.model = mNext.model;
                r.wantModel = true;
            }
            if (!r.wantVectors && mNext.wantVectors) {
                r.vectors = mNext.vectors;
                r.wantVectors = true;
            }
        }
        mNext = r;
        mHaveNext = true;
        return;
    }
    start(r);
}

void ModelLoader::start(Request r)
{
    struct Loaded {
        Request request;
        std::shared_ptr<const Backend> backend;
        std::shared_ptr<const zm::ClassEmbedder> embedder;
        QString modelError, vectorsError, conseNote;
    };
    r.embedder = mEmbedder; // the vectors loaded last, also when this request waited for a load of them
    mRunning = true;
    Q_EMIT started();
    runAsync(
        this, nullptr,
        [r] {
            Loaded out;
            out.request = r;
            // Vectors first: ConSE embeds its classifier's labels with them.
            if (r.wantVectors) {
                if (r.vectors.isEmpty())
                    out.vectorsError = noVectorsMessage();
                else
                    try {
                        out.embedder = loadEmbedder(r.vectors.toStdString());
                    } catch (const std::exception& e) {
                        out.vectorsError = tr("Vectors not loaded: %1").arg(QString::fromUtf8(e.what()));
                    }
            }
            if (r.wantModel) {
                if (r.model.isEmpty()) {
                    out.modelError = noModelMessage();
                } else {
                    BackendLoadOptions o;
                    o.testTimeAugmentation = r.testTimeAugmentation;
                    if (!r.conseClassifier.isEmpty()) {
                        o.conseClassifier = r.conseClassifier.toStdString();
                        o.embedder = out.embedder ? out.embedder : r.embedder;
                    }
                    try {
                        try {
                            out.backend = loadSegmenterBackend(r.model.toStdString(), o);
                        } catch (const std::exception& e) {
                            if (o.conseClassifier.empty())
                                throw;
                            // The model itself may be fine: load it without ConSE and say why.
                            out.conseNote = tr("ImageNet naming (ConSE) is off: %1").arg(QString::fromUtf8(e.what()));
                            o.conseClassifier.clear();
                            out.backend = loadSegmenterBackend(r.model.toStdString(), o);
                        }
                    } catch (const std::exception& e) {
                        out.modelError = tr("Model not loaded: %1").arg(QString::fromUtf8(e.what()));
                        out.conseNote.clear();
                    }
                }
            }
            return out;
        },
        [this](Loaded out) {
            // Vectors first: the model's word senses are read with them.
            if (out.request.wantVectors) {
                if (out.embedder) {
                    mEmbedder = out.embedder;
                    Q_EMIT vectorsLoaded(out.embedder, out.request.vectors);
                }
                else
                    Q_EMIT vectorsFailed(out.vectorsError);
            }
            if (out.request.wantModel) {
                if (out.backend) {
                    Q_EMIT modelLoaded(out.backend, out.request.model);
                    if (!out.conseNote.isEmpty())
                        Q_EMIT conseUnavailable(out.conseNote);
                } else {
                    Q_EMIT modelFailed(out.modelError);
                }
            }
            mRunning = false;
            if (mHaveNext) {
                mHaveNext = false;
                start(mNext);
                return;
            }
            Q_EMIT finished();
        });
}

} // namespace zm::ui
