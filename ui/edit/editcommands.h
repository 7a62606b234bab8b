// The undo command of each edit kind. All of them store a LabelDelta; only strokes merge (segments
// of one press-drag-release are one undo step).
#pragma once
#include "ui/edit/labeleditcommand.h"

#include <QCoreApplication>

namespace zm::ui {

class StrokeCommand : public LabelEditCommand {
public:
    /// `stroke` numbers the press-drag-release gesture; segments with the same number merge.
    StrokeCommand(ImageDocument* doc, LabelDelta delta, std::uint64_t stroke, bool erase)
        : LabelEditCommand(doc, std::move(delta), erase ? tr("Erase") : tr("Brush stroke"), UndoIdStroke, stroke)
    {
    }
    static QString tr(const char* s) { return QCoreApplication::translate("StrokeCommand", s); }
};

#define ZM_EDIT_COMMAND(Name, Text)                                                                                    \
    class Name : public LabelEditCommand {                                                                             \
    public:                                                                                                            \
        Name(ImageDocument* doc, LabelDelta delta)                                                                     \
            : LabelEditCommand(doc, std::move(delta), QCoreApplication::translate(#Name, Text))                       \
        {                                                                                                              \
        }                                                                                                              \
    };

ZM_EDIT_COMMAND(FillCommand, "Flood fill")
ZM_EDIT_COMMAND(PolygonCommand, "Polygon fill")
ZM_EDIT_COMMAND(AcceptCommand, "Accept prediction")
ZM_EDIT_COMMAND(ReplaceCommand, "Replace class in selection")
ZM_EDIT_COMMAND(ImportCommand, "Import labels")
ZM_EDIT_COMMAND(MergeClassesCommand, "Merge classes")
ZM_EDIT_COMMAND(RefineCommand, "Refine edges")

#undef ZM_EDIT_COMMAND

} // namespace zm::ui
