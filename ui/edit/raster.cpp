// Raster helpers: scanline polygon fill and an explicit-stack flood fill (no recursion, so a
// 100-megapixel region cannot overflow the stack).
#include "ui/edit/raster.h"

#include <algorithm>
#include <cmath>

namespace zm::ui {

std::size_t Mask::count() const
{
    return std::size_t(std::count(bits.begin(), bits.end(), std::uint8_t(1)));
}

QPointF snapStamp(const QPointF& p, int diameter)
{
    if (diameter % 2 == 1)
        return QPointF(std::floor(p.x()) + 0.5, std::floor(p.y()) + 0.5);
    return QPointF(std::round(p.x()), std::round(p.y()));
}

Mask capsuleMask(const QPointF& a0, const QPointF& b0, int diameter, const QRect& image)
{
    diameter = std::max(1, diameter);
    const QPointF a = snapStamp(a0, diameter);
    const QPointF b = snapStamp(b0, diameter);
    const double r = diameter / 2.0;
    // Slightly more than r so that rounding never drops the outermost pixel of an exact disk.
    const double r2 = r * r + 1e-9;
    const QRect box = QRect(QPoint(int(std::floor(std::min(a.x(), b.x()) - r)), int(std::floor(std::min(a.y(), b.y()) - r))),
                            QPoint(int(std::ceil(std::max(a.x(), b.x()) + r)), int(std::ceil(std::max(a.y(), b.y()) + r)))) &
                      image;
    Mask m;
    if (box.isEmpty())
        return m;
    m.rect = box;
    m.bits.assign(std::size_t(box.width()) * box.height(), 0);
    const double dx = b.x() - a.x(), dy = b.y() - a.y();
    const double len2 = dx * dx + dy * dy;
    for (int y = box.top(); y <= box.bottom(); ++y)
        for (int x = box.left(); x <= box.right(); ++x) {
            const double px = x + 0.5 - a.x(), py = y + 0.5 - a.y();
            double t = len2 > 0 ? (px * dx + py * dy) / len2 : 0.0;
            t = std::clamp(t, 0.0, 1.0);
            const double ex = px - t * dx, ey = py - t * dy;
            if (ex * ex + ey * ey <= r2)
                m.bits[std::size_t(y - box.top()) * box.width() + (x - box.left())] = 1;
        }
    return m;
}

Mask floodFillMask(const zm::LabelMap& labels, int x, int y) { return floodFillMask(labels, x, y, {}); }

Mask floodFillMask(const zm::LabelMap& labels, int x0, int y0, const std::vector<std::uint8_t>& allowed)
{
    Mask m;
    const int w = labels.width, h = labels.height;
    if (x0 < 0 || y0 < 0 || x0 >= w || y0 >= h)
        return m;
    const bool gated = !allowed.empty();
    if (gated && !allowed[std::size_t(y0) * w + x0])
        return m;
    const std::uint16_t id = labels.at(x0, y0);
    std::vector<std::uint8_t> seen(std::size_t(w) * h, 0);
    std::vector<std::pair<int, int>> stack{{x0, y0}};
    int minX = x0, maxX = x0, minY = y0, maxY = y0;
    auto inside = [&](int x, int y) {
        const std::size_t i = std::size_t(y) * w + x;
        return !seen[i] && labels.ids[i] == id && (!gated || allowed[i]);
    };
    // Span filling: fill a whole row run, then queue the runs above and below.
    while (!stack.empty()) {
        auto [x, y] = stack.back();
        stack.pop_back();
        if (!inside(x, y))
            continue;
        int l = x, r = x;
        while (l > 0 && inside(l - 1, y))
            --l;
        while (r < w - 1 && inside(r + 1, y))
            ++r;
        for (int i = l; i <= r; ++i)
            seen[std::size_t(y) * w + i] = 1;
        minX = std::min(minX, l), maxX = std::max(maxX, r), minY = std::min(minY, y), maxY = std::max(maxY, y);
        for (int ny : {y - 1, y + 1}) {
            if (ny < 0 || ny >= h)
                continue;
            bool inRun = false;
            for (int i = l; i <= r; ++i) {
                const bool in = inside(i, ny);
                if (in && !inRun)
                    stack.emplace_back(i, ny);
                inRun = in;
            }
        }
    }
    m.rect = QRect(QPoint(minX, minY), QPoint(maxX, maxY));
    m.bits.assign(std::size_t(m.rect.width()) * m.rect.height(), 0);
    for (int y = minY; y <= maxY; ++y)
        for (int x = minX; x <= maxX; ++x)
            m.bits[std::size_t(y - minY) * m.rect.width() + (x - minX)] = seen[std::size_t(y) * w + x];
    return m;
}

Mask polygonMask(const QPolygonF& poly, const QRect& image)
{
    Mask m;
    if (poly.size() < 3)
        return m;
    const QRect box = poly.boundingRect().toAlignedRect().adjusted(-1, -1, 1, 1) & image;
    if (box.isEmpty())
        return m;
    m.rect = box;
    m.bits.assign(std::size_t(box.width()) * box.height(), 0);
    std::vector<double> xs;
    const int n = int(poly.size());
    for (int y = box.top(); y <= box.bottom(); ++y) {
        // Scanline through pixel centres: crossings of every edge, then fill between pairs (odd-even).
        const double sy = y + 0.5;
        xs.clear();
        for (int i = 0; i < n; ++i) {
            const QPointF& p = poly[i];
            const QPointF& q = poly[(i + 1) % n];
            if ((p.y() <= sy && q.y() > sy) || (q.y() <= sy && p.y() > sy))
                xs.push_back(p.x() + (sy - p.y()) * (q.x() - p.x()) / (q.y() - p.y()));
        }
        std::sort(xs.begin(), xs.end());
        for (std::size_t k = 0; k + 1 < xs.size(); k += 2) {
            // Pixel x is inside when its centre x + 0.5 lies in [xs[k], xs[k+1]).
            const int x0 = std::max(box.left(), int(std::ceil(xs[k] - 0.5)));
            const int x1 = std::min(box.right(), int(std::ceil(xs[k + 1] - 0.5)) - 1);
            for (int x = x0; x <= x1; ++x)
                m.bits[std::size_t(y - box.top()) * box.width() + (x - box.left())] = 1;
        }
    }
    return m;
}

} // namespace zm::ui
