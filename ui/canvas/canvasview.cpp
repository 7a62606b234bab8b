// Canvas implementation.
#include "ui/canvas/canvasview.h"

#include <QGraphicsPixmapItem>
#include <QWheelEvent>

namespace zm::ui {

QImage toQImage(const zm::Image& image)
{
    if (image.empty())
        return {};
    const QImage::Format fmt = image.channels == 1 ? QImage::Format_Grayscale8 : QImage::Format_RGB888;
    QImage view(image.pixels.data(), image.width, image.height, image.width * image.channels, fmt);
    return view.copy();
}

CanvasView::CanvasView(QWidget* parent) : QGraphicsView(parent), mScene(new QGraphicsScene(this))
{
    setScene(mScene);
    mImageItem = mScene->addPixmap(QPixmap());
    setDragMode(QGraphicsView::ScrollHandDrag);
    setTransformationAnchor(QGraphicsView::AnchorUnderMouse);
    setBackgroundBrush(QColor(48, 48, 48));
    setRenderHint(QPainter::SmoothPixmapTransform, false);
}

void CanvasView::setImage(const zm::Image& image)
{
    mImageItem->setPixmap(QPixmap::fromImage(toQImage(image)));
    mScene->setSceneRect(mImageItem->boundingRect());
    fitToWindow();
}

void CanvasView::clear() { mImageItem->setPixmap(QPixmap()); }
bool CanvasView::hasImage() const { return !mImageItem->pixmap().isNull(); }

void CanvasView::fitToWindow()
{
    if (hasImage())
        fitInView(mImageItem, Qt::KeepAspectRatio);
}

void CanvasView::zoomBy(double factor) { scale(factor, factor); }
double CanvasView::zoom() const { return transform().m11(); }

void CanvasView::wheelEvent(QWheelEvent* event)
{
    const double steps = event->angleDelta().y() / 120.0;
    if (steps != 0)
        zoomBy(std::pow(1.25, steps));
    event->accept();
}

} // namespace zm::ui
