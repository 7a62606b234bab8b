// Scorer: the cheap step that reruns on every class or option edit. Scores one encoding against the
// class set in a worker and applies the labels to the document on the GUI thread. Requests coalesce:
// while one runs, only the newest waiting request runs after it. invalidate() (another image) makes the
// running answer stale: it is dropped, never applied to the wrong document. Part of SegmentationController.
#pragma once
#include "core/engine/classset.h"
#include "ui/engine/backend.h"

#include <QObject>
#include <QPointer>
#include <QThreadPool>

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

namespace zm::ui {

class ImageDocument;

class Scorer : public QObject {
    Q_OBJECT
public:
    struct Request {
        std::shared_ptr<const Backend> backend;
        EncodingPtr encoding;
        zm::ClassSet classes;
        std::vector<std::uint16_t> ids; ///< the stable class id of each entry of `classes`
        zm::ScoreOptions options;
        QPointer<ImageDocument> document;
    };

    explicit Scorer(QObject* parent = nullptr);
    ~Scorer() override; ///< waits for the running score

    /// Scores now, or after the running request (replacing any older waiting one).
    void request(Request r);
    /// Answers still running or waiting belong to another image: drop them.
    void invalidate();
    bool isRunning() const { return mRunning; }

Q_SIGNALS:
    /// A prediction was applied to `document` (score time in ms).
    void scored(zm::ui::ImageDocument* document, double milliseconds);
    void failed(const QString& message);
    void stateChanged();

private:
    struct Output {
        zm::LabelMap labels;
        std::vector<float> confidence;
        double milliseconds = 0;
        QString error;
    };
    void start(Request r);
    void finished(Output out);

    QThreadPool mPool;
    bool mRunning = false;
    std::optional<Request> mWaiting;
    QPointer<ImageDocument> mRunningDocument;
    quint64 mGeneration = 0, mRunningGeneration = 0;
};

} // namespace zm::ui
