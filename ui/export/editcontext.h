// EditContext: what the export, import and statistics dialogs need from the main window, gathered
// in one value so the dialogs do not depend on the window (and tests can build one by hand).
#pragma once
#include "ui/export/exportjobs.h"

#include "core/io/classtable.h"

#include <QString>

#include <functional>

namespace zm {
class Project;
}

namespace zm::ui {

class ImageDocument;

struct EditContext {
    ImageDocument* current = nullptr;  ///< the image on screen (may be null)
    zm::Project* project = nullptr;    ///< the open project (may be null: whole-folder work is then off)
    zm::ClassTable classes;            ///< ids, names and colours of the classes
    DocumentLookup documentFor;        ///< open documents by image key
    /// Saves every open document into the project (e.g. Autosaver::saveAll); false + message on failure.
    std::function<bool(QString* error)> saveAll;
};

} // namespace zm::ui
