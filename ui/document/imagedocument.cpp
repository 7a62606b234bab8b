// ImageDocument implementation: keeps labels, confirmed bits and prediction consistent. Invariant:
// wherever a pixel is not confirmed, its label is the prediction (or void when there is none).
#include "ui/document/imagedocument.h"

#include "ui/edit/undobudget.h"

#include "core/common/error.h"

#include <utility>

namespace zm::ui {

ImageDocument::ImageDocument(QString path, QObject* parent)
    : QObject(parent), mPath(std::move(path)), mBudget(new UndoBudget(&mUndo, UndoBudget::defaultCap(), this))
{
}

ImageDocument::~ImageDocument()
{
    delete mBudget; // it watches mUndo, which goes before the QObject base deletes children
    mBudget = nullptr;
    // Commands hold a pointer to this document; drop them before the members go.
    mUndo.clear();
}

void ImageDocument::setImage(zm::Image image)
{
    const bool sameSize = image.width == mLabels.width && image.height == mLabels.height;
    mImage = std::move(image);
    if (!sameSize) {
        // A different size invalidates labels, prediction and history: none of them fit any more.
        mUndo.clear();
        mLabels = zm::LabelMap(mImage.width, mImage.height);
        mConfirmed.assign(std::size_t(mImage.width) * mImage.height, 0);
        mPredicted = zm::LabelMap();
        mConfidence.clear();
        ++mRevision;
    }
    Q_EMIT imageChanged();
    Q_EMIT labelsChanged(QRect());
}

void ImageDocument::setPrediction(zm::LabelMap predicted, std::vector<float> confidence)
{
    if (predicted.width != mLabels.width || predicted.height != mLabels.height)
        throw zm::fileError(mPath.toStdString(),
                            "prediction is " + std::to_string(predicted.width) + "x" + std::to_string(predicted.height) +
                                " but the image is " + std::to_string(mLabels.width) + "x" +
                                std::to_string(mLabels.height));
    if (!confidence.empty() && confidence.size() != predicted.ids.size())
        throw zm::fileError(mPath.toStdString(), "prediction confidence has the wrong size");
    mPredicted = std::move(predicted);
    mConfidence = std::move(confidence);
    // People's pixels win: only unconfirmed pixels follow the new prediction.
    for (std::size_t i = 0; i < mLabels.ids.size(); ++i)
        if (!mConfirmed[i])
            mLabels.ids[i] = mPredicted.ids[i];
    Q_EMIT labelsChanged(QRect());
}

void ImageDocument::applyLabels(const QRect& region, const std::vector<std::uint16_t>& ids,
                                const std::vector<std::uint8_t>& confirmed, bool notify)
{
    const std::size_t n = std::size_t(std::max(0, region.width())) * std::max(0, region.height());
    if (region.isEmpty() || !bounds().contains(region) || ids.size() != n || confirmed.size() != n)
        throw zm::Error("ImageDocument::applyLabels: region or data does not fit the image");
    const bool havePrediction = !mPredicted.empty();
    std::size_t k = 0;
    for (int y = region.top(); y <= region.bottom(); ++y) {
        const std::size_t row = std::size_t(y) * mLabels.width;
        for (int x = region.left(); x <= region.right(); ++x, ++k) {
            const std::size_t i = row + x;
            mConfirmed[i] = confirmed[k] ? 1 : 0;
            // Unconfirmed pixels show the current prediction, even when undo restores an older state.
            mLabels.ids[i] = confirmed[k] ? ids[k] : (havePrediction ? mPredicted.ids[i] : zm::LabelMap::kVoid);
        }
    }
    ++mRevision;
    if (notify) {
        Q_EMIT labelsChanged(region);
        Q_EMIT edited();
    }
}

void ImageDocument::notifyLabelsChanged(const QRect& region)
{
    Q_EMIT labelsChanged(region);
    Q_EMIT edited();
}

void ImageDocument::restoreState(const zm::LabelMap& labels, const std::vector<std::uint8_t>& confirmed)
{
    if (labels.empty() && mLabels.empty())
        return;
    if (labels.width != mLabels.width || labels.height != mLabels.height || confirmed.size() != labels.ids.size())
        throw zm::fileError(mPath.toStdString(),
                            "saved labels are " + std::to_string(labels.width) + "x" + std::to_string(labels.height) +
                                " but the image is " + std::to_string(mLabels.width) + "x" +
                                std::to_string(mLabels.height));
    mUndo.clear();
    applyLabels(bounds(), labels.ids, confirmed);
}

zm::AnnotationState ImageDocument::state() const
{
    zm::AnnotationState s;
    s.labels = mLabels;
    s.confirmed = mConfirmed;
    s.predicted = mPredicted;
    return s;
}

void ImageDocument::setState(const zm::AnnotationState& state)
{
    if (state.empty())
        return;
    state.check(mPath.toStdString());
    // Before the image has arrived the state defines the size; setImage then keeps it when it fits.
    if (!mLabels.empty())
        state.checkSize(mLabels.width, mLabels.height, mPath.toStdString());
    mUndo.clear();
    mLabels = state.labels;
    mConfirmed = state.confirmed;
    if (!state.predicted.empty()) {
        mPredicted = state.predicted;
        mConfidence.clear(); // the stored state has no confidences; the next prediction brings them
    }
    ++mRevision;
    mUndo.setClean();
    Q_EMIT labelsChanged(QRect());
}

std::size_t ImageDocument::memoryBytes() const
{
    return mImage.pixels.capacity() + mLabels.ids.capacity() * sizeof(std::uint16_t) +
           mPredicted.ids.capacity() * sizeof(std::uint16_t) + mConfidence.capacity() * sizeof(float) +
           mConfirmed.capacity() + (mBudget ? mBudget->bytes() : 0);
}

void ImageDocument::releasePixels()
{
    mImage = zm::Image();
    std::vector<float>().swap(mConfidence);
}

bool ImageDocument::isModified() const { return !mUndo.isClean(); }

void ImageDocument::markSaved() { mUndo.setClean(); }

} // namespace zm::ui
