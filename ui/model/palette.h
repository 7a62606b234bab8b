// Class colours: a fixed list of distinct, VOC-like colours indexed by stable class id, so a class
// keeps its colour across images, sessions and exports.
#pragma once
#include <QColor>

#include <cstdint>

namespace zm::ui {

/// Colour for a stable class id; repeats with a shifted hue after the first 24.
QColor paletteColor(std::uint16_t id);

} // namespace zm::ui
