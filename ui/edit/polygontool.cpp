// PolygonTool implementation.
#include "ui/edit/polygontool.h"

#include "ui/document/imagedocument.h"
#include "ui/edit/editcommands.h"
#include "ui/edit/raster.h"

#include <QLineF>
#include <QPainter>

namespace zm::ui {

void PolygonTool::setDocument(ImageDocument* doc)
{
    cancel();
    Tool::setDocument(doc);
}

void PolygonTool::press(const QPointF& p, Qt::MouseButton button, Qt::KeyboardModifiers mods)
{
    if (!mDocument || !mDocument->hasLabels())
        return;
    if (button == Qt::RightButton) {
        if (!mPoints.isEmpty())
            mPoints.removeLast();
        Q_EMIT previewChanged();
        return;
    }
    if (button != Qt::LeftButton)
        return;
    // A click within ~6 screen pixels of the first vertex closes the polygon.
    if (mPoints.size() >= 3 && QLineF(p, mPoints.first()).length() * mZoom < 6.0) {
        close();
        return;
    }
    mPoints << p;
    mHover = p;
    Q_EMIT previewChanged();
}

void PolygonTool::move(const QPointF& p, Qt::MouseButtons, Qt::KeyboardModifiers)
{
    mHover = p;
    if (!mPoints.isEmpty())
        Q_EMIT previewChanged();
}

void PolygonTool::doubleClick(const QPointF& p, Qt::MouseButton button)
{
    // The first press of the double click already added the vertex.
    if (button == Qt::LeftButton)
        close();
}

bool PolygonTool::keyPress(int key, Qt::KeyboardModifiers)
{
    switch (key) {
    case Qt::Key_Return:
    case Qt::Key_Enter:
        close();
        return true;
    case Qt::Key_Escape:
        cancel();
        return true;
    case Qt::Key_Backspace:
        if (!mPoints.isEmpty())
            mPoints.removeLast();
        Q_EMIT previewChanged();
        return true;
    default:
        return false;
    }
}

void PolygonTool::cancel()
{
    mPoints.clear();
    Q_EMIT previewChanged();
}

void PolygonTool::close()
{
    QPolygonF poly = mPoints;
    mPoints.clear();
    Q_EMIT previewChanged();
    if (!mDocument || poly.size() < 3)
        return;
    const Mask m = polygonMask(poly, mDocument->bounds());
    if (m.empty())
        return;
    LabelDelta delta = LabelDelta::fromMask(*mDocument, m.rect, m.bits, mClassId, true);
    if (!delta.isEmpty())
        mDocument->undoStack()->push(new PolygonCommand(mDocument, std::move(delta)));
}

void PolygonTool::paintPreview(QPainter* painter, double zoom) const
{
    mZoom = zoom; // the close-on-first-vertex radius is in screen pixels
    if (mPoints.isEmpty())
        return;
    QPen pen(QColor(255, 220, 0));
    pen.setCosmetic(true);
    pen.setWidth(2);
    painter->setPen(pen);
    painter->setBrush(QColor(255, 220, 0, 50));
    QPolygonF shown = mPoints;
    shown << mHover;
    painter->drawPolygon(shown);
    const double r = 3.0 / std::max(zoom, 1e-6);
    painter->setBrush(QColor(255, 220, 0));
    for (const QPointF& v : mPoints)
        painter->drawEllipse(v, r, r);
}

} // namespace zm::ui
