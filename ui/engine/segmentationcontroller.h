// SegmentationController: runs the model for the GUI. Encoding (expensive) runs in a worker pool,
// is cancellable and cached; switching images cancels stale work; the next images are pre-encoded
// in the background when nothing else runs. Scoring (cheap) reruns in another worker whenever the
// classes or options change, coalesced so that only the newest request is computed after the one
// running. Results are applied on the GUI thread to the current ImageDocument.
#pragma once
#include "core/engine/classset.h"
#include "ui/document/imagedocument.h"
#include "ui/engine/backend.h"

#include <QElapsedTimer>
#include <QList>
#include <QRect>
#include <QFutureWatcher>
#include <QHash>
#include <QObject>
#include <QPointer>
#include <QStringList>
#include <QThreadPool>

#include <cstdint>
#include <deque>
#include <memory>

class QTimer;

namespace zm {
class ClassEmbedder;
}

namespace zm::ui {

class ClassListModel;
class ImageDocument;

/// One large void region of the current prediction and the vocabulary words nearest to what the
/// model sees there (its mean projected feature).
struct VoidRegionSuggestion {
    QRect bounds;         ///< in image pixels
    QPointF centroid;
    int area = 0;         ///< pixels
    double share = 0;     ///< of the image
    QStringList words;    ///< nearest first
    QList<float> cosines; ///< one per word
};

class SegmentationController : public QObject {
    Q_OBJECT
public:
    explicit SegmentationController(ClassListModel* classes, QObject* parent = nullptr);
    ~SegmentationController() override;

    void setBackend(std::shared_ptr<const Backend> backend);
    const std::shared_ptr<const Backend>& backend() const { return mBackend; }
    void setEmbedder(std::shared_ptr<const zm::ClassEmbedder> embedder);
    const std::shared_ptr<const zm::ClassEmbedder>& embedder() const { return mEmbedder; }
    /// Whether a name whose word has several WordNet senses is read with the sense nearest the model's
    /// classes (core/embed/senses.h; on by default). Changing it re-embeds every class.
    void setWordSenses(bool on);
    bool wordSenses() const { return mWordSenses; }
    /// True when names are being read with word senses (WordNet found, a word-vector space, a model).
    bool wordSensesActive() const;
    /// Empty when model and vectors fit; else the explanation shown to the person.
    QString mismatch() const { return mMismatch; }

    /// Embeds and adds a class (synonyms allowed); the scoring step reruns, the encoder does not.
    std::uint16_t addClass(const QString& name);
    void renameClass(std::uint16_t id, const QString& name);
    /// Re-embeds every class (after the vectors changed).
    void reembedAll();
    /// The vector of a name, or empty with `problem` set.
    std::vector<float> embed(const QString& name, QString* problem) const;

    /// NaN = the model's calibration.
    void setGamma(float gamma);
    float gamma() const { return mOptions.gamma; }
    void setVoidThreshold(float threshold);
    float voidThreshold() const { return mOptions.voidThreshold; }
    zm::ScoreOptions scoreOptions() const { return mOptions; }

    /// The document to predict; `key` identifies the image content (path + modification time).
    /// `pixels`, when given, is the document's image already shared (saves a copy on this thread).
    void setCurrent(ImageDocument* document, const QString& key, std::shared_ptr<const zm::Image> pixels = nullptr);
    ImageDocument* current() const { return mDocument; }
    /// Image files to encode in the background, in order, when nothing else runs.
    void setPrefetch(const QStringList& paths);
    /// An image a prefetch already loaded (saves reading it again); empty when none.
    zm::Image takePrefetchedImage(const QString& path);

    bool isEncoding() const { return mEncodeJob != nullptr && !mEncodeJob->prefetch; }
    bool isBusy() const { return mEncodeJob != nullptr || mScoreRunning; }
    bool hasEncoding() const { return mEncoding != nullptr; }
    int cachedEncodings() const { return int(mCache.size()); }
    /// Rescore now (classes/options changed); coalesced.
    void requestScore();

    /// Proposes names for each large void region of the current prediction (4-connected regions of at
    /// least `minShare` of the image and 64 pixels, largest first, at most `maxRegions`): the
    /// `wordsPerRegion` vocabulary words nearest to each region's mean projected feature. Runs in a
    /// worker; the answer arrives as voidSuggestions() (empty when there is nothing to suggest), or as
    /// voidSuggestionsDropped() when the current image changed meanwhile (a stale answer is never shown).
    void suggestForVoid(int wordsPerRegion = 5, int maxRegions = 5, double minShare = 0.01);

    static QString keyFor(const QString& path);

Q_SIGNALS:
    void busyChanged(bool busy, const QString& what);
    void progress(double fraction, const QString& message);
    void encoded(const QString& path, double milliseconds);
    /// A prediction was applied to `document` (score time in ms).
    void scored(zm::ui::ImageDocument* document, double milliseconds);
    void failed(const QString& message);
    void voidSuggestions(const QList<zm::ui::VoidRegionSuggestion>& regions);
    /// The answer of suggestForVoid() was dropped: the current image changed while it was made.
    void voidSuggestionsDropped();
    /// setCurrent() switched to another image (or none): what was shown for the previous one is stale.
    void currentChanged(zm::ui::ImageDocument* document);
    /// Background encoding of an image finished (status "encoded" in the image list).
    void prefetched(const QString& path);

private:
    class PolledProgress;
    struct EncodeOutput {
        EncodingPtr encoding;
        zm::Image image; ///< what a prefetch loaded
        QString error;
        bool cancelled = false;
        double milliseconds = 0;
    };
    struct EncodeJob {
        QString key;
        QString path;
        bool prefetch = false;
        std::shared_ptr<PolledProgress> progress;
        QFutureWatcher<EncodeOutput>* watcher = nullptr;
    };
    struct ScoreOutput {
        zm::LabelMap labels;
        std::vector<float> confidence;
        double milliseconds = 0;
        QString error;
    };

    void startEncode(const QString& key, const QString& path, std::shared_ptr<const zm::Image> pixels, bool prefetch);
    std::shared_ptr<const zm::Image> currentPixels();
    void encodeFinished();
    void startNextPrefetch();
    void scoreFinished();
    void cacheEncoding(const QString& key, EncodingPtr enc);
    EncodingPtr cached(const QString& key);
    void updateMismatch();
    /// Rebuilds mNames; returns whether names now read differently (then every class is re-embedded).
    bool rebuildNames();
    void updateBusy();
    void requestNeighbors(std::uint16_t id);

    ClassListModel* mClasses;
    std::shared_ptr<const Backend> mBackend;
    std::shared_ptr<const zm::ClassEmbedder> mEmbedder;
    std::shared_ptr<const zm::ClassEmbedder> mNames; ///< what names are embedded with: mEmbedder, or it with word senses
    bool mWordSenses = true;
    QString mMismatch;
    zm::ScoreOptions mOptions;

    QPointer<ImageDocument> mDocument;
    QString mKey;
    std::shared_ptr<const zm::Image> mPixels;
    EncodingPtr mEncoding;
    quint64 mGeneration = 0;
    quint64 mSuggestRequest = 0; ///< the latest suggestForVoid() call; older answers are dropped

    QThreadPool mEncodePool;
    QThreadPool mScorePool;
    std::unique_ptr<EncodeJob> mEncodeJob;
    std::deque<QString> mPrefetch;
    QHash<QString, zm::Image> mPrefetchedImages;

    // Small LRU of encodings by key, bounded by bytes.
    std::deque<std::pair<QString, EncodingPtr>> mCache;
    std::size_t mCacheBudget = std::size_t(768) << 20;

    bool mScoreRunning = false;
    bool mScoreDirty = false;
    QFutureWatcher<ScoreOutput>* mScoreWatcher;
    quint64 mScoreGeneration = 0;
    QPointer<ImageDocument> mScoreDocument;
    QTimer* mProgressTimer;
    QString mBusyText;
};

} // namespace zm::ui
