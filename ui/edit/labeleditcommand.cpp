// LabelEditCommand implementation.
#include "ui/edit/labeleditcommand.h"

#include "ui/document/imagedocument.h"

namespace zm::ui {

namespace {
bool gInert = false; // GUI thread only, like the undo stacks themselves
}

void LabelEditCommand::setInert(bool inert) { gInert = inert; }

LabelEditCommand::LabelEditCommand(ImageDocument* doc, LabelDelta delta, const QString& text, int mergeId,
                                   std::uint64_t mergeKey)
    : QUndoCommand(text), mDoc(doc), mDelta(std::make_shared<LabelDelta>(std::move(delta))), mMergeId(mergeId),
      mMergeKey(mergeKey)
{
}

void LabelEditCommand::redo()
{
    if (!gInert)
        mDelta->applyAfter(*mDoc);
}

void LabelEditCommand::undo()
{
    if (!gInert)
        mDelta->applyBefore(*mDoc);
}

bool LabelEditCommand::mergeWith(const QUndoCommand* other)
{
    const auto* o = dynamic_cast<const LabelEditCommand*>(other);
    if (!o || o->mMergeId != mMergeId || o->mMergeKey != mMergeKey || o->mDoc != mDoc || gInert)
        return false;
    mDelta->mergeLater(*o->mDelta);
    return true;
}

LabelEditCommand* LabelEditCommand::cloneShared() const
{
    auto* c = new LabelEditCommand(mDoc, LabelDelta(), text(), mMergeId, mMergeKey);
    c->mDelta = mDelta;
    return c;
}

} // namespace zm::ui
