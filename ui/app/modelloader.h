// ModelLoader: reads a model and word vectors off the GUI thread (vectors files are hundreds of MB, a
// model takes seconds) and hands them over when done. One path for start-up, the model dialog and tests.
// Requests made while one runs are queued and run next; a load never blocks the window.
#pragma once
#include <QObject>
#include <QString>

#include <memory>

namespace zm {
class ClassEmbedder;
}

namespace zm::ui {

class Backend;

class ModelLoader : public QObject {
    Q_OBJECT
public:
    using QObject::QObject;
    ~ModelLoader() override;

    /// Loads either or both (an empty path for one that is requested: "none found", explained). Pass
    /// `wantModel`/`wantVectors` false to leave one as it is.
    void load(const QString& model, bool wantModel, const QString& vectors, bool wantVectors);
    bool isLoading() const { return mRunning; }
    /// Models loaded from now on encode every image in several views (mirrored, rescaled) and average
    /// them: more exact masks, several times slower per image (zm::kTestTimeAugmentationPreset).
    void setTestTimeAugmentation(bool on) { mTestTimeAugmentation = on; }
    bool testTimeAugmentation() const { return mTestTimeAugmentation; }
    /// Models loaded from now on name the classes the person adds with ConSE over this per-cell ImageNet
    /// classifier too (core/engine/conse.h; empty: off). Its labels are embedded with the vectors loaded last
    /// (or in the same request). When it cannot be used the model loads without it and conseUnavailable() says why.
    void setConseClassifier(const QString& file) { mConseClassifier = file; }
    QString conseClassifier() const { return mConseClassifier; }

    static QString noModelMessage();
    static QString noVectorsMessage();

Q_SIGNALS:
    void started();
    void modelLoaded(std::shared_ptr<const zm::ui::Backend> backend, const QString& path);
    void modelFailed(const QString& message);
    void vectorsLoaded(std::shared_ptr<const zm::ClassEmbedder> embedder, const QString& path);
    void vectorsFailed(const QString& message);
    /// The model loaded, but without ConSE (the reason: a missing classifier, no vectors, ...).
    void conseUnavailable(const QString& message);
    void finished();

private:
    struct Request {
        QString model, vectors;
        bool wantModel = false, wantVectors = false;
        bool testTimeAugmentation = false;
        QString conseClassifier;
        std::shared_ptr<const zm::ClassEmbedder> embedder; ///< the vectors loaded last, for ConSE's labels
    };
    void start(Request r);
    bool mRunning = false;
    bool mHaveNext = false;
    bool mTestTimeAugmentation = false;
    QString mConseClassifier;
    std::shared_ptr<const zm::ClassEmbedder> mEmbedder;
    Request mNext;
};

} // namespace zm::ui
