// Segmenter: scoring on constructed feature maps (calibration, extra classes, void, disabled classes,
// region embeddings), the fused upsample-argmax against ATen's bilinear upsampling, tiling, the cache,
// checkpoints (round trip, refused vector space, corrupt files).
#include "enginefixture.h"

#include "core/common/error.h"
#include "core/common/files.h"
#include "core/engine/checkpoint.h"
#include "core/engine/device.h"
#include "core/engine/featuremapimpl.h"
#include "core/engine/imagetensor.h"
#include "core/engine/scoring.h"
#include "core/engine/segmenter.h"
#include "tests/support/testdir.h"

#include <torch/cuda.h>
#include <torch/nn/functional/upsampling.h>

#include <fstream>
#include <functional>
#include <numeric>
#include <random>

namespace zm::test {

namespace {

/// Saves a freshly initialised tiny model whose card lists `seen` as the training classes.
std::filesystem::path saveTinyModel(const TempDir& dir, const std::vector<std::vector<float>>& seen, float gamma = 0.0f,
                                    int dim = 4, double scale = 10.0, bool randomWeights = false)
{
    ModelCard card;
    card.name = "tiny";
    card.vectorSpace = testSpace(dim);
    for (std::size_t i = 0; i < seen.size(); ++i) {
        card.seenClasses.push_back("seen" + std::to_string(i));
        card.seenVectors.push_back(seen[i]);
    }
    card.gamma = gamma;
    SegNet net(tinyBackbone(), HeadOptions().semanticDim(dim).scale(scale));
    if (randomWeights) {
        // A fresh network's embedding is nearly the same everywhere; random weights make it vary by place.
        torch::NoGradGuard ng;
        torch::manual_seed(5);
        for (auto& p : net->parameters())
            p.normal_(0.0, 0.5);
    }
    const auto path = dir / "model";
    saveModel(path, card, net);
    return path;
}

/// A feature map whose embedding is given: [D,h,w] for an image of w*4 x h*4.
FeatureMapPtr constantFeatures(const at::Tensor& embedding)
{
    auto impl = std::make_unique<FeatureMap::Impl>();
    impl->embedding = embedding.contiguous();
    impl->imageHeight = impl->inputHeight = int(embedding.size(1)) * 4;
    impl->imageWidth = impl->inputWidth = int(embedding.size(2)) * 4;
    return std::make_shared<const FeatureMap>(std::move(impl));
}

std::vector<float> unit(int dim, int axis)
{
    std::vector<float> v(static_cast<std::size_t>(dim), 0.0f);
    v[std::size_t(axis)] = 1.0f;
    return v;
}

} // namespace

TEST_F(EngineTest, CalibrationTurnsSeenBiasedPixelsIntoTheUnseenClass)
{
    TempDir dir;
    const auto seenVec = unit(4, 0), unseenVec = unit(4, 1);
    auto seg = Segmenter::load(saveTinyModel(dir, {seenVec}, 0.0f));
    // Every pixel leans to the seen class: cos 0.8 with seen, 0.6 with unseen -> p(seen) = 0.88 at scale 10.
    auto e = torch::zeros({4, 2, 2});
    e[0].fill_(0.8f);
    e[1].fill_(0.6f);
    const auto f = constantFeatures(e);
    ClassSet cs;
    cs.classes = {{"seen", seenVec}, {"novel", unseenVec}};
    ASSERT_TRUE(seg->isSeen(seenVec));
    ASSERT_FALSE(seg->isSeen(unseenVec));
    ScoreOptions o;
    o.gamma = 0.0f;
    auto r = seg->score(*f, cs, o);
    for (auto id : r.labels.ids)
        ASSERT_EQ(id, 0);
    o.gamma = 0.8f; // 0.88 - 0.8 < 0.12: the unseen class wins
    r = seg->score(*f, cs, o);
    for (auto id : r.labels.ids)
        ASSERT_EQ(id, 1);
    EXPECT_NEAR(r.confidence[0], 1.0f / (1.0f + std::exp(2.0f)), 1e-4); // p(unseen) = sigmoid(10 * (0.6 - 0.8))
    // The card's gamma is the default.
    auto seg2 = Segmenter::load(saveTinyModel(dir, {seenVec}, 0.8f));
    EXPECT_EQ(seg2->score(*f, cs).labels.ids[0], 1);
}

TEST_F(EngineTest, ExtraClassChangesOnlyPixelsWhereItWins)
{
    TempDir dir;
    auto seg = Segmenter::load(saveTinyModel(dir, {}));
    auto r0 = torch::randn({4, 6, 5});
    auto e = r0 / r0.norm(2, {0}, true);
    const auto f = constantFeatures(e);
    auto vecs = randomVectors(4, 4, 11);
    ClassSet three;
    for (int i = 0; i < 3; ++i)
        three.classes.push_back({"c" + std::to_string(i), vecs[std::size_t(i)]});
    ClassSet four = three;
    four.classes.push_back({"extra", vecs[3]});
    const ScoreResult a = seg->score(*f, three);
    const ScoreResult b = seg->score(*f, four);
    int changed = 0;
    for (std::size_t p = 0; p < a.labels.ids.size(); ++p) {
        if (b.labels.ids[p] == 3)
            ++changed;
        else
            EXPECT_EQ(a.labels.ids[p], b.labels.ids[p]) << "pixel " << p << " changed but the extra class does not win there";
    }
    EXPECT_GT(changed, 0);
    EXPECT_LT(changed, int(a.labels.ids.size()));
}

TEST_F(EngineTest, VoidThresholdBiasAndDisabledClasses)
{
    TempDir dir;
    auto seg = Segmenter::load(saveTinyModel(dir, {}));
    auto e = torch::zeros({4, 2, 2});
    e[0].fill_(1.0f);
    const auto f = constantFeatures(e);
    ClassSet cs;
    cs.classes = {{"a", unit(4, 0)}, {"b", unit(4, 1)}};
    EXPECT_EQ(seg->score(*f, cs).labels.ids[0], 0);
    cs.classes[1].bias = 1.0f; // a probability offset of 1 beats any probability
    EXPECT_EQ(seg->score(*f, cs).labels.ids[0], 1);
    cs.classes[1].bias = 0;
    cs.classes[0].enabled = false;
    EXPECT_EQ(seg->score(*f, cs).labels.ids[0], 1);
    cs.classes[0].enabled = true;
    ScoreOptions o;
    o.voidThreshold = 0.99999f;
    EXPECT_EQ(seg->score(*f, cs, o).labels.ids[0], LabelMap::kVoid);
    o.keepProbabilities = true;
    o.voidThreshold = 0;
    const auto r = seg->score(*f, cs, o);
    ASSERT_EQ(r.probabilities.size(), 2u * 2 * 2);
    EXPECT_NEAR(r.probabilities[0] + r.probabilities[4], 1.0f, 1e-5);
    ClassSet wrong;
    wrong.classes = {{"x", std::vector<float>(7, 0.1f)}};
    EXPECT_THROW(seg->score(*f, wrong), Error);
}

TEST_F(EngineTest, FusedUpsampleSoftmaxArgmaxMatchesAten)
{
    auto scores = torch::randn({5, 7, 9}) * 4;
    UpsampleArgmax p;
    p.outWidth = 37;
    p.outHeight = 29;
    p.scaleX = 9.0 / 37;
    p.scaleY = 7.0 / 29;
    for (int k = 0; k < 5; ++k) {
        p.offset.push_back(k == 2 ? -0.1f : 0.0f);
        p.labelOf.push_back(std::uint16_t(10 + k));
    }
    std::vector<std::uint16_t> labels(37 * 29);
    std::vector<float> conf(37 * 29);
    upsampleArgmax(scores, p, labels.data(), conf.data());
    auto off = torch::tensor(p.offset).view({5, 1, 1});
    auto ref = torch::nn::functional::interpolate(scores.unsqueeze(0), torch::nn::functional::InterpolateFuncOptions()
                                                                        .size(std::vector<int64_t>{29, 37})
                                                                        .mode(torch::kBilinear)
                                                                        .align_corners(false))
                   .squeeze(0)
                   .softmax(0) +
               off;
    auto [best, idx] = ref.max(0);
    int mismatches = 0;
    for (int y = 0; y < 29; ++y)
        for (int x = 0; x < 37; ++x) {
            const std::size_t i = std::size_t(y) * 37 + x;
            EXPECT_NEAR(conf[i], best[y][x].item<float>(), 1e-5);
            mismatches += labels[i] != 10 + idx[y][x].item<int64_t>();
        }
    EXPECT_EQ(mismatches, 0);
}

// The fused linear path (class product computed per source row, blocks of 4 classes x 16 pixels plus
// remainders) gives what upsampleArgmax gives on logits from an ATen matmul: 7 classes (4 + 3) on a
// source width 37 (2 x 16 + 5), fewer than 4 classes, a width below one 16-pixel block, one-row and
// one-column sources; one and two threads.
TEST_F(EngineTest, LinearFusedScoringMatchesLogitsPath)
{
    struct Case {
        int d, k, h, w, outW, outH;
    };
    const int saved = at::get_num_threads();
    for (const Case c : {Case{11, 7, 13, 37, 150, 53}, Case{5, 2, 6, 9, 40, 23}, Case{3, 5, 1, 20, 80, 4}, Case{4, 3, 17, 1, 3, 70}}) {
        const std::string what = std::to_string(c.k) + " classes, " + std::to_string(c.w) + "x" + std::to_string(c.h);
        const auto features = torch::randn({c.d, c.h, c.w});
        const auto weights = torch::randn({c.k, c.d});
        const auto bias = torch::randn({c.k});
        UpsampleArgmax p;
        p.outWidth = c.outW;
        p.outHeight = c.outH;
        p.scaleX = double(c.w) / c.outW;
        p.scaleY = double(c.h) / c.outH;
        for (int k = 0; k < c.k; ++k) {
            p.offset.push_back(k % 3 == 0 ? -0.15f : 0.0f);
            p.labelOf.push_back(std::uint16_t(k));
        }
        const auto product = at::matmul(weights, features.view({c.d, -1}));
        const std::size_t n = std::size_t(p.outWidth) * p.outHeight;
        std::vector<std::uint16_t> want(n), got(n);
        std::vector<float> wantConf(n), gotConf(n);
        upsampleArgmax((product + bias.unsqueeze(1)).view({c.k, c.h, c.w}), p, want.data(), wantConf.data());
        for (int threads : {1, 2}) {
            at::set_num_threads(threads);
            linearUpsampleArgmax(features, weights, bias, p, got.data(), gotConf.data());
            int mismatches = 0;
            float worst = 0;
            for (std::size_t i = 0; i < n; ++i) {
                mismatches += got[i] != want[i];
                worst = std::max(worst, std::abs(gotConf[i] - wantConf[i]));
            }
            // Summation order differs (FMA, blocks), so allow a near-tie to flip; there are none by chance.
            EXPECT_LE(mismatches, 2) << what << ", " << threads << " threads";
            EXPECT_LT(worst, 1e-4f) << what << ", " << threads << " threads";
        }
        at::set_num_threads(saved);
        // No bias = zero bias.
        linearUpsampleArgmax(features, weights, at::Tensor(), p, got.data(), nullptr);
        upsampleArgmax(product.view({c.k, c.h, c.w}), p, want.data(), nullptr);
        EXPECT_LE(std::inner_product(got.begin(), got.end(), want.begin(), 0, std::plus<>(), std::not_equal_to<>()), 2) << what;
    }
    UpsampleArgmax p;
    p.outWidth = p.outHeight = 4;
    p.offset = {0, 0};
    p.labelOf = {0, 1};
    std::vector<std::uint16_t> labels(16);
    EXPECT_THROW(linearUpsampleArgmax(torch::randn({3, 2, 2}), torch::randn({2, 4}), at::Tensor(), p, labels.data(), nullptr), Error);
}

TEST_F(EngineTest, SaveLoadRoundTripGivesIdenticalOutputs)
{
    TempDir dir;
    const auto path = saveTinyModel(dir, {unit(4, 0)});
    auto a = Segmenter::load(path), b = Segmenter::load(path);
    ShapesDataset data(1, 80, {"bg", "x"});
    const Image img = data.get(0).image;
    auto fa = a->encode(img), fb = b->encode(img);
    EXPECT_TRUE(tensorsClose(fa->impl().embedding, fb->impl().embedding, 0, 0));
    // Save again from a loaded model: same bytes in, same outputs out.
    LoadedModel m = loadModel(path);
    saveModel(dir / "again", m.card, m.net);
    auto c = Segmenter::load(dir / "again");
    EXPECT_TRUE(tensorsClose(c->encode(img)->impl().embedding, fa->impl().embedding, 0, 0));
    EXPECT_EQ(c->card().toJson(), a->card().toJson());
}

TEST_F(EngineTest, CardFromAnotherVectorSpaceIsRefused)
{
    TempDir dir;
    const auto path = saveTinyModel(dir, {unit(4, 0)});
    SegmenterOptions o;
    o.vectorSpace = testSpace(4, "fedcba9876543210");
    try {
        Segmenter::load(path, o);
        FAIL() << "a model from another vector space was accepted";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("vector space"), std::string::npos) << e.what();
    }
    o.vectorSpace = testSpace(4);
    EXPECT_NO_THROW(Segmenter::load(path, o));
    // A card whose head dimension disagrees with its space is refused before any tensor is read.
    Json card = loadJsonFile(path / "card.json");
    card["vectorSpace"]["dim"] = 300;
    saveJsonFile(path / "card.json", card);
    EXPECT_THROW(Segmenter::load(path), Error);
}

TEST_F(EngineTest, CorruptOrTruncatedWeightsGiveClearErrors)
{
    TempDir dir;
    const auto path = saveTinyModel(dir, {});
    const std::string bytes = readFile(path / "weights.pt");
    writeFileAtomic(path / "weights.pt", bytes.substr(0, bytes.size() / 2));
    try {
        Segmenter::load(path);
        FAIL() << "a truncated weights file was accepted";
    } catch (const Error& e) {
        const std::string m = e.what();
        EXPECT_EQ(m.rfind((path / "weights.pt").string() + ": ", 0), 0u) << m;
        EXPECT_NE(m.find("corrupt or truncated"), std::string::npos) << m;
    }
    writeFileAtomic(path / "weights.pt", "not a torch archive at all");
    EXPECT_THROW(Segmenter::load(path), Error);
    // Weights of another architecture.
    TempDir other;
    SegNet big(tinyBackbone().featureDim(24), HeadOptions().semanticDim(4));
    ModelCard c;
    c.vectorSpace = testSpace(4);
    saveModel(other / "m", c, big);
    writeFileAtomic(path / "weights.pt", readFile(other / "m" / "weights.pt"));
    try {
        Segmenter::load(path);
        FAIL() << "mismatched weights were accepted";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("do not match the architecture"), std::string::npos) << e.what();
    }
    EXPECT_THROW(Segmenter::load(dir / "nowhere"), Error);
    std::ofstream(dir / "bad.json") << "{\"format\": \"zeromask-model\"";
    EXPECT_THROW(Segmenter::load(dir / "bad.json"), Error);
}

TEST_F(EngineTest, TiledEncodingMatchesOnePassAwayFromTileSeams)
{
    TempDir dir;
    const auto path = saveTinyModel(dir, {});
    SegmenterOptions one, tiled;
    one.maxInputSide = tiled.maxInputSide = 0;
    one.tileSize = 4096;
    tiled.tileSize = 128;
    tiled.tileOverlap = 64;
    auto a = Segmenter::load(path, one), b = Segmenter::load(path, tiled);
    ShapesDataset data(1, 300, {"bg", "x"});
    const Image img = data.get(0).image;
    auto fa = a->encode(img), fb = b->encode(img);
    ASSERT_EQ(fa->featureWidth(), 75);
    ASSERT_EQ(fb->featureWidth(), 75);
    ASSERT_EQ(fb->featureHeight(), 75);
    // Pixels far from every seam see the same receptive field in both; globally pooled context
    // differs per tile, so compare by cosine, not exactly.
    auto cos = (fa->impl().embedding * fb->impl().embedding).sum(0);
    EXPECT_GT(cos.mean().item<double>(), 0.9);
    EXPECT_TRUE(torch::isfinite(fb->impl().embedding).all().item<bool>());
    EXPECT_GT(fb->impl().embedding.abs().sum(0).min().item<double>(), 0.0) << "a feature cell was never written";
}

TEST_F(EngineTest, LargeImagesAreResizedAndLabelsComeBackAtImageResolution)
{
    TempDir dir;
    SegmenterOptions o;
    o.maxInputSide = 64;
    auto seg = Segmenter::load(saveTinyModel(dir, {}), o);
    ShapesDataset data(1, 200, {"bg", "x"});
    Image img = data.get(0).image;
    auto f = seg->encode(img);
    EXPECT_EQ(f->featureWidth(), 16);
    ClassSet cs;
    cs.classes = {{"a", unit(4, 0)}, {"b", unit(4, 1)}};
    auto r = seg->score(*f, cs);
    EXPECT_EQ(r.labels.width, 200);
    EXPECT_EQ(r.labels.height, 200);
    LabelMap mask(200, 200, 0);
    for (int y = 0; y < 50; ++y)
        for (int x = 0; x < 50; ++x)
            mask.at(x, y) = 1;
    auto v = seg->regionEmbedding(*f, mask, 1);
    ASSERT_EQ(v.size(), 4u);
    double n = 0;
    for (float x : v)
        n += double(x) * x;
    EXPECT_NEAR(n, 1.0, 1e-4);
    EXPECT_TRUE(seg->regionEmbedding(*f, mask, 7).empty());
}

TEST_F(EngineTest, TestTimeAugmentationOptionsParse)
{
    SegmenterOptions o;
    parseTestTimeAugmentation("flip, 0.75,1,1.25", o);
    EXPECT_TRUE(o.flip);
    EXPECT_EQ(o.scales, (std::vector<double>{0.75, 1.0, 1.25}));
    parseTestTimeAugmentation("FLIP", o);
    EXPECT_TRUE(o.flip);
    EXPECT_EQ(o.scales, std::vector<double>{1.0});
    parseTestTimeAugmentation("", o);
    EXPECT_FALSE(o.flip);
    EXPECT_EQ(o.scales, std::vector<double>{1.0});
    parseTestTimeAugmentation("0.5,0.5,2", o); // exactly the scales listed, once each
    EXPECT_EQ(o.scales, (std::vector<double>{0.5, 2.0}));
    for (const char* bad : {"flop", "1.25x", "5", "0.1", "nan", "1,,-2"}) {
        try {
            parseTestTimeAugmentation(bad, o);
            ADD_FAILURE() << "accepted '" << bad << "'";
        } catch (const Error& e) {
            EXPECT_NE(std::string(e.what()).find("is neither 'flip' nor a scale"), std::string::npos) << e.what();
        }
    }
    TempDir dir;
    SegmenterOptions wrong;
    wrong.scales = {1.0, 8.0};
    EXPECT_THROW(Segmenter::load(saveTinyModel(dir, {}), wrong), Error);
}

TEST_F(EngineTest, ViewFeaturesLandOnTheInputsCells)
{
    // A feature that is a linear function of the input pixel position is read back exactly (bilinear
    // interpolation is exact on linear functions) wherever a base cell falls inside the view's cells:
    // so every view, scaled and mirrored, is aligned with the input's own grid.
    const int stride = 4, inW = 70, inH = 45, fw = 18, fh = 12;
    auto field = [](double u, double v) { return 0.3 * u - 0.7 * v + 2.0; };
    for (const double scale : {1.0, 0.75, 1.5})
        for (const bool mirrored : {false, true}) {
            const int w = int(std::lround(inW * scale)), h = int(std::lround(inH * scale));
            const int vw = (w + stride - 1) / stride, vh = (h + stride - 1) / stride;
            auto view = torch::zeros({2, vh, vw});
            for (int j = 0; j < vh; ++j)
                for (int i = 0; i < vw; ++i) {
                    // view cell centre -> input pixel position
                    double u = (i + 0.5) * stride, v = (j + 0.5) * stride;
                    if (mirrored)
                        u = w - u;
                    u *= double(inW) / w;
                    v *= double(inH) / h;
                    view[0][j][i] = float(field(u, v));
                    view[1][j][i] = 1.0f;
                }
            const auto g = viewToGrid(view, stride, inW, inH, w, h, mirrored, fw, fh);
            ASSERT_EQ(g.sizes(), (at::IntArrayRef{2, fh, fw}));
            EXPECT_TRUE(torch::allclose(g[1], torch::ones({fh, fw}))) << "a constant feature stays constant";
            int checked = 0;
            for (int y = 0; y < fh; ++y)
                for (int x = 0; x < fw; ++x) {
                    const double u = (x + 0.5) * stride, v = (y + 0.5) * stride;
                    // inside the span of the view's cell centres (beyond it the edge cell is repeated)
                    double cu = (mirrored ? w - u * w / inW : u * w / inW) / stride - 0.5, cv = v * h / inH / stride - 0.5;
                    if (cu < 0 || cu > vw - 1 || cv < 0 || cv > vh - 1)
                        continue;
                    EXPECT_NEAR(g[0][y][x].item<double>(), field(u, v), 1e-3)
                        << "scale " << scale << (mirrored ? " mirrored" : "") << " at cell " << x << "," << y;
                    ++checked;
                }
            EXPECT_GT(checked, fw * fh / 2);
        }
}

TEST_F(EngineTest, FlipAugmentationAveragesTheMirroredViewsLogits)
{
    TempDir dir;
    const auto path = saveTinyModel(dir, {}, 0.0f, 4, 10.0, true);
    SegmenterOptions plain, flipped, identity;
    plain.maxInputSide = flipped.maxInputSide = identity.maxInputSide = 0;
    flipped.flip = true;
    identity.scales = {1.0};
    auto a = Segmenter::load(path, plain), b = Segmenter::load(path, flipped);
    Image img(64, 48, 3); // a left-to-right ramp with noise: not mirror-symmetric
    std::mt19937 rng(3);
    for (int y = 0; y < img.height; ++y)
        for (int x = 0; x < img.width; ++x)
            for (int c = 0; c < 3; ++c)
                img.pixels[(std::size_t(y) * img.width + x) * 3 + c] = std::uint8_t(std::min<unsigned>(255u, 3u * unsigned(x) + unsigned(rng() % 64)));
    Image mirror = img;
    for (int y = 0; y < img.height; ++y)
        for (int x = 0; x < img.width; ++x)
            for (int c = 0; c < img.channels; ++c)
                mirror.pixels[(std::size_t(y) * img.width + x) * img.channels + c] =
                    img.pixels[(std::size_t(y) * img.width + (img.width - 1 - x)) * img.channels + c];
    const auto fa = a->encode(img), fm = a->encode(mirror), fb = b->encode(img);
    const auto expected = (fa->impl().embedding + fm->impl().embedding.flip({2})) / 2;
    ASSERT_EQ(fb->impl().embedding.sizes(), expected.sizes());
    EXPECT_TRUE(torch::allclose(fb->impl().embedding, expected, 1e-4, 1e-5));
    EXPECT_FALSE(torch::allclose(fa->impl().embedding, fm->impl().embedding.flip({2}), 1e-3, 1e-3))
        << "the network is not mirror-symmetric, so the test can tell the views apart";
    // Scores are linear in the embedding, so the averaged map's logits are the views' mean logits; the
    // map scores at image resolution as any other.
    ClassSet cs;
    cs.classes = {{"a", unit(4, 0)}, {"b", unit(4, 1)}};
    EXPECT_EQ(b->score(*fb, cs).labels.width, 64);
    // {1} without flip is one plain pass, identical to the default.
    const auto fi = Segmenter::load(path, identity)->encode(img);
    EXPECT_TRUE(torch::equal(fi->impl().embedding, fa->impl().embedding));
}

TEST_F(EngineTest, DeviceChoice)
{
    EXPECT_EQ(resolveDevice("cpu"), "cpu");
    EXPECT_THROW(resolveDevice("tpu"), Error);
    if (!torch::cuda::is_available()) {
        EXPECT_EQ(resolveDevice("auto"), "cpu");
        EXPECT_THROW(resolveDevice("cuda"), Error);
    }
}

} // namespace zm::test
