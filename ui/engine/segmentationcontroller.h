// SegmentationController: runs the model for the GUI, composed of four parts that each do one job:
// EncodeScheduler (the expensive backbone pass, cancellable, cached, pre-encoding the next images),
// Scorer (the cheap step rerun on every class or option edit, coalesced), NameEmbedder (typed names to
// vectors, word senses, no duplicate names) and VoidSuggester (names for large void regions). This class
// wires them to the current ImageDocument and reports one busy state. Results are applied on the GUI
// thread; anything computed for an image that is no longer current is dropped.
#pragma once
#include "core/engine/classset.h"
#include "ui/document/imagedocument.h"
#include "ui/engine/backend.h"
#include "ui/engine/nameembedder.h"
#include "ui/engine/voidsuggester.h"

#include <QObject>
#include <QPointer>
#include <QStringList>

#include <cstdint>
#include <memory>

namespace zm {
class ClassEmbedder;
}

namespace zm::ui {

class ClassListModel;
class EncodeScheduler;
class ImageDocument;
class Scorer;

/// What the controller is doing; the window words it (and translates it) for the progress bar.
enum class BusyState {
    Idle,
    Encoding,    ///< the current image (a fraction follows through progress())
    PreEncoding, ///< a next image, in the background
    Scoring,
};

class SegmentationController : public QObject {
    Q_OBJECT
public:
    explicit SegmentationController(ClassListModel* classes, QObject* parent = nullptr);
    ~SegmentationController() override;

    void setBackend(std::shared_ptr<const Backend> backend);
    const std::shared_ptr<const Backend>& backend() const { return mBackend; }
    void setEmbedder(std::shared_ptr<const zm::ClassEmbedder> embedder);
    const std::shared_ptr<const zm::ClassEmbedder>& embedder() const;
    /// Whether a name whose word has several WordNet senses is read with the sense nearest the model's
    /// classes (core/embed/senses.h; on by default). Changing it re-embeds every class.
    void setWordSenses(bool on);
    bool wordSenses() const;
    /// True when names are being read with word senses (WordNet found, a word-vector space, a model).
    bool wordSensesActive() const;
    /// Empty when model and vectors fit; else the explanation shown to the person.
    QString mismatch() const;

    /// A typed class name: added, or the existing class selected, or its new synonyms merged into the class
    /// that has the others; never a second class of the same name. The scoring step reruns, the encoder does not.
    AddOutcome typeClass(const QString& name);
    /// typeClass() for callers that only need the id (the existing class's when the name was one; kVoid when refused).
    std::uint16_t addClass(const QString& name);
    /// False (nothing changed) with the reason in `error` when the name is empty or another class's.
    bool renameClass(std::uint16_t id, const QString& name, QString* error = nullptr);
    /// Re-embeds every class (after the vectors changed).
    void reembedAll();
    /// The vector of a name, or empty with `problem` set.
    std::vector<float> embed(const QString& name, QString* problem) const;
    NameEmbedder* names() const { return mNames; }

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

    bool isEncoding() const;
    bool isBusy() const;
    BusyState busyState() const;
    /// The file being encoded (empty when not encoding).
    QString busySubject() const { return mBusySubject; }
    bool hasEncoding() const { return mEncoding != nullptr; }
    int cachedEncodings() const;
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
    /// `subject`: the file being encoded (empty for Idle and Scoring).
    void busyChanged(zm::ui::BusyState state, const QString& subject);
    /// Fraction of the current image's encode (0..1).
    void progress(double fraction);
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
    std::shared_ptr<const zm::Image> currentPixels();
    void updateBusy();

    ClassListModel* mClasses;
    NameEmbedder* mNames;
    EncodeScheduler* mEncoder;
    Scorer* mScorer;
    VoidSuggester* mSuggester;
    std::shared_ptr<const Backend> mBackend;
    zm::ScoreOptions mOptions;

    QPointer<ImageDocument> mDocument;
    QString mKey;
    std::shared_ptr<const zm::Image> mPixels;
    EncodingPtr mEncoding;
    quint64 mGeneration = 0;
    BusyState mBusy = BusyState::Idle;
    QString mBusySubject;
};

} // namespace zm::ui

Q_DECLARE_METATYPE(zm::ui::BusyState)
