// OverlayRenderer implementation.
#include "ui/canvas/overlayrenderer.h"

#include "ui/model/classlistmodel.h"

#include <algorithm>

namespace zm::ui {

OverlayRenderer::OverlayRenderer() : mLut(65536, 0u), mLutPredicted(65536, 0u) {}

void OverlayRenderer::clearColors()
{
    std::fill(mLut.begin(), mLut.end(), 0u);
    std::fill(mLutPredicted.begin(), mLutPredicted.end(), 0u);
}

QRgb OverlayRenderer::lighter(QRgb p, double factor)
{
    // Premultiplied: scaling every channel scales the alpha and keeps the hue.
    auto s = [factor](int v) { return int(v * factor + 0.5); };
    return qRgba(s(qRed(p)), s(qGreen(p)), s(qBlue(p)), s(qAlpha(p)));
}

void OverlayRenderer::setColor(std::uint16_t id, QColor color)
{
    mLut[id] = color.isValid() ? qPremultiply(color.rgba()) : 0u;
    switch (mStyle) {
    case ConfirmedStyle::Same: mLutPredicted[id] = mLut[id]; break;
    case ConfirmedStyle::PredictedLighter: mLutPredicted[id] = lighter(mLut[id], kPredictedAlpha); break;
    case ConfirmedStyle::ConfirmedOnly: mLutPredicted[id] = 0u; break;
    }
}

void OverlayRenderer::setConfirmedStyle(ConfirmedStyle style)
{
    if (style == mStyle)
        return;
    mStyle = style;
    rebuildPredicted();
}

void OverlayRenderer::rebuildPredicted()
{
    switch (mStyle) {
    case ConfirmedStyle::Same: mLutPredicted = mLut; break;
    case ConfirmedStyle::PredictedLighter:
        for (std::size_t i = 0; i < mLut.size(); ++i)
            mLutPredicted[i] = mLut[i] ? lighter(mLut[i], kPredictedAlpha) : 0u;
        break;
    case ConfirmedStyle::ConfirmedOnly: std::fill(mLutPredicted.begin(), mLutPredicted.end(), 0u); break;
    }
}

void OverlayRenderer::setClasses(const ClassListModel& classes)
{
    clearColors();
    for (const ClassEntry& e : classes.entries())
        if (e.visible)
            setColor(e.id, e.color);
    mLut[zm::LabelMap::kVoid] = 0u;
    mLutPredicted[zm::LabelMap::kVoid] = 0u;
}

QRect OverlayRenderer::render(const zm::LabelMap& labels, QImage& target, const QRect& region,
                              const std::vector<std::uint8_t>* confirmed) const
{
    if (labels.empty()) {
        target = QImage();
        return {};
    }
    const QRect all(0, 0, labels.width, labels.height);
    if (target.size() != all.size() || target.format() != QImage::Format_ARGB32_Premultiplied) {
        target = QImage(all.size(), QImage::Format_ARGB32_Premultiplied);
        target.fill(Qt::transparent);
    }
    QRect r = region.isEmpty() ? all : region;
    // In outline mode a pixel depends on its right and bottom neighbours: grow the region up/left.
    if (mOutline)
        r.adjust(-1, -1, 0, 0);
    r = r.intersected(all);
    if (r.isEmpty())
        return {};
    const QRgb* lut = mLut.data();
    const int w = labels.width;
    const int h = labels.height;
    // Two tables only when they differ and the confirmed bits fit; otherwise the one-table loop.
    const bool split = mStyle != ConfirmedStyle::Same && confirmed && confirmed->size() == labels.ids.size();
    const QRgb* lutP = split ? mLutPredicted.data() : lut;
    for (int y = r.top(); y <= r.bottom(); ++y) {
        const std::uint16_t* ids = labels.ids.data() + std::size_t(y) * w;
        auto* out = reinterpret_cast<QRgb*>(target.scanLine(y));
        if (!mOutline) {
            if (!split) {
                for (int x = r.left(); x <= r.right(); ++x)
                    out[x] = lut[ids[x]];
            } else {
                const std::uint8_t* conf = confirmed->data() + std::size_t(y) * w;
                for (int x = r.left(); x <= r.right(); ++x) {
                    const std::uint16_t id = ids[x];
                    const QRgb a = lut[id], b = lutP[id];
                    out[x] = conf[x] ? a : b; // both loads first: a branch-free select
                }
            }
            continue;
        }
        const std::uint16_t* below = y + 1 < h ? ids + w : nullptr;
        const std::uint8_t* conf = split ? confirmed->data() + std::size_t(y) * w : nullptr;
        for (int x = r.left(); x <= r.right(); ++x) {
            const std::uint16_t id = ids[x];
            std::uint16_t other = id;
            if (x + 1 < w && ids[x + 1] != id)
                other = ids[x + 1];
            else if (below && below[x] != id)
                other = below[x];
            // A class bordering void or a hidden class still gets its outline: take the other side's colour.
            const QRgb* t = conf && !conf[x] ? lutP : lut;
            out[x] = other == id ? 0u : (lut[id] ? t[id] : t[other]);
        }
    }
    return r;
}

} // namespace zm::ui
