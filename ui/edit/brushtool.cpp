// BrushTool implementation.
#include "ui/edit/brushtool.h"

#include "ui/document/imagedocument.h"
#include "ui/edit/editcommands.h"
#include "ui/edit/raster.h"

#include <QPainter>
#include <QPixmap>

#include <algorithm>
#include <cmath>

namespace zm::ui {

namespace {
std::uint64_t nextStrokeNumber()
{
    static std::uint64_t counter = 0; // GUI thread only
    return ++counter;
}
} // namespace

BrushTool::BrushTool(Mode mode, QObject* parent) : Tool(parent), mMode(mode)
{
    if (mode == Mode::Erase)
        mClassId = zm::LabelMap::kVoid;
}

QString BrushTool::name() const { return mMode == Mode::Paint ? tr("Brush") : tr("Eraser"); }

void BrushTool::setSize(int diameter)
{
    diameter = std::clamp(diameter, kMinSize, kMaxSize);
    if (diameter == mSize)
        return;
    mSize = diameter;
    Q_EMIT sizeChanged(mSize);
    Q_EMIT previewChanged();
}

void BrushTool::press(const QPointF& p, Qt::MouseButton button, Qt::KeyboardModifiers mods)
{
    if (!mDocument || !mDocument->hasLabels() || (button != Qt::LeftButton && button != Qt::RightButton))
        return;
    mStroking = true;
    // The right button erases with the brush too: no tool switch for a quick fix.
    mErasing = mMode == Mode::Erase || button == Qt::RightButton || mClassId == zm::LabelMap::kVoid;
    mUnconfirm = mErasing && (mods & Qt::ShiftModifier);
    mStroke = nextStrokeNumber();
    mLast = p;
    mHover = p;
    paintSegment(p, p);
}

void BrushTool::move(const QPointF& p, Qt::MouseButtons buttons, Qt::KeyboardModifiers mods)
{
    mHover = p;
    if (mStroking && (buttons & (Qt::LeftButton | Qt::RightButton))) {
        paintSegment(mLast, p);
        mLast = p;
    }
    Q_EMIT previewChanged();
}

void BrushTool::release(const QPointF& p, Qt::MouseButton button, Qt::KeyboardModifiers mods)
{
    if (mStroking && p != mLast)
        paintSegment(mLast, p);
    mStroking = false;
}

void BrushTool::cancel() { mStroking = false; }

void BrushTool::paintSegment(const QPointF& from, const QPointF& to)
{
    if (!mDocument || !mDocument->hasLabels())
        return;
    const Mask m = capsuleMask(from, to, mSize, mDocument->bounds());
    if (m.empty())
        return;
    const bool confirmed = !mUnconfirm;
    const std::uint16_t id = mErasing ? zm::LabelMap::kVoid : mClassId;
    LabelDelta delta = LabelDelta::fromMask(*mDocument, m.rect, m.bits, id, confirmed);
    if (delta.isEmpty())
        return; // painting over pixels that already have this state is not a step
    mDocument->undoStack()->push(new StrokeCommand(mDocument, std::move(delta), mStroke, mErasing));
}

void BrushTool::paintPreview(QPainter* painter, double zoom) const
{
    if (!mDocument || mHover.x() < -1e8)
        return;
    const QPointF c = snapStamp(mHover, mSize);
    const double r = mSize / 2.0;
    QPen pen(mErasing || mMode == Mode::Erase ? QColor(255, 80, 80) : QColor(255, 255, 255));
    pen.setCosmetic(true); // one screen pixel wide at any zoom
    pen.setWidth(1);
    painter->setPen(pen);
    painter->setBrush(Qt::NoBrush);
    painter->drawEllipse(c, r, r);
    pen.setColor(QColor(0, 0, 0, 160));
    pen.setStyle(Qt::DotLine);
    painter->setPen(pen);
    painter->drawEllipse(c, r, r);
}

QCursor BrushTool::cursor(double zoom) const
{
    // A circle of the brush's screen size; outside a sensible range the preview outline does the job.
    const int d = int(std::lround(mSize * zoom));
    if (d < 5 || d > 250)
        return QCursor(Qt::CrossCursor);
    QPixmap pm(d + 3, d + 3);
    pm.fill(Qt::transparent);
    QPainter p(&pm);
    p.setRenderHint(QPainter::Antialiasing);
    p.setPen(QPen(Qt::black, 1));
    p.drawEllipse(QRectF(1.5, 1.5, d, d));
    p.setPen(QPen(Qt::white, 1));
    p.drawEllipse(QRectF(0.5, 0.5, d, d));
    p.end();
    return QCursor(pm, (d + 3) / 2, (d + 3) / 2);
}

} // namespace zm::ui
