// PNG reading and writing for data sets, through libpng so that (1) palette label PNGs (VOC) give their
// palette *indices*, not colours, and (2) written files are byte-identical for identical pixels (fixed
// compression settings, no time stamp), which the FashionScenes generator promises.
#pragma once
#include "core/common/image.h"

#include <filesystem>

namespace zm {

/// Reads a label PNG: 8-bit palette (indices), 8- or 16-bit grey (values). `voidValue` in an 8-bit file
/// (255 for VOC, COCO-Stuff and the generic layout) becomes LabelMap::kVoid; in a 16-bit file 65535 does. RGB label files are refused
/// with a message that says what is expected. Throws zm::Error naming the file.
LabelMap readLabelIds(const std::filesystem::path& path, int voidValue = 255);

/// Reads any PNG as 8-bit RGB (palette expanded, grey replicated, alpha dropped, 16-bit reduced to the high
/// byte). Used for background photos so their pixels do not depend on another decoder's build.
Image readImagePng(const std::filesystem::path& path);

/// Reads the size of a PNG without decoding the pixels.
void pngSize(const std::filesystem::path& path, int& width, int& height);

/// Writes an 8-bit grey or RGB image as PNG, atomically and deterministically.
void writeImagePng(const std::filesystem::path& path, const Image& image, int compressionLevel = 6);

/// Writes label ids as an 8-bit grey PNG: kVoid -> `voidValue`; ids above 254 are refused.
void writeLabelIds(const std::filesystem::path& path, const LabelMap& labels, int voidValue = 255,
                   int compressionLevel = 6);

} // namespace zm
