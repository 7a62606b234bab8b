// OverlayRenderer implementation.
#include "ui/canvas/overlayrenderer.h"

#include "ui/model/classlistmodel.h"

#include <algorithm>

namespace zm::ui {

OverlayRenderer::OverlayRenderer() : mLut(65536, 0u) {}

void OverlayRenderer::clearColors() { std::fill(mLut.begin(), mLut.end(), 0u); }

void OverlayRenderer::setColor(std::uint16_t id, QColor color)
{
    mLut[id] = color.isValid() ? qPremultiply(color.rgba()) : 0u;
}

void OverlayRenderer::setClasses(const ClassListModel& classes)
{
    clearColors();
    for (const ClassEntry& e : classes.entries())
        if (e.visible)
            setColor(e.id, e.color);
    mLut[zm::LabelMap::kVoid] = 0u;
}

QRect OverlayRenderer::render(const zm::LabelMap& labels, QImage& target, const QRect& region) const
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
    for (int y = r.top(); y <= r.bottom(); ++y) {
        const std::uint16_t* ids = labels.ids.data() + std::size_t(y) * w;
        auto* out = reinterpret_cast<QRgb*>(target.scanLine(y));
        if (!mOutline) {
            for (int x = r.left(); x <= r.right(); ++x)
                out[x] = lut[ids[x]];
            continue;
        }
        const std::uint16_t* below = y + 1 < h ? ids + w : nullptr;
        for (int x = r.left(); x <= r.right(); ++x) {
            const std::uint16_t id = ids[x];
            std::uint16_t other = id;
            if (x + 1 < w && ids[x + 1] != id)
                other = ids[x + 1];
            else if (below && below[x] != id)
                other = below[x];
            // A class bordering void or a hidden class still gets its outline: take the other side's colour.
            out[x] = other == id ? 0u : (lut[id] ? lut[id] : lut[other]);
        }
    }
    return r;
}

} // namespace zm::ui
