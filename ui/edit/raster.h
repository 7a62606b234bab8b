// Pixel geometry the editing tools share, as pure functions on image coordinates: brush stamps
// interpolated along a segment, flood fill, polygon and lasso rasterisation. Results are masks over
// a bounding rectangle clipped to the image.
#pragma once
#include "core/common/image.h"

#include <QPointF>
#include <QPolygonF>
#include <QRect>

#include <cstdint>
#include <vector>

namespace zm::ui {

struct Mask {
    QRect rect;                      ///< bounds in image pixels (empty: nothing selected)
    std::vector<std::uint8_t> bits;  ///< rect.width() x rect.height(), 1 = selected
    bool empty() const { return rect.isEmpty(); }
    bool at(int x, int y) const
    {
        return rect.contains(x, y) && bits[std::size_t(y - rect.top()) * rect.width() + (x - rect.left())];
    }
    std::size_t count() const;
};

/// Centre of a round stamp of `diameter` px for a cursor at `p`: a pixel centre for odd diameters, a
/// pixel corner for even ones, so that the stamp is exactly `diameter` pixels wide.
QPointF snapStamp(const QPointF& p, int diameter);

/// Every pixel whose centre lies within diameter/2 of the segment a-b (a capsule), so that a fast
/// stroke leaves no gaps. a == b gives one round stamp. Clipped to `image`.
Mask capsuleMask(const QPointF& a, const QPointF& b, int diameter, const QRect& image);

/// 4-connected region of pixels with the same id as (x, y). Pixels of other ids (holes) stay out.
Mask floodFillMask(const zm::LabelMap& labels, int x, int y);

/// Same, but only through pixels where `allowed` (same size as labels) is non-zero.
Mask floodFillMask(const zm::LabelMap& labels, int x, int y, const std::vector<std::uint8_t>& allowed);

/// Pixels whose centre is inside the polygon (odd-even rule), clipped to `image`. Needs 3+ points.
Mask polygonMask(const QPolygonF& polygon, const QRect& image);

} // namespace zm::ui
