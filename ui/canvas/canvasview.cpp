// Canvas implementation. The overlay is an item that draws only the exposed part of a QImage, so
// updating a brush-sized region repaints a brush-sized area, even on a 4000x3000 image.
#include "ui/canvas/canvasview.h"

#include "ui/document/imagedocument.h"
#include "ui/edit/tool.h"
#include "ui/model/classlistmodel.h"

#include <QGraphicsItem>
#include <QGraphicsPixmapItem>
#include <QGraphicsRectItem>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QScrollBar>
#include <QStyleOptionGraphicsItem>
#include <QTimer>
#include <QWheelEvent>

#include <cmath>
#include <limits>

namespace zm::ui {

/// Draws the overlay QImage, exposed part only, without smoothing (labels are discrete).
class OverlayItem : public QGraphicsItem {
public:
    explicit OverlayItem(const QImage* image) : mImage(image) { setFlag(ItemUsesExtendedStyleOption); }
    QRectF boundingRect() const override { return QRectF(QPointF(0, 0), QSizeF(mImage->size())); }
    void paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget*) override
    {
        if (mImage->isNull())
            return;
        const QRect r = option->exposedRect.toAlignedRect().intersected(mImage->rect());
        if (!r.isEmpty())
            painter->drawImage(r, *mImage, r);
    }
    void sizeChanged() { prepareGeometryChange(); }

private:
    const QImage* mImage;
};

/// Draws the image (RGB32 QImage), exposed part only: no QPixmap conversion on the GUI thread.
class ImageItem : public QGraphicsItem {
public:
    ImageItem() { setFlag(ItemUsesExtendedStyleOption); }
    QRectF boundingRect() const override { return QRectF(QPointF(0, 0), QSizeF(mImage.size())); }
    void paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget*) override
    {
        if (mImage.isNull())
            return;
        const QRect r = option->exposedRect.toAlignedRect().intersected(mImage.rect());
        // Smooth when magnified only: smoothing a 12 M pixel downscale on every repaint costs ~100 ms.
        painter->setRenderHint(QPainter::SmoothPixmapTransform, mSmooth);
        if (!r.isEmpty())
            painter->drawImage(r, mImage, r);
    }
    void setImage(QImage image)
    {
        prepareGeometryChange();
        mImage = std::move(image);
        update();
    }
    const QImage& image() const { return mImage; }
    bool mSmooth = true;

private:
    QImage mImage;
};

/// Lets the active tool draw its preview (brush outline, polygon in progress) above everything.
class ToolPreviewItem : public QGraphicsItem {
public:
    explicit ToolPreviewItem(CanvasView* view) : mView(view) {}
    QRectF boundingRect() const override { return mRect; }
    void setRect(const QRectF& r)
    {
        prepareGeometryChange();
        mRect = r;
    }
    void paint(QPainter* painter, const QStyleOptionGraphicsItem*, QWidget*) override
    {
        if (Tool* t = mView->tool())
            t->paintPreview(painter, mView->zoom());
    }

private:
    CanvasView* mView;
    QRectF mRect;
};

QImage CanvasView::displayImage(const zm::Image& image)
{
    return toQImage(image).convertToFormat(QImage::Format_RGB32);
}

void CanvasView::cacheDisplayImage(const QString& path, QImage image)
{
    for (int i = 0; i < mDisplayCache.size(); ++i)
        if (mDisplayCache[i].first == path) {
            mDisplayCache.removeAt(i);
            break;
        }
    mDisplayCache.append({path, std::move(image)});
    while (mDisplayCache.size() > 4)
        mDisplayCache.removeFirst();
}

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
    mImageItem = new ImageItem;
    mScene->addItem(mImageItem);
    mOverlayItem = new OverlayItem(&mOverlay);
    mOverlayItem->setOpacity(0.5);
    mScene->addItem(mOverlayItem);
    mPreviewItem = new ToolPreviewItem(this);
    mScene->addItem(mPreviewItem);
    setDragMode(QGraphicsView::ScrollHandDrag);
    setTransformationAnchor(QGraphicsView::AnchorUnderMouse);
    setResizeAnchor(QGraphicsView::AnchorViewCenter);
    setBackgroundBrush(QColor(40, 42, 46));
    setFrameShape(QFrame::NoFrame);
    setRenderHint(QPainter::SmoothPixmapTransform, true);
    // Only the changed region of the overlay is repainted.
    setViewportUpdateMode(QGraphicsView::MinimalViewportUpdate);
    setOptimizationFlags(QGraphicsView::DontSavePainterState);
    setMouseTracking(true);
    setFocusPolicy(Qt::StrongFocus);
}

CanvasView::~CanvasView() = default;

void CanvasView::setDocument(ImageDocument* document)
{
    if (mDocument == document)
        return;
    if (mDocument)
        disconnect(mDocument, nullptr, this, nullptr);
    hideRegion(); // a region marked on the previous image means nothing on this one
    mDocument = document;
    if (mTool)
        mTool->setDocument(document);
    if (mDocument) {
        connect(mDocument, &ImageDocument::labelsChanged, this, &CanvasView::renderLabels);
        // setImage() emits labelsChanged right after imageChanged: render the overlay once, then.
        connect(mDocument, &ImageDocument::imageChanged, this, [this] { reloadImage(false); });
        connect(mDocument, &QObject::destroyed, this, [this] { clear(); });
    }
    reloadImage(true);
}

void CanvasView::setClassModel(ClassListModel* model)
{
    if (mClasses)
        disconnect(mClasses, nullptr, this, nullptr);
    mClasses = model;
    if (mClasses)
        connect(mClasses, &ClassListModel::appearanceChanged, this, &CanvasView::rebuildColors);
    rebuildColors();
}

void CanvasView::rebuildColors()
{
    if (mClasses)
        mRenderer.setClasses(*mClasses);
    else
        mRenderer.clearColors();
    renderLabels(QRect());
}

void CanvasView::setTool(Tool* tool)
{
    if (mTool)
        disconnect(mTool, nullptr, this, nullptr);
    mTool = tool;
    if (mTool) {
        mTool->setDocument(mDocument);
        connect(mTool, &Tool::previewChanged, this, [this] { mPreviewItem->update(); });
    }
    setDragMode(mTool ? QGraphicsView::NoDrag : QGraphicsView::ScrollHandDrag);
    updateCursor();
    mPreviewItem->update();
}

void CanvasView::reloadImage(bool renderOverlay)
{
    const bool hadImage = hasImage();
    const QSize oldSize = mImageItem->image().size();
    QImage display;
    if (mDocument && !mDocument->image().empty()) {
        const zm::Image& img = mDocument->image();
        for (const auto& entry : mDisplayCache)
            if (entry.first == mDocument->path() && entry.second.width() == img.width && entry.second.height() == img.height)
                display = entry.second;
        if (display.isNull()) {
            display = displayImage(img);
            cacheDisplayImage(mDocument->path(), display);
        }
    }
    mImageItem->setImage(display);
    const QRectF bounds = mImageItem->boundingRect();
    mScene->setSceneRect(bounds);
    mPreviewItem->setRect(bounds);
    if (renderOverlay)
        renderLabels(QRect());
    // Keep the person's zoom when the next image has the same size (comparing frames); fit otherwise.
    if (!hadImage || oldSize != mImageItem->image().size())
        fitToWindow();
}

void CanvasView::renderLabels(const QRect& region)
{
    const QSize before = mOverlay.size();
    QRect written;
    if (mDocument && mDocument->labels().width == mDocument->image().width &&
        mDocument->labels().height == mDocument->image().height && !mDocument->labels().empty())
        written = mRenderer.render(mDocument->labels(), mOverlay, region, &mDocument->confirmed());
    else
        mOverlay = QImage();
    if (mOverlay.size() != before)
        mOverlayItem->sizeChanged();
    ++mRenderCount;
    if (region.isEmpty() || mOverlay.size() != before)
        mOverlayItem->update();
    else
        mOverlayItem->update(QRectF(written));
    Q_EMIT overlayUpdated(written);
}

void CanvasView::clear()
{
    hideRegion();
    mDocument = nullptr;
    mImageItem->setImage(QImage());
    mOverlay = QImage();
    mOverlayItem->sizeChanged();
    mOverlayItem->update();
}

bool CanvasView::hasImage() const { return !mImageItem->image().isNull(); }

void CanvasView::fitToWindow()
{
    if (!hasImage())
        return;
    fitInView(mImageItem, Qt::KeepAspectRatio);
    Q_EMIT zoomChanged(zoom());
}

void CanvasView::zoomBy(double factor)
{
    const double next = zoom() * factor;
    // Between "the whole image is a few pixels" and "a pixel fills the view".
    if (next < 0.01 || next > 64)
        return;
    scale(factor, factor);
    Q_EMIT zoomChanged(zoom());
}

void CanvasView::setZoom(double z)
{
    if (z > 0)
        zoomBy(z / zoom());
}

double CanvasView::zoom() const { return transform().m11(); }

void CanvasView::setOverlayOpacity(double opacity) { mOverlayItem->setOpacity(std::clamp(opacity, 0.0, 1.0)); }
double CanvasView::overlayOpacity() const { return mOverlayItem->opacity(); }

void CanvasView::setOutlineMode(bool outline)
{
    if (outline == mRenderer.outline())
        return;
    mRenderer.setOutline(outline);
    renderLabels(QRect());
}

bool CanvasView::isRegionShown() const { return mRegionMark && mRegionMark->isVisible(); }

void CanvasView::hideRegion()
{
    if (mRegionTimer)
        mRegionTimer->stop();
    if (mRegionMark)
        mRegionMark->hide();
}

void CanvasView::showRegion(const QRect& region)
{
    if (!hasImage() || region.isEmpty())
        return;
    if (!mRegionMark) {
        mRegionMark = new QGraphicsRectItem;
        QPen pen(QColor(255, 255, 255), 2, Qt::DashLine);
        pen.setCosmetic(true); // the same width at any zoom
        mRegionMark->setPen(pen);
        mRegionMark->setZValue(10);
        mScene->addItem(mRegionMark);
        mRegionTimer = new QTimer(this);
        mRegionTimer->setSingleShot(true);
        connect(mRegionTimer, &QTimer::timeout, this, [this] { mRegionMark->hide(); });
    }
    mRegionMark->setRect(QRectF(region));
    mRegionMark->show();
    mRegionTimer->start(2500);
    // Zoom out when the region does not fit, then centre it.
    const QRectF visible = mapToScene(viewport()->rect()).boundingRect();
    if (region.width() > visible.width() || region.height() > visible.height())
        fitInView(QRectF(region).adjusted(-10, -10, 10, 10), Qt::KeepAspectRatio);
    centerOn(QRectF(region).center());
    Q_EMIT zoomChanged(zoom());
}

void CanvasView::setConfirmedStyle(OverlayRenderer::ConfirmedStyle style)
{
    if (style == mRenderer.confirmedStyle())
        return;
    mRenderer.setConfirmedStyle(style);
    renderLabels(QRect());
}

QPointF CanvasView::imagePos(const QPoint& viewPos) const { return mapToScene(viewPos); }

void CanvasView::updateCursor()
{
    if (mPanning)
        viewport()->setCursor(Qt::ClosedHandCursor);
    else if (mSpaceDown || !mTool)
        viewport()->setCursor(Qt::OpenHandCursor);
    else
        viewport()->setCursor(mTool->cursor(zoom()));
}

void CanvasView::wheelEvent(QWheelEvent* event)
{
    const double steps = event->angleDelta().y() / 120.0;
    if (steps != 0)
        zoomBy(std::pow(1.25, steps));
    event->accept();
}

void CanvasView::mousePressEvent(QMouseEvent* event)
{
    if (event->button() == Qt::MiddleButton || (mTool && mSpaceDown && event->button() == Qt::LeftButton)) {
        mPanning = true;
        mPanLast = event->position().toPoint();
        updateCursor();
        event->accept();
        return;
    }
    if (mTool && hasImage() && (event->button() == Qt::LeftButton || event->button() == Qt::RightButton)) {
        mToolDrag = true;
        mTool->press(imagePos(event->position().toPoint()), event->button(), event->modifiers());
        event->accept();
        return;
    }
    QGraphicsView::mousePressEvent(event);
}

void CanvasView::mouseMoveEvent(QMouseEvent* event)
{
    const QPoint p = event->position().toPoint();
    if (mPanning) {
        const QPoint d = p - mPanLast;
        mPanLast = p;
        horizontalScrollBar()->setValue(horizontalScrollBar()->value() - d.x());
        verticalScrollBar()->setValue(verticalScrollBar()->value() - d.y());
        event->accept();
        return;
    }
    const QPointF ip = imagePos(p);
    if (mTool && hasImage())
        mTool->move(ip, event->buttons(), event->modifiers());
    if (mDocument && !mDocument->labels().empty()) {
        const int x = int(std::floor(ip.x()));
        const int y = int(std::floor(ip.y()));
        const zm::LabelMap& labels = mDocument->labels();
        if (x >= 0 && y >= 0 && x < labels.width && y < labels.height) {
            const auto& conf = mDocument->confidence();
            const std::size_t i = std::size_t(y) * labels.width + x;
            Q_EMIT hovered(QPoint(x, y), labels.ids[i], i < conf.size() ? conf[i] : std::numeric_limits<float>::quiet_NaN());
        } else {
            Q_EMIT hoverLeft();
        }
    }
    if (mToolDrag) {
        event->accept();
        return;
    }
    QGraphicsView::mouseMoveEvent(event);
}

void CanvasView::mouseReleaseEvent(QMouseEvent* event)
{
    if (mPanning && (event->button() == Qt::MiddleButton || event->button() == Qt::LeftButton)) {
        mPanning = false;
        updateCursor();
        event->accept();
        return;
    }
    if (mToolDrag && mTool) {
        mToolDrag = event->buttons() & (Qt::LeftButton | Qt::RightButton);
        mTool->release(imagePos(event->position().toPoint()), event->button(), event->modifiers());
        event->accept();
        return;
    }
    QGraphicsView::mouseReleaseEvent(event);
}

void CanvasView::mouseDoubleClickEvent(QMouseEvent* event)
{
    if (mTool && hasImage()) {
        mTool->doubleClick(imagePos(event->position().toPoint()), event->button());
        event->accept();
        return;
    }
    QGraphicsView::mouseDoubleClickEvent(event);
}

void CanvasView::keyPressEvent(QKeyEvent* event)
{
    if (event->key() == Qt::Key_Space && !event->isAutoRepeat()) {
        mSpaceDown = true;
        updateCursor();
        event->accept();
        return;
    }
    // The active tool comes first (polygon: Enter closes, Escape abandons, Backspace drops a vertex);
    // keys it does not use keep their usual meaning (scrolling, the window's shortcuts).
    if (mTool && mTool->keyPress(event->key(), event->modifiers())) {
        event->accept();
        return;
    }
    QGraphicsView::keyPressEvent(event);
}

void CanvasView::keyReleaseEvent(QKeyEvent* event)
{
    if (event->key() == Qt::Key_Space && !event->isAutoRepeat()) {
        mSpaceDown = false;
        updateCursor();
        event->accept();
        return;
    }
    QGraphicsView::keyReleaseEvent(event);
}

void CanvasView::leaveEvent(QEvent* event)
{
    Q_EMIT hoverLeft();
    QGraphicsView::leaveEvent(event);
}

} // namespace zm::ui
