// The per-image annotation file (.zma): labels, confirmed flags and the last prediction of one image,
// zlib-compressed with a CRC so a damaged file is detected, never half-read.
#pragma once
#include "core/io/annotation.h"

#include <filesystem>
#include <string>

namespace zm {

/// Bytes of the file: "ZMANNOT1", version, width, height, flags, sizes, CRC-32, zlib payload.
std::string encodeAnnotation(const AnnotationState& state);
/// Throws zm::Error naming `source` for a wrong magic, a newer version, a bad CRC or truncation.
AnnotationState decodeAnnotation(const std::string& bytes, const std::string& source);

/// Atomic write (temporary file + fsync + rename).
void saveAnnotation(const std::filesystem::path& file, const AnnotationState& state);
AnnotationState loadAnnotation(const std::filesystem::path& file);

} // namespace zm
