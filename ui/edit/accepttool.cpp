// AcceptTool implementation.
#include "ui/edit/accepttool.h"

#include "ui/document/imagedocument.h"
#include "ui/edit/editcommands.h"
#include "ui/edit/raster.h"

#include <cmath>

namespace zm::ui {

void AcceptTool::press(const QPointF& p, Qt::MouseButton button, Qt::KeyboardModifiers mods)
{
    if (!mDocument || !mDocument->hasLabels() || button != Qt::LeftButton)
        return;
    const int x = int(std::floor(p.x())), y = int(std::floor(p.y()));
    if (!mDocument->bounds().contains(x, y))
        return;
    const zm::LabelMap& pred = mDocument->predicted();
    if (pred.empty()) {
        Q_EMIT message(tr("No prediction to accept yet"));
        return;
    }
    const std::uint16_t id = pred.at(x, y);
    if (id == zm::LabelMap::kVoid) {
        Q_EMIT message(tr("The model left this pixel unlabelled"));
        return;
    }
    std::vector<std::uint8_t> unconfirmed(mDocument->confirmed().size());
    for (std::size_t i = 0; i < unconfirmed.size(); ++i)
        unconfirmed[i] = mDocument->confirmed()[i] ? 0 : 1;
    Mask m;
    if (mods & Qt::ControlModifier) {
        m.rect = mDocument->bounds();
        m.bits.resize(unconfirmed.size());
        for (std::size_t i = 0; i < unconfirmed.size(); ++i)
            m.bits[i] = unconfirmed[i] && pred.ids[i] == id;
    } else {
        m = floodFillMask(pred, x, y, unconfirmed);
    }
    if (m.empty()) {
        Q_EMIT message(tr("This pixel is already confirmed"));
        return;
    }
    LabelDelta delta = LabelDelta::fromMask(*mDocument, m.rect, m.bits, id, true);
    if (!delta.isEmpty())
        mDocument->undoStack()->push(new AcceptCommand(mDocument, std::move(delta)));
}

} // namespace zm::ui
