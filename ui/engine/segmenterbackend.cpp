// SegmenterBackend implementation: a thin adapter; encodings keep the engine's FeatureMap.
#include "ui/engine/segmenterbackend.h"

#include "core/common/error.h"
#include "core/common/files.h"
#include "core/embed/embedder.h"
#include "core/engine/conse.h"
#include "core/engine/segmenter.h"

namespace zm::ui {

namespace {

class SegmenterEncoding : public Encoding {
public:
    explicit SegmenterEncoding(zm::FeatureMapPtr f) : features(std::move(f)) {}
    std::size_t bytes() const override { return features ? features->bytes() : 0; }
    zm::FeatureMapPtr features;
};

class SegmenterBackend : public Backend {
public:
    SegmenterBackend(std::shared_ptr<const zm::Segmenter> s, int views, bool conse) : mSeg(std::move(s)), mViews(views), mConse(conse) {}
    QString modelName() const override
    {
        const std::string& n = mSeg->card().name;
        return QString::fromStdString(n.empty() ? mSeg->card().method : n);
    }
    QString device() const override { return QString::fromStdString(mSeg->device()); }
    int views() const override { return mViews; }
    bool conse() const override { return mConse; }
    VectorSpaceId vectorSpace() const override { return mSeg->card().vectorSpace; }
    float defaultGamma() const override { return mSeg->card().gamma; }
    std::vector<std::vector<float>> trainedClassVectors() const override { return mSeg->card().seenVectors; }
    QStringList seenClassNames() const override { return names(mSeg->card().seenClasses); }
    QStringList unseenClassNames() const override { return names(mSeg->card().unseenClasses); }
    EncodingPtr encode(const Image& image, Progress* progress) const override
    {
        return std::make_shared<SegmenterEncoding>(mSeg->encode(image, progress));
    }
    ScoreResult score(const Encoding& enc, const ClassSet& classes, const ScoreOptions& options) const override
    {
        return mSeg->score(*features(enc), classes, options);
    }
    std::vector<float> regionEmbedding(const Encoding& enc, const LabelMap& mask, std::uint16_t id) const override
    {
        return mSeg->regionEmbedding(*features(enc), mask, id);
    }

private:
    static QStringList names(const std::vector<std::string>& v)
    {
        QStringList out;
        out.reserve(qsizetype(v.size()));
        for (const std::string& n : v)
            out << QString::fromStdString(n);
        return out;
    }
    static const zm::FeatureMap* features(const Encoding& enc)
    {
        const auto* e = dynamic_cast<const SegmenterEncoding*>(&enc);
        if (!e || !e->features)
            throw zm::Error("internal: an encoding from another model was passed to the segmenter");
        return e->features.get();
    }
    std::shared_ptr<const zm::Segmenter> mSeg;
    int mViews = 1;
    bool mConse = false;
};

} // namespace

std::shared_ptr<const Backend> makeSegmenterBackend(std::shared_ptr<const zm::Segmenter> segmenter, int views, bool conse)
{
    return std::make_shared<SegmenterBackend>(std::move(segmenter), views, conse);
}

std::shared_ptr<const Backend> loadSegmenterBackend(const std::filesystem::path& model, const BackendLoadOptions& o)
{
    zm::SegmenterOptions options;
    if (o.testTimeAugmentation)
        zm::parseTestTimeAugmentation(zm::kTestTimeAugmentationPreset, options);
    std::unique_ptr<zm::Segmenter> seg = zm::Segmenter::load(model, options);
    const bool conse = !o.conseClassifier.empty();
    if (conse) {
        std::error_code ec;
        if (!std::filesystem::is_regular_file(o.conseClassifier, ec))
            throw zm::fileError(o.conseClassifier.string(), "ImageNet classifier not found (ZEROMASK_EFFICIENTNET=1 bash "
                                                            "scripts/fetch-backbones.sh build makes it)");
        if (!o.embedder)
            throw zm::Error("ImageNet naming (ConSE) needs word vectors: load them first");
        zm::requireSameSpace(seg->card().vectorSpace, o.embedder->spaceId(), "model " + model.string());
        seg = zm::withConse(std::move(seg), zm::conseOptionsFor(o.conseClassifier, {}, *o.embedder));
    }
    return makeSegmenterBackend(std::shared_ptr<const zm::Segmenter>(std::move(seg)), options.views(), conse);
}

std::filesystem::path defaultConseClassifier()
{
    return zm::cacheDir() / "backbones" / "efficientnet-b0-classifier.pt";
}

std::shared_ptr<const zm::ClassEmbedder> loadEmbedder(const std::filesystem::path& vectors)
{
    return zm::ClassEmbedder::load(vectors);
}

} // namespace zm::ui
