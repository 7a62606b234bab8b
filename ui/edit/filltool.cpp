// FillTool implementation.
#include "ui/edit/filltool.h"

#include "ui/document/imagedocument.h"
#include "ui/edit/editcommands.h"
#include "ui/edit/raster.h"

#include <cmath>

namespace zm::ui {

void FillTool::press(const QPointF& p, Qt::MouseButton button, Qt::KeyboardModifiers mods)
{
    if (!mDocument || !mDocument->hasLabels() || button != Qt::LeftButton)
        return;
    const int x = int(std::floor(p.x())), y = int(std::floor(p.y()));
    if (!mDocument->bounds().contains(x, y))
        return;
    const Mask m = floodFillMask(mDocument->labels(), x, y);
    LabelDelta delta = LabelDelta::fromMask(*mDocument, m.rect, m.bits, mClassId, true);
    if (!delta.isEmpty())
        mDocument->undoStack()->push(new FillCommand(mDocument, std::move(delta)));
}

} // namespace zm::ui
