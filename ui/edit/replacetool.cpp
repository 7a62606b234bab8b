// ReplaceTool implementation.
#include "ui/edit/replacetool.h"

#include "ui/document/imagedocument.h"
#include "ui/edit/editcommands.h"
#include "ui/edit/raster.h"

#include <QPainter>

#include <cmath>

namespace zm::ui {

void ReplaceTool::press(const QPointF& p, Qt::MouseButton button, Qt::KeyboardModifiers mods)
{
    if (!mDocument || !mDocument->hasLabels() || button != Qt::LeftButton)
        return;
    mDragging = true;
    mLasso = mLassoMode || (mods & Qt::ShiftModifier);
    mPath = QPolygonF() << p << p;
    Q_EMIT previewChanged();
}

void ReplaceTool::move(const QPointF& p, Qt::MouseButtons buttons, Qt::KeyboardModifiers)
{
    if (!mDragging)
        return;
    if (mLasso)
        mPath << p;
    else
        mPath[1] = p;
    Q_EMIT previewChanged();
}

void ReplaceTool::release(const QPointF& p, Qt::MouseButton button, Qt::KeyboardModifiers mods)
{
    if (!mDragging || button != Qt::LeftButton)
        return;
    move(p, Qt::LeftButton, mods);
    mDragging = false;
    const QPolygonF path = mPath;
    mPath.clear();
    Q_EMIT previewChanged();

    const QRect image = mDocument->bounds();
    Mask sel;
    if (mLasso) {
        sel = polygonMask(path, image);
    } else {
        // Every pixel the rectangle touches.
        const QRectF r = QRectF(path[0], path[1]).normalized();
        sel.rect = QRect(QPoint(int(std::floor(r.left())), int(std::floor(r.top()))),
                         QPoint(int(std::ceil(r.right())) - 1, int(std::ceil(r.bottom())) - 1)) &
                   image;
        sel.bits.assign(std::size_t(std::max(0, sel.rect.width())) * std::max(0, sel.rect.height()), 1);
    }
    if (sel.empty())
        return;
    const QPoint start(int(std::floor(path[0].x())), int(std::floor(path[0].y())));
    std::uint16_t from;
    if (mFrom)
        from = *mFrom;
    else if (image.contains(start))
        from = mDocument->labels().at(start.x(), start.y());
    else
        return;
    for (int y = sel.rect.top(); y <= sel.rect.bottom(); ++y)
        for (int x = sel.rect.left(); x <= sel.rect.right(); ++x) {
            auto& b = sel.bits[std::size_t(y - sel.rect.top()) * sel.rect.width() + (x - sel.rect.left())];
            b = b && mDocument->labels().at(x, y) == from;
        }
    LabelDelta delta = LabelDelta::fromMask(*mDocument, sel.rect, sel.bits, mClassId, true);
    if (delta.isEmpty()) {
        Q_EMIT message(tr("Nothing of that class in the selection"));
        return;
    }
    mDocument->undoStack()->push(new ReplaceCommand(mDocument, std::move(delta)));
}

void ReplaceTool::cancel()
{
    mDragging = false;
    mPath.clear();
    Q_EMIT previewChanged();
}

void ReplaceTool::paintPreview(QPainter* painter, double) const
{
    if (!mDragging || mPath.size() < 2)
        return;
    QPen pen(QColor(80, 200, 255));
    pen.setCosmetic(true);
    pen.setStyle(Qt::DashLine);
    painter->setPen(pen);
    painter->setBrush(QColor(80, 200, 255, 40));
    if (mLasso)
        painter->drawPolygon(mPath);
    else
        painter->drawRect(QRectF(mPath[0], mPath[1]).normalized());
}

} // namespace zm::ui
