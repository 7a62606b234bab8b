// LabelEditCommand: the undo step of every label edit. It holds a compressed LabelDelta (only the
// tiles the edit changed) and applies its "after" on redo and its "before" on undo. The edit kinds
// (stroke, fill, polygon, accept, replace, import, merge classes) are thin subclasses in
// editcommands.h that differ in their text and whether they merge.
#pragma once
#include "ui/edit/labeldelta.h"
#include "ui/edit/undoids.h"

#include <QUndoCommand>

#include <memory>

namespace zm::ui {

class ImageDocument;

class LabelEditCommand : public QUndoCommand {
public:
    LabelEditCommand(ImageDocument* doc, LabelDelta delta, const QString& text, int mergeId = UndoIdNone,
                     std::uint64_t mergeKey = 0);

    void redo() override;
    void undo() override;
    int id() const override { return mMergeId; }
    bool mergeWith(const QUndoCommand* other) override;

    const LabelDelta& delta() const { return *mDelta; }
    std::size_t bytes() const { return mDelta->bytes() + sizeof(*this); }

    /// A copy that shares the delta, for rebuilding the stack when the memory cap drops old steps.
    LabelEditCommand* cloneShared() const;

    /// While true, redo()/undo() change nothing: the stack is being rebuilt over a document that is
    /// already in the right state (see UndoBudget).
    static void setInert(bool inert);

private:
    ImageDocument* mDoc;
    std::shared_ptr<LabelDelta> mDelta;
    int mMergeId;
    std::uint64_t mMergeKey; ///< e.g. the stroke number: only commands with equal keys merge
};

} // namespace zm::ui
