// Class edits implementation on top of core/io's pure remapIds.
#include "ui/edit/classedits.h"

#include "ui/document/imagedocument.h"
#include "ui/edit/editcommands.h"

#include "core/common/error.h"
#include "core/io/annotation.h"

namespace zm::ui {

bool remapClasses(ImageDocument& doc, const std::map<std::uint16_t, std::uint16_t>& mapping)
{
    if (!doc.hasLabels() || mapping.empty())
        return false;
    const zm::AnnotationState remapped = zm::remapIds(doc.state(), mapping);
    if (!remapped.predicted.empty())
        doc.setPrediction(remapped.predicted, doc.confidence());
    LabelDelta delta = LabelDelta::fromState(doc, doc.bounds(), remapped.labels.ids, remapped.confirmed);
    if (delta.isEmpty())
        return false;
    doc.undoStack()->push(new MergeClassesCommand(&doc, std::move(delta)));
    return true;
}

std::size_t importLabels(ImageDocument& doc, const zm::LabelMap& labels, const QString& source)
{
    if (labels.width != doc.width() || labels.height != doc.height())
        throw zm::fileError(source.toStdString(), "labels are " + std::to_string(labels.width) + "x" +
                                                      std::to_string(labels.height) + " but the image is " +
                                                      std::to_string(doc.width()) + "x" + std::to_string(doc.height()));
    std::vector<std::uint8_t> mask(labels.ids.size());
    for (std::size_t i = 0; i < mask.size(); ++i)
        mask[i] = labels.ids[i] != zm::LabelMap::kVoid;
    std::vector<std::uint16_t> ids = doc.labels().ids;
    std::vector<std::uint8_t> conf = doc.confirmed();
    for (std::size_t i = 0; i < mask.size(); ++i)
        if (mask[i]) {
            ids[i] = labels.ids[i];
            conf[i] = 1;
        }
    LabelDelta delta = LabelDelta::fromState(doc, doc.bounds(), ids, conf);
    const std::size_t changed = delta.changedPixels();
    if (!delta.isEmpty())
        doc.undoStack()->push(new ImportCommand(&doc, std::move(delta)));
    return changed;
}

} // namespace zm::ui
