// SegmentationController: the wiring between its four parts and the current document. The generation
// counter marks what belongs to the image shown now; the parts drop anything older.
#include "ui/engine/segmentationcontroller.h"

#include "ui/document/imagedocument.h"
#include "ui/engine/encodescheduler.h"
#include "ui/engine/scorer.h"
#include "ui/model/classlistmodel.h"

#include <QFileInfo>

#include <cmath>

namespace zm::ui {

SegmentationController::SegmentationController(ClassListModel* classes, QObject* parent)
    : QObject(parent), mClasses(classes), mNames(new NameEmbedder(classes, this)), mEncoder(new EncodeScheduler(this)),
      mScorer(new Scorer(this)), mSuggester(new VoidSuggester(this))
{
    qRegisterMetaType<zm::ui::BusyState>();
    connect(mClasses, &ClassListModel::scoringChanged, this, &SegmentationController::requestScore);
    connect(mNames, &NameEmbedder::failed, this, &SegmentationController::failed);

    connect(mEncoder, &EncodeScheduler::currentEncoded, this,
            [this](const EncodingPtr& enc, const QString& path, double ms) {
                mEncoding = enc;
                mPixels.reset();
                if (ms > 0)
                    Q_EMIT encoded(path, ms);
                requestScore();
            });
    connect(mEncoder, &EncodeScheduler::prefetched, this, &SegmentationController::prefetched);
    connect(mEncoder, &EncodeScheduler::failed, this, &SegmentationController::failed);
    connect(mEncoder, &EncodeScheduler::progress, this, &SegmentationController::progress);
    connect(mEncoder, &EncodeScheduler::stateChanged, this, &SegmentationController::updateBusy);

    connect(mScorer, &Scorer::scored, this, &SegmentationController::scored);
    connect(mScorer, &Scorer::failed, this, &SegmentationController::failed);
    connect(mScorer, &Scorer::stateChanged, this, &SegmentationController::updateBusy);

    connect(mSuggester, &VoidSuggester::suggestions, this, &SegmentationController::voidSuggestions);
    connect(mSuggester, &VoidSuggester::dropped, this, &SegmentationController::voidSuggestionsDropped);
}

SegmentationController::~SegmentationController() = default;

QString SegmentationController::keyFor(const QString& path)
{
    return EncodeScheduler::keyFor(path);
}

void SegmentationController::setBackend(std::shared_ptr<const Backend> backend)
{
    mBackend = backend;
    mEncoder->setBackend(backend);
    mScorer->invalidate();
    mEncoding = nullptr;
    mNames->setBackend(std::move(backend));
    ++mGeneration;
    if (mDocument)
        setCurrent(mDocument, mKey);
    // After the current image: pre-encoding must not start (and be cancelled at once) before it.
    mEncoder->setPrefetchAllowed(mNames->mismatch().isEmpty());
}

void SegmentationController::setEmbedder(std::shared_ptr<const zm::ClassEmbedder> embedder)
{
    mNames->setEmbedder(std::move(embedder));
    mEncoder->setPrefetchAllowed(mNames->mismatch().isEmpty());
}

const std::shared_ptr<const zm::ClassEmbedder>& SegmentationController::embedder() const
{
    return mNames->embedder();
}
void SegmentationController::setWordSenses(bool on)
{
    mNames->setWordSenses(on);
}
bool SegmentationController::wordSenses() const
{
    return mNames->wordSenses();
}
bool SegmentationController::wordSensesActive() const
{
    return mNames->wordSensesActive();
}
QString SegmentationController::mismatch() const
{
    return mNames->mismatch();
}
std::vector<float> SegmentationController::embed(const QString& name, QString* problem) const
{
    return mNames->embed(name, problem);
}
AddOutcome SegmentationController::typeClass(const QString& name)
{
    return mNames->addClass(name);
}
std::uint16_t SegmentationController::addClass(const QString& name)
{
    const AddOutcome out = typeClass(name);
    return out.ok() ? std::uint16_t(out.id) : zm::LabelMap::kVoid;
}
bool SegmentationController::renameClass(std::uint16_t id, const QString& name, QString* error)
{
    return mNames->renameClass(id, name, error);
}
void SegmentationController::reembedAll()
{
    mNames->reembedAll();
}

void SegmentationController::setGamma(float gamma)
{
    if ((std::isnan(gamma) && std::isnan(mOptions.gamma)) || gamma == mOptions.gamma)
        return;
    mOptions.gamma = gamma;
    requestScore();
}

void SegmentationController::setVoidThreshold(float threshold)
{
    if (threshold == mOptions.voidThreshold)
        return;
    mOptions.voidThreshold = threshold;
    requestScore();
}

std::shared_ptr<const zm::Image> SegmentationController::currentPixels()
{
    // The worker needs pixels that outlive the document: copy once, only when not handed over.
    if (!mPixels && mDocument)
        mPixels = std::make_shared<const zm::Image>(mDocument->image());
    return mPixels;
}

void SegmentationController::setCurrent(ImageDocument* document, const QString& key,
                                        std::shared_ptr<const zm::Image> pixels)
{
    ++mGeneration;
    const bool otherImage = document != mDocument.data() || key != mKey;
    mDocument = document;
    mKey = key;
    if (otherImage)
        Q_EMIT currentChanged(document);
    mPixels = std::move(pixels);
    mEncoding = nullptr;
    mScorer->invalidate();
    if (!mBackend || !mDocument || mDocument->image().empty()) {
        mEncoder->setCurrent({}, {}, nullptr);
        updateBusy();
        return;
    }
    const bool cached = mEncoder->isCached(key);
    if (EncodingPtr enc = mEncoder->setCurrent(key, mDocument->path(), cached ? nullptr : currentPixels())) {
        mEncoding = enc;
        mPixels.reset();
        requestScore();
    }
    updateBusy();
}

void SegmentationController::setPrefetch(const QStringList& paths)
{
    mEncoder->setPrefetch(paths);
}
zm::Image SegmentationController::takePrefetchedImage(const QString& path)
{
    return mEncoder->takePrefetchedImage(path);
}
bool SegmentationController::isEncoding() const
{
    return mEncoder->isEncodingCurrent();
}
bool SegmentationController::isBusy() const
{
    return mEncoder->isBusy() || mScorer->isRunning();
}
BusyState SegmentationController::busyState() const
{
    return mBusy;
}
int SegmentationController::cachedEncodings() const
{
    return mEncoder->cachedEncodings();
}

void SegmentationController::requestScore()
{
    if (!mEncoding || !mDocument || !mBackend)
        return;
    if (!mNames->mismatch().isEmpty()) {
        Q_EMIT failed(mNames->mismatch());
        return;
    }
    Scorer::Request r;
    r.backend = mBackend;
    r.encoding = mEncoding;
    r.classes = mClasses->classSet(&r.ids);
    r.options = mOptions;
    r.document = mDocument;
    mScorer->request(std::move(r));
}

void SegmentationController::suggestForVoid(int wordsPerRegion, int maxRegions, double minShare)
{
    if (!mBackend || !embedder() || !mEncoding || !mDocument || mDocument->labels().empty()) {
        mSuggester->answerNothing();
        return;
    }
    // The answer belongs to this image: a switch while the worker runs makes it stale, and a stale answer
    // is dropped, never shown beside another image.
    VoidSuggester::Request r;
    r.backend = mBackend;
    r.embedder = embedder();
    r.encoding = mEncoding;
    r.labels = mDocument->labels();
    r.wordsPerRegion = wordsPerRegion;
    r.maxRegions = maxRegions;
    r.minShare = minShare;
    r.stillCurrent = [this, generation = mGeneration, doc = mDocument.data(), key = mKey] {
        return generation == mGeneration && doc == mDocument.data() && key == mKey;
    };
    mSuggester->suggest(std::move(r));
}

void SegmentationController::updateBusy()
{
    BusyState state = BusyState::Idle;
    QString subject;
    if (mEncoder->isBusy()) {
        state = mEncoder->runningIsPrefetch() ? BusyState::PreEncoding : BusyState::Encoding;
        subject = QFileInfo(mEncoder->runningPath()).fileName();
    } else if (mScorer->isRunning()) {
        state = BusyState::Scoring;
    }
    if (state == mBusy && subject == mBusySubject)
        return;
    mBusy = state;
    mBusySubject = subject;
    Q_EMIT busyChanged(state, subject);
}

} // namespace zm::ui
