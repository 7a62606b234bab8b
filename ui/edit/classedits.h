// Document-wide label edits as single undo steps: merging or deleting classes (confirmed pixels keep
// their identity under the merged class) and importing existing labels to continue work on them.
#pragma once
#include "core/common/image.h"

#include <QString>

#include <cstdint>
#include <map>

namespace zm::ui {

class ImageDocument;

/// Replaces class ids ({A: B} merges A into B; {A: kVoid} deletes A, which hands its pixels back to the
/// model). Confirmed pixels change as one undo step; the prediction is remapped right away (not an
/// undo step: the next prediction replaces it anyway). Returns false when no pixel changed.
bool remapClasses(ImageDocument& doc, const std::map<std::uint16_t, std::uint16_t>& mapping);

/// Imports labels as one undo step: non-void pixels become confirmed with the imported id; void
/// pixels keep what the document has. Throws zm::Error naming `source` when the size differs from the
/// image. Returns the number of pixels that changed.
std::size_t importLabels(ImageDocument& doc, const zm::LabelMap& labels, const QString& source);

} // namespace zm::ui
