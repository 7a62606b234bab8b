// Palette: hand-picked distinct colours first (readable on photos), then generated ones.
#include "ui/model/palette.h"

namespace zm::ui {

QColor paletteColor(std::uint16_t id)
{
    // VOC's first colours are dark; these are the VOC hues lifted to be visible as an overlay.
    static const QRgb kColors[] = {
        0xe6194b, 0x3cb44b, 0xffe119, 0x4363d8, 0xf58231, 0x911eb4, 0x46f0f0, 0xf032e6,
        0xbcf60c, 0xfabebe, 0x008080, 0xe6beff, 0x9a6324, 0xfffac8, 0x800000, 0xaaffc3,
        0x808000, 0xffd8b1, 0x000075, 0x808080, 0x1f77b4, 0xff7f0e, 0x2ca02c, 0xd62728,
    };
    constexpr int n = int(sizeof(kColors) / sizeof(kColors[0]));
    if (id < n)
        return QColor::fromRgb(kColors[id]);
    // Golden-angle hue steps keep later colours apart from their neighbours.
    const int hue = int((id * 137.508)) % 360;
    const int sat = 160 + (id * 37) % 90;
    const int val = 170 + (id * 53) % 80;
    return QColor::fromHsv(hue, sat, val);
}

} // namespace zm::ui
