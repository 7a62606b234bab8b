// OverlayRenderer: label map -> ARGB32 premultiplied overlay image through a 65536-entry colour
// table (class id -> colour; hidden classes and void transparent). Scanline code, no Qt painting:
// a 4000x3000 map renders in a few tens of milliseconds, and a changed region alone in much less.
#pragma once
#include "core/common/image.h"

#include <QColor>
#include <QImage>
#include <QRect>

#include <vector>

namespace zm::ui {

class ClassListModel;

class OverlayRenderer {
public:
    OverlayRenderer();
    /// Builds the colour table from the classes (colour, visibility). Ids absent from the model
    /// (deleted classes, void) are transparent.
    void setClasses(const ClassListModel& classes);
    /// Direct access for callers without a model.
    void setColor(std::uint16_t id, QColor color);
    void clearColors();

    /// Outline mode draws only pixels whose right or bottom neighbour has another label.
    void setOutline(bool outline) { mOutline = outline; }
    bool outline() const { return mOutline; }

    /// Renders `region` of `labels` (an empty region = everything) into `target`, which is
    /// (re)allocated to the label map's size when it does not fit. Returns the rectangle written.
    QRect render(const zm::LabelMap& labels, QImage& target, const QRect& region = {}) const;

    QRgb colorOf(std::uint16_t id) const { return mLut[id]; }

private:
    std::vector<QRgb> mLut; ///< premultiplied ARGB per id
    bool mOutline = false;
};

} // namespace zm::ui
