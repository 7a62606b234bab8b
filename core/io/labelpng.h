// Label images as PNG: VOC-style palette PNGs (8-bit indexed, colour type 3, 255 = void), grey id PNGs
// (8-bit, or 16-bit when an id does not fit in 8 bits), the class list text file and a coloured preview
// for people. Pixels hold stable class ids (see ClassTable). Output bytes are deterministic.
#pragma once
#include "core/common/image.h"
#include "core/io/classtable.h"

#include <filesystem>
#include <string>

namespace zm {

enum class PaletteKind {
    Voc,     ///< the PASCAL VOC colour map (index i = VOC colour i, 255 = (224,224,192))
    Project  ///< each class's colour from the label map; other entries from the VOC map
};

/// Writes an 8-bit indexed PNG whose pixel values are the class ids (void = the table's ignore index).
/// Throws zm::Error when an id does not fit in 8 bits (more than 255 classes: use writeIdPng).
void writePalettePng(const std::filesystem::path& file, const LabelMap& labels, const ClassTable& table,
                     PaletteKind palette = PaletteKind::Voc);

/// Writes a grey PNG of ids: 8-bit (void = ignore index) when every class id of the table is below 255,
/// else 16-bit (void = 65535).
void writeIdPng(const std::filesystem::path& file, const LabelMap& labels, const ClassTable& table);

/// Reads a palette PNG (indices, not colours) or a grey 8/16-bit id PNG as class ids: the ignore index
/// (8-bit) or 65535 (16-bit) becomes LabelMap::kVoid. Refuses colour PNGs, a size other than
/// width x height (when > 0) and ids that are not in the table, with a message naming the file.
LabelMap readLabelPng(const std::filesystem::path& file, const ClassTable& table, int width = 0, int height = 0);

/// What a PNG file holds, as read from its header (for tests and checks).
struct PngHeader {
    int width = 0, height = 0, bitDepth = 0, colorType = 0; ///< colorType: 0 grey, 2 RGB, 3 palette, ...
    std::vector<Rgb> palette;                                ///< PLTE entries when present
};
PngHeader readPngHeader(const std::filesystem::path& file);

/// Colours the labels (class colours, void in black); when `photo` is given (same size) blends
/// them over it with `alpha` for the labels and keeps void pixels as the photo.
Image renderPreview(const LabelMap& labels, const ClassTable& table, const Image* photo = nullptr, double alpha = 0.5);

/// "class_names.txt": line i holds the name of class id i ("_unused_" for ids with no class), up to the
/// largest id. The VOC tools read classes that way.
void writeClassList(const std::filesystem::path& file, const ClassTable& table);

} // namespace zm
