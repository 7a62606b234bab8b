// Edge refinement of masks by GrabCut seeded from the labels (see refine.h).
#include "core/io/refine.h"

#include "core/common/error.h"
#include "core/common/strings.h"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>

namespace zm {

namespace {

cv::Mat toBgr(const Image& image)
{
    const int type = image.channels == 1 ? CV_8UC1 : image.channels == 3 ? CV_8UC3 : CV_8UC4;
    const cv::Mat view(image.height, image.width, type, const_cast<std::uint8_t*>(image.pixels.data()));
    cv::Mat bgr;
    if (image.channels == 1)
        cv::cvtColor(view, bgr, cv::COLOR_GRAY2BGR);
    else if (image.channels == 4)
        cv::cvtColor(view, bgr, cv::COLOR_RGBA2BGR);
    else
        cv::cvtColor(view, bgr, cv::COLOR_RGB2BGR);
    return bgr;
}

constexpr double kPi = 3.14159265358979323846;

bool enoughSamples(const cv::Mat& seed)
{
    constexpr int kMin = 16; // GrabCut's k-means starts five clusters per side
    const int fg = cv::countNonZero((seed == cv::GC_FGD) | (seed == cv::GC_PR_FGD));
    return fg >= kMin && int(seed.total()) - fg >= kMin;
}

} // namespace

int backgroundIndex(const std::vector<std::string>& names)
{
    for (std::size_t i = 0; i < names.size(); ++i)
        if (isBackgroundName(names[i]))
            return int(i);
    return -1;
}

RefineReport refineLabels(const Image& image, LabelMap& labels, const RefineOptions& o)
{
    if (image.empty())
        throw Error("edge refinement: the image is empty");
    if (image.channels != 1 && image.channels != 3 && image.channels != 4)
        throw Error("edge refinement: images with " + std::to_string(image.channels) + " channels are not supported");
    if (image.width != labels.width || image.height != labels.height ||
        labels.ids.size() != std::size_t(image.width) * image.height)
        throw Error("edge refinement: the labels (" + std::to_string(labels.width) + "x" +
                    std::to_string(labels.height) + ") do not match the image (" + std::to_string(image.width) + "x" +
                    std::to_string(image.height) + ")");
    if (!(o.coreFraction >= 0 && o.coreFraction < 1) || !(o.bandFraction > 0 && o.bandFraction <= 1) ||
        o.iterations < 1)
        throw Error(
            "edge refinement: core fraction must be in [0, 1), band fraction in (0, 1] and iterations at least 1");

    RefineReport report;
    const int w = image.width, h = image.height;
    const cv::Mat ids(h, w, CV_16UC1, labels.ids.data());
    if (cv::countNonZero(ids == o.background) == 0)
        return report;

    // Classes by area, largest first: where two grown masks meet on background, the larger object wins.
    std::map<std::uint16_t, int> area;
    for (const auto id : labels.ids)
        if (id != o.background && id != LabelMap::kVoid)
            ++area[id];
    std::vector<std::pair<int, std::uint16_t>> order;
    for (const auto& [id, n] : area)
        if (n >= o.minPixels && (o.only.empty() || std::find(o.only.begin(), o.only.end(), id) != o.only.end()))
            order.emplace_back(n, id);
    std::sort(order.begin(), order.end(), [](const auto& a, const auto& b) {
        return a.first != b.first ? a.first > b.first : a.second < b.second;
    });
    if (order.empty())
        return report;

    const cv::Mat bgr = toBgr(image);
    const cv::Mat original = ids.clone(); // growth is decided against the labels as they came in
    const int band = std::max(2, int(std::lround(o.bandFraction * std::hypot(double(w), double(h)))));
    for (const auto& [n, id] : order) {
        const cv::Mat mask = original == id;
        // Work inside the mask's box grown by the band: outside it every pixel is sure background anyway.
        cv::Rect box = cv::boundingRect(mask);
        box.x -= band, box.y -= band, box.width += 2 * band, box.height += 2 * band;
        box &= cv::Rect(0, 0, w, h);
        // ... at most workSide pixels on its longer side: memory and time stay bounded whatever the photo.
        const double scale = o.workSide > 0 ? std::min(1.0, double(o.workSide) / std::max(box.width, box.height)) : 1.0;
        const cv::Size small(std::max(1, int(std::lround(box.width * scale))),
                             std::max(1, int(std::lround(box.height * scale))));
        cv::Mat img, m;
        if (scale < 1.0) {
            // Area averaging keeps the colours honest and keeps every fragment of the mask (any coverage).
            cv::resize(bgr(box), img, small, 0, 0, cv::INTER_AREA);
            cv::Mat cover;
            cv::resize(mask(box), cover, small, 0, 0, cv::INTER_AREA);
            m = cover > 0;
        } else {
            img = bgr(box);
            m = mask(box);
        }
        // The seed, from distances (linear time, any radius): inside the band the colour models decide,
        // the mask is probably the class, its core (deeper than `core` inside it) surely is.
        const double core = o.coreFraction * std::sqrt(n / kPi) * scale;
        cv::Mat outside, inside;
        cv::distanceTransform(~m, outside, cv::DIST_L2, cv::DIST_MASK_PRECISE); // distance to the mask
        cv::distanceTransform(m, inside, cv::DIST_L2, cv::DIST_MASK_PRECISE);   // distance to its outside
        cv::Mat seed(small, CV_8UC1, cv::Scalar(cv::GC_BGD));
        seed.setTo(cv::GC_PR_BGD, outside <= band * scale);
        seed.setTo(cv::GC_PR_FGD, m);
        if (core >= 1.0)
            seed.setTo(cv::GC_FGD, inside > core);
        // GrabCut fits five-component colour mixtures to both sides: each needs samples (a mask that fills
        // its whole box has no background to learn from), else OpenCV refuses.
        if (!enoughSamples(seed)) {
            ++report.classesSkipped;
            continue;
        }
        cv::Mat bgModel, fgModel, fg;
        try {
            cv::grabCut(img, seed, cv::Rect(), bgModel, fgModel, o.iterations, cv::GC_INIT_WITH_MASK);
        } catch (const cv::Exception&) {
            // A degenerate colour model (OpenCV refuses it): this mask stays as it was.
            ++report.classesSkipped;
            continue;
        }
        fg = (seed == cv::GC_FGD) | (seed == cv::GC_PR_FGD);
        if (scale < 1.0) {
            cv::Mat up;
            cv::resize(fg, up, box.size(), 0, 0, cv::INTER_LINEAR);
            fg = up >= 128;
        }
        cv::Mat out = ids(box); // a view into labels.ids
        const cv::Mat orig = original(box);
        for (int y = 0; y < box.height; ++y) {
            const std::uint8_t* f = fg.ptr<std::uint8_t>(y);
            const std::uint16_t* in = orig.ptr<std::uint16_t>(y);
            std::uint16_t* dst = out.ptr<std::uint16_t>(y);
            for (int x = 0; x < box.width; ++x) {
                if (f[x] && in[x] == o.background && dst[x] == o.background) {
                    dst[x] = id;
                    ++report.pixelsGained;
                } else if (!f[x] && in[x] == id && dst[x] == id) {
                    dst[x] = o.background;
                    ++report.pixelsReleased;
                }
            }
        }
        ++report.classesRefined;
    }
    return report;
}

} // namespace zm
