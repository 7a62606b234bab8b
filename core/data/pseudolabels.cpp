// ConSE pseudo-labels for the unlabelled regions of a zero-shot training set (see pseudolabels.h).
#include "core/data/pseudolabels.h"

#include "core/common/error.h"
#include "core/common/files.h"
#include "core/data/pngfile.h"
#include "core/engine/conse.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

namespace zm {

namespace {

/// One pass of a separable min (erode = true) or max filter of radius r along rows (horizontal) or columns;
/// outside the image counts as 0.
std::vector<std::uint8_t> morphPass(const std::vector<std::uint8_t>& in, int w, int h, int r, bool erode, bool horizontal)
{
    std::vector<std::uint8_t> out(in.size());
    const int n = horizontal ? w : h;
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            const int at = horizontal ? x : y;
            std::uint8_t v = erode ? 1 : 0;
            for (int k = at - r; k <= at + r; ++k) {
                const std::size_t q = horizontal ? std::size_t(y) * w + k : std::size_t(k) * w + x;
                const std::uint8_t s = (k < 0 || k >= n) ? 0 : in[q];
                v = erode ? std::min(v, s) : std::max(v, s);
            }
            out[std::size_t(y) * w + x] = v;
        }
    return out;
}

/// Erosion or dilation with a (2r+1) square window.
std::vector<std::uint8_t> morph(const std::vector<std::uint8_t>& in, int w, int h, int r, bool erode)
{
    if (r <= 0)
        return in;
    return morphPass(morphPass(in, w, h, r, erode, true), w, h, r, erode, false);
}

std::string stemOf(const std::string& id)
{
    const auto slash = id.find_last_of('/');
    return slash == std::string::npos ? id : id.substr(slash + 1);
}

} // namespace

std::vector<std::vector<std::uint8_t>> unlabelledRegions(const LabelMap& labels, int erodeRadius, int minPixels)
{
    const int w = labels.width, h = labels.height;
    std::vector<std::uint8_t> ignore(labels.ids.size());
    for (std::size_t i = 0; i < ignore.size(); ++i)
        ignore[i] = labels.ids[i] == LabelMap::kVoid ? 1 : 0;
    const auto core = morph(ignore, w, h, erodeRadius, true);
    std::vector<int> component(core.size(), -1);
    std::vector<std::vector<std::uint8_t>> regions;
    std::vector<std::uint8_t> taken(core.size(), 0); // a pixel grown into one region is not given to another
    std::vector<std::size_t> stack;
    for (std::size_t start = 0; start < core.size(); ++start) {
        if (!core[start] || component[start] >= 0)
            continue;
        // 4-connected flood fill of the eroded mask.
        std::vector<std::uint8_t> mask(core.size(), 0);
        int count = 0;
        stack.assign(1, start);
        component[start] = int(regions.size());
        while (!stack.empty()) {
            const std::size_t p = stack.back();
            stack.pop_back();
            mask[p] = 1;
            ++count;
            const int x = int(p % std::size_t(w)), y = int(p / std::size_t(w));
            const std::size_t next[4] = {x > 0 ? p - 1 : p, x + 1 < w ? p + 1 : p, y > 0 ? p - std::size_t(w) : p,
                                         y + 1 < h ? p + std::size_t(w) : p};
            for (const std::size_t q : next)
                if (q != p && core[q] && component[q] < 0) {
                    component[q] = component[start];
                    stack.push_back(q);
                }
        }
        if (count < minPixels) {
            regions.emplace_back(); // keeps component ids aligned; dropped below
            continue;
        }
        auto grown = morph(mask, w, h, erodeRadius, false);
        for (std::size_t i = 0; i < grown.size(); ++i) {
            grown[i] = grown[i] && ignore[i] && !taken[i];
            taken[i] = taken[i] || grown[i];
        }
        regions.push_back(std::move(grown));
    }
    regions.erase(std::remove_if(regions.begin(), regions.end(), [](const auto& r) { return r.empty(); }), regions.end());
    return regions;
}

std::vector<float> balancedClassOffsets(const std::vector<float>& scores, std::size_t rows, std::size_t classes,
                                        double temperature, int* iterations)
{
    if (classes == 0 || rows == 0 || scores.size() != rows * classes)
        throw Error("balance: " + std::to_string(scores.size()) + " scores for " + std::to_string(rows) + " rows of " +
                    std::to_string(classes) + " classes");
    if (!(temperature > 0) || !std::isfinite(temperature))
        throw Error("balance: the temperature must be positive");
    for (const float s : scores)
        if (!std::isfinite(s))
            throw Error("balance: a score is not a finite number");
    // The dual of the entropic balanced assignment: with a = scores / t, minimise over the class offsets u
    //   f(u) = sum_k logsumexp_c(a[k][c] + u[c]) - (rows / classes) sum_c u[c] + (sum_c u[c])^2 / 2,
    // convex; its gradient is each class's soft total less its share (the last term only pins the mean of u,
    // which f leaves free). Newton's method with a backtracking line search: plain Sinkhorn iterations crawl
    // when the temperature is low and the assignments are near hard, Newton does not.
    const std::size_t n = rows, nc = classes;
    const double share = double(n) / double(nc);
    std::vector<double> u(nc, 0.0), p(nc), g(nc), h(nc * nc), d(nc), trial(nc);
    const auto objective = [&](const std::vector<double>& off, bool withDerivatives) {
        double f = 0, sum = 0;
        if (withDerivatives) {
            std::fill(g.begin(), g.end(), 0.0);
            std::fill(h.begin(), h.end(), 0.0);
        }
        for (std::size_t k = 0; k < n; ++k) {
            double m = -std::numeric_limits<double>::infinity();
            for (std::size_t c = 0; c < nc; ++c) {
                p[c] = double(scores[k * nc + c]) / temperature + off[c];
                m = std::max(m, p[c]);
            }
            double z = 0;
            for (std::size_t c = 0; c < nc; ++c)
                z += (p[c] = std::exp(p[c] - m));
            f += m + std::log(z);
            if (!withDerivatives)
                continue;
            for (std::size_t c = 0; c < nc; ++c)
                p[c] /= z;
            for (std::size_t c = 0; c < nc; ++c) {
                g[c] += p[c];
                h[c * nc + c] += p[c];
                for (std::size_t e = 0; e < nc; ++e)
                    h[c * nc + e] -= p[c] * p[e];
            }
        }
        for (std::size_t c = 0; c < nc; ++c) {
            f -= share * off[c];
            sum += off[c];
        }
        f += 0.5 * sum * sum;
        if (withDerivatives)
            for (std::size_t c = 0; c < nc; ++c) {
                g[c] += sum - share;
                for (std::size_t e = 0; e < nc; ++e)
                    h[c * nc + e] += 1.0;
            }
        return f;
    };
    int it = 0;
    for (; it < 500; ++it) {
        const double f = objective(u, true);
        double worst = 0;
        for (const double x : g)
            worst = std::max(worst, std::abs(x));
        if (worst < 1e-9 * share)
            break;
        // Solve (H + tiny I) d = -g by Gaussian elimination with partial pivoting (classes are few).
        std::vector<double> m(h);
        double scale = 0;
        for (std::size_t c = 0; c < nc; ++c)
            scale = std::max(scale, m[c * nc + c]);
        for (std::size_t c = 0; c < nc; ++c) {
            m[c * nc + c] += 1e-12 * scale + 1e-300;
            d[c] = -g[c];
        }
        for (std::size_t c = 0; c < nc; ++c) {
            std::size_t piv = c;
            for (std::size_t r = c + 1; r < nc; ++r)
                if (std::abs(m[r * nc + c]) > std::abs(m[piv * nc + c]))
                    piv = r;
            if (piv != c) {
                for (std::size_t e = 0; e < nc; ++e)
                    std::swap(m[c * nc + e], m[piv * nc + e]);
                std::swap(d[c], d[piv]);
            }
            for (std::size_t r = c + 1; r < nc; ++r) {
                const double q = m[r * nc + c] / m[c * nc + c];
                for (std::size_t e = c; e < nc; ++e)
                    m[r * nc + e] -= q * m[c * nc + e];
                d[r] -= q * d[c];
            }
        }
        for (std::size_t c = nc; c-- > 0;) {
            for (std::size_t e = c + 1; e < nc; ++e)
                d[c] -= m[c * nc + e] * d[e];
            d[c] /= m[c * nc + c];
        }
        double slope = 0;
        for (std::size_t c = 0; c < nc; ++c)
            slope += g[c] * d[c];
        if (!(slope < 0)) { // not a descent direction (numerically singular): step down the gradient instead
            slope = 0;
            for (std::size_t c = 0; c < nc; ++c) {
                d[c] = -g[c];
                slope -= g[c] * g[c];
            }
        }
        double step = 1;
        bool moved = false;
        for (int back = 0; back < 60; ++back, step *= 0.5) {
            for (std::size_t c = 0; c < nc; ++c)
                trial[c] = u[c] + step * d[c];
            if (objective(trial, false) <= f + 1e-4 * step * slope) {
                moved = true;
                break;
            }
        }
        if (!moved)
            break; // no decrease left at double precision: as balanced as it gets
        u = trial;
    }
    if (iterations)
        *iterations = it; // Newton steps taken (0: balanced already)
    double mean = 0;
    for (const double x : u)
        mean += x / double(classes);
    std::vector<float> offsets;
    for (const double x : u)
        offsets.push_back(float(temperature * (x - mean)));
    return offsets;
}

Json PseudoLabelReport::toJson(bool withRegions) const
{
    Json perClass = Json::array();
    int keptAll = 0, keptCorrect = 0, correctAll = 0;
    double keptPixels = 0, keptRight = 0;
    for (int c = 0; c < int(classes.size()); ++c) {
        int n = 0, kept = 0, correct = 0, correctKept = 0;
        double pixels = 0, right = 0, pixelsKept = 0, rightKept = 0;
        float lowest = 1e9f;
        for (const auto& r : regions) {
            if (r.cls != c)
                continue;
            ++n;
            const bool ok = checked && r.truth == classes[std::size_t(c)];
            correct += ok;
            pixels += r.pixels;
            right += r.truthShare * r.pixels;
            if (r.kept) {
                ++kept;
                correctKept += ok;
                pixelsKept += r.pixels;
                rightKept += r.truthShare * r.pixels;
                lowest = std::min(lowest, r.score);
            }
        }
        Json j{{"class", classes[std::size_t(c)]}, {"regions", n}, {"kept", kept}, {"lowestKeptScore", kept ? Json(lowest) : Json()}};
        if (std::size_t(c) < hubness.size())
            j["hubness"] = hubness[std::size_t(c)];
        if (std::size_t(c) < balance.size())
            j["balance"] = balance[std::size_t(c)];
        if (checked) {
            j["keptCorrect"] = correctKept;
            j["keptPixelPrecision"] = pixelsKept > 0 ? Json(rightKept / pixelsKept) : Json();
            j["allCorrect"] = correct;
            j["allPixelPrecision"] = pixels > 0 ? Json(right / pixels) : Json();
        }
        perClass.push_back(j);
        keptAll += kept;
        keptCorrect += correctKept;
        correctAll += correct;
        keptPixels += pixelsKept;
        keptRight += rightKept;
    }
    const auto toRivals = std::count_if(regions.begin(), regions.end(), [](const PseudoRegion& r) { return r.cls < 0; });
    Json j{{"images", images}, {"regions", regions.size()}, {"kept", keptAll}, {"nearestARival", toRivals}, {"classes", perClass},
           {"checked", checked}};
    if (checked) {
        // What the regions really are (majority of their labelled pixels), per assigned class: the confusion.
        std::map<std::string, std::map<std::string, int>> confusion;
        for (const auto& r : regions)
            if (r.kept)
                ++confusion[classes[std::size_t(r.cls)]][r.truth.empty() ? "(no label)" : r.truth];
        j["keptCorrect"] = keptCorrect;
        j["keptRegionAccuracy"] = keptAll ? Json(double(keptCorrect) / keptAll) : Json();
        j["keptPixelPrecision"] = keptPixels > 0 ? Json(keptRight / keptPixels) : Json();
        j["allRegionAccuracy"] = regions.empty() ? Json() : Json(double(correctAll) / double(regions.size()));
        j["keptTruth"] = confusion;
    }
    if (balanceIterations >= 0)
        j["balanceIterations"] = balanceIterations;
    if (withRegions) {
        Json list = Json::array();
        for (const auto& r : regions) {
            Json e{{"image", r.image},
                   {"file", r.file},
                   {"pixels", r.pixels},
                   {"class", r.cls >= 0 ? Json(classes[std::size_t(r.cls)]) : Json()},
                   {"score", r.score},
                   {"runnerUp", r.runnerUp},
                   {"kept", r.kept},
                   {"cosines", r.cosines}};
            if (checked)
                e["truth"] = r.truth.empty() ? Json() : Json(r.truth);
            list.push_back(std::move(e));
        }
        j["regionList"] = std::move(list);
    }
    return j;
}

PseudoLabelReport writePseudoLabels(const ZeroShotDataset& train, const Dataset& base, const ConseRegionClassifier& classifier,
                                    const std::vector<std::vector<float>>& unseenVectors, const PseudoLabelOptions& options,
                                    const std::filesystem::path& out, const Json& provenance, Progress* progress)
{
    if (train.stage() != ZeroShotStage::Train)
        throw Error("pseudo-labels are made for a training set (the Train stage of a zero-shot split)");
    const ZeroShotClasses& zc = train.classes();
    const auto unseen = zc.unseenIds();
    if (unseen.empty())
        throw Error("split '" + train.split().name + "' has no unseen classes to pseudo-label");
    if (unseenVectors.size() != unseen.size())
        throw Error("pseudo-labels: " + std::to_string(unseen.size()) + " unseen classes but " + std::to_string(unseenVectors.size()) +
                    " class vectors");
    if (!(options.keepFraction > 0 && options.keepFraction <= 1))
        throw Error("pseudo-labels: the kept share must be in (0, 1], not " + std::to_string(options.keepFraction));
    if (options.erodeRadius < 0 || options.erodeRadius > 32 || options.minPixels < 1)
        throw Error("pseudo-labels: erosion radius must be in [0, 32] and the smallest region at least 1 pixel");
    if (options.balance && !(options.balanceTemperature > 0 && options.balanceTemperature <= 10))
        throw Error("pseudo-labels: the balance temperature must be in (0, 10], not " +
                    std::to_string(options.balanceTemperature));
    if (base.classNames().size() > 255)
        throw Error("pseudo-labels: the data set has more than 255 classes (8-bit label PNGs)");
    // Model id -> data-set id (labels are written in the base data set's class order).
    std::vector<int> modelToDataset(std::size_t(zc.size()), -1);
    for (std::size_t d = 0; d < zc.datasetToModel.size(); ++d)
        if (zc.datasetToModel[d] >= 0)
            modelToDataset[std::size_t(zc.datasetToModel[d])] = int(d);
    for (const int u : unseen)
        if (modelToDataset[std::size_t(u)] < 0)
            throw Error("pseudo-labels: unseen class '" + zc.names[std::size_t(u)] + "' is not a class of the data set");

    std::error_code ec;
    if (fs::exists(out, ec) && !fs::is_empty(out, ec) && !fs::exists(out / "pseudolabels.json", ec) &&
        !fs::exists(out / ".pseudolabels-incomplete", ec))
        throw fileError(out.string(), "is not empty and holds no earlier pseudo-labels; choose an empty or new folder");
    fs::create_directories(out / "images" / "train", ec);
    fs::create_directories(out / "labels" / "train", ec);
    if (ec)
        throw fileError(out.string(), "cannot create the folder (" + ec.message() + ")");
    writeFileAtomic(out / ".pseudolabels-incomplete", "pseudo-labelling in progress\n");

    // Unit class vectors.
    std::vector<std::vector<float>> classVectors;
    std::vector<std::vector<float>> all = unseenVectors;
    all.insert(all.end(), options.rivals.begin(), options.rivals.end());
    for (const auto& v : all) {
        double n = 0;
        for (float x : v)
            n += double(x) * x;
        n = std::sqrt(n);
        if (!(n > 0))
            throw Error("pseudo-labels: a class vector is zero");
        std::vector<float> u;
        for (float x : v)
            u.push_back(float(x / n));
        classVectors.push_back(std::move(u));
    }

    PseudoLabelReport report;
    for (const int u : unseen)
        report.classes.push_back(zc.names[std::size_t(u)]);
    const int count = options.limit > 0 ? std::min(options.limit, train.size()) : train.size();
    report.images = count;
    report.checked = true;
    const auto& datasetNames = base.classNames();
    // A split that ignores the background (SPNet's VOC convention) leaves its pixels void in the Train stage,
    // but they are labelled: they are put back, as the background, before regions are looked for.
    int backgroundId = -1;
    if (!train.split().backgroundSeen)
        for (std::size_t d = 0; d < datasetNames.size(); ++d)
            if (datasetNames[d] == train.split().background)
                backgroundId = int(d);
    const std::uint16_t kBackground = LabelMap::kVoid - 1; // a value no model id reaches
    // `b`: the base data set's labels of the same image.
    const auto withBackground = [&](const Sample& s, const LabelMap& b) {
        LabelMap l = s.labels;
        if (backgroundId >= 0 && b.ids.size() == l.ids.size())
            for (std::size_t p = 0; p < l.ids.size(); ++p)
                if (l.ids[p] == LabelMap::kVoid && b.ids[p] == backgroundId)
                    l.ids[p] = kBackground;
        return l;
    };
    const auto cancelled = [&] { return progress && progress->cancelled(); };

    // Pass 1: find and classify every region.
    for (int i = 0; i < count; ++i) {
        if (cancelled())
            throw Cancelled();
        if (progress)
            progress->update(0.9 * i / count, "classifying the unlabelled regions of image " + std::to_string(i + 1) + " of " + std::to_string(count));
        const Sample s = train.get(i);
        // The base labels, read once: for an ignored background, and for the check when there are regions.
        LabelMap truth;
        if (backgroundId >= 0)
            truth = base.get(train.baseIndex(i)).labels;
        const auto regions =
            unlabelledRegions(backgroundId >= 0 ? withBackground(s, truth) : s.labels, options.erodeRadius, options.minPixels);
        if (report.checked && !regions.empty()) {
            if (backgroundId < 0)
                truth = base.get(train.baseIndex(i)).labels;
            if (truth.empty() || truth.width != s.labels.width || truth.height != s.labels.height)
                report.checked = false;
        }
        for (const auto& mask : regions) {
            const auto e = classifier.regionVector(s.image, mask);
            if (e.empty())
                continue;
            PseudoRegion r;
            r.image = i;
            r.file = stemOf(s.id);
            if (e.size() != classVectors.front().size())
                throw Error("pseudo-labels: class vectors are " + std::to_string(classVectors.front().size()) + "-d, the classifier's labels " +
                            std::to_string(e.size()) + "-d; use the same word vectors for both");
            r.vector = e;
            std::map<int, int> votes;
            int labelled = 0;
            for (std::size_t p = 0; p < mask.size(); ++p) {
                if (!mask[p])
                    continue;
                ++r.pixels;
                if (report.checked && truth.ids[p] != LabelMap::kVoid) {
                    ++votes[truth.ids[p]];
                    ++labelled;
                }
            }
            if (report.checked && labelled > 0) {
                const auto top = std::max_element(votes.begin(), votes.end(), [](const auto& a, const auto& b) { return a.second < b.second; });
                r.truth = top->first < int(datasetNames.size()) ? datasetNames[std::size_t(top->first)] : std::to_string(top->first);
                r.votes.assign(votes.begin(), votes.end());
                r.labelled = labelled;
            }
            report.regions.push_back(std::move(r));
        }
    }

    // Cosines, the hubness term per class (CSLS), then each region's class and score.
    const std::size_t nc = classVectors.size(), nr = report.regions.size();
    std::vector<float> cosines(nr * nc);
    for (std::size_t k = 0; k < nr; ++k)
        for (std::size_t c = 0; c < nc; ++c) {
            double dot = 0;
            const auto& e = report.regions[k].vector;
            for (std::size_t q = 0; q < e.size(); ++q)
                dot += double(e[q]) * classVectors[c][q];
            cosines[k * nc + c] = float(dot);
        }
    std::vector<float> hub(nc, 0.0f);
    if (options.hubnessK > 0 && nr > 0)
        for (std::size_t c = 0; c < nc; ++c) {
            std::vector<float> col(nr);
            for (std::size_t k = 0; k < nr; ++k)
                col[k] = cosines[k * nc + c];
            const std::size_t kk = std::min<std::size_t>(std::size_t(options.hubnessK), nr);
            std::partial_sort(col.begin(), col.begin() + std::ptrdiff_t(kk), col.end(), std::greater<float>());
            double sum = 0;
            for (std::size_t q = 0; q < kk; ++q)
                sum += col[q];
            hub[c] = float(sum / double(kk));
        }
    // A region nearest a rival (after the hubness term) is left unlabelled whatever the balance does: ZS5Net's
    // rule decides first, then the balance shares the rest out among the candidates.
    const std::size_t ncand = unseen.size();
    const auto nearest = [&](std::size_t k, std::size_t upto, const std::vector<float>& offset, float& best,
                             float& second) {
        int arg = -1;
        best = second = -1e9f;
        for (std::size_t c = 0; c < upto; ++c) {
            const float v = cosines[k * nc + c] - hub[c] + offset[c];
            if (v > best) {
                second = best;
                best = v;
                arg = int(c);
            } else if (v > second) {
                second = v;
            }
        }
        return arg;
    };
    // Every region's plain choice among all classes: a rival's region is done here.
    std::vector<float> offset(nc, 0.0f);
    for (std::size_t k = 0; k < nr; ++k) {
        auto& r = report.regions[k];
        r.cosines.assign(cosines.begin() + std::ptrdiff_t(k * nc), cosines.begin() + std::ptrdiff_t((k + 1) * nc));
        r.cls = nearest(k, nc, offset, r.score, r.runnerUp);
        if (r.cls >= int(ncand))
            r.cls = -1; // a rival's: not pseudo-labelled
    }
    if (options.balance) {
        std::vector<float> scores;
        std::size_t rows = 0;
        for (std::size_t k = 0; k < nr; ++k)
            if (report.regions[k].cls >= 0) {
                for (std::size_t c = 0; c < ncand; ++c)
                    scores.push_back(cosines[k * nc + c] - hub[c]);
                ++rows;
            }
        if (rows > 0) {
            const auto o =
                balancedClassOffsets(scores, rows, ncand, options.balanceTemperature, &report.balanceIterations);
            std::copy(o.begin(), o.end(), offset.begin());
        }
    }
    // The candidates' choice (after the balance offsets) and, for the check, the share of its pixels that are right.
    for (std::size_t k = 0; k < nr; ++k) {
        auto& r = report.regions[k];
        if (r.cls < 0)
            continue;
        r.cls = nearest(k, ncand, offset, r.score, r.runnerUp);
        if (r.labelled > 0) {
            const int mine = modelToDataset[std::size_t(unseen[std::size_t(r.cls)])];
            for (const auto& [id, n] : r.votes)
                if (id == mine)
                    r.truthShare = double(n) / r.labelled;
        }
    }
    report.balance.assign(offset.begin(), offset.begin() + std::ptrdiff_t(ncand));
    report.hubness.assign(hub.begin(), hub.begin() + std::ptrdiff_t(unseen.size()));

    // Per class, the most confident share keeps its label (ties broken by order, deterministically).
    for (int c = 0; c < int(report.classes.size()); ++c) {
        std::vector<std::size_t> mine;
        for (std::size_t k = 0; k < report.regions.size(); ++k)
            if (report.regions[k].cls == c)
                mine.push_back(k);
        std::stable_sort(mine.begin(), mine.end(), [&](std::size_t a, std::size_t b) { return report.regions[a].score > report.regions[b].score; });
        const std::size_t keep = std::size_t(std::ceil(options.keepFraction * double(mine.size()) - 1e-9));
        for (std::size_t k = 0; k < keep && k < mine.size(); ++k)
            report.regions[mine[k]].kept = true;
    }

    // Pass 2: write the images and the labels.
    std::size_t next = 0;
    for (int i = 0; i < count; ++i) {
        if (cancelled())
            throw Cancelled();
        if (progress)
            progress->update(0.9 + 0.1 * i / count, "writing image " + std::to_string(i + 1) + " of " + std::to_string(count));
        const Sample s = train.get(i);
        const LabelMap known = backgroundId >= 0 ? withBackground(s, base.get(train.baseIndex(i)).labels) : s.labels;
        LabelMap labels(s.labels.width, s.labels.height);
        for (std::size_t p = 0; p < labels.ids.size(); ++p) {
            const auto l = known.ids[p];
            if (l == kBackground)
                labels.ids[p] = std::uint16_t(backgroundId);
            else if (l != LabelMap::kVoid && l < modelToDataset.size() && modelToDataset[l] >= 0)
                labels.ids[p] = std::uint16_t(modelToDataset[l]);
        }
        const auto regions = unlabelledRegions(known, options.erodeRadius, options.minPixels);
        for (const auto& mask : regions) {
            // Regions come back in the order pass 1 saw them (an empty classifier answer was skipped there).
            if (next >= report.regions.size() || report.regions[next].image != i)
                continue;
            const PseudoRegion& r = report.regions[next++];
            if (!r.kept)
                continue;
            const auto id = std::uint16_t(modelToDataset[std::size_t(unseen[std::size_t(r.cls)])]);
            for (std::size_t p = 0; p < mask.size(); ++p)
                if (mask[p])
                    labels.ids[p] = id;
        }
        const std::string stem = stemOf(s.id);
        writeImagePng(out / "images" / "train" / (stem + ".png"), s.image);
        writeLabelIds(out / "labels" / "train" / (stem + ".png"), labels);
    }
    std::string classes;
    for (const auto& n : datasetNames)
        classes += n + "\n";
    writeFileAtomic(out / "classes.txt", classes);
    Json j = report.toJson(true);
    j["provenance"] = provenance;
    j["split"] = train.split().name;
    j["options"] = {{"erodeRadius", options.erodeRadius}, {"minPixels", options.minPixels}, {"keepFraction", options.keepFraction},
                    {"hubnessK", options.hubnessK}, {"balance", options.balance},
                    {"balanceTemperature", options.balanceTemperature}, {"rivals", options.rivals.size()}, {"limit", options.limit}};
    writeFileAtomic(out / "pseudolabels.json", j.dump(2) + "\n");
    fs::remove(out / ".pseudolabels-incomplete", ec);
    if (progress)
        progress->update(1.0, "pseudo-labels written");
    return report;
}

} // namespace zm
